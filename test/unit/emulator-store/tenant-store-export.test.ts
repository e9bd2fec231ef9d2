import { describe, expect, it } from 'vitest';
import { createTenantStore } from '../../../src/kibo/emulator/tenant-store.ts';
import type { TenantStore } from '../../../src/kibo/emulator/tenant-store.ts';
import { getResource } from '../../../src/kibo/resources/resource-registry.ts';
import { PRODUCT_REQUIRED_HEADER, importFiles } from './store-fixtures.ts';
import { buildZip, csvLines, readZip, readZipText } from './zip-test-helpers.ts';

const PRODUCTS_IMPORT = [{ resource: 'Products', deleteOmitted: false }] as const;

// Two products out of key order, with quoting, an embedded LF, Excel notation, an unordered
// list, booleans spelled three ways, the extra `Ships by itself` column and a dynamic `color` column.
const PRODUCTS_INPUT = csvLines(
  [...PRODUCT_REQUIRED_HEADER, 'IsTaxable', 'FulfillmentTypes', 'ProductShortDescription', 'ships by itself', 'color'].join(','),
  'Master,B,Base,Standard,"Widget, large",170,Fixed,1.5,2,3,4,Yes,InStorePickup&DirectShip,"Line1\nLine2",False,Red',
  'Master,A,Base,Standard,"Say ""hi""",9.78E+1,Fixed,1,2,3,4,0,,,True,',
);

async function storeWithProducts(): Promise<TenantStore> {
  const store = createTenantStore();
  const outcome = await importFiles(store, { 'products.csv': PRODUCTS_INPUT }, PRODUCTS_IMPORT);
  expect(outcome.resources[0]).toMatchObject({ inserted: 2, rejected: 0 });
  return store;
}

