import { describe, expect, it } from 'vitest';
import { createKeyTable } from '../../../src/diff/key-table.ts';

function insertKeys(table: ReturnType<typeof createKeyTable>, keys: readonly string[]): number[] {
  return keys.map((key) => {
    table.hashKey(key);
    expect(table.findHashed()).toBe(-1);
    return table.insertHashed();
  });
}

function findRow(table: ReturnType<typeof createKeyTable>, key: string): number {
  table.hashKey(key);
  return table.findHashed();
}

describe('createKeyTable', () => {
  it('finds every inserted key at its row across doublings, and no other key', () => {
    const grownTo: number[] = [];
    const table = createKeyTable((capacity) => grownTo.push(capacity));
    const keys = Array.from({ length: 5000 }, (_, index) => `P-${index}`);
    const rows = insertKeys(table, keys);
    expect(rows).toEqual(keys.map((_, index) => index));
    expect(grownTo).toEqual([1024, 2048, 4096, 8192]);
    for (const [index, key] of keys.entries()) expect(findRow(table, key)).toBe(index);
    expect(findRow(table, 'P-5000')).toBe(-1);
  });

  it('reserve grows once to the asked size (in steps of 1024 rows), keeps the rows, and never shrinks', () => {
    const grownTo: number[] = [];
    const table = createKeyTable((capacity) => grownTo.push(capacity));
    const before = insertKeys(table, ['a', 'b', 'c']);
    table.reserve(10_001);
    expect(table.capacity).toBe(10_240);
    expect(grownTo).toEqual([1024, 10_240]);
    table.reserve(500);
    expect(table.capacity).toBe(10_240);
    expect(['a', 'b', 'c'].map((key) => findRow(table, key))).toEqual(before);

    const keys = Array.from({ length: 10_240 - 3 }, (_, index) => `K-${index}`);
    insertKeys(table, keys);
    expect(grownTo).toEqual([1024, 10_240]); // filled to capacity without growing
    expect(findRow(table, 'K-10236')).toBe(10_239);
    insertKeys(table, ['one more']);
    expect(table.capacity).toBe(20_480);
    for (const [index, key] of keys.entries()) expect(findRow(table, key)).toBe(index + 3);
  });
});
