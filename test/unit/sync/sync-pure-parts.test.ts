// The engine's pure parts: `after:` levels, CSV cell texts (SKIP blank, CLEAR as ~delete~ only where Kibo
// has a value), the CLI exit code of a cycle, and row keys that match across Kibo's and the ERP's spellings.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/cli-context.ts';
import { exitCodeOfRuns, formatRunSummaries } from '../../../src/cli/format-run-summaries.ts';
import { CLEAR, SKIP, parseMapping, type SyncMapping } from '../../../src/mapping/index.ts';
import { selectOwnLogRows } from '../../../src/sync/import-prepared-runs.ts';
import { orderByDependencies } from '../../../src/sync/run-sync-cycle.ts';
import { createKeyEncoder } from '../../../src/sync/sync-keys.ts';
import type { SyncOutcome, SyncRunSummary } from '../../../src/sync/sync-summary.ts';
import { formatCellTexts } from '../../../src/sync/written-rows.ts';

const MAPPINGS_DIR = fileURLToPath(new URL('../../../mappings/', import.meta.url));

function loadShipped(file: string, edit: (yaml: string) => string = (yaml) => yaml): SyncMapping {
  const { mapping, problems } = parseMapping(edit(readFileSync(path.join(MAPPINGS_DIR, file), 'utf8')), file);
  if (!mapping) throw new Error(`${file}: ${JSON.stringify(problems)}`);
  return mapping;
}

function categoriesAs(sync: string, after: readonly string[]): SyncMapping {
  return loadShipped('categories.yaml', (yaml) => yaml.replace('sync: categories', `sync: ${sync}\nafter: [${after.join(', ')}]`));
}

function summary(sync: string, status: SyncOutcome, extra: Partial<SyncRunSummary> = {}): SyncRunSummary {
  return { sync, resource: 'Products', status, counts: {}, bytesUploaded: 0, stageDurationsMs: {}, violations: [], files: {}, startedAt: '2026-01-01T00:00:00.000Z', ...extra };
}

describe('selectOwnLogRows', () => {
  const row = (resource: string, rowNumber: number | undefined) => ({ resource, rowNumber, key: '', field: 'Price', message: 'bad' });

  it('gives each run the rows naming its resource, matched by Kibo spelling or file name', () => {
    const log = [row('Products', 3), row('locationinventory.csv', 2), row('ProductCatalog', 5)];
    expect(selectOwnLogRows(log, 'Products', 3)).toEqual([row('Products', 3)]);
    expect(selectOwnLogRows(log, 'LocationInventory', 3)).toEqual([row('locationinventory.csv', 2)]);
  });

  it('keeps an unnamed row for a one-resource job, but makes it unplaceable for every run of a shared job', () => {
    expect(selectOwnLogRows([row('', 4)], 'Products', 1)).toEqual([row('', 4)]);
    expect(selectOwnLogRows([row('', 4)], 'Products', 2)).toEqual([row('', undefined)]);
    expect(selectOwnLogRows([row('', 4)], 'ProductCatalog', 2)).toEqual([row('', undefined)]);
  });
});

describe('orderByDependencies', () => {
  const names = (levels: SyncMapping[][]): string[][] => levels.map((level) => level.map((mapping) => mapping.sync));

  it('puts every parent in a level before its children, keeping the given order within a level', () => {
    const levels = orderByDependencies([categoriesAs('d', ['b', 'c']), categoriesAs('c', ['a']), categoriesAs('b', []), categoriesAs('a', [])]);
    expect(names(levels)).toEqual([['b', 'a'], ['c'], ['d']]);
  });

  it('ignores parents that are not in this cycle', () => {
    expect(names(orderByDependencies([categoriesAs('child', ['absent-parent'])]))).toEqual([['child']]);
  });

  it('the shipped mappings: product-catalog after products and categories, entry prices after entries', () => {
    const shipped = ['products.yaml', 'categories.yaml', 'product-catalog.yaml', 'pricelists.yaml', 'pricelist-entries.yaml', 'pricelist-entry-prices.yaml'].map((file) => loadShipped(file));
    const levels = names(orderByDependencies(shipped));
    const levelOf = (sync: string): number => levels.findIndex((level) => level.includes(sync));
    expect(levelOf('product-catalog')).toBeGreaterThan(Math.max(levelOf('products'), levelOf('categories')));
    expect(levelOf('pricelist-entry-prices')).toBeGreaterThan(levelOf('pricelist-entries'));
    expect(levels.flat().sort()).toEqual(shipped.map((mapping) => mapping.sync).sort());
  });

  it('refuses a dependency cycle, naming the syncs in it', () => {
    expect(() => orderByDependencies([categoriesAs('x', ['y']), categoriesAs('y', ['x']), categoriesAs('z', [])])).toThrow(/cycle among x, y/);
  });
});

