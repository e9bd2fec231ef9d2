// The differ's per-cell cost: the reference copy of normalizeValue (before the speed rewrite) against
// today's, on the bench's own cells. Kibo cells come from the bench's export zip (`unzip -p` into the
// engine's CSV reader), ERP cells from the bench's generator through the mapping's row transform, as the
// engine produces them. Also the key encoder, old vs new, per row.
//   node --import tsx bench/measure-normalize.ts [--zip bench/work/rows-1000000-seed-42/export-before.zip] [--rows 200000] [--runs 5]
// Two access patterns: row by row over the cells as read (what the differ does, right after parsing),
// and column by column over a compact copy of each column (per-kind figures; a column walked in place
// would jump from row to row in memory and time cache misses, not normalization).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readKiboCsvBatches } from '../src/csv/kibo-csv-reader.ts';
import { writeHash64 } from '../src/diff/hash-64.ts';
import { normalizeValue, type ComparableField } from '../src/diff/normalize-value.ts';
import { matchHeader } from '../src/kibo/resources/resource-registry.ts';
import { compileRowTransform, parseMapping, type SyncMapping } from '../src/mapping/index.ts';
import { createKeyEncoder, type KeyEncoder } from '../src/sync/sync-keys.ts';
import { normalizeValue as normalizeValueBefore } from '../test/unit/diff/reference/reference-normalize-value.ts';
import { createKeyEncoder as createKeyEncoderBefore } from '../test/unit/diff/reference/reference-sync-keys.ts';
import { ERP_COLUMNS, formatErpValues, generateBenchProduct } from './bench-data-model.ts';
import { median } from './bench-report.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_ZIP = path.join(BENCH_DIR, 'work', 'rows-1000000-seed-42', 'export-before.zip');
const BENCH_SEED = 42;

/** Cells row by row, aligned with the mapping's fields; undefined where the differ gets no text. */
type Rows = (string | undefined)[][];
type Column = (string | undefined)[];

