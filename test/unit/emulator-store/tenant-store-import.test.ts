import { describe, expect, it } from 'vitest';
import { createTenantStore } from '../../../src/kibo/emulator/tenant-store.ts';
import { PRODUCT_REQUIRED_HEADER, createStoreWithProducts, importFiles, productRow, productsCsv } from './store-fixtures.ts';
import { csvLines } from './zip-test-helpers.ts';

const PRODUCTS = [{ resource: 'Products', deleteOmitted: false }] as const;
const PRODUCTS_SNAPSHOT = [{ resource: 'Products', deleteOmitted: true }] as const;

function productCodes(store: ReturnType<typeof createTenantStore>): string[] {
  return store.listRecords('Products').map((record) => record.ProductCode ?? '');
}

describe('TenantStore.applyImport: upsert by key', () => {
  it('inserts new records, updates changed ones and counts unchanged ones', async () => {
    const store = await createStoreWithProducts(['A', 'B']);
    const csv = productsCsv(PRODUCT_REQUIRED_HEADER, [productRow('A', 'Product A', '10.0000'), productRow('B', 'Renamed', '10'), productRow('C', 'New', '5')]);
    const outcome = await importFiles(store, { 'products.csv': csv }, PRODUCTS);
    expect(outcome.fatalError).toBeUndefined();
    expect(outcome.resources).toEqual([
      expect.objectContaining({ resource: 'Products', status: 'complete', rowsRead: 3, inserted: 1, updated: 1, unchanged: 1, deleted: 0, rejected: 0 }),
    ]);
    expect(outcome.resources[0]?.stateDetails).toMatch(/^Duration: [\d.]+ seconds\. Rows: 3 read, 1 inserted, 1 updated, 1 unchanged/u);
    expect(store.listRecords('products').map((record) => [record.ProductCode, record.ProductName, record.Price])).toEqual([
      ['A', 'Product A', '10'], ['B', 'Renamed', '10'], ['C', 'New', '5'],
    ]);
    expect(store.countRecords('PRODUCTS')).toBe(3);
  });

  it('matches keys after trimming, and a repeated key in one file is an update by the later row', async () => {
    const store = await createStoreWithProducts(['A']);
    const csv = productsCsv(PRODUCT_REQUIRED_HEADER, [productRow('" A "', 'First', '1'), productRow('A', 'Second', '2')]);
    const outcome = await importFiles(store, { 'products.csv': csv }, PRODUCTS);
    expect(outcome.resources[0]).toMatchObject({ inserted: 0, updated: 2, rejected: 0 });
    expect(store.listRecords('Products')).toEqual([expect.objectContaining({ ProductCode: 'A', ProductName: 'Second', Price: '2' })]);
  });

  it('treats numerically equal money/integer keys and the same instant as one key', async () => {
    const store = createTenantStore();
    const header = 'Master Catalog Name,PriceList Code,Product Code,Currency Code,Start Date,Minimum Quantity,List Price';
    const first = csvLines(header, 'Master,PL1,P1,USD,2024-01-01T00:00:00Z,1,5');
    const second = csvLines(header, 'Master,PL1,P1,USD,1/1/2024 12:00:00 AM,1.0,6');
    const resources = [{ resource: 'PricelistEntryPrices', deleteOmitted: false }];
    await importFiles(store, { 'pricelistentryprices.csv': first }, resources);
    const outcome = await importFiles(store, { 'pricelistentryprices.csv': second }, resources);
    expect(outcome.resources[0]).toMatchObject({ inserted: 0, updated: 1 });
    expect(store.listRecords('PricelistEntryPrices')).toEqual([
      expect.objectContaining({ StartDate: '2024-01-01T00:00:00.000Z', MinimumQuantity: '1', ListPrice: '6' }),
    ]);
  });

  it('accepts header spelling variants (Master Catalog Name = MasterCatalogName, PriceList Code = PriceListCode)', async () => {
    const store = createTenantStore();
    const resources = [{ resource: 'pricelistentries', deleteOmitted: false }];
    const spaced = csvLines('Master Catalog Name,PriceList Code,Product Code,Currency Code,Start Date,Is Variation', 'Master,PL1,P1,USD,2024-01-01,No');
    const compact = csvLines('mastercatalogname,PRICELISTCODE,ProductCode,CurrencyCode,StartDate,IsVariation', 'Master,PL1,P1,USD,2024-01-01,Yes');
    expect((await importFiles(store, { 'PricelistEntries.csv': spaced }, resources)).resources[0]).toMatchObject({ inserted: 1 });
    expect((await importFiles(store, { 'pricelistentries.csv': compact }, resources)).resources[0]).toMatchObject({ inserted: 0, updated: 1 });
    expect(store.listRecords('PricelistEntries')).toEqual([
      expect.objectContaining({ MasterCatalogName: 'Master', PriceListCode: 'PL1', ProductCode: 'P1', IsVariation: 'true' }),
    ]);
  });
});

