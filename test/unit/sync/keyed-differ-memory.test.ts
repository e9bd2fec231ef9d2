// Issue 5's budget: a 1M-key sync must fit in 256 MB with the runtime, so the differ may keep a few dozen
// bytes per key, whatever the number of fields. Measured here on a quarter million keys with ten compared
// fields, with the row store a run uses (on disk), after forcing GC, counting the typed arrays too.
import { runInNewContext } from 'node:vm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { createKeyedDiffer } from '../../../src/diff/compute-diff.ts';
import type { ComparableField } from '../../../src/diff/normalize-value.ts';
import { openSpillRowStore } from '../../../src/sync/open-spill-row-store.ts';

const KEY_COUNT = 250_000;
// 64 MB per million keys; the typed arrays alone (96-bit key, slots, row hash, mask, flags, file offset) take ~37.
const BUDGET_BYTES_PER_KEY = 64;
const TYPED_ARRAY_BYTES_PER_KEY = 12 + 8 + 4 + 1;

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
  it(`keeps ${KEY_COUNT} keys × ${FIELDS.length} fields within ${BUDGET_BYTES_PER_KEY} bytes per key`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'differ-memory-'));
    collectGarbage();
    const before = measureBytes();
    const store = openSpillRowStore(path.join(dir, 'rows.bin'));
    const differ = createKeyedDiffer(FIELDS, { store });
    for (let i = 0; i < KEY_COUNT; i += 1) {
      const key = `SKU-${String(i).padStart(8, '0')}`;
      differ.addKibo(key, [`Product ${i}`, `${i % 997}.0000`, '', 'True', 'DirectShip&InStorePickup', '6/8/2016 7:35:23 PM', '1.000', `Long description of product ${i}`, `${9780000000000 + i}`, 'Acme']);
    }
    for (let i = 0; i < KEY_COUNT; i += 2) {
      differ.finishKibo();
      differ.addErp(`SKU-${String(i).padStart(8, '0')}`, [`Product ${i}`, `${i % 997}`, '', 'Yes', 'DirectShip', '2016-06-08T19:35:23Z', '1', `Long description of product ${i}`, `${9780000000000 + i}`, 'Acme']);
    }
    collectGarbage();
    const bytesPerKey = (measureBytes() - before) / KEY_COUNT;
    expect(differ.counts).toEqual({ added: 0, changed: KEY_COUNT / 2, unchanged: 0, removed: KEY_COUNT / 2 });
    expect([...differ.finishRemoved()].slice(0, 2)).toEqual(['SKU-00000001', 'SKU-00000003']);
    store.close();
    rmSync(dir, { recursive: true, force: true });
    expect(bytesPerKey).toBeGreaterThan(TYPED_ARRAY_BYTES_PER_KEY); // the measurement sees the typed arrays
    expect(bytesPerKey).toBeLessThan(BUDGET_BYTES_PER_KEY);
  });
});
