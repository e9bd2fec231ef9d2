import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMappingFiles } from '../../../src/config/load-mapping-files.ts';
import { formatMappingProblems } from '../../../src/mapping/mapping-problems.ts';
import { PRODUCTS_YAML, pricelistsYaml } from './mapping-fixtures.ts';

const SHIPPED_MAPPINGS = path.resolve(import.meta.dirname, '../../../mappings');
const made: string[] = [];

async function directoryWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kibo-mappings-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('loadMappingFiles', () => {
  it('validates the ten shipped mappings without a problem', async () => {
    const { mappings, problems } = await loadMappingFiles(SHIPPED_MAPPINGS);
    expect(formatMappingProblems(problems)).toBe('');
    expect(mappings.map((mapping) => mapping.sync).sort()).toEqual([
      'b2b-accounts', 'categories', 'customer-accounts', 'customer-contacts', 'location-inventory',
      'pricelist-entries', 'pricelist-entry-prices', 'pricelists', 'product-catalog', 'products',
    ]);
    expect(Object.isFrozen(mappings)).toBe(true);
  });

  it('reads *.yaml and *.yml only, and reports problems of every file and of the set together', async () => {
    const dir = await directoryWith({
      'products.yaml': PRODUCTS_YAML,
      'prices.yml': pricelistsYaml('prices', ['products', 'broken', 'nowhere']),
      'broken.yaml': 'sync: broken\nresource: Nope\nsource: { table: x }\nfields: {}\n',
      'dup.yaml': pricelistsYaml('prices'),
      'notes.txt': 'not a mapping',
    });
    const { mappings, problems } = await loadMappingFiles(dir);
    expect(mappings.map((mapping) => mapping.sync)).toEqual(['prices', 'prices', 'products']);
    expect(problems.map((problem) => `${path.basename(problem.file)}:${problem.line} ${problem.path}: ${problem.message}`)).toEqual([
      'broken.yaml:2 resource: unknown Kibo resource "Nope"',
      `prices.yml:1 sync: sync name prices is already used by ${path.join(dir, 'dup.yaml')}:1`,
      'prices.yml:3 after.2: after names nowhere, but no mapping file defines that sync',
    ]);
  });

  it('reports a missing directory and one without mapping files', async () => {
    const missing = await loadMappingFiles(path.join(tmpdir(), 'kibo-no-such-dir-4711'));
    expect(missing.mappings).toEqual([]);
    expect(missing.problems).toEqual([expect.objectContaining({ message: 'the mapping directory does not exist', fix: expect.stringMatching(/MAPPINGS_DIR/) })]);
    const empty = await loadMappingFiles(await directoryWith({ 'readme.md': '# none' }));
    expect(empty.problems).toEqual([expect.objectContaining({ message: 'the mapping directory holds no *.yaml or *.yml files' })]);
  });
});
