import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/mapping/parse-mapping.ts';
import type { MappingProblem } from '../../../src/mapping/mapping-types.ts';
import { editProducts, parseValid, PRODUCTS_YAML } from './mapping-fixtures.ts';

function problemsOf(text: string): MappingProblem[] {
  const result = parseMapping(text, 'products.yaml');
  expect(result.mapping).toBeUndefined();
  return result.problems;
}

function onlyProblem(text: string): MappingProblem {
  const problems = problemsOf(text);
  expect(problems, JSON.stringify(problems)).toHaveLength(1);
  return problems[0] as MappingProblem;
}

describe('parseMapping: a valid file', () => {
  const mapping = parseValid(PRODUCTS_YAML);

  it('normalizes against the registry with documented defaults', () => {
    expect(mapping.sync).toBe('products');
    expect(mapping.resource.name).toBe('Products');
    expect(mapping.timezone).toBe('UTC');
    expect(mapping.deletes).toBe('ignore');
    expect(mapping.after).toEqual([]);
    expect(mapping.guards).toEqual({ maxDeleteFraction: 0.05, maxDeletes: 500, maxSourceDrop: 0.1 });
    expect(mapping.context).toBeUndefined();
    expect(mapping.source).toEqual({ kind: 'query', query: 'select * from erp.items' });
    expect(mapping.key).toEqual(['MasterCatalogName', 'ProductCode']);
    expect(mapping.keyFieldIndexes.map((index) => mapping.fields[index]?.name)).toEqual(['MasterCatalogName', 'ProductCode']);
  });

  it('types bare columns from the registry kind (money/decimal → decimal without a forced scale)', () => {
    const byName = new Map(mapping.fields.map((field) => [field.name, field]));
    expect(byName.get('ProductName')).toMatchObject({ column: 'title', type: 'string', onNull: 'skip', header: 'ProductName' });
    expect(byName.get('PackageWeight')).toMatchObject({ column: 'weight_kg', type: 'decimal' });
    expect(byName.get('PackageWeight')?.scale).toBeUndefined();
    expect(byName.get('Price')).toMatchObject({ type: 'decimal', scale: 2 });
    expect(byName.get('SalePrice')).toMatchObject({ onNull: 'clear' });
    expect(byName.get('IsTaxable')).toMatchObject({ type: 'boolean', booleanSpelling: 'True/False' });
    expect(byName.get('FulfillmentTypes')).toMatchObject({ type: 'list', targetSeparator: '&' });
    expect(byName.get('MasterCatalogName')).toMatchObject({ constValue: 'Master' });
    expect(byName.get('MasterCatalogName')?.column).toBeUndefined();
  });

  it('is frozen all the way down and remembers lines', () => {
    expect(Object.isFrozen(mapping)).toBe(true);
    expect(Object.isFrozen(mapping.fields)).toBe(true);
    expect(Object.isFrozen(mapping.fields[0])).toBe(true);
    expect(Object.isFrozen(mapping.guards)).toBe(true);
    expect(mapping.lines['sync']).toBe(1);
    expect(mapping.lines['fields.ProductCode']).toBe(8);
    expect(mapping.lines['fields.Price.column']).toBe(12);
  });

  it('reads every option: after, timezone, table source, key, deletes, partial guards, context', () => {
    const text = PRODUCTS_YAML.replace('source:\n  query: select * from erp.items\n', 'source:\n  table: erp.items\n') +
      'timezone: Europe/Berlin\nafter: [attributes, attributes]\nkey: [mastercatalogname, Product Code]\ndeletes: mirror\n' +
      'guards: { maxDeletes: 10 }\ncontext: { masterCatalog: 1, catalog: 2, site: 100001, locale: en-US, currency: USD }\n';
    const mapping = parseValid(text);
    expect(mapping.source).toEqual({ kind: 'table', table: 'erp.items' });
    expect(mapping.timezone).toBe('Europe/Berlin');
    expect(mapping.after).toEqual(['attributes']);
    expect(mapping.key).toEqual(['MasterCatalogName', 'ProductCode']);
    expect(mapping.deletes).toBe('mirror');
    expect(mapping.guards).toEqual({ maxDeleteFraction: 0.05, maxDeletes: 10, maxSourceDrop: 0.1 });
    expect(mapping.context).toEqual({ masterCatalog: 1, catalog: 2, site: 100001, locale: 'en-US', currency: 'USD' });
  });

  it('accepts resource and field names in any case or export spelling', () => {
    const text = `sync: entries
resource: PRICELISTENTRIES.CSV
source: { table: erp.entries }
fields:
  Master Catalog Name: { const: Master }
  PriceList Code: code
  product code: sku
  CurrencyCode: currency
  Start Date: starts_at
  IsVariation: { const: "no" }
`;
    const mapping = parseValid(text);
    expect(mapping.resource.name).toBe('PricelistEntries');
    expect(mapping.fields.map((field) => `${field.name}=${field.header}`)).toContain('PriceListCode=PriceList Code');
    expect(mapping.fields.find((field) => field.name === 'StartDate')?.type).toBe('datetime');
  });

  it('keeps a numeric const\'s source text (leading zeros, long numbers)', () => {
    const mapping = parseValid(editProducts('ProductName: title', 'ProductName: title\n  UPC: { const: 00123 }\n  Cost: { const: 12345678901234567890.125 }'));
    expect(mapping.fields.find((field) => field.name === 'UPC')?.constValue).toBe('00123');
    expect(mapping.fields.find((field) => field.name === 'Cost')?.constValue).toBe('12345678901234567890.125');
  });

  it('lets a registry defaultValue stand in for an unmapped required field', () => {
    parseValid('sync: shoppers\nresource: customeraccounts\nsource: { table: erp.customers }\nkey: [ExternalId]\nfields:\n  ExternalId: no\n  Email: email\n');
  });
});

