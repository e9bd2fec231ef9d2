// The engine's reader of Kibo export zips: rows aligned with the mapping (Kibo's header spellings), keys
// normalized like the ERP side's, and clear errors for exports that do not hold what was asked.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMappingFiles } from '../../../src/config/load-mapping-files.ts';
import type { SyncMapping } from '../../../src/mapping/index.ts';
import { createKeyedDiffer, type KeyedDiffer } from '../../../src/diff/compute-diff.ts';
import { estimateKeys, hashKiboExport, MAX_ESTIMATED_KEYS } from '../../../src/sync/hash-kibo-export.ts';
import { readKiboSide } from '../../../src/sync/read-kibo-side.ts';
import { readKiboExportRows, type KiboExportRow } from '../../../src/sync/read-kibo-export.ts';
import { createKeyEncoder } from '../../../src/sync/sync-keys.ts';
import { buildZip } from '../../helpers/kibo-zip-fixtures.ts';
import { REPO_ROOT } from '../../helpers/sync-harness.ts';

let mapping: SyncMapping;

beforeAll(async () => {
  const { mappings, problems } = await loadMappingFiles(path.join(REPO_ROOT, 'mappings'));
  expect(problems).toEqual([]);
  mapping = mappings.find((candidate) => candidate.sync === 'pricelist-entries')!;
});

async function readAll(zip: Buffer): Promise<KiboExportRow[]> {
  const rows: KiboExportRow[] = [];
  for await (const row of readKiboExportRows(zip, mapping, createKeyEncoder(mapping))) rows.push(row);
  return rows;
}

const HEADER =
  'Master Catalog Name,PriceList Code,Product Code,Currency Code,Start Date,Is Variation,End Date,Msrp,Cost,Extra Column';

/** A header and `rowCount` rows of varying length (as catalogs have: the estimate averages the first 8 MiB). */
function buildLargeExportLines(rowCount: number): string[] {
  const lines = [HEADER];
  for (let index = 0; index < rowCount; index += 1) {
    const note = 'n'.repeat(150 + (index % 200));
    lines.push(`Main Master Catalog,RETAIL-US,P-${index},USD,1/1/2026 12:00:00 AM,No,,12.5000,3.1000,${note}`);
  }
  return lines;
}

describe('readKiboExportRows', () => {
  it('aligns cells with the mapping by Kibo header spelling and normalizes keys like the ERP side', async () => {
    const zip = await buildZip({
      'PriceListEntries.csv': `${HEADER}\r\nMain Master Catalog,RETAIL-US,000123,USD,1/1/2026 12:00:00 AM,No,,12.5000,3.1000,x`,
    });
    const [row] = await readAll(zip);
    expect(row?.rowNumber).toBe(2);
    const erpKey = createKeyEncoder(mapping)(['RETAIL-US', '000123', 'USD', '2026-01-01T00:00:00.000Z']);
    expect(row?.key).toBe(erpKey);
    const byField = Object.fromEntries(mapping.fields.map((field, index) => [field.name, row?.cells[index]]));
    expect(byField).toMatchObject({ PriceListCode: 'RETAIL-US', ProductCode: '000123', Msrp: '12.5000', EndDate: '' });
  });

  it('reads a header-only export as no rows', async () => {
    expect(await readAll(await buildZip({ 'pricelistentries.csv': HEADER }))).toEqual([]);
  });

  it('refuses an empty entry, a missing mapped column, and a zip without the resource', async () => {
    await expect(readAll(await buildZip({ 'pricelistentries.csv': '' }))).rejects.toThrow(/is empty/);
    await expect(readAll(await buildZip({ 'pricelistentries.csv': HEADER.replace(',Msrp', '') }))).rejects.toThrow(/has no column for Msrp/);
    await expect(readAll(await buildZip({ 'products.csv': 'ProductCode\r\nX' }))).rejects.toThrow(/has no pricelistentries\.csv/);
  });

  it('estimates a large export\'s key count once, from the bytes read so far, a little above the true count', async () => {
    const rowCount = 40_000;
    const lines = buildLargeExportLines(rowCount);
    const zip = await buildZip({ 'PriceListEntries.csv': lines.join('\r\n') });
    const estimates: number[] = [];
    let batchedRows = 0;
    const totals = await hashKiboExport(zip, mapping, {
      onBatch: (batch) => {
        batchedRows += batch.count;
      },
      onKeyEstimate: (keys) => estimates.push(keys),
    });
    expect(totals).toEqual({ exported: rowCount, unkeyed: 0 });
    expect(batchedRows).toBe(rowCount);
    expect(estimates).toHaveLength(1);
    expect(estimates[0]).toBeGreaterThanOrEqual(rowCount);
    expect(estimates[0]).toBeLessThanOrEqual(rowCount * 1.15);

    const small = await buildZip({ 'PriceListEntries.csv': lines.slice(0, 1000).join('\r\n') });
    const smallEstimates: number[] = [];
    await hashKiboExport(small, mapping, { onBatch: () => undefined, onKeyEstimate: (keys) => smallEstimates.push(keys) });
    expect(smallEstimates).toEqual([]); // under 8 MiB: the table's doubling costs little there
  });

  it('sends the estimate from the worker thread to the differ, which reserves its keys once', async () => {
    const rowCount = 40_000;
    const zip = await buildZip({ 'PriceListEntries.csv': buildLargeExportLines(rowCount).join('\r\n') });
    const differ = createKeyedDiffer(mapping.fields.map((field) => field.spec));
    const reserved: number[] = [];
    // The real differ, its reserveKeys calls recorded on the way through.
    const recording: KeyedDiffer = Object.assign(Object.create(differ) as KeyedDiffer, {
      reserveKeys: (keys: number) => {
        reserved.push(keys);
        differ.reserveKeys(keys);
      },
    });
    const totals = await readKiboSide({ zip, mapping, differ: recording, onWorkerThread: true });
    expect(totals).toEqual({ exported: rowCount, unkeyed: 0 });
    expect(reserved).toHaveLength(1);
    expect(reserved[0]).toBeGreaterThanOrEqual(rowCount);
    expect(reserved[0]).toBeLessThanOrEqual(rowCount * 1.15);
    expect(differ.kiboFinished).toBe(true);
    expect(differ.counts.removed).toBe(rowCount); // every Kibo row is in the differ (no ERP side here)
  });

  it('never estimates beyond MAX_ESTIMATED_KEYS, whatever the header declares', () => {
    expect(estimateKeys(20_000, 8 * 2 ** 20, 430 * 2 ** 20)).toBe(Math.ceil(20_000 * (430 / 8) * 1.08));
    expect(estimateKeys(400_000, 8 * 2 ** 20, 2 * 2 ** 30)).toBe(MAX_ESTIMATED_KEYS);
  });
});
