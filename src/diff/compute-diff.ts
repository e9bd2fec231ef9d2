// The typed, streaming diff between Kibo's export and the ERP's transformed rows.
//
// Memory: per key the differ keeps 37 bytes in flat typed arrays (key-table.ts: a 128-bit key hash
// and a slot; here a 64-bit row hash, a bitmask of the fields Kibo has a value in, and flags), never a
// string or an object per key. A row's hash is the XOR of its fields' 64-bit hashes (hash-cells.ts),
// so a whole row compares in one step; only rows the ERP leaves fields out of (SKIP, blank), and rows
// that changed, are compared field by field, from the per-field hashes the row store keeps on disk.
// Two different normalized rows share a hash with probability 2^-64, far below any other failure.
import { CLEAR, SKIP } from '../mapping/mapping-types.ts';
import type { CellValue } from '../mapping/mapping-types.ts';
import { createCellHasher, VALUE_WORDS, type CellHasher } from './hash-cells.ts';
import { createKeyTable, growTypedArray } from './key-table.ts';
import { createMemoryRowStore, type KiboRowStore } from './kibo-row-store.ts';
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
  /** One Kibo row, cells aligned with the fields; `undefined` or '' is a blank cell. */
  addKibo(key: string, cells: readonly (string | undefined)[]): void;
  /** One Kibo row whose field hashes were computed elsewhere (hashKiboCells, e.g. in a worker thread). */
  addKiboHashed(key: string, hashes: Uint32Array, offset: number): void;
  /** Says every Kibo row is in: from here on an unknown ERP key is `added`, and addKibo throws. */
  finishKibo(): void;
  readonly kiboFinished: boolean;
  /**
   * Classifies one ERP row as it streams in; throws when the key was already given. Before finishKibo
   * only keys Kibo already gave may be classified (hasKiboKey): another one may still come from Kibo.
   */
  addErp(key: string, cells: readonly CellValue[]): DiffEntry;
  /** Whether an ERP row with this key was already given (lets the caller reject duplicates first). */
  hasErpKey(key: string): boolean;
  /** Whether Kibo's export has this key (a row without it would be created). */
  hasKiboKey(key: string): boolean;
  /** Fields the row CLEARs where Kibo has a value for this key (what addErp reported as clearedFields). */
  clearedFieldsOf(key: string, cells: readonly CellValue[]): string[];
  /**
   * For a second read of the ERP (a snapshot): true, once per key, when these cells are the very row
   * addErp accepted for the key (same normalized values), so a duplicated key's other rows, or a row
   * that changed since, are told apart from it.
   */
  claimAcceptedRow(key: string, cells: readonly CellValue[]): boolean;
  /** Kibo keys never given on the ERP side, in Kibo's order; call once all ERP rows are in. */
  finishRemoved(): Iterable<string>;
  /** `removed` counts Kibo keys not (yet) seen on the ERP side: final once all ERP rows are in. */
  readonly counts: Readonly<Record<DiffClass, number>>;
}

export interface KeyedDifferOptions {
  /** Where Kibo rows' keys and field hashes go; a run passes a file-backed store. */
  readonly store?: KiboRowStore;
}

const IN_KIBO = 1;
const SEEN_ON_ERP = 2;
const CLAIMED = 4;
const UNCOVERED = 0;
const GIVEN = 1;
const CLEARED = 2;
const NO_FIELDS: readonly string[] = Object.freeze([]);

