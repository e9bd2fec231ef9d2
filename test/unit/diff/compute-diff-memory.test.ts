// Issue 5's budget: the diff of one million keys must fit in 256 MB. Measured here on a quarter of that
// with ten compared fields (a wide products mapping), after forcing GC, counting the typed arrays too.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { createKeyedDiffer } from '../../../src/diff/compute-diff.ts';
import type { ComparableField } from '../../../src/diff/normalize-value.ts';

const KEY_COUNT = 250_000;
const BUDGET_BYTES_PER_KEY = (256 * 1024 * 1024) / 1_000_000;

const FIELDS: readonly ComparableField[] = [
  { name: 'ProductName', kind: 'string' },
  { name: 'Price', kind: 'money', scale: 4 },
  { name: 'SalePrice', kind: 'money', scale: 4 },
  { name: 'IsTaxable', kind: 'boolean' },
  { name: 'FulfillmentTypes', kind: 'list', listSeparator: '&', listUnordered: true },
  { name: 'StartDate', kind: 'datetime' },
  { name: 'PackageWeight', kind: 'decimal', scale: 3 },
  { name: 'Content', kind: 'string' },
  { name: 'UPC', kind: 'string' },
  { name: 'Brand', kind: 'string' },
];

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}

function measureBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

describe('createKeyedDiffer memory', () => {
  it(`keeps ${KEY_COUNT} keys × ${FIELDS.length} fields within the 1M-keys-in-256-MB budget per key`, () => {
    collectGarbage();
    const before = measureBytes();
    const differ = createKeyedDiffer(FIELDS);
    for (let i = 0; i < KEY_COUNT; i += 1) {
      const key = `SKU-${String(i).padStart(8, '0')}`;
      differ.addKibo(key, [`Product ${i}`, `${i % 997}.0000`, '', 'True', 'DirectShip&InStorePickup', '6/8/2016 7:35:23 PM', '1.000', `Long description of product ${i}`, `${9780000000000 + i}`, 'Acme']);
    }
    for (let i = 0; i < KEY_COUNT; i += 2) {
      differ.addErp(`SKU-${String(i).padStart(8, '0')}`, [`Product ${i}`, `${i % 997}`, '', 'Yes', 'DirectShip', '2016-06-08T19:35:23Z', '1', `Long description of product ${i}`, `${9780000000000 + i}`, 'Acme']);
    }
    collectGarbage();
    const bytesPerKey = (measureBytes() - before) / KEY_COUNT;
    expect(differ.counts).toEqual({ added: 0, changed: KEY_COUNT / 2, unchanged: 0, removed: KEY_COUNT / 2 });
    expect(bytesPerKey).toBeGreaterThan(FIELDS.length * 8); // the fingerprints alone: the measurement sees them
    expect(bytesPerKey).toBeLessThan(BUDGET_BYTES_PER_KEY);
  });
});
