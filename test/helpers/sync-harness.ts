// Everything an engine acceptance test needs, real end to end: a fresh Postgres database with the sample
// ERP loaded and the state schema migrated, an emulator on a free port with a UNIQUE tenant and client (the
// SDK caches tickets and tenants per clientId/tenantId in module-level maps), a Kibo client through the
// real SDK, SyncDeps with fast timings, a DATA_DIR of its own, and the CLI as a subprocess.
import { execFile } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import type pg from 'pg';
import { selectMappings, loadMappingsOrFail } from '../../src/cli/load-mappings-or-fail.ts';
import { runSqlFiles } from '../../src/demo/run-sql-files.ts';
import { createErpPool } from '../../src/erp/read-erp-rows.ts';
import { startEmulator, type RunningEmulator } from '../../src/kibo/emulator/kibo-emulator.ts';
import { createKiboClient, type KiboClient } from '../../src/kibo/kibo-client.ts';
import { waitForJob } from '../../src/kibo/kibo-jobs.ts';
import { writeZip } from '../../src/kibo/write-zip.ts';
import { KIBO_JOB_FORMAT, type KiboDomain, type KiboJob } from '../../src/kibo/wire-types.ts';
import type { SyncMapping } from '../../src/mapping/index.ts';
import { closeStateDb, createStateDb, migrateState } from '../../src/state/index.ts';
import { createSystemClock } from '../../src/support/clock.ts';
import { createSilentLogger } from '../../src/support/logger.ts';
import { runSyncCycle, type SyncCycleDeps } from '../../src/sync/run-sync-cycle.ts';
import type { RunOptions, SyncTimings } from '../../src/sync/sync-deps.ts';
import type { SyncRunSummary } from '../../src/sync/sync-summary.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHIPPED_MAPPINGS_DIR = path.join(REPO_ROOT, 'mappings');
export const SAMPLE_ERP_DIR = path.join(REPO_ROOT, 'sample-erp');
const CLI_ENTRY = path.join(REPO_ROOT, 'bin', 'kibo-sync.js');
const AUTH_HOST = 'home.kibo-emulator.test';
const SHARED_SECRET = 'sync-harness-shared-secret';
const JOB_STEP_MS = 20;
const CLI_TIMEOUT_MS = 60_000;

/** Emulator-like timings, tightened for tests: jobs advance every 20 ms. */
export const HARNESS_SYNC_TIMINGS: SyncTimings = Object.freeze({
  pollIntervalMs: 20,
  maxPollIntervalMs: 100,
  jobDeadlineMs: 30_000,
  exportFilesTimeoutMs: 10_000,
});

