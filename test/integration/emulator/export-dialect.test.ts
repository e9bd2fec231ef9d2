// The export zip's exact bytes, as a real Kibo export looks (NOTES.md "The export zip"), fetched through the
// SDK's export job and the public link.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { buildZip, readZipEntries } from '../../helpers/kibo-zip-fixtures.ts';
import {
  createSdkClients,
  exportZip,
  exportedCsv,
  normalizeHeaderForTest,
  runExport,
  runImport,
  startTestEmulator,
  type SdkClients,
} from './emulator-sdk-harness.ts';

const REQUIRED_HEADER =
  'MasterCatalogName,ProductCode,ProductType,ProductUsage,ProductName,Price,VariationPricingMethod,PackageWeight,PackageLength,PackageWidth,PackageHeight';

const PRODUCTS_IMPORT =
  `${REQUIRED_HEADER},IsTaxable,SalePrice,ProductShortDescription,Ships by itself\r\n` +
  'Default,D-2,Base,Standard,Simple,0.5,Differential,10.25,1,1,1,false,3,"Says ""hi""\nbye",False\r\n' +
  'Default,D-1,Base,Standard,"Plain, with comma",170,Differential,1,2,3,4,true,,plain,True';

const PRICELIST_IMPORT =
  'MasterCatalogName,PriceListCode,ProductCode,CurrencyCode,StartDate,IsVariation\r\n' +
  'Default,RETAIL,D-1,USD,2026-01-01T00:00:00Z,false\r\n' +
  'Default,RETAIL,D-2,USD,2026-07-04T15:30:00Z,TRUE';

interface FieldList {
  fields: { required: string[]; optional: string[] };
}
const CATALOG_FIELDS = JSON.parse(
  readFileSync(new URL('../../../../shared/kibo/catalog-fields.json', import.meta.url), 'utf8'),
) as Record<string, FieldList>;

let emulator: RunningEmulator;
let clients: SdkClients;

beforeAll(async () => {
  emulator = await startTestEmulator();
  clients = createSdkClients(emulator);
  const job = await runImport(
    clients,
    await buildZip({ 'products.csv': PRODUCTS_IMPORT, 'pricelistentries.csv': PRICELIST_IMPORT }),
    [
      { resource: 'Products', deleteOmitted: false },
      { resource: 'PricelistEntries', deleteOmitted: false },
    ],
  );
  expect(job.status).toBe('complete');
  expect(emulator.listRecords('Products')).toHaveLength(2);
  expect(emulator.listRecords('PricelistEntries')).toHaveLength(2);
});

afterAll(async () => {
  await emulator.close();
});