describe('TenantStore.applyImport: blank cells and ~delete~', () => {
  it('leaves a value unchanged for a blank cell and clears it for ~delete~', async () => {
    const store = createTenantStore();
    const header = [...PRODUCT_REQUIRED_HEADER, 'UPC', 'SalePrice'];
    await importFiles(store, { 'products.csv': productsCsv(header, [[...productRow('A', 'A', '10'), '123', '9']]) }, PRODUCTS);
    const csv = productsCsv(header, [['Master', 'A', '', '', '', '', '', '', '', '', '', '~delete~', '']]);
    const outcome = await importFiles(store, { 'products.csv': csv }, PRODUCTS);
    expect(outcome.resources[0]).toMatchObject({ updated: 1, rejected: 0 });
    const [record] = store.listRecords('Products');
    expect(record).toMatchObject({ ProductName: 'A', Price: '10', SalePrice: '9' });
    expect(record).not.toHaveProperty('UPC');
  });

  it('rejects ~delete~ on a required field and on a key field, changing nothing', async () => {
    const store = await createStoreWithProducts(['A']);
    const before = store.listRecords('Products');
    const csv = productsCsv(['MasterCatalogName', 'ProductCode', 'ProductName'], [['Master', 'A', '~delete~'], ['Master', '~delete~', 'X']]);
    const outcome = await importFiles(store, { 'products.csv': csv }, PRODUCTS);
    expect(outcome.resources[0]).toMatchObject({ status: 'complete', rejected: 2, updated: 0 });
    expect(outcome.log).toEqual([
      expect.objectContaining({ resource: 'Products', rowNumber: 2, key: 'Master|A', field: 'ProductName', message: expect.stringContaining('required') }),
      expect.objectContaining({ rowNumber: 3, key: 'Master|~delete~', field: 'ProductCode', message: expect.stringContaining('key field') }),
    ]);
    expect(store.listRecords('Products')).toEqual(before);
  });
});

describe('TenantStore.applyImport: deleteOmitted', () => {
  it('deletes only the omitted records of that resource; a rejected row still counts as present', async () => {
    const store = await createStoreWithProducts(['A', 'B', 'C', 'D']);
    await importFiles(store, { 'pricelists.csv': csvLines('MasterCatalogName,PriceListName,PriceListCode,Enabled,ValidForAllSites,ValidSites', 'Master,Retail,PL1,Yes,Yes,1') }, [{ resource: 'Pricelists', deleteOmitted: false }]);
    const csv = productsCsv(PRODUCT_REQUIRED_HEADER, [productRow('A', 'A', '1'), productRow('B', 'B', 'abc')]);
    const outcome = await importFiles(store, { 'products.csv': csv }, PRODUCTS_SNAPSHOT);
    expect(outcome.resources[0]).toMatchObject({ status: 'complete', rowsRead: 2, updated: 1, rejected: 1, deleted: 2 });
    expect(productCodes(store)).toEqual(['A', 'B']);
    expect(store.listRecords('Products')[1]).toMatchObject({ Price: '10' });
    expect(store.countRecords('Pricelists')).toBe(1);
  });

  it('a header-only snapshot deletes everything; deleteOmitted false deletes nothing', async () => {
    const store = await createStoreWithProducts(['A', 'B']);
    const headerOnly = productsCsv(PRODUCT_REQUIRED_HEADER, []);
    expect((await importFiles(store, { 'products.csv': headerOnly }, PRODUCTS)).resources[0]).toMatchObject({ deleted: 0 });
    expect(store.countRecords('Products')).toBe(2);
    expect((await importFiles(store, { 'products.csv': headerOnly }, PRODUCTS_SNAPSHOT)).resources[0]).toMatchObject({ deleted: 2 });
    expect(store.countRecords('Products')).toBe(0);
  });

  it('skips deletion when a row has no readable key, rather than deleting what it meant', async () => {
    const store = await createStoreWithProducts(['A', 'B']);
    const csv = productsCsv(PRODUCT_REQUIRED_HEADER, [productRow('A', 'A', '1'), productRow('', 'lost', '1')]);
    const outcome = await importFiles(store, { 'products.csv': csv }, PRODUCTS_SNAPSHOT);
    expect(outcome.resources[0]).toMatchObject({ status: 'complete', deleted: 0, rejected: 1 });
    expect(outcome.resources[0]?.stateDetails).toContain('deleteOmitted skipped');
    expect(productCodes(store)).toEqual(['A', 'B']);
  });

  it('does not delete when the zip has no file for the resource', async () => {
    const store = await createStoreWithProducts(['A']);
    const outcome = await importFiles(store, { 'other.csv': 'x' }, PRODUCTS_SNAPSHOT);
    expect(outcome.resources[0]).toMatchObject({ status: 'complete', rowsRead: 0, deleted: 0 });
    expect(outcome.resources[0]?.stateDetails).toContain('No products.csv');
    expect(store.countRecords('Products')).toBe(1);
  });
});

