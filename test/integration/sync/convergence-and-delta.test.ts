// Issue 3, "Done when" 1 and 2: the sample ERP converges into an empty tenant (a second run sends nothing
// and creates no import job, for every shipped mapping), and the demo's ERP changes go out as exactly five
// rows, after which the emulator's Products equal the ERP's items field by field.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from '../../helpers/kibo-zip-fixtures.ts';
import { SAMPLE_ERP_DIR, startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';
import { runSqlFiles } from '../../../src/demo/run-sql-files.ts';
import { encodeKey } from '../../../src/mapping/index.ts';
import { STATE_TABLES } from '../../../src/state/index.ts';
import { expectedProductRecord, normalizeProductRecord, type ErpItemRow } from './product-expectations.ts';

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'sync_convergence' });
});

afterAll(async () => {
  await harness?.close();
});

describe('sample ERP into an empty emulator tenant', () => {
  it('converges: a second run with no ERP change uploads nothing and creates no import job, for every shipped mapping', async () => {
    expect(harness.mappings.length).toBe(10);
    const first = await harness.run();
    expect(first.map((summary) => summary.sync).sort()).toEqual(harness.mappings.map((mapping) => mapping.sync).sort());
    for (const summary of first) {
      expect(summary.status, `${summary.sync}: ${summary.error ?? ''}`).toBe('succeeded');
      expect(summary.counts.source, summary.sync).toBeGreaterThan(0);
      expect(summary.counts.exported, summary.sync).toBe(0);
      expect(summary.counts.added, summary.sync).toBe(summary.counts.source);
      expect(summary.counts.rejectedByUs, summary.sync).toBe(0);
      expect(summary.counts.rejectedByKibo, summary.sync).toBe(0);
      expect(summary.bytesUploaded, summary.sync).toBeGreaterThan(0);
      expect(summary.importJobId, summary.sync).toBeDefined();
      // Every row sent was stored: the emulator holds exactly the source rows of this resource.
      expect(harness.emulator.listRecords(summary.resource), summary.sync).toHaveLength(summary.counts.source!);
    }
    const importJobsAfterFirst = harness.emulator.listJobs('import').length;
    expect(importJobsAfterFirst).toBeGreaterThan(0);

    const second = await harness.run();
    expect(second).toHaveLength(first.length);
    for (const summary of second) {
      const before = first.find((run) => run.sync === summary.sync)!;
      expect(summary.status, `${summary.sync}: ${summary.error ?? ''}`).toBe('succeeded');
      expect(summary.counts.source, summary.sync).toBe(before.counts.source);
      expect(summary.counts.exported, summary.sync).toBe(before.counts.source);
      expect(summary.counts.unchanged, summary.sync).toBe(summary.counts.source);
      expect({ added: summary.counts.added, changed: summary.counts.changed, removed: summary.counts.removed }, summary.sync).toEqual({ added: 0, changed: 0, removed: 0 });
      expect(summary.bytesUploaded, summary.sync).toBe(0);
      expect(summary.importJobId, summary.sync).toBeUndefined();
      expect(summary.planAction, summary.sync).toBe('nothing');
    }
    expect(harness.emulator.listJobs('import')).toHaveLength(importJobsAfterFirst);
  });

  it('sends exactly the five changed rows of changes.sql, ~delete~ only for the cleared sale price, and Kibo then equals the ERP', async () => {
    await runSqlFiles(harness.database.url, [path.join(SAMPLE_ERP_DIR, 'changes.sql')]);
    const importJobsBefore = harness.emulator.listJobs('import').length;
    const [summary] = await harness.run(['products']);
    expect(summary?.status, summary?.error).toBe('succeeded');
    expect(summary?.counts).toMatchObject({ added: 2, changed: 3, removed: 0, rejectedByUs: 0, rejectedByKibo: 0 });
    expect(harness.emulator.listJobs('import')).toHaveLength(importJobsBefore + 1);

    const deltaCsv = await readFile(summary!.files.deltaCsv!, 'utf8');
    const zipped = await readZip(await readFile(summary!.files.uploadZip!));
    expect(Object.values(zipped)).toEqual([deltaCsv]);
    const [header = [], ...rows] = parse(deltaCsv, { relax_quotes: false }) as string[][];
    expect(rows.map((row) => row[header.indexOf('ProductCode')]).sort()).toEqual(['000123', '000124', '000131', '000132', '001001']);
    const cellsWithDelete = rows.flatMap((row) => row.flatMap((cell, index) => (cell === '~delete~' ? [`${row[header.indexOf('ProductCode')]}.${header[index]}`] : [])));
    expect(cellsWithDelete).toEqual(['000123.SalePrice']);

    const items = await harness.erp<ErpItemRow>(
      `select sku, title, description, short_text, product_type, list_price::text, sale_price::text, unit_cost::text, taxable,
              weight_kg::text, length_cm::text, width_cm::text, height_cm::text, upc, fulfillment from erp.items where sellable order by sku`,
    );
    const kibo = harness.emulator.listRecords('Products').map(normalizeProductRecord).sort((a, b) => String(a.ProductCode).localeCompare(String(b.ProductCode)));
    expect(kibo).toEqual(items.map(expectedProductRecord));
    const mug = harness.emulator.listRecords('Products').find((record) => record.ProductCode === '000123');
    expect(mug).toBeDefined();
    expect(mug).not.toHaveProperty('SalePrice');
  });

  it("an address line over Kibo's 200 characters is rejected by us with key and field; Kibo keeps the old address", async () => {
    await harness.erp("update erp.customer_addresses set address1 = repeat('Long Street ', 20) where customer_no = 'C-0001'");
    const [summary] = await harness.run(['customer-contacts']);
    expect(summary?.status, summary?.error).toBe('succeeded');
    expect(summary?.counts).toMatchObject({ rejectedByUs: 1, unchanged: summary!.counts.source, removed: 1, deleted: 0 });
    expect(summary?.importJobId).toBeUndefined();
    const rejected = await harness.state(STATE_TABLES.rejectedRows).where({ run_id: summary?.runId }).select('source', 'file', 'row_number', 'key', 'field', 'reason');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ source: 'erp', field: 'Address1', reason: expect.stringMatching(/200/) });
    expect(rejected[0]?.file).toMatch(/customer-contacts\.yaml$/);
    const [customer] = await harness.erp<{ kibo_account_id: number }>("select kibo_account_id from erp.customers where customer_no = 'C-0001'");
    expect(rejected[0]?.key).toBe(encodeKey([String(customer?.kibo_account_id), '1']));
    expect(harness.emulator.listRecords('CustomerContacts').find((record) => record.ExternalId === 'C-0001')?.Address1).toBe('Calle Mayor, 12');
  });
});
