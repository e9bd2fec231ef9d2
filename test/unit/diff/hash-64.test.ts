import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHash64, writeHash128, writeHash64, writeHash96 } from '../../../src/diff/hash-64.ts';
import { writeHash128 as writeReferenceHash128 } from './reference/reference-hash-64.ts';

// Expected values: the first 8 bytes of MurmurHash3_x86_128 (seed 0) over each string's UTF-16LE bytes,
// as printed by the reference C implementation (Python `mmh3.hash_bytes(s.encode('utf-16-le'), 0,
// x64arch=False)[:8].hex()`, mmh3 5.3.0). Lengths cover every tail size (0–7 code units) and multi-block input.
const REFERENCE_VECTORS: readonly (readonly [string, string])[] = [
  ['', '0000000000000000'],
  ['a', '96b13b03e14fefcc'],
  ['ab', '53b90f26fdb622af'],
  ['abc', 'a3975b2bb55ff720'],
  ['abcd', 'c782ef95a29aece4'],
  ['abcdefg', '5ede1f85ab9a1af8'],
  ['abcdefgh', '5576356ca198f88d'],
  ['abcdefghi', '32d7a31786e4ee37'],
  ['hello world', 'e558be8f7d3fee56'],
  ['h\u00e9llo \u20ac', '14a74b798594b06b'],
  ['x'.repeat(37), '6bf6ae3f766f40b3'],
  ['170.0000', 'b781138271a6adb1'],
  ['2016-06-08T19:35:23.000Z', '5b199a8ef5089c41'],
  ['\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\ud83d\ude00', '26298280a0af3085'],
  ['DirectShip\u001fInStorePickup', 'e76899ffe9a72475'],
  ['a'.repeat(15), 'fb2e329a23203780'],
  ['b'.repeat(16), '6f8e8a0e1cad7df4'],
  ['c'.repeat(17), '39c500b3afba20f2'],
];

describe('writeHash64 (MurmurHash3_x86_128, first 64 bits)', () => {
  it.each(REFERENCE_VECTORS)('matches the reference implementation for %j', (text, expected) => {
    expect(formatHash64(text)).toBe(expected);
  });

  it('writes at the given offset and leaves the other words alone', () => {
    const out = new Uint32Array([7, 7, 7, 7]);
    writeHash64('abc', out, 1);
    expect(out[0]).toBe(7);
    expect(out[3]).toBe(7);
    expect(Buffer.from(out.buffer, 4, 8).toString('hex')).toBe('a3975b2bb55ff720');
  });

  it('gives 100,000 distinct short numeric strings 100,000 distinct hashes', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i += 1) seen.add(formatHash64(`${i}.${i % 97}`));
    expect(seen.size).toBe(100_000);
  });

  it('changes when any single code unit changes', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.nat(), fc.integer({ min: 1, max: 0xfffe }), (text, at, delta) => {
        const index = at % text.length;
        const changed = text.slice(0, index) + String.fromCharCode((text.charCodeAt(index) + delta) % 0xffff) + text.slice(index + 1);
        fc.pre(changed !== text);
        expect(formatHash64(changed)).not.toBe(formatHash64(text));
      }),
    );
  });
});

// Expected words: MurmurHash3_x86_128 of the UTF-16LE bytes with the seed, from the npm package
// murmurhash3js-revisited 3.0.0 (`x86.hash128(Buffer.from(text, 'utf16le'), seed)`, read as four
// big-endian 32-bit words), an implementation independent of ours.
const SEEDED_VECTORS: readonly (readonly [string, number, readonly number[]])[] = [
  ['abc', 0, [0x2b5b97a3, 0x20f75fb5, 0x5012c2b4, 0x5012c2b4]],
  ['abc', 7, [0x929c4c23, 0xc22de19d, 0xfb0c64cd, 0xfb0c64cd]],
  ['', 3, [0xe0d93642, 0xacf40e87, 0xacf40e87, 0xacf40e87]],
  ['hello world', 19, [0x3616a978, 0x666c1a4a, 0xcfbbb139, 0x0537bebe]],
  ['["Main Master Catalog","SKU-0000001"]', 0, [0x7f42c2a1, 0x855317e0, 0xad754e2d, 0x3c08fc1d]],
  ['x'.repeat(37), 0x9e3779b9, [0x523f4843, 0x34c66544, 0x6536371f, 0xc51d3a27]],
];

// Texts of 32 code units and more are read through a byte buffer, shorter ones through charCodeAt.
describe('writeHash64 on long texts', () => {
  it('gives what the charCodeAt path would, whatever the length and characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 0, maxLength: 300 }), fc.integer(), (text, seed) => {
        const actual = new Uint32Array(4);
        writeHash128(text, actual, 0, seed);
        const expected = new Uint32Array(4);
        writeReferenceHash128(text, expected, 0, seed);
        expect([...actual]).toEqual([...expected]);
      }),
      { numRuns: 2000 },
    );
    // Lone surrogates and texts longer than the initial 64 KiB scratch buffer.
    for (const text of ['\ud800'.repeat(40), `a\udc00b${'é'.repeat(50)}`, 'long text '.repeat(8000)]) {
      const actual = new Uint32Array(4);
      const expected = new Uint32Array(4);
      writeHash128(text, actual, 0, 1);
      writeReferenceHash128(text, expected, 0, 1);
      expect([...actual]).toEqual([...expected]);
    }
  });
});

describe('writeHash128, and seeded writeHash96 and writeHash64', () => {
  it.each(SEEDED_VECTORS)('matches an independent implementation for %j with seed %d', (text, seed, expected) => {
    const out = new Uint32Array(4);
    writeHash128(text, out, 0, seed);
    expect([...out]).toEqual(expected);
    // The 96-bit form (the key table's) is the first three words, and writes nothing past them.
    const three = new Uint32Array([0, 0, 0, 7]);
    writeHash96(text, three, 0, seed);
    expect([...three]).toEqual([...expected.slice(0, 3), 7]);
    const prefix = new Uint32Array(2);
    writeHash64(text, prefix, 0, seed);
    expect([...prefix]).toEqual(expected.slice(0, 2));
  });
});
