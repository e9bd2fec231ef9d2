// Splits the engine's read-kibo and write costs into layers, on the bench's own export zip, so hot-path
// proposals come with figures: each layer adds one step of the engine's real code to the previous one.
//   node --expose-gc --import tsx bench/measure-hot-paths.ts --zip bench/work/rows-1000000-seed-42/export-before.zip [--runs 3]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readKiboCsv, readKiboCsvBatches } from '../src/csv/kibo-csv-reader.ts';
import { formatKiboCsvRecord, KIBO_RECORD_SEPARATOR } from '../src/csv/kibo-csv-writer.ts';
import { createKeyedDiffer } from '../src/diff/compute-diff.ts';
import { writeHash64 } from '../src/diff/hash-64.ts';
import { readZipEntries } from '../src/kibo/kibo-zip.ts';
import { parseMapping, type SyncMapping } from '../src/mapping/index.ts';
import { openCsvFileWriter } from '../src/sync/csv-file-writer.ts';
import { readKiboExportRows } from '../src/sync/read-kibo-export.ts';
import { createKeyEncoder, type KeyEncoder } from '../src/sync/sync-keys.ts';
import { median } from './bench-report.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

async function firstEntry(zip: Buffer) {
  for await (const entry of readZipEntries(zip)) return entry;
  throw new Error('the zip has no entry');
}

function usedBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** Memory the Kibo side holds once loaded into the differ (run node with --expose-gc for exact figures). */
async function measureDifferMemory(zip: Buffer, mapping: SyncMapping, encodeRowKey: KeyEncoder): Promise<Record<string, unknown>> {
  const before = usedBytes();
  const differ = createKeyedDiffer(mapping.fields.map((field) => field.spec));
  let rows = 0;
  for await (const row of readKiboExportRows(zip, mapping, encodeRowKey)) {
    if (row.key !== undefined) differ.addKibo(row.key, row.cells);
    rows += 1;
  }
  const held = usedBytes() - before;
  return { layer: `differ after addKibo of ${rows} rows (heap + external; gc exposed: ${typeof (globalThis as { gc?: unknown }).gc === 'function'})`, heldMb: Math.round(held / 1024 ** 2), bytesPerRow: Math.round(held / rows), keep: differ.counts.removed };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { zip: { type: 'string' }, runs: { type: 'string', default: '3' } } });
  if (!values.zip) throw new Error('--zip is required (an export zip made by generate-bench-data.ts)');
  const zip = await readFile(values.zip);
  const mappingFile = path.join(BENCH_DIR, 'mappings', 'bench-products.yaml');
  const { mapping, problems } = parseMapping(await readFile(mappingFile, 'utf8'), mappingFile);
  if (!mapping) throw new Error(JSON.stringify(problems));
  const encodeRowKey = createKeyEncoder(mapping);
  const dir = await mkdtemp(path.join(tmpdir(), 'hot-paths-'));
  let rows: string[][] = [];
  const layers: Record<string, () => Promise<unknown>> = {
    'inflate only (readZipEntries)': async () => {
      for await (const chunk of (await firstEntry(zip)).stream) void chunk;
    },
    '+ parse, batches (readKiboCsvBatches)': async () => {
      for await (const batch of readKiboCsvBatches((await firstEntry(zip)).stream)) void batch;
    },
    '+ parse, one await per record (readKiboCsv)': async () => {
      for await (const record of readKiboCsv((await firstEntry(zip)).stream)) void record;
    },
    '+ align cells and encode keys (readKiboExportRows)': async () => {
      for await (const row of readKiboExportRows(zip, mapping, encodeRowKey)) void row;
    },
    '+ normalize and fingerprint (differ.addKibo) = read-kibo stage': async () => {
      const differ = createKeyedDiffer(mapping.fields.map((field) => field.spec));
      rows = [];
      for await (const row of readKiboExportRows(zip, mapping, encodeRowKey)) {
        if (row.key !== undefined) differ.addKibo(row.key, row.cells);
        if (rows.length < 200_000) rows.push([...row.cells]);
      }
    },
    'for comparison: one hash of the raw cells per row instead of (differ.addKibo)': async () => {
      const out = new Uint32Array(2);
      for await (const row of readKiboExportRows(zip, mapping, encodeRowKey)) writeHash64(row.cells.join('\u001f'), out, 0);
    },
    'write 200k records, one await each (openCsvFileWriter)': async () => {
      const writer = await openCsvFileWriter(path.join(dir, 'a.csv'), mapping.fields.map((field) => field.header));
      for (const row of rows) await writer.writeRecord(row);
      await writer.close();
    },
    'write 200k records, 64 KiB strings per write': async () => {
      const stream = createWriteStream(path.join(dir, 'b.csv'));
      let buffer = formatKiboCsvRecord(mapping.fields.map((field) => field.header));
      for (const row of rows) {
        buffer += KIBO_RECORD_SEPARATOR + formatKiboCsvRecord(row);
        if (buffer.length >= 65_536) {
          if (!stream.write(buffer)) await once(stream, 'drain');
          buffer = '';
        }
      }
      stream.end(buffer);
      await once(stream, 'finish');
    },
  };
  const results: Record<string, unknown>[] = [];
  results.push(await measureDifferMemory(zip, mapping, encodeRowKey));
  console.error(JSON.stringify(results.at(-1)));
  try {
    for (const [name, layer] of Object.entries(layers)) {
      const timings: number[] = [];
      for (let run = 0; run < Number(values.runs); run += 1) {
        const started = performance.now();
        await layer();
        timings.push(performance.now() - started);
      }
      results.push({ layer: name, medianMs: Math.round(median(timings)), runsMs: timings.map(Math.round) });
      console.error(JSON.stringify(results.at(-1)));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.table(results);
}

await main();
