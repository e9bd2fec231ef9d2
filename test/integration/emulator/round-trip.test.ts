// The full client flow through the SDK: upload → import → poll → export → generatelink → download via the
// public link with plain fetch. Exported rows equal the imported values (in Kibo's export spelling), and
// feeding the export back in changes nothing: the second export is byte-identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { buildZip, readZipEntries } from '../../helpers/kibo-zip-fixtures.ts';
import {
  createSdkClients,
  downloadFile,
  exportZip,
  exportedCsv,
  findFile,
  rowsByNormalizedHeader,
  runImport,
  startTestEmulator,
  type SdkClients,
} from './emulator-sdk-harness.ts';

interface RoundTripCase {
  readonly resource: string;
  readonly fileName: string;
  readonly domain: string;
  readonly csv: string;
  readonly keyColumn: string;
  /** Per key: the exported values expected for the (normalized) columns named; list columns compared as sets. */
  readonly expected: Record<string, Record<string, string>>;
  readonly listColumns?: Record<string, string>;
}

const PRODUCTS: RoundTripCase = {
  resource: 'Products',
  fileName: 'products.csv',
  domain: 'catalog',
  keyColumn: 'productcode',
  csv:
    'MasterCatalogName,ProductCode,ProductType,ProductUsage,ProductName,Price,VariationPricingMethod,PackageWeight,PackageLength,PackageWidth,PackageHeight,SalePrice,UPC,IsTaxable,FulfillmentTypes,ProductShortDescription,Ships by itself,Color\r\n' +
    'Default,RT-1,Base,Standard,"Chair, oak",170,Differential,1,2.5,3,4,150.00,012345678905,TRUE,InStorePickup&DirectShip,"Says ""hi""\nsecond line",True,Red\r\n' +
    'Default,RT-2,Base,Standard,Lamp,9.5,Differential,0.25,1,1,1,,,false,DirectShip,,,',
  expected: {
    'RT-1': {
      mastercatalogname: 'Default',
      productname: 'Chair, oak',
      price: '170.0000',
      packageweight: '1.000',
      packagelength: '2.500',
      saleprice: '150.0000',
      upc: '012345678905',
      istaxable: 'True',
      productshortdescription: 'Says "hi"\nsecond line',
      shipsbyitself: 'True',
      color: 'Red',
    },
    'RT-2': { productname: 'Lamp', price: '9.5000', packageweight: '0.250', saleprice: '', istaxable: 'False' },
  },
  listColumns: { fulfillmenttypes: '&' },
};

const PRICELIST_ENTRIES: RoundTripCase = {
  resource: 'PricelistEntries',
  fileName: 'pricelistentries.csv',
  domain: 'catalog',
  keyColumn: 'productcode',
  csv:
    'Master Catalog Name,PriceList Code,Product Code,Currency Code,Start Date,Is Variation,End Date,Msrp,Cost\r\n' +
    'Default,RETAIL,RT-1,USD,2026-01-01T00:00:00Z,No,6/8/2026 7:35:23 PM,19.99,7.5\r\n' +
    'Default,RETAIL,RT-2,USD,2026-02-03,false,,,',
  expected: {
    'RT-1': {
      mastercatalogname: 'Default',
      pricelistcode: 'RETAIL',
      currencycode: 'USD',
      startdate: '1/1/2026 12:00:00 AM',
      isvariation: 'No',
      enddate: '6/8/2026 7:35:23 PM',
      msrp: '19.9900',
      cost: '7.5000',
    },
    'RT-2': { startdate: '2/3/2026 12:00:00 AM', isvariation: 'No', enddate: '', msrp: '' },
  },
};

const CUSTOMER_ACCOUNTS: RoundTripCase = {
  resource: 'CustomerAccounts',
  fileName: 'customeraccounts.csv',
  domain: 'customer',
  keyColumn: 'externalid',
  csv:
    'ExternalId,Email,FirstName,LastName,AcceptsMarketing,TaxExempt,CustomerSegments\r\n' +
    'ERP-1,ann@example.com,Ann,"O\'Brien, Jr.",yes,No,VIP|B2B\r\n' +
    'ERP-2,bo@example.com,Bo,Li,No,,',
  expected: {
    'ERP-1': { email: 'ann@example.com', firstname: 'Ann', lastname: "O'Brien, Jr.", acceptsmarketing: 'Yes', taxexempt: 'No' },
    'ERP-2': { email: 'bo@example.com', lastname: 'Li', acceptsmarketing: 'No', taxexempt: '' },
  },
  listColumns: { customersegments: '|' },
};

