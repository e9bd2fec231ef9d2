// Times the ERP row transform alone: the pre-fast-path reference (test/unit/mapping/reference/) against
// src/mapping, on the bench's own rows held in memory (so the cursor's cost is not in the figures), and
// checks that both give identical results on every row.
//   npx tsx bench/measure-transform.ts [--rows 200000] [--runs 5] [--database-url URL]
// Needs the data of `npm run bench -- --rows 1000000` (database kibo_bench_1000000_42).
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { buildSourceSql, createErpPool, readErpRows } from '../src/erp/read-erp-rows.ts';
import { compileRowTransform, parseMapping, type RowTransform, type SyncMapping } from '../src/mapping/index.ts';
import { compileRowTransform as compileReferenceTransform } from '../test/unit/mapping/reference/compile-row-transform.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/kibo_bench_1000000_42';

interface HeldRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

async function loadMapping(): Promise<SyncMapping> {
  const file = path.join(BENCH_DIR, 'mappings', 'bench-products.yaml');
  const { mapping } = parseMapping(await readFile(file, 'utf8'), file);
  if (!mapping || mapping.source.kind !== 'query') throw new Error(`${file} did not parse to a query mapping; run \`npx kibo-sync validate --offline\` on it`);
  return mapping;
}

async function readHeldRows(databaseUrl: string, mapping: SyncMapping, limit: number): Promise<HeldRows> {
  const pool = createErpPool(databaseUrl, 'kibo-sync bench transform');
  const rows: (readonly (string | null)[])[] = [];
  let columns: readonly string[] = [];
  try {
    const sql = buildSourceSql(mapping.source.kind === 'query' ? { query: mapping.source.query } : { table: mapping.source.table });
    for await (const batch of readErpRows(pool, sql)) {
      columns = batch.columns;
      for (const row of batch.rows) if (rows.length < limit) rows.push(row);
      if (rows.length >= limit) break;
    }
  } finally {
    await pool.end();
  }
  if (rows.length === 0) throw new Error(`no rows in ${databaseUrl}; generate them with \`npm run bench -- --rows 1000000\``);
  return { columns, rows };
}

interface PassTiming {
  /** Wall clock. */
  readonly nsPerRow: number;
  /** This process's CPU time (user + system): less sensitive to the other jobs on a shared machine. */
  readonly cpuNsPerRow: number;
  readonly checksum: number;
}

/** One timed pass; the checksum uses every result, so no work can be skipped. */
function timePass(transform: RowTransform, held: HeldRows): PassTiming {
  let checksum = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const row of held.rows) {
    const result = transform(row, held.columns);
    checksum += result.ok ? result.cells.length + (result.keyValues[1]?.length ?? 0) : 1;
  }
  const elapsedNs = Number(process.hrtime.bigint() - started);
  const cpu = process.cpuUsage(cpuBefore);
  return { nsPerRow: elapsedNs / held.rows.length, cpuNsPerRow: ((cpu.user + cpu.system) * 1000) / held.rows.length, checksum };
}

function countDifferences(reference: RowTransform, current: RowTransform, held: HeldRows): number {
  let differences = 0;
  for (const row of held.rows) {
    const expected = reference(row, held.columns);
    const actual = current(row, held.columns);
    const same = expected.ok === actual.ok && expected.key === actual.key && isDeepStrictEqual(expected.keyValues, actual.keyValues) &&
      isDeepStrictEqual(expected.cells, actual.cells) && isDeepStrictEqual(expected.problems, actual.problems);
    if (!same) {
      differences += 1;
      if (differences <= 3) console.log(`differs on row ${JSON.stringify(row)}:\n  reference ${JSON.stringify(expected)}\n  current   ${JSON.stringify(actual)}`);
    }
  }
  return differences;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' }, runs: { type: 'string', default: '5' }, 'database-url': { type: 'string', default: DEFAULT_DATABASE_URL } } });
  const runs = Number(values.runs);
  const mapping = await loadMapping();
  const held = await readHeldRows(values['database-url'], mapping, Number(values.rows));
  const reference = compileReferenceTransform(mapping);
  const current = compileRowTransform(mapping);
  const loadBefore = os.loadavg();
  console.log(`npx tsx bench/measure-transform.ts --rows ${values.rows} --runs ${runs}   (${new Date().toISOString().slice(0, 10)}; ${os.cpus().length}-core ${os.cpus()[0]?.model.trim() ?? 'cpu'}; Node ${process.version})`);
  console.log(`${held.rows.length} rows of bench.items (${mapping.fields.length} mapped fields), held in memory; load average before: ${loadBefore.map((load) => load.toFixed(2)).join(' ')}`);
  const differences = countDifferences(reference, current, held);
  console.log(`identical ok, key, keyValues, cells and problems on every row: ${differences === 0 ? 'yes' : `NO, ${differences} rows differ`}`);
  timePass(reference, held); // warm-up: both functions optimized before the timed passes
  timePass(current, held);
  const timings: Record<'reference' | 'current', PassTiming[]> = { reference: [], current: [] };
  for (let run = 0; run < runs; run += 1) {
    // Alternate the order so neither side always runs right after the other's garbage.
    const order = run % 2 === 0 ? (['reference', 'current'] as const) : (['current', 'reference'] as const);
    for (const side of order) timings[side].push(timePass(side === 'reference' ? reference : current, held));
  }
  const summary = (side: 'reference' | 'current', label: string): { wall: number; cpu: number } => {
    const wall = timings[side].map((timing) => timing.nsPerRow);
    const cpu = timings[side].map((timing) => timing.cpuNsPerRow);
    console.log(`${label} ns/row per run, wall: ${wall.map((ns) => ns.toFixed(0)).join(' ')}   median ${median(wall).toFixed(0)}`);
    console.log(`${' '.repeat(label.length)} ns/row per run, cpu:  ${cpu.map((ns) => ns.toFixed(0)).join(' ')}   median ${median(cpu).toFixed(0)}`);
    return { wall: median(wall), cpu: median(cpu) };
  };
  const before = summary('reference', 'reference (before)   ');
  const after = summary('current', 'current (src/mapping)');
  console.log(`speed-up of the medians: wall ${(before.wall / after.wall).toFixed(2)}x, cpu ${(before.cpu / after.cpu).toFixed(2)}x`);
  console.log(`load average after: ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  if (differences > 0) process.exitCode = 1;
}

await main();
