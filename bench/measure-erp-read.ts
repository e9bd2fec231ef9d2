// The ERP read alone, over the bench's 1M-row query: pg-cursor (array rows, raw text, batches of 1000;
// the engine's former reader) against readErpRows (COPY text). Medians of 3, wall and CPU, with a
// consumer that only touches every value, so what differs is the read. Needs `npm run bench` data.
//   npx tsx bench/measure-erp-read.ts [database-url]
import pg from 'pg';
import Cursor from 'pg-cursor';
import { readErpRows } from '../src/erp/read-erp-rows.ts';

const url = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/kibo_bench_1000000_42';
const sql = `select sku, title, description, short_text, product_type, list_price, sale_price, unit_cost,
    taxable, weight_kg, length_cm, width_cm, height_cm, upc, fulfillment, map_start from bench.items where sellable`;
const pool = new pg.Pool({ connectionString: url });

function touch(rows: readonly (readonly (string | null)[])[]): number {
  let units = 0;
  for (const row of rows) for (const value of row) units += value === null ? 0 : value.length;
  return units;
}

async function readWithCursor(): Promise<number> {
  const client = await pool.connect();
  await client.query('begin transaction isolation level repeatable read read only');
  const cursor = client.query(new Cursor(sql, [], { rowMode: 'array', types: { getTypeParser: () => (value: string) => value } }));
  let units = 0;
  for (;;) {
    const rows = await new Promise<(string | null)[][]>((resolve, reject) =>
      cursor.read(1000, (error, batch) => (error ? reject(error) : resolve(batch as unknown as (string | null)[][]))),
    );
    if (rows.length === 0) break;
    units += touch(rows);
  }
  await client.query('commit');
  client.release();
  return units;
}

async function readWithCopy(): Promise<number> {
  let units = 0;
  for await (const batch of readErpRows(pool, sql)) units += touch(batch.rows);
  return units;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const figures: Record<string, { wall: number[]; cpu: number[]; units: number }> = {};
for (let round = 0; round < 3; round += 1) {
  for (const [name, read] of [['cursor', readWithCursor], ['copy', readWithCopy]] as const) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const units = await read();
    const used = process.cpuUsage(cpu);
    const entry = (figures[name] ??= { wall: [], cpu: [], units });
    if (entry.units !== units) throw new Error(`${name} read ${units} characters, another round ${entry.units}`);
    entry.wall.push(performance.now() - started);
    entry.cpu.push((used.user + used.system) / 1000);
  }
}
for (const [name, entry] of Object.entries(figures)) {
  console.log(JSON.stringify({ read: name, wallMs: Math.round(median(entry.wall)), cpuMs: Math.round(median(entry.cpu)), characters: entry.units }));
}
if (figures.cursor!.units !== figures.copy!.units) throw new Error('the two reads returned different text');
await pool.end();
