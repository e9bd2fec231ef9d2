import { describe, expect, it } from 'vitest';
import { assertSourceColumns } from '../../../src/mapping/assert-source-columns.ts';
import { formatMappingProblems } from '../../../src/mapping/mapping-problems.ts';
import { validateMappingSet } from '../../../src/mapping/validate-mapping-set.ts';
import { parseValid, PRODUCTS_YAML, pricelistsYaml } from './mapping-fixtures.ts';

describe('validateMappingSet', () => {
  it('accepts distinct syncs whose after: names exist, in any file order', () => {
    const set = [parseValid(pricelistsYaml('b', ['a']), 'b.yaml'), parseValid(pricelistsYaml('a'), 'a.yaml')];
    expect(validateMappingSet(set)).toEqual([]);
  });

  it('reports a duplicate sync name on the later file, naming the first', () => {
    const problems = validateMappingSet([parseValid(pricelistsYaml('prices'), 'one.yaml'), parseValid(pricelistsYaml('prices'), 'two.yaml')]);
    expect(problems).toEqual([
      { file: 'two.yaml', path: 'sync', line: 1, message: 'sync name prices is already used by one.yaml:1', fix: expect.stringMatching(/its own sync name/) },
    ]);
  });

  it('reports after: naming a missing sync, with a suggestion', () => {
    const problems = validateMappingSet([parseValid(pricelistsYaml('prices', ['product']), 'p.yaml'), parseValid(PRODUCTS_YAML, 'products.yaml')]);
    expect(problems).toEqual([
      { file: 'p.yaml', path: 'after.0', line: 3, message: 'after names product, but no mapping file defines that sync', fix: 'did you mean `products`?' },
    ]);
  });

  it('does not call a sync missing when its file exists but failed to parse', () => {
    expect(validateMappingSet([parseValid(pricelistsYaml('prices', ['broken']))], { knownSyncNames: ['broken'] })).toEqual([]);
  });

  it('reports each dependency cycle once, self-dependency included', () => {
    const cycle = validateMappingSet([
      parseValid(pricelistsYaml('a', ['b']), 'a.yaml'),
      parseValid(pricelistsYaml('b', ['c']), 'b.yaml'),
      parseValid(pricelistsYaml('c', ['a']), 'c.yaml'),
      parseValid(pricelistsYaml('d', ['a']), 'd.yaml'),
    ]);
    expect(cycle).toEqual([{ file: 'a.yaml', path: 'after', line: 3, message: 'dependency cycle: a → b → c → a', fix: expect.stringMatching(/remove one of these `after:` entries/) }]);
    const self = validateMappingSet([parseValid(pricelistsYaml('a', ['a']), 'a.yaml')]);
    expect(self.map((problem) => problem.message)).toEqual(['dependency cycle: a → a']);
  });
});

describe('assertSourceColumns', () => {
  const mapping = parseValid(PRODUCTS_YAML);
  const columns = ['sku', 'title', 'list_price', 'sale_price', 'weight_kg', 'taxable', 'fulfillment', 'map_start'];

  it('accepts a query that returns every mapped column (extra columns are fine)', () => {
    expect(assertSourceColumns(mapping, [...columns, 'unused'])).toEqual([]);
  });

  it('reports a mapped column the query does not return, at the mapping line, with the closest column', () => {
    const problems = assertSourceColumns(mapping, columns.map((column) => (column === 'list_price' ? 'listprice' : column === 'title' ? 'Title' : column)));
    expect(problems).toEqual([
      { file: 'products.yaml', path: 'fields.ProductName', line: 11, message: expect.stringMatching(/^ProductName reads column title, which the source does not return/), fix: 'did you mean `Title`?' },
      { file: 'products.yaml', path: 'fields.Price.column', line: 12, message: expect.stringMatching(/^Price reads column list_price/), fix: 'did you mean `listprice`?' },
    ]);
  });

  it('reports a column the query returns twice', () => {
    const problems = assertSourceColumns(mapping, [...columns, 'sku']);
    expect(problems).toEqual([expect.objectContaining({ path: 'fields.ProductCode', message: 'the source returns column sku 2 times, so ProductCode is ambiguous' })]);
  });
});

describe('formatMappingProblems', () => {
  it('prints one line per problem, sorted by file and line, with the fix', () => {
    const text = formatMappingProblems([
      { file: 'b.yaml', path: 'schedule', line: 3, message: 'bad cron', fix: 'write a cron' },
      { file: 'a.yaml', path: 'fields.Price.scale', line: 12, message: 'scale on boolean' },
      { file: 'a.yaml', path: 'sync', line: 1, message: 'bad name', fix: 'rename' },
      { file: 'mappings', path: '', message: 'no files', fix: 'add files' },
    ]);
    expect(text).toBe([
      'a.yaml:1 sync: bad name (fix: rename)',
      'a.yaml:12 fields.Price.scale: scale on boolean',
      'b.yaml:3 schedule: bad cron (fix: write a cron)',
      'mappings: no files (fix: add files)',
    ].join('\n'));
  });
});