async function readKiboRows(zipFile: string, mapping: SyncMapping, count: number): Promise<Rows> {
  const unzip = spawn('unzip', ['-p', zipFile, mapping.resource.fileName], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rows: Rows = [];
  let positions: number[] | undefined;
  reading: for await (const batch of readKiboCsvBatches(unzip.stdout, { source: zipFile })) {
    for (const record of batch) {
      if (positions === undefined) {
        positions = alignPositions(mapping, record.values);
        continue;
      }
      rows.push(positions.map((position) => record.values[position] ?? ''));
      if (rows.length === count) break reading;
    }
  }
  unzip.kill();
  if (rows.length < count) throw new Error(`${zipFile} holds ${rows.length} rows, fewer than the ${count} asked for; pass a smaller --rows`);
  return rows;
}

function alignPositions(mapping: SyncMapping, header: readonly string[]): number[] {
  const match = matchHeader(mapping.resource, header);
  return mapping.fields.map((field) => {
    const column = match.columns.find((candidate) => candidate.field?.name === field.name);
    if (column === undefined) throw new Error(`the export has no column for ${field.name}; regenerate it with npm run bench`);
    return column.index;
  });
}

/** ERP cells: the generator's Postgres texts through the mapping's row transform; SKIP/CLEAR are not normalized. */
function buildErpRows(mapping: SyncMapping, count: number): Rows {
  const transform = compileRowTransform(mapping);
  const columnNames = [...ERP_COLUMNS];
  const rows: Rows = [];
  for (let index = 0; index < count; index += 1) {
    const result = transform(formatErpValues(generateBenchProduct(BENCH_SEED, index)), columnNames);
    rows.push(result.cells.map((cell) => (typeof cell === 'string' ? cell : undefined)));
  }
  return rows;
}

/** Each field's cells as fresh strings allocated one after another (flat, as JSON.parse makes them). */
function copyColumns(rows: Rows, fieldCount: number): Column[] {
  return Array.from({ length: fieldCount }, (_, field) => {
    const copy = JSON.parse(JSON.stringify(rows.map((row) => row[field] ?? null))) as (string | null)[];
    return copy.map((cell) => cell ?? undefined);
  });
}

type Normalize = typeof normalizeValue;

interface Timing {
  /** Wall-clock ns. */
  readonly wall: number;
  /** CPU ns of the process (user + system): less sensitive to other processes on a shared machine. */
  readonly cpu: number;
  readonly sink: number;
}

function startTiming(): (sink: number) => Timing {
  const [wall, cpu] = [process.hrtime.bigint(), process.cpuUsage()];
  return (sink) => {
    const used = process.cpuUsage(cpu);
    return { wall: Number(process.hrtime.bigint() - wall), cpu: (used.user + used.system) * 1000, sink };
  };
}

// One loop per implementation and pattern, not one taking a function: each gets its own call-site feedback.
function timeColumnBefore(field: ComparableField, cells: Column): Timing {
  const stop = startTiming();
  let sink = 0;
  for (const cell of cells) sink += normalizeValueBefore(field, cell)?.length ?? 0;
  return stop(sink);
}

function timeColumnAfter(field: ComparableField, cells: Column): Timing {
  const stop = startTiming();
  let sink = 0;
  for (const cell of cells) sink += normalizeValue(field, cell)?.length ?? 0;
  return stop(sink);
}

function timeRowsBefore(fields: readonly ComparableField[], rows: Rows): Timing {
  const stop = startTiming();
  let sink = 0;
  for (const row of rows) for (let index = 0; index < fields.length; index += 1) sink += normalizeValueBefore(fields[index]!, row[index])?.length ?? 0;
  return stop(sink);
}

function timeRowsAfter(fields: readonly ComparableField[], rows: Rows): Timing {
  const stop = startTiming();
  let sink = 0;
  for (const row of rows) for (let index = 0; index < fields.length; index += 1) sink += normalizeValue(fields[index]!, row[index])?.length ?? 0;
  return stop(sink);
}

// With the differ's fingerprint of each result: a rope (a string built by '+') is flattened there.
const fingerprint = new Uint32Array(2);
function timeHashedRowsBefore(fields: readonly ComparableField[], rows: Rows): Timing {
  const stop = startTiming();
  for (const row of rows) {
    for (let index = 0; index < fields.length; index += 1) {
      const normalized = normalizeValueBefore(fields[index]!, row[index]);
      if (normalized !== undefined) writeHash64(normalized, fingerprint, 0);
    }
  }
  return stop(0);
}

function timeHashedRowsAfter(fields: readonly ComparableField[], rows: Rows): Timing {
  const stop = startTiming();
  for (const row of rows) {
    for (let index = 0; index < fields.length; index += 1) {
      const normalized = normalizeValue(fields[index]!, row[index]);
      if (normalized !== undefined) writeHash64(normalized, fingerprint, 0);
    }
  }
  return stop(0);
}

/** Checks the two agree on every cell measured (the unit tests prove it more widely). */
function assertSameOutput(fields: readonly ComparableField[], rows: Rows, before: Normalize, after: Normalize): void {
  for (const row of rows) {
    fields.forEach((field, index) => {
      if (before(field, row[index]) !== after(field, row[index])) throw new Error(`${field.name}: ${JSON.stringify(row[index])} normalizes differently`);
    });
  }
}

/** Per run, the sums over a group of cells: wall and CPU ns of each implementation. */
interface GroupTimes {
  readonly runs: { before: Timing; after: Timing }[];
  cells: number;
}

const ROW_GROUPS = ['all fields, row by row (as the differ)', 'row by row + fingerprint (writeHash64)'];

function measureGroups(fields: readonly ComparableField[], rows: Rows, runs: number): Map<string, GroupTimes> {
  const columns = copyColumns(rows, fields.length);
  const groups = new Map<string, GroupTimes>();
  const add = (name: string, run: number, before: Timing, after: Timing, cells: number): void => {
    if (before.sink !== after.sink) throw new Error(`${name}: the two implementations returned texts of different total length`);
    if (!groups.has(name)) groups.set(name, { runs: [], cells: 0 });
    const group = groups.get(name)!;
    if (run === 0) group.cells += cells;
    const sum = group.runs[run] ?? { before: { wall: 0, cpu: 0, sink: 0 }, after: { wall: 0, cpu: 0, sink: 0 } };
    group.runs[run] = { before: addTiming(sum.before, before), after: addTiming(sum.after, after) };
  };
  for (let run = 0; run < runs; run += 1) {
    fields.forEach((field, index) => {
      const [before, after] = [timeColumnBefore(field, columns[index]!), timeColumnAfter(field, columns[index]!)];
      add(field.kind + (field.scale === undefined ? '' : ` (scale ${field.scale})`), run, before, after, rows.length);
      add('all fields, column by column', run, before, after, rows.length);
    });
    add(ROW_GROUPS[0]!, run, timeRowsBefore(fields, rows), timeRowsAfter(fields, rows), rows.length * fields.length);
    add(ROW_GROUPS[1]!, run, timeHashedRowsBefore(fields, rows), timeHashedRowsAfter(fields, rows), rows.length * fields.length);
  }
  return groups;
}

function addTiming(sum: Timing, timing: Timing): Timing {
  return { wall: sum.wall + timing.wall, cpu: sum.cpu + timing.cpu, sink: sum.sink + timing.sink };
}

function formatGroupTable(title: string, groups: Map<string, GroupTimes>): string[] {
  const columns = ['cells', 'before ns/cell', 'after ns/cell', 'ratio', 'before cpu ns', 'after cpu ns', 'ratio'];
  const width = (name: string): number => (name === 'ratio' ? 7 : 15);
  const lines = [title, 'group'.padEnd(40) + columns.map((name) => name.padStart(width(name))).join('')];
  const aggregates = ['all fields, column by column', ...ROW_GROUPS];
  const order = [...[...groups.keys()].filter((name) => !aggregates.includes(name)).sort(), ...aggregates];
  for (const name of order) {
    const group = groups.get(name)!;
    const perCell = (pick: (times: { before: Timing; after: Timing }) => number): number => median(group.runs.map(pick)) / group.cells;
    const [wallBefore, wallAfter] = [perCell((times) => times.before.wall), perCell((times) => times.after.wall)];
    const [cpuBefore, cpuAfter] = [perCell((times) => times.before.cpu), perCell((times) => times.after.cpu)];
    const cells = [String(group.cells), wallBefore.toFixed(1), wallAfter.toFixed(1), `${(wallBefore / wallAfter).toFixed(1)}x`, cpuBefore.toFixed(1), cpuAfter.toFixed(1), `${(cpuBefore / cpuAfter).toFixed(1)}x`];
    lines.push(name.padEnd(40) + cells.map((cell, index) => cell.padStart(width(columns[index]!))).join(''));
  }
  return lines;
}

function measureKeys(mapping: SyncMapping, rows: Rows, runs: number): string {
  const keyIndexes = mapping.keyFieldIndexes;
  const time = (encode: KeyEncoder): number => {
    const started = process.hrtime.bigint();
    let sink = 0;
    for (const row of rows) sink += encode(keyIndexes.map((index) => row[index]))?.length ?? 0;
    if (sink === 0) throw new Error('no key was encoded');
    return Number(process.hrtime.bigint() - started);
  };
  const [before, after] = [createKeyEncoderBefore(mapping), createKeyEncoder(mapping)];
  const timings = { before: [] as number[], after: [] as number[] };
  for (let run = 0; run < runs; run += 1) {
    timings.before.push(time(before));
    timings.after.push(time(after));
  }
  const [b, a] = [median(timings.before) / rows.length, median(timings.after) / rows.length];
  return `key encoder (${keyIndexes.length} key fields, Kibo cells, wall): before ${b.toFixed(1)} ns/row, after ${a.toFixed(1)} ns/row, ${(b / a).toFixed(1)}x`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { zip: { type: 'string', default: DEFAULT_ZIP }, rows: { type: 'string', default: '200000' }, runs: { type: 'string', default: '5' } } });
  const [rows, runs] = [Number(values.rows), Number(values.runs)];
  const mappingFile = path.join(BENCH_DIR, 'mappings', 'bench-products.yaml');
  const { mapping, problems } = parseMapping(await readFile(mappingFile, 'utf8'), mappingFile);
  if (!mapping) throw new Error(`${mappingFile}: ${JSON.stringify(problems)}`);
  const fields = mapping.fields.map((field) => field.spec);
  const loadBefore = loadavg();
  const kibo = await readKiboRows(values.zip, mapping, rows);
  const erp = buildErpRows(mapping, rows);
  assertSameOutput(fields, kibo, normalizeValueBefore, normalizeValue);
  assertSameOutput(fields, erp, normalizeValueBefore, normalizeValue);
  const lines = [
    `normalizeValue before (test/unit/diff/reference) vs after (src/diff), ${rows} rows x ${fields.length} fields, medians of ${runs} runs`,
    `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}; load average before: ${loadBefore.map((load) => load.toFixed(2)).join(' ')}`,
    'every cell counts, blank ones too (the differ calls normalizeValue for them); outputs checked equal first',
    'per kind: column by column over compact copies; the row-by-row lines walk the cells as the reader made them',
    '',
    ...formatGroupTable(`Kibo cells (${path.basename(values.zip)})`, measureGroups(fields, kibo, runs)),
    '',
    ...formatGroupTable('ERP cells (generator -> mapping row transform; SKIP/CLEAR cells are not normalized, counted as blank)', measureGroups(fields, erp, runs)),
    '',
    measureKeys(mapping, kibo, runs),
    `load average after: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`,
  ];
  console.log(lines.join('\n'));
}

await main();
