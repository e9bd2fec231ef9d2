// The differ's per-key state in flat typed arrays: no object, string or Map entry per key.
//
// A key is identified by 96 bits of its MurmurHash3 (3 words; 128 had cost 4 MB more at 1M keys for
// nothing). Two different keys share one with probability about n²/2^97 for n keys (6e-18 at a million
// keys, 1e-16 at four million), far below any other failure of a run, so the table never holds key strings; the Kibo side's keys are kept on disk by the row store
// for the few places that need them (removed keys). Open addressing with linear probing over slots
// that point at rows; rows are appended in arrival order (Kibo's export order first).
import { writeHash96 } from './hash-64.ts';

export const KEY_WORDS = 3;
const KEY_HASH_SEED = 0x4b1b0;
const EMPTY_SLOT = -1;
const INITIAL_ROWS = 1024;

export interface KeyTable {
  /** Hashes `key` into the table's scratch words; the next find/insert uses them. */
  hashKey(key: string): void;
  /** Puts a key hash written by hashKeyInto (at `words[offset…]`) in the scratch words instead. */
  useHash(words: Uint32Array, offset: number): void;
  /** Row of the hashed key, or -1. */
  findHashed(): number;
  /** Appends a row for the hashed key (the caller checked it is absent); returns its number. */
  insertHashed(): number;
  readonly rowCount: number;
  /** Capacity in rows: per-row arrays kept beside the table grow with it (see onGrow). */
  readonly capacity: number;
  /**
   * Grows the capacity to at least `rows` at once, for a caller that can estimate its row count: growing
   * by doubling holds the old and the new arrays together (1.5× the final size, ~30 MB at 1M keys).
   */
  reserve(rows: number): void;
}

/** `onGrow(capacity)` lets the owner grow its own per-row arrays in step with the table. */
export function createKeyTable(onGrow: (capacity: number) => void): KeyTable {
  let capacity = INITIAL_ROWS;
  let keyWords = new Uint32Array(capacity * KEY_WORDS);
  let slots = new Int32Array(countSlots(capacity)).fill(EMPTY_SLOT);
  let slotMask = slots.length - 1;
  let rowCount = 0;
  const scratch = new Uint32Array(KEY_WORDS);

  function findHashed(): number {
    const k0 = scratch[0] as number;
    const k1 = scratch[1] as number;
    const k2 = scratch[2] as number;
    for (let slot = k0 & slotMask; ; slot = (slot + 1) & slotMask) {
      const row = slots[slot] as number;
      if (row === EMPTY_SLOT) return -1;
      const at = row * KEY_WORDS;
      if (keyWords[at] === k0 && keyWords[at + 1] === k1 && keyWords[at + 2] === k2) return row;
    }
  }

  function placeInSlots(row: number): void {
    let slot = (keyWords[row * KEY_WORDS] as number) & slotMask;
    while (slots[slot] !== EMPTY_SLOT) slot = (slot + 1) & slotMask;
    slots[slot] = row;
  }

  function growTo(rows: number): void {
    capacity = rows;
    const grownWords = new Uint32Array(capacity * KEY_WORDS);
    grownWords.set(keyWords);
    keyWords = grownWords;
    slots = new Int32Array(countSlots(capacity)).fill(EMPTY_SLOT);
    slotMask = slots.length - 1;
    for (let row = 0; row < rowCount; row += 1) placeInSlots(row);
    onGrow(capacity);
  }

  function insertHashed(): number {
    if (rowCount === capacity) growTo(capacity * 2);
    const row = rowCount;
    keyWords.set(scratch, row * KEY_WORDS);
    rowCount += 1;
    placeInSlots(row);
    return row;
  }

  onGrow(capacity);
  return {
    hashKey: (key) => hashKeyInto(key, scratch, 0),
    useHash: (words, offset) => {
      scratch[0] = words[offset] as number;
      scratch[1] = words[offset + 1] as number;
      scratch[2] = words[offset + 2] as number;
    },
    findHashed,
    insertHashed,
    get rowCount() {
      return rowCount;
    },
    get capacity() {
      return capacity;
    },
    reserve(rows) {
      if (rows > capacity) growTo(Math.ceil(rows / INITIAL_ROWS) * INITIAL_ROWS);
    },
  };
}

/**
 * Slots for `capacity` rows: a power of two (a mask picks the slot), at least 1.5 per row so a full table
 * is at most 2/3 full and linear probes stay short; twice the rows when they double from INITIAL_ROWS.
 */
function countSlots(capacity: number): number {
  let slots = INITIAL_ROWS * 2;
  while (slots < capacity * 1.5) slots *= 2;
  return slots;
}

/** The table's hash of `key` (KEY_WORDS words at `out[offset…]`), e.g. computed on another thread. */
export function hashKeyInto(key: string, out: Uint32Array, offset: number): void {
  writeHash96(key, out, offset, KEY_HASH_SEED);
}

/** A copy of `array` with room for `length` elements (typed arrays cannot grow in place). */
export function growTypedArray<T extends Uint32Array | Uint8Array>(array: T, length: number): T {
  if (array.length >= length) return array;
  const grown = new (array.constructor as new (length: number) => T)(length);
  grown.set(array);
  return grown;
}
