// Hashes one ERP row for the differ (compute-diff.ts) in two ways at once: its comparable hash (the XOR
// of the values it gives, what Kibo's row must match) and its identity hash (which also tells a CLEAR
// from a skipped or blank cell, so a second read can recognize the very row that was accepted).
import { CLEAR, SKIP, type CellValue } from '../mapping/mapping-types.ts';
import { VALUE_WORDS, type CellHasher } from './hash-cells.ts';

/** A field the row leaves alone (SKIP or blank). Must be 0: deferred-erp-rows.ts reads not-0 as covered. */
export const UNCOVERED = 0;
const GIVEN = 1;
const CLEARED = 2;

export interface ErpRowHasher {
  /** Per field of the last hashed row: its value's hash (0, 0 when it gives none). */
  readonly fieldHashes: Uint32Array;
  /** Per field of the last hashed row: UNCOVERED, GIVEN or CLEARED. */
  readonly coverage: Uint8Array;
  /** [comparable high, low, identity high, low] of the last hashed row. */
  readonly rowHash: Uint32Array;
  /** Hashes a row (cells aligned with the fields); true when every field is covered (a value or CLEAR). */
  hash(cells: readonly CellValue[]): boolean;
}

export function createErpRowHasher(hasher: CellHasher, fieldCount: number): ErpRowHasher {
  const fieldHashes = new Uint32Array(fieldCount * VALUE_WORDS);
  const coverage = new Uint8Array(fieldCount);
  const rowHash = new Uint32Array(4);

  function hash(cells: readonly CellValue[]): boolean {
    let high = 0;
    let low = 0;
    let identityHigh = 0;
    let identityLow = 0;
    let allCovered = true;
    for (let index = 0; index < fieldCount; index += 1) {
      const at = index * VALUE_WORDS;
      const cell = cells[index];
      let markers: Uint32Array | undefined;
      if (cell === CLEAR) {
        coverage[index] = CLEARED;
        fieldHashes[at] = 0;
        fieldHashes[at + 1] = 0;
        markers = hasher.clearMarkers;
      } else if (cell !== SKIP && hasher.hashCell(index, cell, fieldHashes, at)) {
        coverage[index] = GIVEN;
        high ^= fieldHashes[at] as number;
        low ^= fieldHashes[at + 1] as number;
        identityHigh ^= fieldHashes[at] as number;
        identityLow ^= fieldHashes[at + 1] as number;
        continue;
      } else {
        // SKIP, or a blank cell: written blank, which leaves Kibo's value alone.
        coverage[index] = UNCOVERED;
        fieldHashes[at] = 0;
        fieldHashes[at + 1] = 0;
        allCovered = false;
        markers = hasher.absentMarkers;
      }
      identityHigh ^= markers[at] as number;
      identityLow ^= markers[at + 1] as number;
    }
    rowHash[0] = high;
    rowHash[1] = low;
    rowHash[2] = identityHigh;
    rowHash[3] = identityLow;
    return allCovered;
  }

  return { fieldHashes, coverage, rowHash, hash };
}
