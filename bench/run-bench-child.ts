// One measured sync run, in a process of its own so its peak RSS is its own: builds the engine's real
// dependencies (state DB, ERP pool, Kibo client pointed at the bench's emulator) and runs runSyncCycle.
// Input: one JSON argument (BenchChildInput); output: one JSON line (BenchChildOutput) on stdout.
import { readFileSync } from 'node:fs';
import { loadMappingFiles } from '../src/config/load-mapping-files.ts';
import { createErpPool } from '../src/erp/read-erp-rows.ts';
import { createKiboClient } from '../src/kibo/kibo-client.ts';
import { formatMappingProblems } from '../src/mapping/index.ts';
import { closeStateDb, createStateDb, migrateState } from '../src/state/index.ts';
import { runSyncCycle } from '../src/sync/run-sync-cycle.ts';
import { DEFAULT_SYNC_TIMINGS } from '../src/sync/sync-deps.ts';
import type { SyncRunSummary } from '../src/sync/sync-summary.ts';
import { createSystemClock } from '../src/support/clock.ts';
import { createLogger } from '../src/support/logger.ts';

export interface BenchChildInput {
  readonly mappingDir: string;
  readonly stateDatabaseUrl: string;
  readonly erpDatabaseUrl: string;
  readonly dataDir: string;
  readonly dryRun: boolean;
  /** Send every ERP row (the bench's full-snapshot reference run). */
  readonly resync?: boolean;
  /** Keep Kibo's export on the main thread whatever its size (SyncDeps.kiboWorkerMinExportBytes = ∞). */
  readonly inline?: boolean;
  readonly emulator: {
    readonly url: string; readonly tenantId: number; readonly siteId: number; readonly masterCatalogId: number;
    readonly catalogId: number; readonly clientId: string; readonly sharedSecret: string;
  };
}

export interface BenchChildOutput {
  readonly summaries: readonly SyncRunSummary[];
  /** Wall time of runSyncCycle alone (setup and migrations excluded). */
  readonly cycleMs: number;
  /** Peak RSS of this process (VmHWM), in bytes. */
  readonly maxRssBytes: number;
  /** Peak RSS before runSyncCycle (node, tsx's loader, the engine's modules, pools): what the run adds is the rest. */
  readonly baselineRssBytes: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
}

/**
 * This process's peak RSS, in bytes. VmHWM belongs to the address space, which exec replaces, whereas
 * getrusage's maxRSS survives exec on Linux and so would report the (forking) runner's own RSS.
 */
function readPeakRssBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/mu.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // no /proc (not Linux): getrusage below is the best available figure
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Kibo's jobs are the emulator's here: poll often so waiting adds little to the engine's stages. */
const BENCH_POLL_INTERVAL_MS = 20;

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '') as BenchChildInput;
  const clock = createSystemClock();
  const logger = createLogger({ level: 'warn', destination: process.stderr });
  const { mappings, problems } = await loadMappingFiles(input.mappingDir);
  if (problems.length > 0) throw new Error(`bench mapping is invalid:\n${formatMappingProblems(problems)}`);
  const db = createStateDb(input.stateDatabaseUrl);
  const erpPool = createErpPool(input.erpDatabaseUrl, 'kibo-sync bench');
  try {
    await migrateState(db);
    const { emulator } = input;
    const kibo = createKiboClient(
      { ...emulator, emulatorUrl: emulator.url, authHost: 'home.kibo-emulator.test', requestTimeoutMs: 600_000 },
      { clock, logger },
    );
    const timings = { ...DEFAULT_SYNC_TIMINGS, pollIntervalMs: BENCH_POLL_INTERVAL_MS, maxPollIntervalMs: BENCH_POLL_INTERVAL_MS };
    const baselineRssBytes = readPeakRssBytes();
    const started = performance.now();
    const summaries = await runSyncCycle(
      {
        db, erpPool, kibo, clock, logger, dataDir: input.dataDir, timings, lockDatabaseUrl: input.stateDatabaseUrl,
        ...(input.inline === true ? { kiboWorkerMinExportBytes: Number.POSITIVE_INFINITY } : {}),
      },
      mappings,
      { trigger: 'manual', resync: input.resync === true, dryRun: input.dryRun },
    );
    const cycleMs = performance.now() - started;
    const usage = process.resourceUsage();
    const output: BenchChildOutput = {
      summaries, cycleMs, maxRssBytes: readPeakRssBytes(), baselineRssBytes, cpuUserMs: usage.userCPUTime / 1000, cpuSystemMs: usage.systemCPUTime / 1000,
    };
    process.stdout.write(`${JSON.stringify(output)}\n`);
  } finally {
    await Promise.allSettled([closeStateDb(db), erpPool.end()]);
  }
}

await main();
