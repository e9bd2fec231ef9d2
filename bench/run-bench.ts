// `npm run bench -- --rows N [--runs 3] [--seed 42]`: the 1M-product benchmark of issue 5. Prepares
// (or reuses) the data, serves Kibo's export from the in-process emulator (exportOverrides), runs the
// real engine (runSyncCycle, dryRun false: the delta really is zipped, uploaded and imported) once per
// run in a child process, measures the machine's floor in between, and writes bench/results/.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ZipArchive } from 'archiver';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { startEmulator, type RunningEmulator } from '../src/kibo/emulator/kibo-emulator.ts';
import {
  computeRssGrowth, describeMachine, formatBenchTable, MAX_RSS_GROWTH_OVER_100K, summarizeFloor, summarizeRuns, type BenchResult, type MeasuredRun, type RssReference,
} from './bench-report.ts';
import { prepareBenchData, type BenchDataManifest } from './generate-bench-data.ts';
import { ensureFloorToolsInstalled, measureFloor, type FloorTiming } from './measure-floor.ts';
import type { BenchChildInput, BenchChildOutput } from './run-bench-child.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Emulator job steps: short, so Kibo's (emulated) job time barely shows in the engine's stages. */
const EMULATOR_JOB_STEP_MS = 10;
const BENCH_TSCONFIG = path.join(BENCH_DIR, 'tsconfig.bench.json');
const COMPILED_CHILD_SCRIPT = path.join(BENCH_DIR, 'work', 'dist', 'bench', 'run-bench-child.js');
const TSC_BIN = createRequire(import.meta.url).resolve('typescript/bin/tsc');

export interface BenchOptions {
  readonly rows: number;
  readonly runs: number;
  readonly seed: number;
  readonly adminDatabaseUrl: string;
  readonly workDir: string;
  /** ERP database name (default: one per rows and seed). */
  readonly databaseName?: string;
  /** Where bench-<rows>.json goes; undefined = do not write. */
  readonly resultsDir?: string;
  readonly log: (message: string) => void;
  /** Writes a V8 CPU profile of each engine run into this directory (node --cpu-prof). */
  readonly cpuProfileDir?: string;
  /** Measure the inline path (Kibo's export on the main thread), not the default for the export's size. */
  readonly inline?: boolean;
}

type Scenario = 'changed' | 'noChange';

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const { log } = options;
  const loadBefore = os.loadavg();
  ensureFloorToolsInstalled(log);
  const data = await prepareBenchData({
    rows: options.rows, seed: options.seed, workDir: options.workDir, adminDatabaseUrl: options.adminDatabaseUrl, log,
    ...(options.databaseName === undefined ? {} : { databaseName: options.databaseName }),
  });
  await compileBenchChild(log);
  const mappingDir = path.join(BENCH_DIR, 'mappings');
  const query = await readMappingQuery(path.join(mappingDir, 'bench-products.yaml'));
  const emulators = {
    changed: await startEmulator({ jobStepMs: EMULATOR_JOB_STEP_MS, exportOverrides: { Products: data.exportZip } }),
    noChange: await startEmulator({ jobStepMs: EMULATOR_JOB_STEP_MS, exportOverrides: { Products: data.noChangeExportZip } }),
  };
  const measured: Record<Scenario, MeasuredRun[]> = { changed: [], noChange: [] };
  const floors: FloorTiming[] = [];
  let snapshotZipBytes = 0;
  try {
    for (let run = 1; run <= options.runs; run += 1) {
      for (const scenario of ['changed', 'noChange'] as const) {
        log(`run ${run}/${options.runs}: ${scenario}`);
        const { measuredRun } = await runMeasured(options, data, mappingDir, emulators[scenario], `${scenario}-${run}`);
        measured[scenario].push(measuredRun);
      }
      log(`run ${run}/${options.runs}: floor`);
      floors.push(await measureFloor(data.erpDatabaseUrl, query, data.exportZip));
    }
    // The reference for the delta's size: every ERP row written by the engine (--resync --dry-run), zipped
    // as the engine zips uploads. Not timed.
    log('full snapshot reference (resync, dry run)');
    const full = await runMeasured(options, data, mappingDir, emulators.changed, 'full-snapshot', { dryRun: true, resync: true });
    if (full.files.deltaCsv !== undefined) snapshotZipBytes = await measureZipBytes(full.files.deltaCsv, 'products.csv');
  } finally {
    await Promise.allSettled([emulators.changed.close(), emulators.noChange.close()]);
  }
  await rm(runsDir(options), { recursive: true, force: true });
  const reference = options.rows >= 1_000_000 && options.resultsDir !== undefined ? await readRssReference(options.resultsDir) : undefined;
  const result = buildResult(options, data, measured, floors, snapshotZipBytes, await readPostgresVersion(data.erpDatabaseUrl), loadBefore, reference);
  if (options.resultsDir !== undefined) {
    await mkdir(options.resultsDir, { recursive: true });
    const suffix = options.inline === true ? '-inline' : '';
    await writeFile(path.join(options.resultsDir, `bench-${options.rows}${suffix}.json`), `${JSON.stringify(result, null, 2)}\n`);
  }
  return result;
}

