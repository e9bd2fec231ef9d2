import { describe, expect, it } from 'vitest';
import { createOffsetList } from '../../../src/support/offset-list.ts';

describe('createOffsetList', () => {
  it('gives back every offset across many blocks', () => {
    const list = createOffsetList();
    const offsets: number[] = [];
    let offset = 0;
    for (let index = 0; index < 20_000; index += 1) {
      offset += 1 + ((index * 7919) % 300);
      offsets.push(offset);
      list.push(offset);
    }
    expect(list.length).toBe(offsets.length);
    expect(offsets.every((value, index) => list.get(index) === value)).toBe(true);
  });

  it('keeps offsets of files past 4 GiB, and blocks whose rows span more than 4 GiB, exactly', () => {
    const list = createOffsetList();
    const offsets = [0, 10, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 5, 3 * 2 ** 32 + 17, 2 ** 45 + 3];
    for (const value of offsets) list.push(value);
    expect(offsets.map((_, index) => list.get(index))).toEqual(offsets);
    // A later block starting past 4 GiB stays relative to its own first offset.
    for (let index = offsets.length; index < 5000; index += 1) list.push(2 ** 45 + 3 + index);
    expect(list.get(4999)).toBe(2 ** 45 + 3 + 4999);
    expect(list.get(4096)).toBe(2 ** 45 + 3 + 4096);
  });

  it('refuses offsets out of order and indexes out of range', () => {
    const list = createOffsetList();
    list.push(100);
    expect(() => list.push(99)).toThrow(/ascending order/);
    expect(() => list.push(1.5 + 100)).toThrow(/whole numbers/);
    expect(() => list.get(1)).toThrow(/does not exist \(1 offsets\)/);
    expect(() => list.get(-1)).toThrow(/does not exist/);
  });
});