describe('TenantStore.applyImport: file and header problems', () => {
  it('rejects every row and errors the resource when a key column is missing', async () => {
    const store = await createStoreWithProducts(['A']);
    const csv = productsCsv(['MasterCatalogName', 'ProductName'], [['Master', 'x'], ['Master', 'y']]);
    const outcome = await importFiles(store, { 'products.csv': csv }, PRODUCTS_SNAPSHOT);
    expect(outcome.resources[0]).toMatchObject({ status: 'errored', rowsRead: 2, rejected: 2, deleted: 0 });
    expect(outcome.log).toEqual([expect.objectContaining({ rowNumber: 1, field: 'ProductCode', message: expect.stringContaining('ProductCode') })]);
    expect(store.countRecords('Products')).toBe(1);
  });

  it('matches entries by file name case-insensitively, ignoring folders and __MACOSX, and ignores unrequested CSVs', async () => {
    const store = createTenantStore();
    const csv = productsCsv(PRODUCT_REQUIRED_HEADER, [productRow('A', 'A', '1')]);
    const outcome = await importFiles(
      store,
      { '__MACOSX/export/._Products.csv': 'garbage', 'export/Products.CSV': csv, 'pricelists.csv': 'not even read' },
      [...PRODUCTS, { resource: 'locationinventory', deleteOmitted: false }],
    );
    expect(outcome.resources.map((resource) => [resource.resource, resource.status, resource.inserted])).toEqual([
      ['Products', 'complete', 1], ['locationinventory', 'complete', 0],
    ]);
    expect(store.countRecords('Pricelists')).toBe(0);
  });

  it('errors a resource whose CSV is malformed or not UTF-8, naming the file', async () => {
    const store = createTenantStore();
    const outcome = await importFiles(store, { 'products.csv': 'MasterCatalogName,ProductCode\r\n"unterminated,x' }, PRODUCTS);
    expect(outcome.resources[0]).toMatchObject({ status: 'errored', inserted: 0 });
    expect(outcome.log[0]?.message).toContain('products.csv');
    const latin1 = Buffer.from('MasterCatalogName,ProductCode,ProductName\r\nMaster,A,Caf\xe9', 'latin1');
    const second = await importFiles(store, { 'products.csv': latin1 }, PRODUCTS);
    expect(second.resources[0]).toMatchObject({ status: 'errored', inserted: 0 });
    expect(second.log[0]?.message).toContain('not UTF-8');
    expect(store.countRecords('Products')).toBe(0);
  });

  it('reports a file that is not a zip like Kibo: End of Central Directory', async () => {
    const outcome = await createTenantStore().applyImport(Buffer.from('MasterCatalogName,ProductCode\r\n'), PRODUCTS);
    expect(outcome.fatalError).toContain('End of Central Directory');
    expect(outcome.resources).toEqual([expect.objectContaining({ resource: 'Products', status: 'errored', rowsRead: 0 })]);
  });
});
