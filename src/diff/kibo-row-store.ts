// Where the differ keeps what it needs of each Kibo row only now and then: the key text (for removed
// keys) and one 64-bit hash per field (to compare a row field by field when the ERP row leaves fields
// out, and to name the fields of a changed row). A sync run uses a file (sync/open-spill-row-store.ts)
// so a million rows cost no memory; this in-memory store serves tests and small tools.

export interface KiboRowStore {
  /**
   * Appends the next Kibo row (rows are numbered 0, 1, 2… in call order), read in place from a batch: its
   * field hashes `hashes[hashStart, hashEnd)` and its key's UTF-8 bytes `keyBytes[keyStart, keyEnd)`.
   */
  append(hashes: Uint32Array, hashStart: number, hashEnd: number, keyBytes: Uint8Array, keyStart: number, keyEnd: number): void;
  /** Copies row `row`'s field hashes (2 words per field) into `out`. */
  readFieldHashes(row: number, out: Uint32Array): void;
  readKey(row: number): string;
}

export function createMemoryRowStore(): KiboRowStore {
  const keys: string[] = [];
  let hashes = new Uint32Array(0);
  let wordsPerRow = -1;
  return {
    append(source, hashStart, hashEnd, keyBytes, keyStart, keyEnd) {
      if (wordsPerRow === -1) wordsPerRow = hashEnd - hashStart;
      const row = keys.length;
      if ((row + 1) * wordsPerRow > hashes.length) {
        const grown = new Uint32Array(Math.max(1024, (row + 1) * 2) * wordsPerRow);
        grown.set(hashes);
        hashes = grown;
      }
      hashes.set(source.subarray(hashStart, hashEnd), row * wordsPerRow);
      keys.push(Buffer.from(keyBytes.buffer, keyBytes.byteOffset + keyStart, keyEnd - keyStart).toString('utf8'));
    },
    readFieldHashes(row, out) {
      assertRow(row, keys.length);
      out.set(hashes.subarray(row * wordsPerRow, (row + 1) * wordsPerRow));
    },
    readKey(row) {
      assertRow(row, keys.length);
      return keys[row] as string;
    },
  };
}

function assertRow(row: number, rowCount: number): void {
  if (!Number.isInteger(row) || row < 0 || row >= rowCount) {
    throw new RangeError(`row store: row ${row} does not exist (${rowCount} rows stored)`);
  }
}