describe('TenantStore.renderExport: the dialect of a real Kibo export', () => {
  it('writes exactly the bytes Kibo would: CRLF, no trailing newline, 170.0000, 1.000, True/False, minimal quoting', async () => {
    const store = await storeWithProducts();
    const zip = await store.renderExport([{ resource: 'Products', fields: ['IsTaxable', 'FulfillmentTypes', 'productshortdescription'] }]);
    const entries = await readZip(zip);
    expect(entries.map((entry) => [entry.name, entry.compressionMethod])).toEqual([['products.csv', 8]]);
    expect(entries[0]?.bytes.toString('utf8')).toBe(
      'MasterCatalogName,ProductCode,ProductType,ProductUsage,ProductName,Price,VariationPricingMethod,PackageWeight,PackageLength,PackageWidth,PackageHeight,IsTaxable,FulfillmentTypes,ProductShortDescription,Ships by itself,color\r\n' +
        'Master,A,Base,Standard,"Say ""hi""",97.8000,Fixed,1.000,2.000,3.000,4.000,False,,,True,\r\n' +
        'Master,B,Base,Standard,"Widget, large",170.0000,Fixed,1.500,2.000,3.000,4.000,True,DirectShip&InStorePickup,"Line1\nLine2",False,Red',
    );
    expect(entries[0]?.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
  });

  it('spells booleans Yes/No in the price-list files, with their spaced headers and US datetimes', async () => {
    const store = createTenantStore();
    const csv = csvLines('MasterCatalogName,PriceListCode,ProductCode,CurrencyCode,StartDate,IsVariation,Msrp', 'Master,PL1,P1,USD,2016-06-08T19:35:23Z,false,12.5');
    await importFiles(store, { 'pricelistentries.csv': csv }, [{ resource: 'PricelistEntries', deleteOmitted: false }]);
    const text = await readZipText(await store.renderExport([{ resource: 'pricelistentries', fields: ['MSRP'] }]), 'pricelistentries.csv');
    const spec = getResource('PricelistEntries');
    const header = spec.fields.filter((field) => field.required || field.name === 'Msrp').map((field) => field.exportHeader);
    expect(header.slice(0, 3)).toEqual(['Master Catalog Name', 'PriceList Code', 'Product Code']);
    const values: Record<string, string> = { MasterCatalogName: 'Master', PriceListCode: 'PL1', ProductCode: 'P1', CurrencyCode: 'USD', StartDate: '6/8/2016 7:35:23 PM', IsVariation: 'No', Msrp: '12.5000' };
    const row = spec.fields.filter((field) => field.required || field.name === 'Msrp').map((field) => values[field.name]);
    expect(text).toBe(`${header.join(',')}\r\n${row.join(',')}`);
  });

  it('writes required fields only by default, named optional ones on request, all of them for *', async () => {
    const store = await storeWithProducts();
    const headerOf = async (fields?: readonly string[]): Promise<string[]> =>
      (await readZipText(await store.renderExport([fields === undefined ? { resource: 'Products' } : { resource: 'Products', fields }]), 'products.csv')).split('\r\n')[0]!.split(',');
    const required = [...PRODUCT_REQUIRED_HEADER, 'Ships by itself', 'color'];
    expect(await headerOf()).toEqual(required);
    expect(await headerOf([])).toEqual(required);
    expect(await headerOf(['UPC', 'Sale Price'])).toEqual([...PRODUCT_REQUIRED_HEADER, 'SalePrice', 'UPC', 'Ships by itself', 'color']);
    const all = await headerOf(['*']);
    expect(all).toHaveLength(getResource('Products').fields.length + 2);
    expect(all).toContain('SEOFriendlyURL');
  });

  it('throws naming an unknown requested field, so the job can fail like Kibo', async () => {
    const store = await storeWithProducts();
    await expect(store.renderExport([{ resource: 'Products', fields: ['NoSuchField'] }])).rejects.toThrow(/NoSuchField/u);
    await expect(store.renderExport([{ resource: 'NoSuchResource' }])).rejects.toThrow(/NoSuchResource/u);
  });

  it('writes one lowercase entry per requested resource, header-only when empty', async () => {
    const store = await storeWithProducts();
    const entries = await readZip(await store.renderExport([{ resource: 'Pricelists' }, { resource: 'products' }, { resource: 'Products', fields: ['*'] }]));
    expect(entries.map((entry) => entry.name)).toEqual(['pricelists.csv', 'products.csv']);
    const pricelists = entries[0]!.bytes.toString('utf8');
    expect(pricelists).not.toContain('\r\n');
    expect(pricelists.split(',').length).toBe(getResource('Pricelists').fields.filter((field) => field.required).length);
  });
});

describe('TenantStore round trips', () => {
  it('export → import back → export is byte-identical, extra and dynamic columns included', async () => {
    const store = await storeWithProducts();
    const csv = csvLines('Master Catalog Name,PriceList Code,Product Code,Currency Code,Start Date,IsVariation,Msrp,End Date', 'Master,PL1,P1,USD,1/2/2024 3:04:05 PM,No,1.23456,2030-01-01', 'Master,PL1,P0,EUR,2024-01-01,Yes,0,');
    await importFiles(store, { 'pricelistentries.csv': csv }, [{ resource: 'PricelistEntries', deleteOmitted: false }]);
    const request = [{ resource: 'Products', fields: ['*'] }, { resource: 'PricelistEntries', fields: ['*'] }];
    const first = await readZip(await store.renderExport(request));

    const copy = createTenantStore();
    const files = Object.fromEntries(first.map((entry) => [entry.name, entry.bytes]));
    const snapshotRequest = [{ resource: 'Products', deleteOmitted: true }, { resource: 'PricelistEntries', deleteOmitted: true }];
    const imported = await copy.applyImport(await buildZip(first.map((entry) => ({ name: entry.name, content: entry.bytes }))), snapshotRequest);
    expect(imported.log).toEqual([]);
    const second = await readZip(await copy.renderExport(request));
    expect(second.map((entry) => entry.name)).toEqual(Object.keys(files));
    for (const entry of second) expect(entry.bytes.toString('utf8')).toBe(files[entry.name]!.toString('utf8'));

    const again = await importFiles(store, files, snapshotRequest);
    expect(again.resources.map((resource) => [resource.inserted, resource.updated, resource.deleted, resource.rejected])).toEqual([[0, 0, 0, 0], [0, 1, 0, 0]]);
  });

  it('snapshot() survives JSON and restores the same data and export', async () => {
    const store = await storeWithProducts();
    const restored = createTenantStore(JSON.parse(JSON.stringify(store.snapshot())));
    expect(restored.listRecords('Products')).toEqual(store.listRecords('Products'));
    expect(restored.listRecords('Products')[1]).toMatchObject({ ProductCode: 'B', Price: '170', 'Ships by itself': 'False', color: 'Red' });
    const request = [{ resource: 'Products', fields: ['*'] }];
    expect(await readZipText(await restored.renderExport(request), 'products.csv')).toBe(await readZipText(await store.renderExport(request), 'products.csv'));
    const update = await importFiles(restored, { 'products.csv': PRODUCTS_INPUT }, PRODUCTS_IMPORT);
    expect(update.resources[0]).toMatchObject({ inserted: 0, unchanged: 2 });
  });

  it('refuses a snapshot that is not one, saying what to do', () => {
    expect(() => createTenantStore({ resources: 'nope' })).toThrow(/delete the state file/u);
    expect(() => createTenantStore({ format: 'kibo-emulator-tenant-store', version: 1, resources: [{ resource: 'Nope', extraHeaders: [], records: [] }] })).toThrow(/Nope/u);
  });
});
