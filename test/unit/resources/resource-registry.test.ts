import { describe, expect, it } from 'vitest';
import {
  KIBO_RESOURCES,
  findField,
  findResource,
  getResource,
  listResourceNames,
  matchHeader,
  normalizeHeader,
  sortByImportOrder,
} from '../../../src/kibo/resources/resource-registry.ts';
import type { FieldSpec } from '../../../src/kibo/resources/resource-types.ts';

function field(resourceName: string, fieldName: string): FieldSpec {
  const found = getResource(resourceName).fields.find((candidate) => candidate.name === fieldName);
  if (!found) throw new Error(`test setup: ${resourceName}.${fieldName} not in registry`);
  return found;
}

function positionOf(name: string): number {
  return listResourceNames().indexOf(name);
}

describe('finding resources', () => {
  it('ignores case, spaces and a .csv suffix', () => {
    for (const spelling of ['Products', 'products', 'products.csv', 'PRODUCTS.CSV', ' Products ']) {
      expect(findResource(spelling)?.name, spelling).toBe('Products');
    }
    expect(findResource('Pricelist Entries')?.name).toBe('PricelistEntries');
    expect(findResource('b2busers.csv')?.name).toBe('B2BUsers');
    expect(findResource('Product')).toBeUndefined();
  });

  it('getResource names the unknown resource and lists the known ones', () => {
    expect(() => getResource('Prodcts')).toThrow(/Unknown Kibo resource "Prodcts".*Products.*CustomerAccounts/s);
  });

  it('lists every resource name once', () => {
    const names = listResourceNames();
    expect(new Set(names).size).toBe(KIBO_RESOURCES.length);
  });
});

describe('import order', () => {
  it('puts catalog dependencies first', () => {
    expect(positionOf('Attributes')).toBeLessThan(positionOf('Products'));
    expect(positionOf('ProductTypes')).toBeLessThan(positionOf('Products'));
    expect(positionOf('Attributes')).toBeLessThan(positionOf('ProductTypes'));
    expect(positionOf('LocationTypes')).toBeLessThan(positionOf('Locations'));
    expect(positionOf('Locations')).toBeLessThan(positionOf('LocationInventory'));
    for (const dependent of ['ProductCatalog', 'PricelistEntries', 'LocationInventory', 'ProductOptions']) {
      expect(positionOf('Products'), dependent).toBeLessThan(positionOf(dependent));
    }
    expect(positionOf('Categories')).toBeLessThan(positionOf('ProductCatalog'));
    expect(positionOf('Pricelists')).toBeLessThan(positionOf('PricelistEntries'));
    expect(positionOf('PricelistEntries')).toBeLessThan(positionOf('PricelistEntryPrices'));
    expect(positionOf('PricelistEntryPrices')).toBeLessThan(positionOf('PricelistEntryExtras'));
  });

  it('keeps the seed customer order, with B2B sheets after CustomerAccounts', () => {
    const seedOrder = [
      'CustomerSegments', 'CustomerAccounts', 'CustomerContacts', 'PurchaseOrderAccounts',
      'PurchaseOrderPaymentTerms', 'PurchaseOrderTransactions', 'StoreCredits', 'StoreCreditTransactions',
      'CustomerAttributes',
    ];
    expect(listResourceNames().filter((name) => seedOrder.includes(name))).toEqual(seedOrder);
    for (const b2b of listResourceNames().filter((name) => name.startsWith('B2B'))) {
      expect(positionOf('CustomerAccounts'), b2b).toBeLessThan(positionOf(b2b));
    }
    expect(positionOf('B2BAccounts')).toBeLessThan(positionOf('B2BUsers'));
    expect(positionOf('B2BAccounts')).toBeLessThan(positionOf('B2BPurchaseOrderTransactions'));
  });

  it('sorts catalog before customer, then by importOrder, stably', () => {
    const items = ['CustomerAccounts', 'PricelistEntries', 'Products', 'CustomerSegments', 'Products'].map(
      (name, tag) => ({ resource: getResource(name), tag }),
    );
    const sorted = sortByImportOrder(items);
    expect(sorted.map((item) => `${item.resource.name}#${item.tag}`)).toEqual([
      'Products#2', 'Products#4', 'PricelistEntries#1', 'CustomerSegments#3', 'CustomerAccounts#0',
    ]);
    expect(items[0]?.resource.name).toBe('CustomerAccounts'); // input untouched
  });
});