describe('parseMapping: every rule names the path, the line and a fix', () => {
  it.each([
    ['unknown top-level key', PRODUCTS_YAML + 'sheduel: "* * * * *"\n', 'sheduel', 22, /unknown key/, /did you mean `schedule`/],
    ['unknown Kibo field', editProducts('ProductName: title', 'ProductNmae: title'), 'fields.ProductNmae', 11, /Products has no field "ProductNmae"/, /did you mean `ProductName`/],
    ['bad cron', editProducts('"*/30 * * * *"', '"61 * * * *"'), 'schedule', 3, /not a valid cron expression: 61 is a invalid expression for minute/, /cron/],
    ['bad timezone', PRODUCTS_YAML + 'timezone: Mars/Olympus\n', 'timezone', 22, /unknown time zone "Mars\/Olympus"/, /IANA/],
    ['scale on a boolean', editProducts('taxable, type: boolean', 'taxable, type: boolean, scale: 2'), 'fields.IsTaxable.scale', 19, /scale applies to type decimal, not boolean/, /remove scale/],
    ['type the field cannot take', editProducts('taxable, type: boolean', 'taxable, type: decimal'), 'fields.IsTaxable.type', 19, /type decimal cannot feed IsTaxable, a boolean field/, /use type boolean/],
    ['maxLength on a decimal', editProducts('type: decimal, scale: 2 }', 'type: decimal, scale: 2, maxLength: 5 }'), 'fields.Price.maxLength', 12, /maxLength applies to type string/, /remove maxLength/],
    ['separator on a string', editProducts('ProductName: title', 'ProductName: { column: title, separator: ";" }'), 'fields.ProductName.separator', 11, /separator applies to a list/, /remove separator/],
    ['const invalid for a boolean', editProducts('{ column: taxable, type: boolean }', '{ const: maybe }'), 'fields.IsTaxable.const', 19, /"maybe" is not a valid boolean for IsTaxable: not a boolean/, /give a boolean value/],
    ['const invalid for money', editProducts('Price: { column: list_price, type: decimal, scale: 2 }', 'Price: { const: "1,5" }'), 'fields.Price.const', 12, /not a valid decimal/, /give a decimal value/],
    ['unknown field option', editProducts('ProductName: title', 'ProductName: { column: title, trim: true }'), 'fields.ProductName.trim', 11, /unknown option "trim"/, /use only column/],
    ['bad onNull', editProducts('onNull: clear }', 'onNull: delete }'), 'fields.SalePrice.onNull', 13, /Invalid option/, /onNull: skip/],
    ['column and const', editProducts('ProductName: title', 'ProductName: { column: title, const: x }'), 'fields.ProductName', 11, /both `column` and `const`/, /exactly one/],
    ['field given a number', editProducts('ProductName: title', 'ProductName: 12'), 'fields.ProductName', 11, /expected an ERP column name or an object/, /Field: erp_column/],
    ['key field cleared', editProducts('ProductCode: sku', 'ProductCode: { column: sku, onNull: clear }'), 'fields.ProductCode.onNull', 8, /key field ProductCode cannot be cleared/, /remove `onNull: clear`/],
    ['key names an unknown field', PRODUCTS_YAML + 'key: [ProductCod]\n', 'key.0', 22, /Products has no field "ProductCod"/, /did you mean `ProductCode`/],
    ['key field not mapped', PRODUCTS_YAML + 'key: [UPC]\n', 'key.0', 22, /key field UPC is not mapped/, /map it under fields/],
    ['empty key', PRODUCTS_YAML + 'key: []\n', 'key', 22, /the key lists no fields/, /key: \[ProductCode\]/],
    ['source with both', editProducts('  query: select * from erp.items', '  query: select 1\n  table: erp.items'), 'source', 4, /both `query` and `table`/, /exactly one/],
    ['source with neither', editProducts('  query: select * from erp.items', '  {}'), 'source', 4, /neither `query` nor `table`/, /exactly one/],
    ['bad sync name', editProducts('sync: products', 'sync: My Products'), 'sync', 1, /a sync name uses lowercase letters/, /name the sync/],
    ['unknown resource', editProducts('resource: Products', 'resource: Prodcts'), 'resource', 2, /unknown Kibo resource "Prodcts"/, /did you mean `Products`/],
    ['guard out of range', PRODUCTS_YAML + 'guards: { maxDeleteFraction: 5 }\n', 'guards.maxDeleteFraction', 22, /Too big/, /fractions 0–1/],
    ['unknown context key', PRODUCTS_YAML + 'context: { tenant: 5 }\n', 'context.tenant', 22, /unknown key/, /masterCatalog/],
    ['bad deletes', PRODUCTS_YAML + 'deletes: all\n', 'deletes', 22, /Invalid option/, /ignore` or `deletes: mirror/],
    ['bad after entry', PRODUCTS_YAML + 'after: [Attributes]\n', 'after.0', 22, /a sync name uses lowercase/, /after: \[attributes\]/],
  ])('%s', (_rule, text, path, line, message, fix) => {
    const problem = onlyProblem(text);
    expect(problem.file).toBe('products.yaml');
    expect(problem.path).toBe(path);
    expect(problem.line).toBe(line);
    expect(problem.message).toMatch(message);
    expect(problem.fix).toMatch(fix);
  });

  it('reports a required field that is not mapped, once per field', () => {
    const problems = problemsOf(editProducts('  ProductType: { const: Standard }\n', '').replace('  VariationPricingMethod: { const: Differential }\n', ''));
    expect(problems.map((problem) => [problem.path, problem.message])).toEqual([
      ['fields', 'required Kibo field ProductType of Products is not mapped'],
      ['fields', 'required Kibo field VariationPricingMethod of Products is not mapped'],
    ]);
    expect(problems[0]?.fix).toMatch(/add `ProductType: <erp column>`/);
    expect(problems[0]?.line).toBe(6);
  });

  it('reports a field mapped twice under two spellings', () => {
    const problem = onlyProblem(editProducts('ProductName: title', 'ProductName: title\n  Product Name: name'));
    expect(problem).toMatchObject({ path: 'fields.Product Name', message: expect.stringMatching(/maps Kibo field ProductName a second time/) });
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(onlyProblem('sync: a\nfields: [unclosed\n')).toMatchObject({ path: '', message: expect.stringMatching(/^invalid YAML/) });
    const duplicate = onlyProblem(PRODUCTS_YAML + 'sync: again\n');
    expect(duplicate).toMatchObject({ line: 22, message: expect.stringMatching(/Map keys must be unique/) });
  });

  it('reports a file that is not a mapping, and missing sections', () => {
    expect(onlyProblem('')).toMatchObject({ message: expect.stringMatching(/not a YAML mapping/) });
    expect(onlyProblem('- a\n- b\n')).toMatchObject({ message: expect.stringMatching(/not a YAML mapping/) });
    expect(problemsOf('sync: x\n').map((problem) => problem.message)).toEqual(['missing `resource`', 'missing `source`', 'missing `fields`']);
  });

  it('reports every problem of a file with several errors at once, each at its own line', () => {
    const text = `sync: Products
resource: Products
schedule: "every hour"
timezone: Nowhere/Land
colour: blue
source:
  query: select 1
fields:
  MasterCatalogName: { const: Master }
  ProductCode: sku
  ProductType: { const: Standard }
  ProductName: title
  Price: { column: price, type: boolean }
  VariationPricingMethod: { const: Differential }
  PackageWeight: w
  PackageLength: l
  PackageWidth: w
  PackageHeigth: h
  IsTaxable: { column: taxable, scale: 1 }
guards: { maxDeletes: -1 }
`;
    const problems = problemsOf(text);
    expect(problems.map((problem) => `${problem.line} ${problem.path}`).sort()).toEqual([
      '1 sync', '13 fields.Price.type', '18 fields.PackageHeigth', '19 fields.IsTaxable.scale', '20 guards.maxDeletes',
      '3 schedule', '4 timezone', '5 colour', '8 fields',
    ].sort());
    expect(problems.find((problem) => problem.path === 'fields')?.message).toMatch(/ProductUsage/);
    expect(problems.find((problem) => problem.path === 'fields.PackageHeigth')?.fix).toMatch(/did you mean `PackageHeight`/);
    expect(problems.every((problem) => problem.fix !== undefined && problem.file === 'products.yaml')).toBe(true);
  });
});
