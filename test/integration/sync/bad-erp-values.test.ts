// Issue 3, "Done when" 4: bad ERP values (null key, duplicate key, `abc` in a decimal column, a string over
// the mapping's maxLength) are each recorded in kibo_sync.rejected_rows with file, row, key and field, the
// good rows still sync, and a rejected row whose key Kibo has never causes a deletion under deletes: mirror.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKey } from '../../../src/mapping/index.ts';
import { STATE_TABLES } from '../../../src/state/index.ts';
import { startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';

const MASTER_CATALOG = 'Main Master Catalog';
const MAPPING_FILE = 'raw-products.yaml';
const MAPPING = `# Products from a staging table whose columns are all text, as a careless ERP export would be.
sync: raw-products
resource: Products
source:
  query: select sku, title, price, short_text from erp.raw_items order by position
key: [MasterCatalogName, ProductCode]
fields:
  MasterCatalogName: { const: ${MASTER_CATALOG} }
  ProductCode: sku
  ProductType: { const: Base }
  ProductUsage: { const: Standard }
  ProductName: title
  Price: { column: price, type: decimal, scale: 2 }
  VariationPricingMethod: { const: Differential }
  PackageWeight: { const: 1 }
  PackageLength: { const: 1 }
  PackageWidth: { const: 1 }
  PackageHeight: { const: 1 }
  ProductShortDescription: { column: short_text, type: string, maxLength: 20 }
deletes: mirror
guards: { maxDeleteFraction: 1, maxDeletes: 1000, maxSourceDrop: 1 }
`;

interface RejectedRowRecord {
  source: string;
  file: string | null;
  row_number: number | null;
  key: string | null;
  field: string | null;
  reason: string;
  value_excerpt: string | null;
}

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'sync_bad_values', loadSampleData: false });
  const dir = path.join(harness.tempDir, 'mappings');
  await mkdir(dir);
  await writeFile(path.join(dir, MAPPING_FILE), MAPPING);
  await harness.useMappingsDir(dir);
  await harness.erp('create table erp.raw_items (position integer primary key, sku text, title text, price text, short_text text)');
  await harness.erp(`insert into erp.raw_items values
    (1, 'G1', 'Good one', '10.00', 'short'),
    (2, null, 'No key', '11.00', null),
    (3, 'G2', 'Good two', '12', null),
    (4, 'G2', 'Good two again', '12.50', null),
    (5, 'B3', 'Bad price', 'abc', null),
    (6, 'B4', 'Too long', '14.00', 'twenty-five characters!!!'),
    (7, 'G5', 'Good five', '15.5', 'fine')`);
});

afterAll(async () => {
  await harness?.close();
});

function key(code: string): string {
  return encodeKey([MASTER_CATALOG, code]);
}

function productCodes(): string[] {
  return harness.emulator.listRecords('Products').map((record) => record.ProductCode!).sort();
}

async function rejectedRowsOf(runId: number | undefined): Promise<RejectedRowRecord[]> {
  return harness.state(STATE_TABLES.rejectedRows).where({ run_id: runId }).orderBy('id').select('source', 'file', 'row_number', 'key', 'field', 'reason', 'value_excerpt');
}

describe('bad ERP values', () => {
  it('records a null key, a duplicate key, abc in a decimal column and an overlong string with file, row, key and field; the rest sync', async () => {
    const [summary] = await harness.run();
    expect(summary?.status, summary?.error).toBe('succeeded');
    expect(summary?.counts).toMatchObject({ source: 3, added: 3, rejectedByUs: 4, rejectedByKibo: 0 });
    expect(productCodes()).toEqual(['G1', 'G2', 'G5']);
    // The first of two rows with one key is the one kept.
    expect(harness.emulator.listRecords('Products').find((record) => record.ProductCode === 'G2')?.ProductName).toBe('Good two');

    const rejected = await rejectedRowsOf(summary?.runId);
    for (const row of rejected) {
      expect(row.source).toBe('erp');
      expect(row.file).toMatch(new RegExp(`${MAPPING_FILE}$`));
    }
    expect(rejected.map(({ row_number, key: rowKey, field }) => ({ row_number, key: rowKey, field }))).toEqual([
      { row_number: 2, key: null, field: 'ProductCode' },
      { row_number: 4, key: key('G2'), field: expect.stringContaining('ProductCode') },
      { row_number: 5, key: key('B3'), field: 'Price' },
      { row_number: 6, key: key('B4'), field: 'ProductShortDescription' },
    ]);
    expect(rejected[0]?.reason).toMatch(/null/);
    expect(rejected[1]?.reason).toMatch(/duplicate/);
    expect(rejected[2]?.value_excerpt).toBe('abc');
    expect(rejected[3]?.reason).toMatch(/20/);
  });

  it('a rejected row whose key Kibo has blocks the mirror snapshot (rejectedKeyWouldBeDeleted), and no approval deletes it', async () => {
    await harness.erp("delete from erp.raw_items where sku is null or position = 4");
    await harness.erp("update erp.raw_items set price = '13.00' where sku = 'B3'");
    await harness.erp("update erp.raw_items set short_text = 'short' where sku = 'B4'");
    const [clean] = await harness.run();
    expect(clean?.status, clean?.error).toBe('succeeded');
    expect(productCodes()).toEqual(['B3', 'B4', 'G1', 'G2', 'G5']);

    await harness.erp("update erp.raw_items set price = 'abc' where sku = 'G1'");
    const jobsBefore = harness.emulator.listJobs('import').length;
    const [blocked] = await harness.run();
    expect(blocked?.status).toBe('blocked');
    expect(blocked?.violations.map((violation) => violation.guard)).toEqual(['rejectedKeyWouldBeDeleted']);
    expect(blocked?.violations[0]?.sampleKeys).toEqual([key('G1')]);
    const [approved] = await harness.run([], { approvePlanId: blocked!.planId! });
    expect(approved?.status).toBe('blocked');
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore);
    expect(productCodes()).toContain('G1');
  });

  it('a row without a key blocks every mirror delete of that run: it could be any Kibo row', async () => {
    await harness.erp("update erp.raw_items set price = '10.00' where sku = 'G1'");
    await harness.erp("insert into erp.raw_items values (8, null, 'Keyless', '1.00', null)");
    await harness.erp("delete from erp.raw_items where sku = 'G5'");
    const jobsBefore = harness.emulator.listJobs('import').length;
    const [blocked] = await harness.run();
    expect(blocked?.status).toBe('blocked');
    expect(blocked?.violations.map((violation) => violation.guard)).toEqual(['rejectedKeyWouldBeDeleted']);
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore);
    expect(productCodes()).toContain('G5');
  });
});
