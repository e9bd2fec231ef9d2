// The typed, streaming diff between Kibo's export and the ERP's transformed rows.
//
// Memory: per Kibo key the differ keeps the key string (in a Map, pointing at a row number) and one
// 64-bit fingerprint per compared field in a shared typed array: 8 bytes per field, no per-row
// object. A fingerprint of all zeros means "blank in Kibo". Two different normalized values share a
// fingerprint with probability 2^-64 per comparison, far below any other failure of a run.
import { CLEAR, SKIP } from '../mapping/mapping-types.ts';
import type { CellValue } from '../mapping/mapping-types.ts';
import { writeHash64 } from './hash-64.ts';
import { normalizeValue } from './normalize-value.ts';
import type { ComparableField } from './normalize-value.ts';

export type DiffClass = 'added' | 'changed' | 'unchanged' | 'removed';

export interface DiffEntry {
  readonly class: DiffClass;
  readonly key: string;
  /**
   * Fields the import would change: for `changed`, every field whose ERP cell differs from Kibo's value
   * (cleared fields included); for `added`, every field the ERP row gives a value or CLEAR.
   */
  readonly changedFields: readonly string[];
  /** Fields whose ERP cell is CLEAR while Kibo still has a value (a subset of changedFields). */
  readonly clearedFields: readonly string[];
}

export interface KeyedDiffer {
  /** Kibo side first, cells aligned with the fields; `undefined` or '' is a blank cell. */
  addKibo(key: string, cells: readonly (string | undefined)[]): void;
  /** Classifies one ERP row as it streams in; throws when the key was already given. */
  addErp(key: string, cells: readonly CellValue[]): DiffEntry;
  /** Whether an ERP row with this key was already given (lets the caller reject duplicates first). */
  hasErpKey(key: string): boolean;
  /** Whether Kibo's export has this key (a row without it would be created). */
  hasKiboKey(key: string): boolean;
  /** Fields the row CLEARs where Kibo has a value for this key (what addErp reported as clearedFields). */
  clearedFieldsOf(key: string, cells: readonly CellValue[]): string[];
  /** Kibo keys never given on the ERP side, in Kibo's order; call once all ERP rows are in. */
  finishRemoved(): Iterable<string>;
  /** `removed` counts Kibo keys not (yet) seen on the ERP side: final once all ERP rows are in. */
  readonly counts: Readonly<Record<DiffClass, number>>;
}

const WORDS_PER_FINGERPRINT = 2;
const INITIAL_ROW_CAPACITY = 1024;