const started: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(started.map((emulator) => emulator.close()));
});

function splitSorted(value: string | undefined, separator: string): string[] {
  return (value ?? '').split(separator).filter((part) => part !== '').sort();
}

async function assertNoRejections(clients: SdkClients, job: Awaited<ReturnType<typeof runImport>>): Promise<void> {
  expect(job.status).toBe('complete');
  expect(job.resources?.every((resource) => resource.status === 'complete' && resource.isComplete)).toBe(true);
  const log = findFile(job, 'log');
  if (log?.id) {
    // The emulator may always attach a log; then it must hold no rejected row.
    const entries = Object.values(await readZipEntries(await downloadFile(clients, log.id)));
    expect(entries.map((bytes) => bytes.toString('utf8'))).toEqual(['Resource,Row,Key,Field,Message']);
  }
}

async function exportAll(clients: SdkClients, testCase: RoundTripCase): Promise<Buffer> {
  return exportZip(clients, [{ resource: testCase.resource, format: 'Legacy', fields: ['*'] }], testCase.domain);
}

describe.each([PRODUCTS, PRICELIST_ENTRIES, CUSTOMER_ACCOUNTS])('round trip of $resource', (testCase) => {
  let clients: SdkClients;
  let firstExport: Buffer;

  beforeAll(async () => {
    const emulator = await startTestEmulator();
    started.push(emulator);
    clients = createSdkClients(emulator);
    const job = await runImport(
      clients,
      await buildZip({ [testCase.fileName]: testCase.csv }),
      [{ resource: testCase.resource, format: 'Legacy', deleteOmitted: false }],
      testCase.domain,
    );
    await assertNoRejections(clients, job);
    firstExport = await exportAll(clients, testCase);
  });

  it('exports what was imported, in Kibo spelling', async () => {
    const rows = rowsByNormalizedHeader(await exportedCsv(firstExport, testCase.fileName));
    const byKey = new Map(rows.map((row) => [row[testCase.keyColumn] ?? '', row]));
    expect([...byKey.keys()].sort()).toEqual(Object.keys(testCase.expected).sort());
    for (const [key, expected] of Object.entries(testCase.expected)) {
      expect(byKey.get(key), key).toMatchObject(expected);
    }
    for (const [column, separator] of Object.entries(testCase.listColumns ?? {})) {
      const importedRows = rowsByNormalizedHeader(testCase.csv);
      for (const imported of importedRows) {
        const key = imported[testCase.keyColumn] ?? '';
        expect(splitSorted(byKey.get(key)?.[column], separator), `${key} ${column}`).toEqual(splitSorted(imported[column], separator));
      }
    }
  });

  it('names the zip entry in lowercase and keeps extra columns with their header spelling', async () => {
    const names = Object.keys(await readZipEntries(firstExport));
    expect(names).toEqual([testCase.fileName]);
    if (testCase === PRODUCTS) {
      const header = (await exportedCsv(firstExport, testCase.fileName)).split('\r\n')[0] ?? '';
      expect(header.split(',')).toEqual(expect.arrayContaining(['Ships by itself', 'Color']));
    }
  });

  it('changes nothing when its own export is imported back (deleteOmitted:true): the next export is byte-identical', async () => {
    const job = await runImport(
      clients,
      firstExport,
      [{ resource: testCase.resource, format: 'Legacy', deleteOmitted: true }],
      testCase.domain,
    );
    await assertNoRejections(clients, job);
    const secondExport = await exportAll(clients, testCase);
    const first = await readZipEntries(firstExport);
    const second = await readZipEntries(secondExport);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    for (const [name, bytes] of Object.entries(first)) {
      expect(second[name]?.toString('utf8'), name).toBe(bytes.toString('utf8'));
      expect(second[name]?.equals(bytes), name).toBe(true);
    }
  });
});
