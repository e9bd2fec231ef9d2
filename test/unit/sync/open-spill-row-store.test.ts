import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyedDiffer } from '../../../src/diff/compute-diff.ts';
import { createMemoryRowStore, type KiboRowStore } from '../../../src/diff/kibo-row-store.ts';
import type { ComparableField } from '../../../src/diff/normalize-value.ts';
import { CLEAR, SKIP, type CellValue } from '../../../src/mapping/mapping-types.ts';
import { openSpillRowStore } from '../../../src/sync/open-spill-row-store.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'spill-store-'));
  dirs.push(dir);
  return path.join(dir, 'rows.bin');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Appends as the differ does from a batch: the row's hashes and key bytes sit inside larger arrays. */
function appendRow(store: Pick<KiboRowStore, 'append'>, key: string, hashes: Uint32Array): void {
  const batchHashes = new Uint32Array(hashes.length + 3);
  batchHashes.set(hashes, 3);
  const keyBytes = Buffer.concat([Buffer.from('prefix'), Buffer.from(key, 'utf8'), Buffer.from('suffix')]);
  store.append(batchHashes, 3, 3 + hashes.length, keyBytes, 6, keyBytes.length - 6);
}

describe('openSpillRowStore', () => {
  it('gives back every row\'s key and hashes across many 1 MiB flushes, then deletes its file', () => {
    const file = tempFile();
    const store = openSpillRowStore(file);
    const hashes = new Uint32Array(6);
    const rows = 60_000;
    for (let row = 0; row < rows; row += 1) {
      hashes.fill(row);
      hashes[5] = row ^ 0xffffffff;
      // Multi-byte keys check that offsets count UTF-8 bytes, not characters.
      appendRow(store, row % 7 === 0 ? `ключ-${row}-😀` : `K${row}`, hashes);
    }
    expect(statSync(file).size).toBeGreaterThan(0); // reads below cross buffer flushes
    const out = new Uint32Array(6);
    for (const row of [0, 1, 7, 12_345, 49_000, rows - 1]) {
      store.readFieldHashes(row, out);
      expect([...out]).toEqual([row, row, row, row, row, (row ^ 0xffffffff) >>> 0]);
      expect(store.readKey(row)).toBe(row % 7 === 0 ? `ключ-${row}-😀` : `K${row}`);
    }
    expect(() => store.readKey(rows)).toThrow(/row 60000 does not exist \(60000 rows stored\)/);
    store.close();
    store.close();
    expect(existsSync(file)).toBe(false);
  });

  it('keeps a key longer than its write buffer', () => {
    const store = openSpillRowStore(tempFile());
    const long = 'x'.repeat(3 << 20);
    appendRow(store, 'a', new Uint32Array(2));
    appendRow(store, long, new Uint32Array([1, 2]));
    appendRow(store, 'b', new Uint32Array([3, 4]));
    expect(store.readKey(1)).toBe(long);
    expect(store.readKey(2)).toBe('b');
    store.close();
  });

  it('property: a differ over the file store classifies exactly like one over the memory store', () => {
    const fields: ComparableField[] = [
      { name: 'Name', kind: 'string' },
      { name: 'Price', kind: 'money', scale: 2 },
      { name: 'Taxable', kind: 'boolean' },
    ];
    const cell = fc.constantFrom<CellValue>('', SKIP, CLEAR, 'a', 'b', '1', '1.00', '2', 'true', 'Yes', 'no');
    const row = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.tuple(cell, cell, cell));
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.array(row, { maxLength: 40 }), (kiboRows, erpRows) => {
        const store = openSpillRowStore(tempFile());
        const onDisk = createKeyedDiffer(fields, { store });
        const inMemory = createKeyedDiffer(fields, { store: createMemoryRowStore() });
        const seen = new Set<number>();
        for (const [id, cells] of kiboRows) {
          if (seen.has(id)) continue;
          seen.add(id);
          const texts = cells.map((value) => (typeof value === 'string' ? value : ''));
          onDisk.addKibo(`k${id}`, texts);
          inMemory.addKibo(`k${id}`, texts);
        }
        onDisk.finishKibo();
        inMemory.finishKibo();
        for (const [id, cells] of erpRows) {
          if (onDisk.hasErpKey(`k${id}`)) continue;
          expect(onDisk.addErp(`k${id}`, cells)).toEqual(inMemory.addErp(`k${id}`, cells));
        }
        expect([...onDisk.finishRemoved()]).toEqual([...inMemory.finishRemoved()]);
        expect(onDisk.counts).toEqual(inMemory.counts);
        store.close();
      }),
      { numRuns: 200 },
    );
  });
});