export function createKeyedDiffer(fields: readonly ComparableField[]): KeyedDiffer {
  const fieldCount = fields.length;
  const wordsPerRow = fieldCount * WORDS_PER_FINGERPRINT;
  const rowByKey = new Map<string, number>();
  // Keys of ERP rows that Kibo does not have: kept only so a duplicate ERP key is caught.
  const addedKeys = new Set<string>();
  let fingerprints = new Uint32Array(INITIAL_ROW_CAPACITY * wordsPerRow);
  let seenOnErp = new Uint8Array(INITIAL_ROW_CAPACITY);
  const erpFingerprint = new Uint32Array(WORDS_PER_FINGERPRINT);
  const lastRawByField: (string | undefined)[] = fields.map(() => undefined);
  const lastFingerprints = new Uint32Array(fieldCount * WORDS_PER_FINGERPRINT);
  const counts = { added: 0, changed: 0, unchanged: 0, matched: 0 };

  function assertCellCount(side: string, key: string, cellCount: number): void {
    if (cellCount !== fieldCount) {
      throw new Error(
        `Diff: the ${side} row for key ${JSON.stringify(key)} has ${cellCount} cells but ${fieldCount} fields ` +
          `are compared (${fields.map((field) => field.name).join(', ')}); align the cells with the fields.`,
      );
    }
  }

  function ensureCapacity(rows: number): void {
    if (rows <= seenOnErp.length) return;
    const nextRows = Math.max(rows, seenOnErp.length * 2);
    const grownFingerprints = new Uint32Array(nextRows * wordsPerRow);
    grownFingerprints.set(fingerprints);
    fingerprints = grownFingerprints;
    const grownSeen = new Uint8Array(nextRows);
    grownSeen.set(seenOnErp);
    seenOnErp = grownSeen;
  }

  function addKibo(key: string, cells: readonly (string | undefined)[]): void {
    if (counts.matched > 0 || addedKeys.size > 0) {
      throw new Error(`Diff: Kibo row ${JSON.stringify(key)} arrived after ERP rows; load the whole Kibo export first.`);
    }
    if (rowByKey.has(key)) {
      throw new Error(
        `Diff: Kibo's export has key ${JSON.stringify(key)} twice; the sync's key must identify one Kibo record ` +
          `(check the mapping's key: against the resource's identity).`,
      );
    }
    assertCellCount('Kibo', key, cells.length);
    const row = rowByKey.size;
    ensureCapacity(row + 1);
    rowByKey.set(key, row);
    for (let index = 0; index < fieldCount; index += 1) {
      fingerprintCell(index, cells[index], fingerprints, (row * fieldCount + index) * WORDS_PER_FINGERPRINT);
    }
  }

  /**
   * Writes the cell's fingerprint (zeros for blank). Catalog columns repeat values row after row
   * (booleans, brands, dates), so the last raw text per field is remembered with its fingerprint.
   */
  function fingerprintCell(index: number, raw: string | undefined, target: Uint32Array, offset: number): void {
    const cacheOffset = index * WORDS_PER_FINGERPRINT;
    if (raw !== lastRawByField[index] || raw === undefined) {
      const normalized = normalizeValue(fields[index] as ComparableField, raw);
      if (normalized === undefined) {
        lastFingerprints[cacheOffset] = 0;
        lastFingerprints[cacheOffset + 1] = 0;
      } else {
        writeFingerprint(normalized, lastFingerprints, cacheOffset);
      }
      lastRawByField[index] = raw;
    }
    target[offset] = lastFingerprints[cacheOffset] as number;
    target[offset + 1] = lastFingerprints[cacheOffset + 1] as number;
  }

  function addErp(key: string, cells: readonly CellValue[]): DiffEntry {
    assertCellCount('ERP', key, cells.length);
    const row = rowByKey.get(key);
    if (row === undefined) return classifyAdded(key, cells);
    if (seenOnErp[row] === 1) throw duplicateErpKeyError(key);
    seenOnErp[row] = 1;
    counts.matched += 1;
    const changedFields: string[] = [];
    const clearedFields: string[] = [];
    for (let index = 0; index < fieldCount; index += 1) {
      const cell = cells[index];
      if (cell === SKIP || cell === undefined) continue;
      const name = (fields[index] as ComparableField).name;
      const offset = (row * fieldCount + index) * WORDS_PER_FINGERPRINT;
      const kiboHasValue = fingerprints[offset] !== 0 || fingerprints[offset + 1] !== 0;
      if (cell === CLEAR) {
        if (kiboHasValue) {
          changedFields.push(name);
          clearedFields.push(name);
        }
        continue;
      }
      fingerprintCell(index, cell, erpFingerprint, 0);
      // A blank ERP cell is written as a blank CSV cell, which leaves Kibo's value alone, like SKIP.
      const erpIsBlank = erpFingerprint[0] === 0 && erpFingerprint[1] === 0;
      if (!erpIsBlank && (erpFingerprint[0] !== fingerprints[offset] || erpFingerprint[1] !== fingerprints[offset + 1])) {
        changedFields.push(name);
      }
    }
    const diffClass: DiffClass = changedFields.length > 0 ? 'changed' : 'unchanged';
    counts[diffClass] += 1;
    return { class: diffClass, key, changedFields, clearedFields };
  }

  function classifyAdded(key: string, cells: readonly CellValue[]): DiffEntry {
    if (addedKeys.has(key)) throw duplicateErpKeyError(key);
    addedKeys.add(key);
    counts.added += 1;
    const changedFields = fields
      .filter((field, index) => {
        const cell = cells[index];
        return cell === CLEAR || (typeof cell === 'string' && normalizeValue(field, cell) !== undefined);
      })
      .map((field) => field.name);
    return { class: 'added', key, changedFields, clearedFields: [] };
  }

  function clearedFieldsOf(key: string, cells: readonly CellValue[]): string[] {
    const row = rowByKey.get(key);
    if (row === undefined) return [];
    const cleared: string[] = [];
    for (let index = 0; index < fieldCount; index += 1) {
      if (cells[index] !== CLEAR) continue;
      const offset = (row * fieldCount + index) * WORDS_PER_FINGERPRINT;
      if (fingerprints[offset] !== 0 || fingerprints[offset + 1] !== 0) cleared.push((fields[index] as ComparableField).name);
    }
    return cleared;
  }

  function hasErpKey(key: string): boolean {
    const row = rowByKey.get(key);
    return row === undefined ? addedKeys.has(key) : seenOnErp[row] === 1;
  }

  function* finishRemoved(): Iterable<string> {
    for (const [key, row] of rowByKey) {
      if (seenOnErp[row] !== 1) yield key;
    }
  }

  return {
    addKibo,
    addErp,
    hasErpKey,
    hasKiboKey: (key: string) => rowByKey.has(key),
    clearedFieldsOf,
    finishRemoved,
    get counts(): Readonly<Record<DiffClass, number>> {
      return {
        added: counts.added,
        changed: counts.changed,
        unchanged: counts.unchanged,
        removed: rowByKey.size - counts.matched,
      };
    },
  };
}

/** Fingerprint of a present value; all-zero is reserved for "blank", so a zero hash is nudged off it. */
function writeFingerprint(normalized: string, target: Uint32Array, offset: number): void {
  writeHash64(normalized, target, offset);
  if (target[offset] === 0 && target[offset + 1] === 0) target[offset + 1] = 1;
}

function duplicateErpKeyError(key: string): Error {
  return new Error(
    `Diff: the ERP side gave key ${JSON.stringify(key)} twice; reject duplicate ERP keys before diffing ` +
      `(the mapping's key must be unique in the source query).`,
  );
}
