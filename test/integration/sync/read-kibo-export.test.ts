// The engine's reader of Kibo export zips: rows aligned with the mapping (Kibo's header spellings), keys
// normalized like the ERP side's, and clear errors for exports that do not hold what was asked.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMappingFiles } from '../../../src/config/load-mapping-files.ts';
import type { SyncMapping } from '../../../src/mapping/index.ts';
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
});