export interface SyncHarnessOptions {
  /** Used in the database name. */
  readonly label: string;
  /** Default: the shipped mappings/. */
  readonly mappingsDir?: string;
  /** Load sample-erp/data.sql (default true; schema.sql is always loaded). */
  readonly loadSampleData?: boolean;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SyncHarness {
  readonly database: TestDatabase;
  readonly emulator: RunningEmulator;
  readonly kibo: KiboClient;
  /** The state database (kibo_sync schema), which is also the ERP database here. */
  readonly state: Knex;
  readonly erpPool: pg.Pool;
  readonly deps: SyncCycleDeps;
  readonly dataDir: string;
  /** A temp directory removed by close(), for mapping files and scratch. */
  readonly tempDir: string;
  readonly mappingsDir: string;
  readonly mappings: readonly SyncMapping[];
  /** Loads another mappings directory for run() and runCli(). */
  useMappingsDir(dir: string): Promise<void>;
  /** One cycle of the named syncs (all when none), manual trigger unless options say otherwise. */
  run(names?: readonly string[], options?: Partial<RunOptions>): Promise<SyncRunSummary[]>;
  erp<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Imports one resource's CSV straight into the emulator through the Kibo client, as a person would. */
  importIntoKibo(input: { resource: string; fileName: string; csv: string; domain?: KiboDomain }): Promise<KiboJob>;
  /** The environment the CLI needs to reach this harness's databases, emulator, mappings and DATA_DIR. */
  cliEnv(): Record<string, string>;
  /** Runs `node bin/kibo-sync.js ARGS` with cliEnv() (plus `env`; a value of undefined removes a name). */
  runCli(args: readonly string[], env?: Readonly<Record<string, string | undefined>>): Promise<CliResult>;
  close(): Promise<void>;
}

export async function startSyncHarness(options: SyncHarnessOptions): Promise<SyncHarness> {
  const database = await createTestDatabase(options.label);
  const files = [path.join(SAMPLE_ERP_DIR, 'schema.sql')];
  if (options.loadSampleData !== false) files.push(path.join(SAMPLE_ERP_DIR, 'data.sql'));
  await runSqlFiles(database.url, files);
  const state = createStateDb(database.url, { applicationName: 'sync-harness state' });
  await migrateState(state);
  const erpPool = createErpPool(database.url, 'sync-harness erp');
  const identity = { tenantId: randomInt(200_000, 2_000_000_000), clientId: `SyncHarness.${randomUUID()}.1.0.0.Release` };
  const emulator = await startEmulator({ port: 0, sharedSecret: SHARED_SECRET, jobStepMs: JOB_STEP_MS, logger: createSilentLogger(), ...identity });
  const clock = createSystemClock();
  const logger = createSilentLogger();
  const kibo = createKiboClient(
    {
      tenantId: emulator.tenantId, siteId: emulator.siteId, masterCatalogId: emulator.masterCatalogId, catalogId: emulator.catalogId,
      clientId: emulator.clientId, sharedSecret: emulator.sharedSecret, authHost: AUTH_HOST, emulatorUrl: emulator.url,
      requestTimeoutMs: 10_000, maxAttempts: 3, retryBaseDelayMs: 10, maxRetryDelayMs: 50, maxRetryAfterMs: 100,
    },
    { clock, logger },
  );
  const tempDir = await mkdtemp(path.join(tmpdir(), 'kibo-sync-harness-'));
  const dataDir = path.join(tempDir, 'data');
  const deps: SyncCycleDeps = { db: state, erpPool, kibo, clock, logger, dataDir, timings: HARNESS_SYNC_TIMINGS, lockDatabaseUrl: database.url };
  let mappingsDir = options.mappingsDir ?? SHIPPED_MAPPINGS_DIR;
  let mappings = await loadMappingsOrFail(mappingsDir);

  const harness: SyncHarness = {
    database, emulator, kibo, state, erpPool, deps, dataDir, tempDir,
    get mappingsDir() {
      return mappingsDir;
    },
    get mappings() {
      return mappings;
    },
    useMappingsDir: async (dir) => {
      mappings = await loadMappingsOrFail(dir);
      mappingsDir = dir;
    },
    run: (names = [], runOptions = {}) =>
      runSyncCycle(deps, selectMappings(mappings, names), { trigger: 'manual', resync: false, dryRun: false, ...runOptions }),
    erp: async (sql, params) => (await erpPool.query(sql, params)).rows,
    importIntoKibo: async ({ resource, fileName, csv, domain = 'catalog' }) => {
      const zip = await writeZip([{ name: fileName, content: csv }]);
      const file = await kibo.uploadFile('by-hand.zip', zip);
      const job = await kibo.createImportJob({ name: 'by hand', domain, resources: [{ resource, format: KIBO_JOB_FORMAT, deleteOmitted: false }], files: [file] });
      return (await waitForJob(kibo, 'import', job.id, { clock, pollIntervalMs: 20, deadlineMs: 10_000 })).job;
    },
    cliEnv: () => ({
      ERP_DATABASE_URL: database.url,
      KIBO_EMULATOR_URL: emulator.url,
      KIBO_TENANT_ID: String(emulator.tenantId),
      KIBO_SITE_ID: String(emulator.siteId),
      KIBO_MASTER_CATALOG_ID: String(emulator.masterCatalogId),
      KIBO_CATALOG_ID: String(emulator.catalogId),
      KIBO_CLIENT_ID: emulator.clientId,
      KIBO_SHARED_SECRET: emulator.sharedSecret,
      MAPPINGS_DIR: mappingsDir,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    }),
    runCli: (args, env = {}) => runCliProcess(args, { ...harness.cliEnv(), ...env }),
    close: async () => {
      await Promise.allSettled([emulator.close(), closeStateDb(state), erpPool.end()]);
      await database.drop();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The CLI as a user runs it: a child process with only the given settings (and PATH, HOME). */
export function runCliProcess(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<CliResult> {
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT, env: childEnv, timeout: CLI_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(new Error(`kibo-sync ${args.join(' ')} did not exit normally: ${error.message}\n${stderr}`, { cause: error }));
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}