function runsDir(options: BenchOptions): string {
  return path.join(options.workDir, `runs-${options.rows}`);
}

/** One engine run in a child process, on a fresh state database (so every run is the same first run). */
async function runMeasured(
  options: BenchOptions, data: BenchDataManifest, mappingDir: string, emulator: RunningEmulator, label: string,
  mode: { readonly dryRun: boolean; readonly resync: boolean } = { dryRun: false, resync: false },
): Promise<{ measuredRun: MeasuredRun; files: Record<string, string> }> {
  const stateDb = await createScratchDatabase(options.adminDatabaseUrl, `kibo_bench_state_${process.pid}_${label.replace(/\W/g, '_').toLowerCase()}`);
  const dataDir = path.join(runsDir(options), label);
  try {
    const input: BenchChildInput = {
      mappingDir, stateDatabaseUrl: stateDb.url, erpDatabaseUrl: data.erpDatabaseUrl, dataDir, dryRun: mode.dryRun, resync: mode.resync,
      ...(options.inline === true ? { inline: true } : {}),
      emulator: {
        url: emulator.url, tenantId: emulator.tenantId, siteId: emulator.siteId, masterCatalogId: emulator.masterCatalogId,
        catalogId: emulator.catalogId, clientId: emulator.clientId, sharedSecret: emulator.sharedSecret,
      },
    };
    const output = await runChild(input, options.cpuProfileDir);
    const summary = output.summaries[0];
    if (summary === undefined) throw new Error('the bench run returned no summary: is bench/mappings/bench-products.yaml loaded?');
    if (summary.error !== undefined) throw new Error(`the bench run ${label} ended ${summary.status}: ${summary.error}`);
    const deltaZipBytes = summary.files.uploadZip === undefined ? 0 : (await stat(summary.files.uploadZip)).size;
    const measuredRun: MeasuredRun = {
      cycleMs: Math.round(output.cycleMs), maxRssBytes: output.maxRssBytes, baselineRssBytes: output.baselineRssBytes, cpuUserMs: Math.round(output.cpuUserMs), cpuSystemMs: Math.round(output.cpuSystemMs),
      stageDurationsMs: summary.stageDurationsMs, status: summary.status, ...(summary.planAction ? { planAction: summary.planAction } : {}),
      counts: summary.counts as Record<string, number>, bytesUploaded: summary.bytesUploaded, deltaZipBytes,
    };
    if (label !== 'full-snapshot') await rm(dataDir, { recursive: true, force: true });
    return { measuredRun, files: { ...summary.files } };
  } finally {
    await stateDb.drop();
  }
}

/**
 * Compiles the engine and the child to bench/work/dist (types are checked by `npm test`, not here), so the
 * measured process runs JavaScript as the container image does, without tsx's loader in its memory.
 */
