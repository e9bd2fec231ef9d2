// Splits the engine's read-erp stage into layers on the bench's data (each layer adds one step of the
// engine's own code), so proposals for src/sync and src/diff come with figures.
//   npx tsx bench/measure-erp-side.ts --rows 1000000 [--seed 42] [--database-url URL]
// Needs the data of `npm run bench -- --rows N` (bench/work/rows-N-seed-S/manifest.json).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createKeyedDiffer, type KeyedDiffer } from '../src/diff/compute-diff.ts';
import { selectRowAction } from '../src/diff/compute-plan.ts';
import { buildSourceSql, createErpPool, readErpRows } from '../src/erp/read-erp-rows.ts';
import { compileRowTransform, parseMapping, type SyncMapping } from '../src/mapping/index.ts';
import { openCsvFileWriter } from '../src/sync/csv-file-writer.ts';
import { readKiboExportRows } from '../src/sync/read-kibo-export.ts';
import { createKeyEncoder, type KeyEncoder } from '../src/sync/sync-keys.ts';
import { appendWrittenRow, createWrittenRows, formatCellTexts } from '../src/sync/written-rows.ts';
import type { BenchDataManifest } from './generate-bench-data.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

async function loadKiboSide(zip: Buffer, mapping: SyncMapping, encodeRowKey: KeyEncoder): Promise<KeyedDiffer> {
  const differ = createKeyedDiffer(mapping.fields.map((field) => field.spec));
  for await (const row of readKiboExportRows(zip, mapping, encodeRowKey)) if (row.key !== undefined) differ.addKibo(row.key, row.cells);
  differ.finishKibo();
  return differ;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '42' } } });
  const manifest = JSON.parse(await readFile(path.join(BENCH_DIR, 'work', `rows-${values.rows}-seed-${values.seed}`, 'manifest.json'), 'utf8')) as BenchDataManifest;
  const mappingFile = path.join(BENCH_DIR, 'mappings', 'bench-products.yaml');
  const { mapping } = parseMapping(await readFile(mappingFile, 'utf8'), mappingFile);
  if (!mapping || mapping.source.kind !== 'query') throw new Error(`${mappingFile} did not parse to a query mapping`);
  const sql = buildSourceSql({ query: mapping.source.query });
  const zip = await readFile(manifest.exportZip);
  const encodeRowKey = createKeyEncoder(mapping);
  const transform = compileRowTransform(mapping);
  const fieldNames = mapping.fields.map((field) => field.name);
  const header = mapping.fields.map((field) => field.header);
  const pool = createErpPool(manifest.erpDatabaseUrl, 'kibo-sync bench layers');
  const dir = await mkdtemp(path.join(tmpdir(), 'erp-layers-'));
  const timed = async (name: string, work: () => Promise<void>): Promise<void> => {
    const started = performance.now();
    await work();
    console.log(JSON.stringify({ layer: name, ms: Math.round(performance.now() - started) }));
  };
  try {
    await timed('read rows (cursor, batches of 1000, raw text)', async () => {
      for await (const batch of readErpRows(pool, sql)) void batch;
    });
    await timed('+ transform and encode key', async () => {
      for await (const batch of readErpRows(pool, sql)) {
        for (const row of batch.rows) {
          const result = transform(row, batch.columns);
          if (result.ok) encodeRowKey(result.keyValues);
        }
      }
    });
    let differ = await loadKiboSide(zip, mapping, encodeRowKey);
    await timed('+ differ.hasErpKey and addErp (classify)', async () => {
      for await (const batch of readErpRows(pool, sql)) {
        for (const row of batch.rows) {
          const result = transform(row, batch.columns);
          const key = result.ok ? encodeRowKey(result.keyValues) : undefined;
          if (key !== undefined && !differ.hasErpKey(key)) differ.addErp(key, result.cells);
        }
      }
    });
    differ = await loadKiboSide(zip, mapping, encodeRowKey);
    await timed('+ write the delta CSV (appendWrittenRow) = read-erp stage', async () => {
      const delta = createWrittenRows(await openCsvFileWriter(path.join(dir, 'delta.csv'), header));
      for await (const batch of readErpRows(pool, sql)) {
        for (const row of batch.rows) {
          const result = transform(row, batch.columns);
          const key = result.ok ? encodeRowKey(result.keyValues) : undefined;
          if (key === undefined || differ.hasErpKey(key)) continue;
          const entry = differ.addErp(key, result.cells);
          const texts = formatCellTexts(result.cells, fieldNames, entry.clearedFields);
          if (selectRowAction(entry, false) === 'write') await appendWrittenRow(delta, texts);
        }
      }
      await delta.writer.close();
    });
  } finally {
    await pool.end();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
