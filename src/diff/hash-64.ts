// 64- and 128-bit string hashes for the diff's compact per-row state (key identities, value hashes).
//
// Why hand-written: the diff hashes every compared cell of every row on both sides (tens of millions
// of calls for a large catalog). node:crypto costs about 1 µs per call here, which would dominate a
// run; no hashing package is installed. This is MurmurHash3_x86_128 (public domain, Austin Appleby)
// over the string's UTF-16LE code units, keeping h1 and h2 of the 128-bit result. The unit tests pin
// it to the reference implementation's output, so it is the published algorithm, not a home-made one.

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function mixK1(k: number): number {
  return Math.imul(rotl(Math.imul(k, C1), 15), C2);
}
function mixK2(k: number): number {
  return Math.imul(rotl(Math.imul(k, C2), 16), C3);
}
function mixK3(k: number): number {
  return Math.imul(rotl(Math.imul(k, C3), 17), C4);
}
function mixK4(k: number): number {
  return Math.imul(rotl(Math.imul(k, C4), 18), C1);
}

/** Little-endian 32-bit word made of code units `i` and `i + 1` (the second only when present). */
function wordAt(text: string, i: number, end: number): number {
  const low = text.charCodeAt(i);
  return i + 1 < end ? low | (text.charCodeAt(i + 1) << 16) : low;
}

/**
 * Writes the 64-bit MurmurHash3_x86_128 prefix (h1, h2) of `text` (as UTF-16LE bytes) into
 * `out[offset]` and `out[offset + 1]`. Writing into a caller's array avoids an allocation per cell.
 */
export function writeHash64(text: string, out: Uint32Array, offset: number, seed = 0): void {
  writeMurmur(text, seed, out, offset, 2);
}

/** The first 96 bits of MurmurHash3_x86_128 (h1…h3) of `text` into `out[offset…offset + 2]`. */
export function writeHash96(text: string, out: Uint32Array, offset: number, seed = 0): void {
  writeMurmur(text, seed, out, offset, 3);
}

/** The whole 128-bit MurmurHash3_x86_128 (h1…h4) of `text` into `out[offset…offset + 3]`. */
export function writeHash128(text: string, out: Uint32Array, offset: number, seed = 0): void {
  writeMurmur(text, seed, out, offset, 4);
}

// Long texts are copied as UTF-16LE into a scratch buffer and read a 32-bit word at a time: measured
// here at 1.8 ns per code unit against 6.4 through charCodeAt pairs, while the copy's fixed cost (~100 ns)
// makes charCodeAt cheaper below about 32 units. Both read the same words, so the hash is the same.
const BUFFER_PATH_MIN_UNITS = 32;
let scratchBytes = Buffer.alloc(64 * 1024);
let scratchWords = new Int32Array(scratchBytes.buffer, scratchBytes.byteOffset, scratchBytes.length >>> 2);

function copyToScratch(text: string): Int32Array {
  if (text.length * 2 > scratchBytes.length) {
    scratchBytes = Buffer.alloc(text.length * 4);
    scratchWords = new Int32Array(scratchBytes.buffer, scratchBytes.byteOffset, scratchBytes.length >>> 2);
  }
  scratchBytes.write(text, 0, 'utf16le');
  return scratchWords;
}

function writeMurmur(text: string, seed: number, out: Uint32Array, offset: number, words: 2 | 3 | 4): void {
  const units = text.length;
  const blockUnits = units - (units % 8);
  let h1 = seed | 0;
  let h2 = seed | 0;
  let h3 = seed | 0;
  let h4 = seed | 0;
  const copied = units >= BUFFER_PATH_MIN_UNITS ? copyToScratch(text) : undefined;
  for (let i = 0; i < blockUnits; i += 8) {
    const w = i >>> 1;
    h1 ^= mixK1(copied === undefined ? wordAt(text, i, units) : (copied[w] as number));
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= mixK2(copied === undefined ? wordAt(text, i + 2, units) : (copied[w + 1] as number));
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= mixK3(copied === undefined ? wordAt(text, i + 4, units) : (copied[w + 2] as number));
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= mixK4(copied === undefined ? wordAt(text, i + 6, units) : (copied[w + 3] as number));
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // Tail: up to 7 code units (14 bytes); word j of the tail feeds k(j+1), as in the reference switch.
  const tail = units - blockUnits;
  if (tail > 6) h4 ^= mixK4(wordAt(text, blockUnits + 6, units));
  if (tail > 4) h3 ^= mixK3(wordAt(text, blockUnits + 4, units));
  if (tail > 2) h2 ^= mixK2(wordAt(text, blockUnits + 2, units));
  if (tail > 0) h1 ^= mixK1(wordAt(text, blockUnits, units));

  const byteLength = units * 2;
  h1 ^= byteLength;
  h2 ^= byteLength;
  h3 ^= byteLength;
  h4 ^= byteLength;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  out[offset] = h1 >>> 0;
  out[offset + 1] = h2 >>> 0;
  if (words >= 3) out[offset + 2] = (h3 + h1) >>> 0;
  if (words === 4) out[offset + 3] = (h4 + h1) >>> 0;
}

/** The 64-bit hash as 16 lowercase hex digits (h1 then h2, each little-endian as the reference prints bytes). */
export function formatHash64(text: string): string {
  const out = new Uint32Array(2);
  writeHash64(text, out, 0);
  return Buffer.from(out.buffer).toString('hex');
}
