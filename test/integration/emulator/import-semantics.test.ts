// Kibo's import semantics (seed + NOTES.md), observed only through the SDK: import, then export and read.
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { buildZip, readZip } from '../../helpers/kibo-zip-fixtures.ts';
import {
  createSdkClients,
  downloadFile,
  exportZip,
  exportedCsv,
  findFile,
  rowsByNormalizedHeader,
  runImport,
  startTestEmulator,
  waitFor,
  type SdkClients,
} from './emulator-sdk-harness.ts';

const HEADER =
  'MasterCatalogName,ProductCode,ProductType,ProductUsage,ProductName,Price,VariationPricingMethod,PackageWeight,PackageLength,PackageWidth,PackageHeight,SalePrice,UPC,IsTaxable';
const EXPORT_FIELDS = ['SalePrice', 'UPC', 'IsTaxable'];
const PRODUCTS_FULL = [{ resource: 'Products', deleteOmitted: true }];
const PRODUCTS_DELTA = [{ resource: 'Products', deleteOmitted: false }];

/** One products.csv row with every required column; `overrides` by column name. */
function productRow(code: string, overrides: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    MasterCatalogName: 'Default',
    ProductCode: code,
    ProductType: 'Base',
    ProductUsage: 'Standard',
    ProductName: `Product ${code}`,
    Price: '10',
    VariationPricingMethod: 'Differential',
    PackageWeight: '1',
    PackageLength: '2',
    PackageWidth: '3',
    PackageHeight: '4',
    SalePrice: '',
    UPC: '',
    IsTaxable: '',
    ...overrides,
  };
  return HEADER.split(',')
    .map((column) => values[column] ?? '')
    .join(',');
}

function productsCsv(...rows: string[]): string {
  return [HEADER, ...rows].join('\r\n');
}

const started: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(started.map((emulator) => emulator.close()));
});

async function freshClients(): Promise<SdkClients> {
  const emulator = await startTestEmulator();
  started.push(emulator);
  return createSdkClients(emulator);
}

async function exportedProducts(clients: SdkClients): Promise<Map<string, Record<string, string>>> {
  const csv = await exportedCsv(await exportZip(clients, [{ resource: 'Products', fields: EXPORT_FIELDS }]), 'products.csv');
  return new Map(rowsByNormalizedHeader(csv).map((row) => [row.productcode ?? '', row]));
}

async function importProducts(clients: SdkClients, csv: string, resources = PRODUCTS_DELTA, entryName = 'products.csv') {
  const job = await runImport(clients, await buildZip({ [entryName]: csv }), resources);
  expect(job.status).toBe('complete');
  return job;
}

