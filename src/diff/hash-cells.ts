// 64-bit hashes of normalized cells, one seed per field, so a row can be compared as one XOR of its
// fields' hashes (equal values in two different fields cannot cancel out: their seeds differ).
// All zeros is reserved for "no value": a row's blank fields contribute nothing, on either side.
import { writeHash64 } from './hash-64.ts';
import { normalizeValue, type ComparableField } from './normalize-value.ts';

export const VALUE_WORDS = 2;
const FIELD_SEED_BASE = 0x5eed0000;
const CACHEABLE_MAX_UNITS = 24;

export interface CellHasher {
  /**
   * Writes the hash of the cell's normalized value at `out[offset]`, `out[offset + 1]`; returns false
   * (and writes zeros) when the cell has no value (blank, or blank once normalized).
   */
  hashCell(index: number, raw: string | undefined, out: Uint32Array, offset: number): boolean;
  /** A per-field constant that no value hashes to in practice: marks "no value given" in identity hashes. */
  readonly absentMarkers: Uint32Array;
  /** Likewise for "cleared" (the ERP's CLEAR). */
  readonly clearMarkers: Uint32Array;
}

export function createCellHasher(fields: readonly ComparableField[]): CellHasher {
  const fieldCount = fields.length;
  // Catalog columns repeat values row after row (booleans, brands, dates, consts), so the last raw
  // text of each field is remembered with its hash.
  const lastRaw: (string | undefined)[] = new Array<string | undefined>(fieldCount).fill(undefined);
  const lastHashes = new Uint32Array(fieldCount * VALUE_WORDS);
  const absentMarkers = new Uint32Array(fieldCount * VALUE_WORDS);
  const clearMarkers = new Uint32Array(fieldCount * VALUE_WORDS);
  for (let index = 0; index < fieldCount; index += 1) {
    // NUL cannot appear in a normalized cell's leading position from either side's text in practice,
    // and even then only a 2^-64 coincidence of hashes would matter.
    writeHash64('\u0000absent', absentMarkers, index * VALUE_WORDS, FIELD_SEED_BASE + index);
    writeHash64('\u0000cleared', clearMarkers, index * VALUE_WORDS, FIELD_SEED_BASE + index);
  }

  function hashCell(index: number, raw: string | undefined, out: Uint32Array, offset: number): boolean {
    const at = index * VALUE_WORDS;
    if (raw === undefined || raw === '') {
      out[offset] = 0;
      out[offset + 1] = 0;
      return false;
    }
    // Long texts (descriptions) rarely repeat, and comparing them would cost as much as a hash.
    const cacheable = raw.length <= CACHEABLE_MAX_UNITS;
    if (!cacheable || raw !== lastRaw[index]) {
      const normalized = normalizeValue(fields[index] as ComparableField, raw);
      if (normalized === undefined) {
        lastHashes[at] = 0;
        lastHashes[at + 1] = 0;
      } else {
        writeHash64(normalized, lastHashes, at, FIELD_SEED_BASE + index);
        if (lastHashes[at] === 0 && lastHashes[at + 1] === 0) lastHashes[at + 1] = 1;
      }
      lastRaw[index] = cacheable ? raw : undefined;
    }
    const high = lastHashes[at] as number;
    const low = lastHashes[at + 1] as number;
    out[offset] = high;
    out[offset + 1] = low;
    return high !== 0 || low !== 0;
  }

  return { hashCell, absentMarkers, clearMarkers };
}
