// Kibo rows as the differ takes them from another thread (compute-diff.ts addKiboBatch): everything in
// flat typed arrays, transferable without copying, and nothing left for the differ's thread to hash or
// encode (a million key strings cloned, hashed and UTF-8-encoded again on the main thread showed).
import { createCellHasher, VALUE_WORDS, type CellHasher } from './hash-cells.ts';
import { hashKeyInto, KEY_WORDS } from './key-table.ts';
import type { ComparableField } from './normalize-value.ts';

export interface HashedKiboBatch {
  readonly count: number;
  /** The key table's hash of each row's key (KEY_WORDS per row). */
  readonly keyHashes: Uint32Array;
  /** The keys in UTF-8, back to back: row i's key ends at keyEnds[i] and starts where row i-1's ends. */
  readonly keyBytes: Uint8Array;
  readonly keyEnds: Uint32Array;
  /** Field hashes: VALUE_WORDS per field, fields per row. */
  readonly hashes: Uint32Array;
}

export interface KiboBatchBuilder {
  /** Adds one keyed row (cells aligned with the fields; undefined or '' is blank). */
  add(key: string, cells: readonly (string | undefined)[]): void;
  readonly count: number;
  /** The rows added since the last take, as a batch; the builder starts a new one. */
  take(): HashedKiboBatch;
}

const KEY_BYTES_PER_ROW_GUESS = 32;

export function createKiboBatchBuilder(fields: readonly ComparableField[], rowsPerBatch: number): KiboBatchBuilder {
  const hasher: CellHasher = createCellHasher(fields);
  const wordsPerRow = fields.length * VALUE_WORDS;
  let count = 0;
  let keyHashes = new Uint32Array(rowsPerBatch * KEY_WORDS);
  let hashes = new Uint32Array(rowsPerBatch * wordsPerRow);
  let keyEnds = new Uint32Array(rowsPerBatch);
  let keyBytes = Buffer.allocUnsafe(rowsPerBatch * KEY_BYTES_PER_ROW_GUESS);
  let keyLength = 0;

  function ensureRoom(key: string): void {
    if (count === keyEnds.length) {
      keyHashes = grow(keyHashes, keyHashes.length * 2);
      hashes = grow(hashes, hashes.length * 2);
      keyEnds = grow(keyEnds, keyEnds.length * 2);
    }
    const needed = keyLength + Buffer.byteLength(key, 'utf8');
    if (needed > keyBytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, keyBytes.length * 2));
      keyBytes.copy(grown, 0, 0, keyLength);
      keyBytes = grown;
    }
  }

  return {
    add(key, cells) {
      ensureRoom(key);
      hashKeyInto(key, keyHashes, count * KEY_WORDS);
      for (let index = 0; index < cells.length; index += 1) hasher.hashCell(index, cells[index], hashes, count * wordsPerRow + index * VALUE_WORDS);
      keyLength += keyBytes.write(key, keyLength, 'utf8');
      keyEnds[count] = keyLength;
      count += 1;
    },
    get count() {
      return count;
    },
    take() {
      // Copies of the used parts: they are transferred to another thread, so the builder keeps none.
      const batch: HashedKiboBatch = {
        count,
        keyHashes: keyHashes.slice(0, count * KEY_WORDS),
        keyBytes: new Uint8Array(keyBytes.subarray(0, keyLength)),
        keyEnds: keyEnds.slice(0, count),
        hashes: hashes.slice(0, count * wordsPerRow),
      };
      count = 0;
      keyLength = 0;
      return batch;
    },
  };
}

function grow(array: Uint32Array<ArrayBuffer>, length: number): Uint32Array<ArrayBuffer> {
  const grown = new Uint32Array(length);
  grown.set(array);
  return grown;
}