describe('export dialect', () => {
  it('is a flat deflated zip with one lowercase entry per resource', async () => {
    const zip = await exportZip(clients, [{ resource: 'Products' }, { resource: 'PRICELISTENTRIES' }]);
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(zip.readUInt16LE(8)).toBe(8); // compression method of the first local header: deflate
    expect(Object.keys(await readZipEntries(zip)).sort()).toEqual(['pricelistentries.csv', 'products.csv']);
  });

  it('writes required fields only by default: CRLF, no trailing newline, no BOM, quotes only when needed, money 4 and dimensions 3 decimals, rows by key', async () => {
    const zip = await exportZip(clients, [{ resource: 'Products' }]);
    const bytes = (await readZipEntries(zip))['products.csv'];
    expect(bytes?.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(bytes?.toString('utf8')).toBe(
      `${REQUIRED_HEADER},Ships by itself\r\n` +
        'Default,D-1,Base,Standard,"Plain, with comma",170.0000,Differential,1.000,2.000,3.000,4.000,True\r\n' +
        'Default,D-2,Base,Standard,Simple,0.5000,Differential,10.250,1.000,1.000,1.000,False',
    );
  });

  it('adds the requested optional fields in registry order, True/False in products.csv, bare LF inside quotes', async () => {
    const zip = await exportZip(clients, [{ resource: 'Products', fields: ['ProductShortDescription', 'IsTaxable', 'SalePrice'] }]);
    expect(await exportedCsv(zip, 'products.csv')).toBe(
      `${REQUIRED_HEADER},SalePrice,IsTaxable,ProductShortDescription,Ships by itself\r\n` +
        'Default,D-1,Base,Standard,"Plain, with comma",170.0000,Differential,1.000,2.000,3.000,4.000,,True,plain,True\r\n' +
        'Default,D-2,Base,Standard,Simple,0.5000,Differential,10.250,1.000,1.000,1.000,3.0000,False,"Says ""hi""\nbye",False',
    );
  });

  it('accepts requested field names in header spelling or any case', async () => {
    const zip = await exportZip(clients, [{ resource: 'PricelistEntries', fields: ['end date'] }, { resource: 'Products', fields: ['saleprice'] }]);
    const products = (await exportedCsv(zip, 'products.csv')).split('\r\n')[0] ?? '';
    expect(products.split(',').map(normalizeHeaderForTest)).toContain('saleprice');
    const entries = (await exportedCsv(zip, 'pricelistentries.csv')).split('\r\n')[0] ?? '';
    expect(entries.split(',').map(normalizeHeaderForTest)).toContain('enddate');
  });

  it('writes every field for "*", required then optional as the field list orders them', async () => {
    const csv = await exportedCsv(await exportZip(clients, [{ resource: 'Products', fields: ['*'] }]), 'products.csv');
    const header = (csv.split('\r\n')[0] ?? '').split(',');
    const products = CATALOG_FIELDS.Products?.fields;
    const listed = [...(products?.required ?? []), ...(products?.optional ?? [])];
    expect(header.map(normalizeHeaderForTest)).toEqual([...listed, 'Ships by itself'].map(normalizeHeaderForTest));
    expect(csv.split('\r\n')).toHaveLength(3);
  });

  it('spells the price-list headers Kibo\'s way and writes Yes/No and US datetimes in pricelistentries.csv', async () => {
    const csv = await exportedCsv(await exportZip(clients, [{ resource: 'PricelistEntries' }]), 'pricelistentries.csv');
    const [headerLine = '', ...rows] = csv.split('\r\n');
    const header = headerLine.split(',');
    expect(header[0]).toBe('Master Catalog Name');
    expect(header[1]).toBe('PriceList Code');
    expect(header[2]).toBe('Product Code');
    expect(header[4]).toBe('Start Date');
    expect(header.map(normalizeHeaderForTest)).toEqual(
      ['MasterCatalogName', 'PriceListCode', 'ProductCode', 'CurrencyCode', 'StartDate', 'IsVariation'].map(normalizeHeaderForTest),
    );
    expect(rows).toEqual(['Default,RETAIL,D-1,USD,1/1/2026 12:00:00 AM,No', 'Default,RETAIL,D-2,USD,7/4/2026 3:30:00 PM,Yes']);
  });

  it('writes a header-only file (just the header line) for a resource without data', async () => {
    const csv = await exportedCsv(await exportZip(clients, [{ resource: 'ProductCatalog' }]), 'productcatalog.csv');
    expect(csv).not.toMatch(/[\r\n]/);
    const header = csv.split(',').map(normalizeHeaderForTest);
    const required = (CATALOG_FIELDS.ProductCatalog?.fields.required ?? []).map(normalizeHeaderForTest);
    expect(header.slice(0, required.length)).toEqual(required);
    // Whether the extra fixed column appears without data is not specified; nothing else may.
    expect(header.slice(required.length).every((column) => column === 'iscontentoverridden')).toBe(true);
  });

  it('fails the export job when an unknown field is requested, naming it', async () => {
    const job = await runExport(clients, [{ resource: 'Products', fields: ['NoSuchField'] }]);
    expect(job.status).toBe('errored');
    expect(`${job.statusMessage ?? ''} ${JSON.stringify(job.resources)}`).toContain('NoSuchField');
  });

  it('writes Yes/No in productcatalog.csv and producttypes.csv, and keeps an Excel-mangled UPC as text', async () => {
    const other = await startTestEmulator();
    try {
      const otherClients = createSdkClients(other);
      const job = await runImport(
        otherClients,
        await buildZip({
          'productcatalog.csv': 'MasterCatalogName,CatalogName,ProductCode,IsActive\r\nDefault,Main,D-1,true\r\nDefault,Main,D-2,FALSE',
          'producttypes.csv': 'MasterCatalogName,ProductType,Standard,Configurable,Bundle,Component\r\nDefault,Base,True,no,0,1',
          'products.csv': `${REQUIRED_HEADER},UPC\r\nDefault,D-1,Base,Standard,One,1,Differential,1,1,1,1,9.78E+12`,
        }),
        [
          { resource: 'ProductTypes', deleteOmitted: false },
          { resource: 'Products', deleteOmitted: false },
          { resource: 'ProductCatalog', deleteOmitted: false },
        ],
      );
      expect(job.status).toBe('complete');
      const zip = await exportZip(otherClients, [
        { resource: 'ProductCatalog' },
        { resource: 'ProductTypes' },
        { resource: 'Products', fields: ['UPC'] },
      ]);
      const catalogRows = (await exportedCsv(zip, 'productcatalog.csv')).split('\r\n').slice(1);
      expect(catalogRows.map((row) => row.split(',').slice(0, 4).join(','))).toEqual(['Default,Main,D-1,Yes', 'Default,Main,D-2,No']);
      expect((await exportedCsv(zip, 'producttypes.csv')).split('\r\n')[1]).toBe('Default,Base,Yes,No,No,Yes');
      expect((await exportedCsv(zip, 'products.csv')).split('\r\n')[1]).toBe('Default,D-1,Base,Standard,One,1.0000,Differential,1.000,1.000,1.000,1.000,9.78E+12,'); // then the blank Ships by itself
    } finally {
      await other.close();
    }
  });
});