export async function compileBenchChild(log: (message: string) => void): Promise<void> {
  log('compiling the engine for the bench child (tsc --noCheck)');
  const child = spawn(process.execPath, [TSC_BIN, '-p', BENCH_TSCONFIG, '--noCheck'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`compiling the bench child failed (tsc exited ${code}); its output is above`);
}

/** Async on purpose: the emulator serving this child lives in this process and must keep answering. */
async function runChild(input: BenchChildInput, cpuProfileDir: string | undefined): Promise<BenchChildOutput> {
  const profile = cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir];
  const child = spawn(process.execPath, [...profile, COMPILED_CHILD_SCRIPT, JSON.stringify(input)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`the bench child exited ${code}; its stderr is above`);
  const last = output.trim().split('\n').pop();
  if (last === undefined || last === '') throw new Error('the bench child printed no result');
  return JSON.parse(last) as BenchChildOutput;
}

async function createScratchDatabase(adminUrl: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`drop database if exists "${name}" with (force)`);
  await admin(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

/** Bytes of a deflate-6 zip of the file (as the engine zips uploads), without keeping the zip. */
async function measureZipBytes(file: string, entryName: string): Promise<number> {
  let bytes = 0;
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const counting = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  const done = pipeline(archive, counting);
  archive.append(createReadStream(file), { name: entryName });
  await archive.finalize();
  await done;
  return bytes;
}

async function readMappingQuery(file: string): Promise<string> {
  const parsed = parseYaml(await readFile(file, 'utf8')) as { source?: { query?: string } };
  if (parsed.source?.query === undefined) throw new Error(`${file} has no source.query`);
  return parsed.source.query;
}

async function readPostgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return String((await client.query<{ version: string }>('select version()')).rows[0]?.version);
  } finally {
    await client.end();
  }
}

function buildResult(
  options: BenchOptions, data: BenchDataManifest, measured: Record<Scenario, MeasuredRun[]>, floors: FloorTiming[], snapshotZipBytes: number, postgres: string,
  loadBefore: number[], reference: RssReference | undefined,
): BenchResult {
  const { counts } = data;
  const machine = describeMachine(postgres, loadBefore);
  const changed = summarizeRuns(measured.changed, counts.erpRows);
  const noChange = summarizeRuns(measured.noChange, counts.erpRows);
  const floor = summarizeFloor(floors);
  const ratio = (a: number, b: number): number => Number((a / b).toFixed(3));
  const ratios = {
    totalOverFloor: ratio(changed.totalMedianMs, floor.totalMedianMs),
    noChangeTotalOverFloor: ratio(noChange.totalMedianMs, floor.totalMedianMs),
    deltaOverSnapshot: ratio(changed.deltaZipBytes, snapshotZipBytes),
    noChangeOverChanged: ratio(noChange.totalMedianMs, changed.totalMedianMs),
  };
  const rssGrowth = computeRssGrowth(changed.peakRssMedianMb, String(machine.cpuModel), reference);
  const countsExact = measured.changed.every((run) => matchesCounts(run.counts, counts.changed, counts.added, counts.removed)) &&
    measured.noChange.every((run) => matchesCounts(run.counts, 0, 0, 0));
  const targets = {
    totalWithin3xFloor: ratios.totalOverFloor <= 3,
    peakRssWithin256Mb: options.rows >= 1_000_000 ? changed.peakRssMedianMb <= 256 : null,
    peakRssWithin1_5xThe100kRun: rssGrowth === undefined ? null : rssGrowth <= MAX_RSS_GROWTH_OVER_100K,
    deltaZipWithin3PercentOfSnapshot: ratios.deltaOverSnapshot <= 0.03,
    noChangeUploadsNothing: noChange.bytesUploaded === 0,
    noChangeNoSlower: ratios.noChangeOverChanged <= 1,
  };
  const notes = [
    'total = wall time of runSyncCycle in the child process: every stage, including the emulated Kibo jobs (job steps of 10 ms, polled every 20 ms) and the import of the delta by the in-process emulator (stage "import", which also zips and uploads).',
    'each run uses a fresh state database, so the removed rows are not owned by the sync and the plan stays a delta.',
    'snapshot zip bytes: every ERP row as the engine writes it (an extra --resync --dry-run run), zipped with deflate level 6 as the engine zips uploads.',
    reference === undefined
      ? 'peak RSS target "at most 1.5x the 100k figure": no bench-100000.json in the results directory to compare with (run --rows 100000 first).'
      : `peak RSS target "at most 1.5x the 100k figure": compared with ${reference.file} (${reference.cpuModel}, ${reference.measuredAt ?? 'date not recorded'}, commit ${reference.commit ?? 'not recorded'}); n/a when its CPU model differs.`,
    options.inline === true
      ? 'kibo side: inline (--inline), Kibo\'s export read on the main thread after the ERP-independent export stage, then the ERP.'
      : 'kibo side: the engine\'s default, a worker thread for exports of 32 MiB and more (the 1M run; the 100k run is inline), the ERP read at the same time on the main thread.',
  ];
  return {
    rows: options.rows, seed: options.seed, generated: counts, machine, floor, changed, noChange, snapshotZipBytes,
    ratios: { ...ratios, ...(rssGrowth === undefined ? {} : { peakRssOver100kRun: rssGrowth }) }, countsExact, targets, notes,
    measuredAt: new Date().toISOString(), commit: describeCommit(), ...(reference === undefined ? {} : { rssReference: reference }),
  };
}