describe('header matching', () => {
  it('normalizes case and every kind of whitespace', () => {
    expect(normalizeHeader('Master Catalog Name')).toBe('mastercatalogname');
    expect(normalizeHeader(' PriceList\tCode\u00a0')).toBe('pricelistcode');
  });

  it('finds fields by canonical name or export spelling', () => {
    const entries = getResource('PricelistEntries');
    expect(findField(entries, 'Master Catalog Name')?.name).toBe('MasterCatalogName');
    expect(findField(entries, 'MasterCatalogName')?.name).toBe('MasterCatalogName');
    expect(findField(entries, 'PriceList Code')?.name).toBe('PriceListCode');
    expect(findField(entries, 'pricelistcode')?.exportHeader).toBe('PriceList Code');
    expect(findField(getResource('B2BUsers'), 'IsLocked')?.exportHeader).toBe('isLocked');
    expect(findField(entries, 'Ships by itself')).toBeUndefined();
  });

  it('matches a price-list header, leaving unknown columns without a field', () => {
    const match = matchHeader(getResource('PricelistEntries'), [
      'Master Catalog Name', 'PriceList Code', 'Product Code', 'Currency Code', 'Start Date', 'Whatever',
    ]);
    expect(match.columns.map((column) => column.field?.name)).toEqual([
      'MasterCatalogName', 'PriceListCode', 'ProductCode', 'CurrencyCode', 'StartDate', undefined,
    ]);
    expect(match.columns[5]).toEqual({ index: 5, header: 'Whatever' });
    expect(match.missingKeyFields).toEqual([]);
    expect(match.duplicateFields).toEqual([]);
  });

  it('reports missing key fields and duplicate columns', () => {
    const match = matchHeader(getResource('Products'), ['ProductCode', 'Price', 'price', 'Ships by itself']);
    expect(match.missingKeyFields).toEqual(['MasterCatalogName']);
    expect(match.duplicateFields).toEqual(['Price']);
    expect(match.columns[3]?.field).toBeUndefined();
  });
});