describe('formatCellTexts', () => {
  const fields = ['ProductCode', 'SalePrice', 'UPC', 'ProductName'];

  it('writes SKIP as a blank cell and values as they are', () => {
    expect(formatCellTexts(['P1', SKIP, '012', 'Mug, "big"'], fields, [])).toEqual(['P1', '', '012', 'Mug, "big"']);
  });

  it('writes CLEAR as ~delete~ only for fields Kibo still has a value for, blank otherwise', () => {
    expect(formatCellTexts(['P1', CLEAR, CLEAR, 'Mug'], fields, ['SalePrice'])).toEqual(['P1', '~delete~', '', 'Mug']);
    expect(formatCellTexts(['P1', CLEAR, CLEAR, 'Mug'], fields, [])).toEqual(['P1', '', '', 'Mug']);
  });
});

describe('exitCodeOfRuns', () => {
  it('is 0 when every run succeeded, skipped or ran dry', () => {
    expect(exitCodeOfRuns([summary('a', 'succeeded'), summary('b', 'dry_run'), summary('c', 'skipped')])).toBe(EXIT_CODES.ok);
    expect(exitCodeOfRuns([])).toBe(EXIT_CODES.ok);
  });

  it('is 3 when a run is blocked and none failed', () => {
    expect(exitCodeOfRuns([summary('a', 'succeeded'), summary('b', 'blocked')])).toBe(EXIT_CODES.blocked);
  });

  it('is 1 when any run failed, was aborted, is stuck or could not take its lock, even beside a blocked one', () => {
    // locked: another process holds the sync's lock, so the run asked for did not happen (like `flock -n`)
    for (const status of ['failed', 'aborted', 'stuck', 'locked'] as const) {
      expect(exitCodeOfRuns([summary('a', 'blocked'), summary('b', status)]), status).toBe(EXIT_CODES.failed);
    }
  });
});

describe('formatRunSummaries', () => {
  it('tells a blocked run how to approve its plan', () => {
    const text = formatRunSummaries([
      summary('products', 'blocked', {
        runId: 7, planId: 'plan_7_abcd', files: { plan: '/data/runs/products/00000007/plan.json' },
        violations: [{ guard: 'maxDeleteFraction', message: 'would delete 16 of 39 Kibo rows' }],
        counts: { source: 23, exported: 39, added: 0, changed: 0, unchanged: 23, removed: 16, deleted: 0, rejectedByUs: 0, rejectedByKibo: 0 },
      }),
    ]);
    expect(text).toContain('products (Products) run 7: blocked.');
    expect(text).toContain('-16 removed');
    expect(text).toContain('guard maxDeleteFraction: would delete 16 of 39 Kibo rows');
    expect(text).toContain('kibo-sync run products --approve plan_7_abcd');
  });
});

describe('createKeyEncoder', () => {
  const prices = loadShipped('pricelist-entry-prices.yaml');
  const encode = createKeyEncoder(prices);

  it('encodes the key fields the mapping names, in key order', () => {
    expect(prices.key).toEqual(['PriceListCode', 'ProductCode', 'CurrencyCode', 'StartDate', 'MinimumQuantity']);
  });

  it("gives Kibo's US datetime and the transform's ISO instant the same key", () => {
    const fromKibo = encode(['RETAIL', '000123', 'USD', '1/1/2026 12:00:00 AM', '10']);
    expect(fromKibo).toBeDefined();
    expect(encode(['RETAIL', '000123', 'USD', '2026-01-01T00:00:00.000Z', '10'])).toBe(fromKibo);
    expect(encode(['RETAIL', '000123', 'USD', '2026-01-01T01:00:00+01:00', '10'])).toBe(fromKibo);
    expect(encode(['RETAIL', '000123', 'USD', '1/1/2026 12:00:00 PM', '10'])).not.toBe(fromKibo);
  });

  it('keeps leading zeros and compares integers numerically', () => {
    expect(encode(['RETAIL', '000123', 'USD', '2026-01-01T00:00:00Z', '10'])).not.toBe(encode(['RETAIL', '123', 'USD', '2026-01-01T00:00:00Z', '10']));
    expect(encode(['RETAIL', '000123', 'USD', '2026-01-01T00:00:00Z', '10.0'])).toBe(encode(['RETAIL', '000123', 'USD', '2026-01-01T00:00:00Z', '10']));
  });

  it('is undefined when a key field is blank', () => {
    expect(encode(['RETAIL', '', 'USD', '2026-01-01T00:00:00Z', '10'])).toBeUndefined();
    expect(encode(['RETAIL', '000123', 'USD', '   ', '10'])).toBeUndefined();
  });

  it("money keys: Kibo's 4-decimal export and the mapping's 2-decimal text are one key", () => {
    const byPrice = createKeyEncoder(loadShipped('pricelist-entry-prices.yaml', (yaml) => yaml.replace('fields:', 'key: [PriceListCode, ProductCode, ListPrice]\nfields:')));
    expect(byPrice(['RETAIL', '000123', '170.0000'])).toBe(byPrice(['RETAIL', '000123', '170.00']));
    expect(byPrice(['RETAIL', '000123', '170.5000'])).not.toBe(byPrice(['RETAIL', '000123', '170.00']));
  });
});
