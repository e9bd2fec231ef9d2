import { describe, expect, it } from 'vitest';
import { compileRowTransform } from '../../../src/mapping/compile-row-transform.ts';
import { encodeKey } from '../../../src/mapping/encode-key.ts';
import { CLEAR, SKIP } from '../../../src/mapping/mapping-types.ts';
import { editProducts, parseValid, PRODUCTS_YAML } from './mapping-fixtures.ts';

const mapping = parseValid(PRODUCTS_YAML);
const transform = compileRowTransform(mapping);
const cellOf = (cells: readonly unknown[], name: string): unknown => cells[mapping.fields.findIndex((field) => field.name === name)];

// As the ERP reader delivers it: raw pg text, nulls.
const RAW_ROW = {
  sku: '00123',
  title: 'Crème "brûlée", 🍮\nsecond line',
  list_price: '170.5',
  sale_price: null,
  weight_kg: '1.250',
  taxable: 't',
  fulfillment: '{DirectShip,InStorePickup}',
  map_start: '2026-01-05 10:00:00+00',
};

describe('compileRowTransform', () => {
  it('turns a raw-text row into the exact CSV cells, aligned with mapping.fields', () => {
    const result = transform(RAW_ROW);
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.keyValues).toEqual(['Master', '00123']);
    expect(result.key).toBe(encodeKey(['Master', '00123']));
    expect(result.cells).toHaveLength(mapping.fields.length);
    expect(Object.fromEntries(mapping.fields.map((field, index) => [field.name, result.cells[index]]))).toEqual({
      MasterCatalogName: 'Master',
      ProductCode: '00123',
      ProductType: 'Standard',
      ProductUsage: 'Standard',
      ProductName: 'Crème "brûlée", 🍮\nsecond line',
      Price: '170.50',
      SalePrice: CLEAR,
      VariationPricingMethod: 'Differential',
      PackageWeight: '1.25',
      PackageLength: '1',
      PackageWidth: '1',
      PackageHeight: '1',
      IsTaxable: 'True',
      FulfillmentTypes: 'DirectShip&InStorePickup',
      MAPEffectiveStartDate: '2026-01-05T10:00:00.000Z',
    });
  });

  it('accepts JS values as well as raw text', () => {
    const result = transform({ ...RAW_ROW, sku: 'A-1', list_price: 170.5, sale_price: 99.999, weight_kg: 2n, taxable: false, fulfillment: ['DirectShip'], map_start: new Date('2026-01-05T10:00:00Z') });
    expect(result.ok).toBe(true);
    expect(cellOf(result.cells, 'Price')).toBe('170.50');
    expect(cellOf(result.cells, 'SalePrice')).toBe('100.00');
    expect(cellOf(result.cells, 'PackageWeight')).toBe('2');
    expect(cellOf(result.cells, 'IsTaxable')).toBe('False');
    expect(cellOf(result.cells, 'FulfillmentTypes')).toBe('DirectShip');
    expect(cellOf(result.cells, 'MAPEffectiveStartDate')).toBe('2026-01-05T10:00:00.000Z');
  });

  it('writes SKIP for null with onNull: skip (the default) and CLEAR with onNull: clear', () => {
    const result = transform({ ...RAW_ROW, title: null, taxable: null, sale_price: null, map_start: null, fulfillment: '{}' });
    expect(cellOf(result.cells, 'ProductName')).toBe(SKIP);
    expect(cellOf(result.cells, 'IsTaxable')).toBe(SKIP);
    expect(cellOf(result.cells, 'FulfillmentTypes')).toBe(SKIP);
    expect(cellOf(result.cells, 'SalePrice')).toBe(CLEAR);
    expect(cellOf(result.cells, 'MAPEffectiveStartDate')).toBe(CLEAR);
    expect(result.ok).toBe(true);
  });

  it('reads array rows through the batch\'s column names or a Map', () => {
    const columns = Object.keys(RAW_ROW).reverse();
    const row = columns.map((column) => RAW_ROW[column as keyof typeof RAW_ROW]);
    const fromNames = transform(row, columns);
    expect(fromNames.cells).toEqual(transform(RAW_ROW).cells);
    const fromMap = transform(row, new Map(columns.map((column, index) => [column, index])));
    expect(fromMap.cells).toEqual(fromNames.cells);
    expect(() => transform(row)).toThrow(/array row needs the column index/);
    expect(() => transform(['x'], ['sku'])).toThrow(/reads column title, which the source rows do not have/);
  });

  it('reports every bad value of a row with field, column, value excerpt and reason', () => {
    const longText = 'x'.repeat(200);
    const result = transform({ ...RAW_ROW, list_price: '1,5', taxable: 'maybe', weight_kg: longText, fulfillment: ['Direct&Ship'] });
    expect(result.ok).toBe(false);
    expect(result.key).toBe(encodeKey(['Master', '00123']));
    expect(result.problems).toEqual([
      { field: 'Price', column: 'list_price', value: '1,5', reason: expect.stringMatching(/not a decimal number/) },
      { field: 'PackageWeight', column: 'weight_kg', value: `${'x'.repeat(79)}…`, reason: expect.stringMatching(/not a decimal number/) },
      { field: 'IsTaxable', column: 'taxable', value: 'maybe', reason: expect.stringMatching(/not a boolean/) },
      { field: 'FulfillmentTypes', column: 'fulfillment', value: '["Direct&Ship"]', reason: 'the value "Direct&Ship" contains the list separator "&"' },
    ]);
    expect(cellOf(result.cells, 'Price')).toBe(SKIP);
  });

  it('rejects a row whose key is null or blank', () => {
    for (const sku of [null, '', '   ']) {
      const result = transform({ ...RAW_ROW, sku });
      expect(result.ok).toBe(false);
      expect(result.key).toBe('');
      expect(result.keyValues).toEqual(['Master']);
      expect(result.problems).toEqual([{ field: 'ProductCode', column: 'sku', value: sku ?? '', reason: 'key is null' }]);
    }
  });

  it('reports a key value that does not convert once, with its own reason', () => {
    const byId = parseValid('sync: shoppers\nresource: CustomerAccounts\nsource: { table: erp.customers }\nkey: [AccountId]\nfields:\n  AccountId: { column: id, type: integer }\n  Email: email\n');
    const result = compileRowTransform(byId)({ id: '12.5', email: 'a@example.com' });
    expect(result.problems).toEqual([{ field: 'AccountId', column: 'id', value: '12.5', reason: 'not a whole number' }]);
    expect(compileRowTransform(byId)({ id: '0012', email: 'a@example.com' }).key).toBe(encodeKey(['12']));
  });

  it('takes timestamps without a zone in the mapping\'s timezone', () => {
    const berlin = compileRowTransform(parseValid(`${PRODUCTS_YAML}timezone: Europe/Berlin\n`));
    const result = berlin({ ...RAW_ROW, map_start: '2026-07-01 12:00:00' });
    expect(result.cells[mapping.fields.findIndex((field) => field.name === 'MAPEffectiveStartDate')]).toBe('2026-07-01T10:00:00.000Z');
  });

  it('formats consts by their type, once (a const null with onNull: clear always clears)', () => {
    const text = editProducts('  PackageLength: { const: 1 }', '  PackageLength: { const: 2.5, type: decimal, scale: 3 }')
      .replace('  IsTaxable: { column: taxable, type: boolean }', '  IsTaxable: { const: "yes" }\n  UPC: { const: null, onNull: clear }');
    const constMapping = parseValid(text);
    const result = compileRowTransform(constMapping)(RAW_ROW);
    const cell = (name: string): unknown => result.cells[constMapping.fields.findIndex((field) => field.name === name)];
    expect(cell('PackageLength')).toBe('2.500');
    expect(cell('IsTaxable')).toBe('True');
    expect(cell('UPC')).toBe(CLEAR);
  });

  it('keeps up with large batches (precompiled converters)', () => {
    const columns = Object.keys(RAW_ROW);
    const rows = Array.from({ length: 20_000 }, (_, index) => columns.map((column) => (column === 'sku' ? `SKU-${index}` : RAW_ROW[column as keyof typeof RAW_ROW])));
    const started = performance.now();
    let ok = 0;
    for (const row of rows) if (transform(row, columns).ok) ok += 1;
    expect(ok).toBe(rows.length);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