/** The 100k run's peak RSS from an earlier `--rows 100000` in the same results directory. */
async function readRssReference(resultsDir: string): Promise<RssReference | undefined> {
  const file = path.join(resultsDir, 'bench-100000.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const earlier = JSON.parse(text) as Partial<BenchResult>;
  const peak = earlier.changed?.peakRssMedianMb;
  if (typeof peak !== 'number') throw new Error(`${file} has no changed.peakRssMedianMb; rerun npm run bench -- --rows 100000`);
  return {
    file: path.relative(BENCH_DIR, file), peakRssMedianMb: peak, cpuModel: String(earlier.machine?.cpuModel ?? 'unknown'),
    ...(earlier.measuredAt === undefined ? {} : { measuredAt: earlier.measuredAt }), ...(earlier.commit === undefined ? {} : { commit: earlier.commit }),
  };
}

/** HEAD's short hash, `+dirty` when the engine or the bench has uncommitted changes; `unknown` outside git. */
function describeCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../src', '.', ':!results'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown'; // not a git checkout (an unpacked release): the figures stand without it
  }
}

function matchesCounts(runCounts: Readonly<Record<string, number>>, changed: number, added: number, removed: number): boolean {
  return runCounts.changed === changed && runCounts.added === added && runCounts.removed === removed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, seed: { type: 'string', default: '42' },
      'database-url': { type: 'string', default: DEFAULT_ADMIN_URL }, 'cpu-prof-dir': { type: 'string' }, inline: { type: 'boolean', default: false }, 'results-dir': { type: 'string', default: path.join(BENCH_DIR, 'results') },
    },
  });
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  if (!Number.isInteger(rows) || rows < 100) throw new Error(`--rows must be a whole number of at least 100, got ${values.rows}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1, got ${values.runs}`);
  const result = await runBench({
    rows, runs, seed: Number(values.seed), adminDatabaseUrl: values['database-url'], workDir: path.join(BENCH_DIR, 'work'),
    resultsDir: values['results-dir'], inline: values.inline, ...(values['cpu-prof-dir'] === undefined ? {} : { cpuProfileDir: values['cpu-prof-dir'] }), log: (message) => process.stderr.write(`bench: ${message}\n`),
  });
  process.stdout.write(`${formatBenchTable(result)}\n`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
