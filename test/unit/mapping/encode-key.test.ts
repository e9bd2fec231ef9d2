import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKey, encodeKey } from '../../../src/mapping/encode-key.ts';
import { findClosestName } from '../../../src/mapping/closest-name.ts';

describe('encodeKey', () => {
  it('never lets two different key tuples collide', () => {
    expect(encodeKey(['a\u001fb', 'c'])).not.toBe(encodeKey(['a', 'b\u001fc']));
    expect(encodeKey(['a,b'])).not.toBe(encodeKey(['a', 'b']));
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 4 }), fc.array(fc.string(), { maxLength: 4 }), (left, right) => {
        expect(encodeKey(left) === encodeKey(right)).toBe(JSON.stringify(left) === JSON.stringify(right) && left.length === right.length && left.every((value, index) => value === right[index]));
        expect(decodeKey(encodeKey(left))).toEqual(left);
      }),
    );
  });

  it('decodeKey rejects text that is not an encoded key', () => {
    expect(() => decodeKey('{"a":1}')).toThrow(/not an encoded key/);
  });
});

describe('findClosestName', () => {
  it('suggests near misses ignoring case, spaces and underscores, and nothing for unrelated names', () => {
    expect(findClosestName('ProductNmae', ['ProductName', 'ProductCode', 'Price'])).toBe('ProductName');
    expect(findClosestName('product_code', ['ProductName', 'ProductCode'])).toBe('ProductCode');
    expect(findClosestName('Master Catalog Name', ['MasterCatalogName'])).toBe('MasterCatalogName');
    expect(findClosestName('zzzzzz', ['ProductName', 'Price'])).toBeUndefined();
  });
});