describe('field knowledge', () => {
  it('formats money with 4 decimals and package measures with 3', () => {
    for (const name of ['Price', 'SalePrice', 'Cost', 'MSRP', 'MAP']) expect(field('Products', name)).toMatchObject({ kind: 'money', scale: 4 });
    expect(field('PricelistEntryPrices', 'ListPrice')).toMatchObject({ kind: 'money', scale: 4 });
    expect(field('PricelistEntries', 'Msrp')).toMatchObject({ kind: 'money', scale: 4 });
    expect(field('ProductOptions', 'FixedSalePrice')).toMatchObject({ kind: 'money', scale: 4 });
    expect(field('PurchaseOrderAccounts', 'CreditLimit')).toMatchObject({ kind: 'money', scale: 4 });
    expect(field('B2BPurchaseOrderTransactions', 'TransactionAmount')).toMatchObject({ kind: 'money', scale: 4 });
    for (const name of ['PackageWeight', 'PackageLength', 'PackageWidth', 'PackageHeight']) {
      expect(field('Products', name)).toMatchObject({ kind: 'decimal', scale: 3 });
    }
  });

  it('types every *Date field as datetime and every Is* field as boolean', () => {
    for (const resource of KIBO_RESOURCES) {
      for (const candidate of resource.fields) {
        if (/Date$/u.test(candidate.name)) expect(candidate.kind, `${resource.name}.${candidate.name}`).toBe('datetime');
        if (/^Is[A-Z]/u.test(candidate.name)) expect(candidate.kind, `${resource.name}.${candidate.name}`).toBe('boolean');
      }
    }
  });

  it('keeps integers, UPCs and ids as the right kinds', () => {
    expect(field('PricelistEntryPrices', 'MinimumQuantity').kind).toBe('integer');
    expect(field('LocationInventory', 'StockOnHand').kind).toBe('integer');
    expect(field('Products', 'UPC').kind).toBe('string'); // Excel turns UPCs into 9.78E+12: never a number
    expect(field('CustomerAccounts', 'AccountTypeId')).toMatchObject({ kind: 'integer', defaultValue: '1' });
  });

  it('joins multi-value fields with the documented separators', () => {
    expect(field('Products', 'FulfillmentTypes')).toMatchObject({ kind: 'list', listSeparator: '&' });
    expect(field('ProductOptions', 'FulfillmentTypes')).toMatchObject({ kind: 'list', listSeparator: ',' });
    expect(field('CustomerAccounts', 'CustomerSegments')).toMatchObject({ kind: 'list', listSeparator: '|' });
    for (const resource of KIBO_RESOURCES) {
      for (const candidate of resource.fields.filter((f) => f.kind === 'list')) {
        expect(candidate.listSeparator, `${resource.name}.${candidate.name}`).toBeTruthy();
      }
    }
  });

  it('spells booleans per file as real exports do', () => {
    expect(getResource('Products').booleanSpelling).toBe('True/False');
    for (const name of ['ProductCatalog', 'Categories', 'Attributes', 'ProductTypes', 'ProductOptions', 'Pricelists', 'PricelistEntries', 'PricelistEntryPrices', 'PricelistEntryExtras']) {
      expect(getResource(name).booleanSpelling, name).toBe('Yes/No');
    }
  });

  it('carries extra and dynamic columns', () => {
    expect(getResource('Products').extraColumns).toEqual(['Ships by itself']);
    expect(getResource('ProductCatalog').extraColumns).toEqual(['IsContentOverridden']);
    expect(getResource('Products').dynamicColumns).toBe('propertyAttributes');
    expect(getResource('ProductOptions').dynamicColumns).toBe('optionAttributes');
    expect(getResource('ProductExtras').dynamicColumns).toBe('currencies');
    expect(getResource('ProductPropertyLocale').dynamicColumns).toBe('locales');
    expect(getResource('Categories').dynamicColumns).toBeUndefined();
  });

  it('keys the main resources as documented', () => {
    expect(getResource('Products').key).toEqual(['MasterCatalogName', 'ProductCode']);
    expect(getResource('ProductCatalog').key).toEqual(['CatalogName', 'ProductCode']);
    expect(getResource('PricelistEntries').key).toEqual(['PriceListCode', 'ProductCode', 'CurrencyCode', 'StartDate']);
    expect(getResource('PricelistEntryPrices').key).toEqual(['PriceListCode', 'ProductCode', 'CurrencyCode', 'StartDate', 'MinimumQuantity']);
    expect(getResource('LocationInventory').key).toEqual(['LocationCode', 'ProductCode']);
    expect(getResource('Categories').key).toEqual(['CatalogName', 'CategoryCode']);
    expect(getResource('CustomerAccounts').key).toEqual(['ExternalId']);
    expect(getResource('Pricelists').key).toEqual(['PriceListCode']);
  });

  it('applies the B2B template value rules', () => {
    expect(field('B2BUsers', 'RoleList')).toMatchObject({ kind: 'integer', allowedValues: ['1', '2', '3'] });
    for (const name of ['IsLocked', 'IsActive', 'IsRemoved']) {
      expect(field('B2BUsers', name)).toMatchObject({ kind: 'boolean', booleanSpelling: 'TRUE/FALSE' });
    }
    expect(field('B2BUsers', 'AcceptsMarketing')).toMatchObject({ kind: 'boolean', booleanSpelling: 'Yes/No' });
    expect(field('B2BPurchaseOrderTransactions', 'TransactionTypeId').allowedValues).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(field('B2BPurchaseOrderTransactions', 'OrderType').allowedValues).toEqual(['Offline', 'Online']);
    expect(field('B2BContacts', 'Type').allowedValues).toEqual(['Shipping', 'Billing']);
    expect(field('B2BContacts', 'AddressType').allowedValues).toEqual(['Residential', 'Commercial', 'None']);
    expect(field('B2BPurchaseOrderAccounts', 'OverdraftAllowanceType').allowedValues).toEqual(['Amount', 'Percent']);
    for (const name of ['Address1', 'Address2', 'Address3', 'Address4']) expect(field('B2BContacts', name).maxLength).toBe(200);
    expect(field('B2BAccounts', 'PriceList').maxLength).toBe(50);
    expect(field('Pricelists', 'PriceListCode').maxLength).toBe(50);
    expect(field('B2BAccounts', 'TaxExempt').kind).toBe('boolean');
  });
});