export function createKeyedDiffer(fields: readonly ComparableField[], options: KeyedDifferOptions = {}): KeyedDiffer {
  const store = options.store ?? createMemoryRowStore();
  const fieldCount = fields.length;
  const maskWords = Math.max(1, Math.ceil(fieldCount / 32));
  // Per row: Kibo's row hash until the ERP row arrives, then the accepted ERP row's identity hash.
  let rowHashes = new Uint32Array(0);
  let kiboMasks = new Uint32Array(0);
  let flags = new Uint8Array(0);
  const table = createKeyTable((capacity) => {
    rowHashes = growTypedArray(rowHashes, capacity * VALUE_WORDS);
    kiboMasks = growTypedArray(kiboMasks, capacity * maskWords);
    flags = growTypedArray(flags, capacity);
  });
  const hasher = createCellHasher(fields);
  const fieldHashes = new Uint32Array(fieldCount * VALUE_WORDS);
  const storedHashes = new Uint32Array(fieldCount * VALUE_WORDS);
  const coverage = new Uint8Array(fieldCount);
  // [comparable high, low, identity high, low] of the last hashed ERP row.
  const erpRowHash = new Uint32Array(4);
  let kiboRows = 0;
  let kiboFinished = false;
  let lastKey: string | undefined;
  let lastRow = -1;
  const counts = { added: 0, changed: 0, unchanged: 0, matched: 0 };

  /** Row of `key` or -1; the table's scratch keeps the key's hash for an insert that follows. */
  function locate(key: string): number {
    if (key !== lastKey) {
      table.hashKey(key);
      lastRow = table.findHashed();
      lastKey = key;
    }
    return lastRow;
  }

  function insertLocated(key: string): number {
    lastKey = key;
    lastRow = table.insertHashed();
    return lastRow;
  }

  function assertCellCount(side: string, key: string, cellCount: number): void {
    if (cellCount !== fieldCount) {
      throw new Error(
        `Diff: the ${side} row for key ${JSON.stringify(key)} has ${cellCount} cells but ${fieldCount} fields ` +
          `are compared (${fields.map((field) => field.name).join(', ')}); align the cells with the fields.`,
      );
    }
  }

  function assertNewKiboKey(key: string): void {
    if (kiboFinished) {
      throw new Error(`Diff: Kibo row ${JSON.stringify(key)} arrived after finishKibo(); load the whole Kibo export first.`);
    }
    if (locate(key) !== -1) {
      throw new Error(
        `Diff: Kibo's export has key ${JSON.stringify(key)} twice; the sync's key must identify one Kibo record ` +
          `(check the mapping's key: against the resource's identity).`,
      );
    }
  }

  function addKibo(key: string, cells: readonly (string | undefined)[]): void {
    assertNewKiboKey(key);
    assertCellCount('Kibo', key, cells.length);
    hashKiboCells(hasher, cells, fieldHashes, 0);
    insertKiboRow(key);
  }

  function addKiboHashed(key: string, hashes: Uint32Array, offset: number): void {
    assertNewKiboKey(key);
    // A plain loop: subarray() would allocate a view per row (0.5 s of a 1M-row load).
    for (let word = 0; word < fieldHashes.length; word += 1) fieldHashes[word] = hashes[offset + word] as number;
    insertKiboRow(key);
  }

  /** Inserts the located key with the field hashes in `fieldHashes`. */
  function insertKiboRow(key: string): void {
    const row = insertLocated(key);
    let high = 0;
    let low = 0;
    const maskAt = row * maskWords;
    for (let index = 0; index < fieldCount; index += 1) {
      const at = index * VALUE_WORDS;
      const fieldHigh = fieldHashes[at] as number;
      const fieldLow = fieldHashes[at + 1] as number;
      if (fieldHigh === 0 && fieldLow === 0) continue;
      high ^= fieldHigh;
      low ^= fieldLow;
      kiboMasks[maskAt + (index >>> 5)] = ((kiboMasks[maskAt + (index >>> 5)] as number) | (1 << (index & 31))) >>> 0;
    }
    rowHashes[row * VALUE_WORDS] = high;
    rowHashes[row * VALUE_WORDS + 1] = low;
    flags[row] = IN_KIBO;
    store.append(key, fieldHashes);
    kiboRows += 1;
  }

  /**
   * Hashes an ERP row into fieldHashes/coverage/erpRowHash; true when every field is covered (a value
   * or CLEAR), i.e. the row can be compared with Kibo's in one step.
   */
  function hashErpRow(cells: readonly CellValue[]): boolean {
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
    erpRowHash[0] = high;
    erpRowHash[1] = low;
    erpRowHash[2] = identityHigh;
    erpRowHash[3] = identityLow;
    return allCovered;
  }

  function addErp(key: string, cells: readonly CellValue[]): DiffEntry {
    assertCellCount('ERP', key, cells.length);
    const row = locate(key);
    if (row === -1) {
      if (!kiboFinished) {
        throw new Error(`Diff: ERP key ${JSON.stringify(key)} is not among Kibo's rows so far; hold it until finishKibo().`);
      }
      return classifyAdded(key, cells);
    }
    if (((flags[row] as number) & SEEN_ON_ERP) !== 0) throw duplicateErpKeyError(key);
    const allCovered = hashErpRow(cells);
    const at = row * VALUE_WORDS;
    // A fully covered row compares in one step; the others (and changed rows, to name their fields)
    // field by field from the row store.
    let changedFields: string[] | undefined;
    if (!allCovered || erpRowHash[0] !== rowHashes[at] || erpRowHash[1] !== rowHashes[at + 1]) {
      store.readFieldHashes(row, storedHashes);
      changedFields = listChangedFields();
    }
    flags[row] = (flags[row] as number) | SEEN_ON_ERP;
    rowHashes[at] = erpRowHash[2] as number;
    rowHashes[at + 1] = erpRowHash[3] as number;
    counts.matched += 1;
    if (changedFields === undefined || changedFields.length === 0) {
      counts.unchanged += 1;
      return { class: 'unchanged', key, changedFields: NO_FIELDS, clearedFields: NO_FIELDS };
    }
    counts.changed += 1;
    return { class: 'changed', key, changedFields, clearedFields: listClearedFields(row, cells) };
  }

  /** Covered fields whose ERP hash differs from Kibo's stored one (CLEAR hashes as blank). */
  function listChangedFields(): string[] {
    const changed: string[] = [];
    for (let index = 0; index < fieldCount; index += 1) {
      if (coverage[index] === UNCOVERED) continue;
      const at = index * VALUE_WORDS;
      if (fieldHashes[at] !== storedHashes[at] || fieldHashes[at + 1] !== storedHashes[at + 1]) {
        changed.push((fields[index] as ComparableField).name);
      }
    }
    return changed;
  }

  function listClearedFields(row: number, cells: readonly CellValue[]): string[] {
    const cleared: string[] = [];
    const maskAt = row * maskWords;
    for (let index = 0; index < fieldCount; index += 1) {
      if (cells[index] !== CLEAR) continue;
      if ((((kiboMasks[maskAt + (index >>> 5)] as number) >>> (index & 31)) & 1) === 1) {
        cleared.push((fields[index] as ComparableField).name);
      }
    }
    return cleared;
  }

  function classifyAdded(key: string, cells: readonly CellValue[]): DiffEntry {
    hashErpRow(cells);
    const row = insertLocated(key);
    flags[row] = SEEN_ON_ERP;
    rowHashes[row * VALUE_WORDS] = erpRowHash[2] as number;
    rowHashes[row * VALUE_WORDS + 1] = erpRowHash[3] as number;
    counts.added += 1;
    const changedFields: string[] = [];
    for (let index = 0; index < fieldCount; index += 1) {
      if (coverage[index] !== UNCOVERED) changedFields.push((fields[index] as ComparableField).name);
    }
    return { class: 'added', key, changedFields, clearedFields: NO_FIELDS };
  }

  function clearedFieldsOf(key: string, cells: readonly CellValue[]): string[] {
    const row = locate(key);
    if (row === -1 || ((flags[row] as number) & IN_KIBO) === 0) return [];
    return listClearedFields(row, cells);
  }

  function claimAcceptedRow(key: string, cells: readonly CellValue[]): boolean {
    const row = locate(key);
    if (row === -1 || ((flags[row] as number) & (SEEN_ON_ERP | CLAIMED)) !== SEEN_ON_ERP) return false;
    assertCellCount('ERP', key, cells.length);
    hashErpRow(cells);
    const at = row * VALUE_WORDS;
    if (erpRowHash[2] !== rowHashes[at] || erpRowHash[3] !== rowHashes[at + 1]) return false;
    flags[row] = (flags[row] as number) | CLAIMED;
    return true;
  }

  function* finishRemoved(): Iterable<string> {
    for (let row = 0; row < kiboRows; row += 1) {
      if (((flags[row] as number) & SEEN_ON_ERP) === 0) yield store.readKey(row);
    }
  }

  return {
    addKibo,
    addKiboHashed,
    finishKibo: () => {
      kiboFinished = true;
    },
    get kiboFinished() {
      return kiboFinished;
    },
    addErp,
    hasErpKey: (key) => {
      const row = locate(key);
      return row !== -1 && ((flags[row] as number) & SEEN_ON_ERP) !== 0;
    },
    hasKiboKey: (key) => {
      const row = locate(key);
      return row !== -1 && ((flags[row] as number) & IN_KIBO) !== 0;
    },
    clearedFieldsOf,
    claimAcceptedRow,
    finishRemoved,
    get counts(): Readonly<Record<DiffClass, number>> {
      return { added: counts.added, changed: counts.changed, unchanged: counts.unchanged, removed: kiboRows - counts.matched };
    },
  };
}

/**
 * Writes the field hashes of one Kibo row (cells aligned with the fields) at `out[offset…]`: what
 * addKiboHashed takes, so the hashing can run on another thread than the differ.
 */
export function hashKiboCells(hasher: CellHasher, cells: readonly (string | undefined)[], out: Uint32Array, offset: number): void {
  for (let index = 0; index < cells.length; index += 1) hasher.hashCell(index, cells[index], out, offset + index * VALUE_WORDS);
}

function duplicateErpKeyError(key: string): Error {
  return new Error(
    `Diff: the ERP side gave key ${JSON.stringify(key)} twice; reject duplicate ERP keys before diffing ` +
      `(the mapping's key must be unique in the source query).`,
  );
}