describe('import semantics', () => {
  it('fails a file that is not a zip with an "End of Central Directory" job error', async () => {
    const clients = await freshClients();
    const job = await runImport(clients, Buffer.from(productsCsv(productRow('P-1')), 'utf8'), PRODUCTS_DELTA);
    expect(job.isComplete).toBe(true);
    expect(job.status).toBe('errored');
    expect(job.statusMessage).toMatch(/end of central directory/i);
    expect((await exportedProducts(clients)).size).toBe(0);
  });

  it('matches CSV names case-insensitively (Products.csv)', async () => {
    const clients = await freshClients();
    await importProducts(clients, productsCsv(productRow('P-1')), PRODUCTS_DELTA, 'Products.csv');
    expect([...(await exportedProducts(clients)).keys()]).toEqual(['P-1']);
  });

  it('upserts by key: a known key updates, a new key inserts, others stay', async () => {
    const clients = await freshClients();
    await importProducts(clients, productsCsv(productRow('P-1'), productRow('P-2')));
    await importProducts(clients, productsCsv(productRow('P-1', { Price: '12.5', ProductName: 'Renamed' }), productRow('P-3')));
    const products = await exportedProducts(clients);
    expect([...products.keys()].sort()).toEqual(['P-1', 'P-2', 'P-3']);
    expect(products.get('P-1')).toMatchObject({ productname: 'Renamed', price: '12.5000' });
    expect(products.get('P-2')).toMatchObject({ productname: 'Product P-2', price: '10.0000' });
  });

  it('leaves a value unchanged when its cell is blank', async () => {
    const clients = await freshClients();
    await importProducts(clients, productsCsv(productRow('P-1', { SalePrice: '8', UPC: '012345678905', IsTaxable: 'True' })));
    await importProducts(clients, productsCsv(productRow('P-1', { ProductName: '', Price: '11' })));
    expect((await exportedProducts(clients)).get('P-1')).toMatchObject({
      productname: 'Product P-1',
      price: '11.0000',
      saleprice: '8.0000',
      upc: '012345678905',
      istaxable: 'True',
    });
  });

  it('clears a value given ~delete~', async () => {
    const clients = await freshClients();
    await importProducts(clients, productsCsv(productRow('P-1', { SalePrice: '8', UPC: '012345678905' })));
    await importProducts(clients, productsCsv(productRow('P-1', { SalePrice: '~delete~' })));
    expect((await exportedProducts(clients)).get('P-1')).toMatchObject({ saleprice: '', upc: '012345678905' });
  });

  it('deleteOmitted:true deletes every record not in the file, and a rejected row still counts as in the file', async () => {
    const clients = await freshClients();
    await importProducts(clients, productsCsv(productRow('P-1'), productRow('P-2'), productRow('P-3'), productRow('P-4')));
    await importProducts(clients, productsCsv(productRow('P-1', { Price: '20' }), productRow('P-2', { Price: 'abc' })), PRODUCTS_FULL);
    const products = await exportedProducts(clients);
    expect([...products.keys()].sort()).toEqual(['P-1', 'P-2']);
    expect(products.get('P-1')?.price).toBe('20.0000');
    expect(products.get('P-2')?.price).toBe('10.0000');
  });

  it('rejects bad rows one by one, lists them in the job log (a zip with Resource,Row,Key,Field,Message), applies the rest', async () => {
    const clients = await freshClients();
    const job = await importProducts(
      clients,
      productsCsv(
        productRow('P-10'),
        productRow('P-11', { ProductName: '' }),
        productRow('P-12', { Price: 'abc' }),
        productRow('P-13', { IsTaxable: 'maybe' }),
        productRow('P-14', { Price: '"1,5"' }),
        productRow('P-15'),
      ),
    );
    expect(job.resources?.[0]).toMatchObject({ status: 'complete', isComplete: true });
    expect([...(await exportedProducts(clients)).keys()].sort()).toEqual(['P-10', 'P-15']);

    const log = findFile(job, 'log');
    expect(log?.id).toEqual(expect.any(String));
    const entries = Object.values(await readZip(await downloadFile(clients, log?.id ?? '')));
    expect(entries).toHaveLength(1);
    const lines = (entries[0] ?? '').split('\r\n');
    expect(lines[0]).toBe('Resource,Row,Key,Field,Message');
    const rows = rowsByNormalizedHeader(entries[0] ?? '');
    const cells = [...new Set(rows.map(({ resource, row, key, field }) => `${resource?.toLowerCase()} ${row} ${key} ${field}`))];
    expect(cells).toEqual([
      'products 3 Default|P-11 ProductName',
      'products 4 Default|P-12 Price',
      'products 5 Default|P-13 IsTaxable',
      'products 6 Default|P-14 Price',
    ]);
    const messages = (row: string): string => rows.filter((entry) => entry.row === row).map((entry) => entry.message).join(' / ');
    expect(messages('3')).toMatch(/required/i);
    expect(messages('4')).toContain('abc');
    expect(messages('5')).toContain('maybe');
    expect(messages('6')).toContain('1,5');
  });

  it('logs an unparsable value once, as unparsable, not also as a missing required field', async () => {
    const clients = await freshClients();
    const job = await importProducts(clients, productsCsv(productRow('P-20', { Price: 'abc' })));
    const log = findFile(job, 'log');
    const entries = Object.values(await readZip(await downloadFile(clients, log?.id ?? '')));
    const rows = rowsByNormalizedHeader(entries[0] ?? '');
    expect(rows.map((row) => `${row.row} ${row.field}`)).toEqual(['2 Price']);
    expect(rows[0]?.message).toContain('abc');
    expect(rows[0]?.message).not.toMatch(/missing/i);
  });

  it('errors the resource and applies nothing when a key column is missing from the header', async () => {
    const clients = await freshClients();
    const csv = 'MasterCatalogName,ProductType,ProductUsage,ProductName,Price\r\nDefault,Base,Standard,No code,10';
    const job = await runImport(clients, await buildZip({ 'products.csv': csv }), PRODUCTS_DELTA);
    expect(job.isComplete).toBe(true);
    expect(job.resources?.[0]?.status).toBe('errored');
    expect((await exportedProducts(clients)).size).toBe(0);
  });

  it('ignores CSVs of resources the job did not ask for', async () => {
    const emulator = await startTestEmulator();
    started.push(emulator);
    const clients = createSdkClients(emulator);
    const zip = await buildZip({
      'products.csv': productsCsv(productRow('P-1')),
      'locationinventory.csv': 'LocationCode,ProductCode,OnHand\r\nWH1,P-1,5',
    });
    const job = await runImport(clients, zip, PRODUCTS_DELTA);
    expect(job.status).toBe('complete');
    expect(job.resources?.map((resource) => resource.resource)).toEqual(['Products']);
    expect(emulator.listRecords('LocationInventory')).toEqual([]);
    expect(emulator.listRecords('Products')).toHaveLength(1);
  });

  it('accepts lowercase resource names in the job (Kibo treats them case-insensitively)', async () => {
    const clients = await freshClients();
    await importProducts(clients, productsCsv(productRow('P-1')), [{ resource: 'products', deleteOmitted: false }]);
    expect([...(await exportedProducts(clients)).keys()]).toEqual(['P-1']);
  });

  it('lets the later of two rows with the same key win', async () => {
    const clients = await freshClients();
    await importProducts(clients, productsCsv(productRow('P-1', { Price: '1' }), productRow('P-1', { Price: '2' })));
    const products = await exportedProducts(clients);
    expect(products.size).toBe(1);
    expect(products.get('P-1')?.price).toBe('2.0000');
  });

  it('rejects ~delete~ on a required field and keeps the stored value', async () => {
    const clients = await freshClients();
    await importProducts(clients, productsCsv(productRow('P-1')));
    const job = await importProducts(clients, productsCsv(productRow('P-1', { ProductName: '~delete~' })));
    expect((await exportedProducts(clients)).get('P-1')?.productname).toBe('Product P-1');
    const rows = rowsByNormalizedHeader(Object.values(await readZip(await downloadFile(clients, findFile(job, 'log')?.id ?? '')))[0] ?? '');
    expect(rows.map((row) => `${row.row} ${row.field}`)).toEqual(['2 ProductName']);
  });

  it('deleteOmitted:true with a header-only file deletes every record of that resource (a full snapshot of nothing)', async () => {
    const clients = await freshClients();
    await importProducts(clients, productsCsv(productRow('P-1'), productRow('P-2')));
    await importProducts(clients, HEADER, PRODUCTS_FULL);
    expect((await exportedProducts(clients)).size).toBe(0);
  });

  it('deleteOmitted:true for a resource whose CSV is absent from the zip deletes nothing', async () => {
    const emulator = await startTestEmulator();
    started.push(emulator);
    const clients = createSdkClients(emulator);
    await importProducts(clients, productsCsv(productRow('P-1'), productRow('P-2')));
    const zip = await buildZip({ 'pricelistentries.csv': 'MasterCatalogName,PriceListCode,ProductCode,CurrencyCode,StartDate,IsVariation\r\nDefault,RETAIL,P-1,USD,2026-01-01,No' });
    const job = await runImport(clients, zip, [
      { resource: 'Products', deleteOmitted: true },
      { resource: 'PricelistEntries', deleteOmitted: false },
    ]);
    expect(job.status).toBe('complete');
    expect([...(await exportedProducts(clients)).keys()].sort()).toEqual(['P-1', 'P-2']);
    expect(emulator.listRecords('PricelistEntries')).toHaveLength(1);
  });

  it('matches header spellings ignoring case and spaces (Master Catalog Name, product code)', async () => {
    const clients = await freshClients();
    const csv = productsCsv(productRow('P-1')).replace('MasterCatalogName,ProductCode', 'Master Catalog Name,product code');
    await importProducts(clients, csv);
    expect([...(await exportedProducts(clients)).keys()]).toEqual(['P-1']);
  });

  it('fails a zip the SDK corrupted (a Uint8Array body is JSON-stringified) with an End of Central Directory error', async () => {
    const clients = await freshClients();
    const zip = await buildZip({ 'products.csv': productsCsv(productRow('P-1')) });
    const file = await clients.files.upload({ fileType: 'import', fileName: 'u8.zip', body: new Uint8Array(zip) as unknown as Blob });
    const created = await clients.imports.create({ importJob: { domain: 'catalog', resources: PRODUCTS_DELTA, files: [file] } });
    const id = created.id ?? '';
    const job = await waitFor(() => clients.imports.get({ id }), (value) => value.isComplete === true, 'corrupted import');
    expect(job.status).toBe('errored');
    expect(job.statusMessage).toMatch(/end of central directory/i);
  });

  it('reads an Excel-style file: UTF-8 BOM and LF record ends', async () => {
    const clients = await freshClients();
    const csv = `\uFEFF${productsCsv(productRow('P-1'), productRow('P-2', { ProductName: 'Café' }))}`.replace(/\r\n/g, '\n');
    await importProducts(clients, csv);
    const products = await exportedProducts(clients);
    expect([...products.keys()].sort()).toEqual(['P-1', 'P-2']);
    expect(products.get('P-2')?.productname).toBe('Café');
  });

  it('imports and exports 5,000 products in a few seconds', async () => {
    const clients = await freshClients();
    const rows = Array.from({ length: 5_000 }, (_, index) => productRow(`BULK-${String(index).padStart(5, '0')}`, { Price: `${index}.25` }));
    const startedAt = Date.now();
    await importProducts(clients, productsCsv(...rows));
    const products = await exportedProducts(clients);
    expect(products.size).toBe(5_000);
    expect(products.get('BULK-04999')?.price).toBe('4999.2500');
    expect(Date.now() - startedAt).toBeLessThan(15_000);
  });
});
