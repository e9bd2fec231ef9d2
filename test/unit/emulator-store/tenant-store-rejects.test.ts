import { describe, expect, it } from 'vitest';
import { createTenantStore } from '../../../src/kibo/emulator/tenant-store.ts';
import { getResource } from '../../../src/kibo/resources/resource-registry.ts';
import type { FieldSpec } from '../../../src/kibo/resources/resource-types.ts';
import { PRODUCT_REQUIRED_HEADER, importFiles, productRow, productsCsv } from './store-fixtures.ts';
import { csvLines, readZip } from './zip-test-helpers.ts';

/** A valid cell for a field whatever the registry decided about it (kinds, allowed values). */
function validValue(field: FieldSpec, id: string): string {
  if (field.allowedValues?.[0] !== undefined) return field.allowedValues[0];
  switch (field.kind) {
    case 'integer': return String(100 + Number(id));
    case 'decimal': case 'money': return '1.5';
    case 'boolean': return 'Yes';
    case 'date': case 'datetime': return '2024-01-01';
    default: return `${field.name}-${id}`;
  }
}

/** A one-file CSV for `resource`: its key and required fields, distinct per row, plus the cells in `rows`. */
function csvFor(resourceName: string, rows: readonly Record<string, string>[]): string {
  const resource = getResource(resourceName);
  const required = resource.fields.filter((field) => field.required || resource.key.includes(field.name)).map((field) => field.name);
  const names = new Set([...required, ...rows.flatMap((row) => Object.keys(row))]);
  const fields = resource.fields.filter((field) => names.has(field.name));
  const lines = rows.map((row, index) => fields.map((field) => row[field.name] ?? validValue(field, String(index))).join(','));
  return csvLines(fields.map((field) => field.exportHeader).join(','), ...lines);
}

describe('TenantStore.applyImport: rejected rows', () => {
  it('rejects bad products rows with row, key, field and bad value logged, and applies the rest', async () => {
    const store = createTenantStore();
    const header = [...PRODUCT_REQUIRED_HEADER, 'IsTaxable', 'MAPEffectiveStartDate'];
    const rows = [
      [...productRow('OK1', 'Good', '1'), 'True', '2024-02-03'],
      [...productRow('BAD1', 'Bad money', 'abc'), '', ''],
      [...productRow('BAD2', '', '1'), '', ''],
      [...productRow('BAD3', 'Bad flag', '1'), 'maybe', ''],
      [...productRow('BAD4', 'Bad comma', '1,5'), '', '31/12/2024'],
      [...productRow('OK2', 'Good too', '2'), 'No', ''],
    ].map((row) => row.map((cell) => (cell.includes(',') ? `"${cell}"` : cell)));
    const outcome = await importFiles(store, { 'products.csv': productsCsv(header, rows) }, [{ resource: 'Products', deleteOmitted: false }]);
    expect(outcome.resources[0]).toMatchObject({ status: 'complete', rowsRead: 6, inserted: 2, rejected: 4 });
    expect(outcome.log).toEqual([
      { resource: 'Products', rowNumber: 3, key: 'Master|BAD1', field: 'Price', message: expect.stringContaining("'abc'") },
      { resource: 'Products', rowNumber: 4, key: 'Master|BAD2', field: 'ProductName', message: expect.stringContaining('required') },
      { resource: 'Products', rowNumber: 5, key: 'Master|BAD3', field: 'IsTaxable', message: expect.stringContaining("'maybe'") },
      { resource: 'Products', rowNumber: 6, key: 'Master|BAD4', field: 'Price', message: expect.stringContaining("'1,5'") },
      { resource: 'Products', rowNumber: 6, key: 'Master|BAD4', field: 'MAPEffectiveStartDate', message: expect.stringContaining("'31/12/2024'") },
    ]);
    expect(store.listRecords('Products').map((record) => [record.ProductCode, record.IsTaxable])).toEqual([['OK1', 'true'], ['OK2', 'false']]);
    expect(store.listRecords('Products')[0]).toMatchObject({ MAPEffectiveStartDate: '2024-02-03T00:00:00.000Z' });
  });

  it('a rejected update changes nothing on the stored record', async () => {
    const store = createTenantStore();
    const header = [...PRODUCT_REQUIRED_HEADER, 'IsTaxable'];
    await importFiles(store, { 'products.csv': productsCsv(header, [[...productRow('A', 'Name', '1'), 'Yes']]) }, [{ resource: 'Products', deleteOmitted: false }]);
    const before = store.listRecords('Products');
    const outcome = await importFiles(store, { 'products.csv': productsCsv(header, [[...productRow('A', 'Renamed', '2'), 'perhaps']]) }, [{ resource: 'Products', deleteOmitted: false }]);
    expect(outcome.resources[0]).toMatchObject({ updated: 0, rejected: 1 });
    expect(store.listRecords('Products')).toEqual(before);
  });

  it('rejects B2BUsers RoleList 4 (allowed 1–3)', async () => {
    const store = createTenantStore();
    const csv = csvFor('B2BUsers', [{ RoleList: '1' }, { RoleList: '4' }]);
    const outcome = await importFiles(store, { 'b2busers.csv': csv }, [{ resource: 'B2BUsers', deleteOmitted: false }]);
    expect(outcome.resources[0]).toMatchObject({ inserted: 1, rejected: 1 });
    expect(outcome.log).toEqual([expect.objectContaining({ rowNumber: 3, field: 'RoleList', message: expect.stringMatching(/'4'.*1, 2, 3/u) })]);
    expect(outcome.log[0]?.key.split('|')).toHaveLength(getResource('B2BUsers').key.length);
  });

  it('rejects an Address1 over 200 characters and accepts exactly 200', async () => {
    const store = createTenantStore();
    const csv = csvFor('CustomerContacts', [{ Address1: 'a'.repeat(200) }, { Address1: 'b'.repeat(201) }]);
    const outcome = await importFiles(store, { 'customercontacts.csv': csv }, [{ resource: 'CustomerContacts', deleteOmitted: false }]);
    expect(outcome.resources[0]).toMatchObject({ inserted: 1, rejected: 1 });
    expect(outcome.log).toEqual([expect.objectContaining({ rowNumber: 3, field: 'Address1', message: expect.stringContaining('201') })]);
  });

  it('rejects a bad date in a price-list key and keeps the row out of the table', async () => {
    const store = createTenantStore();
    const csv = csvFor('PricelistEntries', [{ ProductCode: 'P1', StartDate: '2024-01-01', EndDate: '2024-02-30' }, { ProductCode: 'P2', StartDate: 'someday' }]);
    const outcome = await importFiles(store, { 'pricelistentries.csv': csv }, [{ resource: 'PricelistEntries', deleteOmitted: false }]);
    expect(outcome.resources[0]).toMatchObject({ inserted: 0, rejected: 2 });
    expect(outcome.log.map((entry) => [entry.rowNumber, entry.field])).toEqual([[2, 'EndDate'], [3, 'StartDate']]);
    expect(outcome.log[1]?.message).toContain("'someday'");
    expect(store.countRecords('PricelistEntries')).toBe(0);
  });

  it('renders the import log as a zip with one Kibo-dialect CSV', async () => {
    const store = createTenantStore();
    const log = [
      { resource: 'Products', rowNumber: 3, key: 'Master|BAD1', field: 'Price', message: "'abc' is not a valid money, really" },
      { resource: 'B2BUsers', rowNumber: 2, key: 'E1|a@b', field: 'RoleList', message: 'line one\nline two' },
    ];
    const entries = await readZip(await store.renderImportLog(log));
    expect(entries.map((entry) => entry.name)).toEqual(['import_log.csv']);
    expect(entries[0]?.bytes.toString('utf8')).toBe(
      'Resource,Row,Key,Field,Message\r\nProducts,3,Master|BAD1,Price,"\'abc\' is not a valid money, really"\r\nB2BUsers,2,E1|a@b,RoleList,"line one\nline two"',
    );
    expect((await readZip(await store.renderImportLog([])))[0]?.bytes.toString('utf8')).toBe('Resource,Row,Key,Field,Message');
  });
});
