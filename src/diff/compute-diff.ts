// The typed, streaming diff between Kibo's export and the ERP's transformed rows.
//
// Memory: per key the differ keeps 37 bytes in flat typed arrays (key-table.ts: a 128-bit key hash
// and a slot; here a 64-bit row hash, a bitmask of the fields Kibo has a value in, and flags), never a
// string or an object per key. A row's hash is the XOR of its fields' 64-bit hashes (hash-cells.ts),
// so a whole row compares in one step; only rows the ERP leaves fields out of (SKIP, blank), and rows
// that changed, are compared field by field, from the per-field hashes the row store keeps on disk.
// Two different normalized rows share a hash with probability 2^-64, far below any other failure.
//
// Kibo's rows usually come first; when they are read on another thread, ERP rows whose key Kibo has not
// given yet are deferred (deferErp): 20 more bytes per key (their comparable hash, the fields they cover,
// a ticket, and a row-store index, since table rows are then no longer Kibo's rows first), settled when
// Kibo's row arrives or resolved from their cells at the end.
import { CLEAR, SKIP } from '../mapping/mapping-types.ts';
import type { CellValue } from '../mapping/mapping-types.ts';
import { createCellHasher, VALUE_WORDS, type CellHasher } from './hash-cells.ts';
import { createKeyTable, growTypedArray, KEY_WORDS } from './key-table.ts';
import type { HashedKiboBatch } from './hashed-kibo-batch.ts';
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
  /** Kibo rows whose key and field hashes were computed elsewhere (hashKiboRows, e.g. in a worker thread). */
  addKiboBatch(batch: HashedKiboBatch): void;
  /** Makes room for this many keys at once (Kibo's and added ERP ones), from an estimate: see KeyTable.reserve. */
  reserveKeys(keys: number): void;
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
  /**
   * Before finishKibo, an ERP row whose key Kibo has not given yet (so addErp cannot classify it): kept
   * as hashes only, with `ticket`, the caller's way back to its cells (the ERP row number). When Kibo
   * gives the key and the row equals Kibo's in one step, it settles as unchanged there; every other
   * deferred row is classified later with resolveDeferred. Counts as given (hasErpKey) from here on.
   * A settled row yields no DiffEntry: not for a caller that must send unchanged rows too (a resync).
   */
  deferErp(key: string, cells: readonly CellValue[], ticket: number): void;
  /** Once Kibo is finished: tickets of the deferred rows still to resolve, ascending. */
  deferredTickets(): Uint32Array;
  /** Classifies a deferred row from its cells, read back (they must be the cells deferErp was given). */
  resolveDeferred(key: string, cells: readonly CellValue[]): DiffEntry;
  /** Forgets a deferred row's ERP side (the caller rejected it): its key counts as never given. */
  dropDeferred(key: string): void;
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
/** A deferred ERP row (deferErp) not yet classified. */
const DEFERRED = 8;
const NO_STORE_ROW = 0xffffffff;
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
  // Only once a row is deferred (deferErp): per row, the deferred ERP row's comparable hash, the fields
  // it covers (a value or CLEAR), its ticket, and its Kibo row's number in the row store (table rows are
  // then no longer Kibo's rows first).
  let deferredHashes: Uint32Array | undefined;
  let erpMasks: Uint32Array | undefined;
  let tickets: Uint32Array | undefined;
  let storeRows: Uint32Array | undefined;
  const table = createKeyTable((capacity) => {
    rowHashes = growTypedArray(rowHashes, capacity * VALUE_WORDS);
    kiboMasks = growTypedArray(kiboMasks, capacity * maskWords);
    flags = growTypedArray(flags, capacity);
    if (deferredHashes) deferredHashes = growTypedArray(deferredHashes, capacity * VALUE_WORDS);
    if (erpMasks) erpMasks = growTypedArray(erpMasks, capacity * maskWords);
    if (tickets) tickets = growTypedArray(tickets, capacity);
    if (storeRows) storeRows = growTypedArray(storeRows, capacity);
  });
  const hasher = createCellHasher(fields);
  const fieldHashes = new Uint32Array(fieldCount * VALUE_WORDS);
  const storedHashes = new Uint32Array(fieldCount * VALUE_WORDS);
  const coverage = new Uint8Array(fieldCount);
  // [comparable high, low, identity high, low] of the last hashed ERP row.
  const erpRowHash = new Uint32Array(4);
  let kiboRows = 0;
  /** Kibo rows in the row store: all but those that settled a deferred ERP row on arrival. */
  let storedRows = 0;
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

  /**
   * The row a Kibo row goes to, its key hashed in the table's scratch: a new one, or the row of an ERP
   * row deferred for it. `describeKey` is only called for an error message.
   */
  function locateKiboRow(describeKey: () => string): number {
    if (kiboFinished) {
      throw new Error(`Diff: Kibo row ${JSON.stringify(describeKey())} arrived after finishKibo(); load the whole Kibo export first.`);
    }
    const row = table.findHashed();
    if (row === -1) return table.insertHashed();
    if (((flags[row] as number) & IN_KIBO) !== 0) {
      throw new Error(
        `Diff: Kibo's export has key ${JSON.stringify(describeKey())} twice; the sync's key must identify one Kibo record ` +
          `(check the mapping's key: against the resource's identity).`,
      );
    }
    return row;
  }

  function addKibo(key: string, cells: readonly (string | undefined)[]): void {
    assertCellCount('Kibo', key, cells.length);
    table.hashKey(key);
    lastKey = undefined;
    const row = locateKiboRow(() => key);
    hashKiboCells(hasher, cells, fieldHashes, 0);
    if (insertKiboRow(row, fieldHashes, 0)) return;
    if (storeRows) storeRows[row] = storedRows;
    const keyBytes = Buffer.from(key, 'utf8');
    store.append(fieldHashes, 0, fieldHashes.length, keyBytes, 0, keyBytes.length);
    storedRows += 1;
  }

  function addKiboBatch(batch: HashedKiboBatch): void {
    const wordsPerRow = fieldCount * VALUE_WORDS;
    const { keyHashes, keyBytes, keyEnds, hashes } = batch;
    lastKey = undefined; // the table's scratch no longer holds lastKey's hash
    for (let index = 0; index < batch.count; index += 1) {
      const keyStart = index === 0 ? 0 : (keyEnds[index - 1] as number);
      const keyEnd = keyEnds[index] as number;
      table.useHash(keyHashes, index * KEY_WORDS);
      const row = locateKiboRow(() => Buffer.from(keyBytes.buffer, keyBytes.byteOffset + keyStart, keyEnd - keyStart).toString('utf8'));
      if (insertKiboRow(row, hashes, index * wordsPerRow)) continue;
      if (storeRows) storeRows[row] = storedRows;
      store.append(hashes, index * wordsPerRow, (index + 1) * wordsPerRow, keyBytes, keyStart, keyEnd);
      storedRows += 1;
    }
  }

  /**
   * Records Kibo's row at `row` (its field hashes at `source[offset…]`), settling a deferred ERP row if
   * it can: true then, and the row needs no place in the store (nothing will compare it again, and its
   * key is not removed). Reads the source in place: copying a million rows' hashes showed.
   */
  function insertKiboRow(row: number, source: Uint32Array, offset: number): boolean {
    let high = 0;
    let low = 0;
    const maskAt = row * maskWords;
    for (let index = 0; index < fieldCount; index += 1) {
      const at = offset + index * VALUE_WORDS;
      const fieldHigh = source[at] as number;
      const fieldLow = source[at + 1] as number;
      if (fieldHigh === 0 && fieldLow === 0) continue;
      high ^= fieldHigh;
      low ^= fieldLow;
      kiboMasks[maskAt + (index >>> 5)] = ((kiboMasks[maskAt + (index >>> 5)] as number) | (1 << (index & 31))) >>> 0;
    }
    kiboRows += 1;
    const rowFlags = flags[row] as number;
    if ((rowFlags & DEFERRED) === 0) {
      rowHashes[row * VALUE_WORDS] = high;
      rowHashes[row * VALUE_WORDS + 1] = low;
      flags[row] = IN_KIBO;
      return false;
    }
    flags[row] = rowFlags | IN_KIBO;
    if (!equalsDeferredRow(row, source, offset)) return false;
    flags[row] = (flags[row] as number) & ~DEFERRED;
    counts.matched += 1;
    counts.unchanged += 1;
    return true;
  }

  /**
   * Whether Kibo's row (field hashes at `source[offset…]`) has the deferred ERP row's value in every field
   * that row covers: the XOR of those fields' hashes against the ERP row's comparable hash, which is
   * the XOR of its given values (a CLEAR counts as blank, so it differs from a Kibo value).
   */
  function equalsDeferredRow(row: number, source: Uint32Array, offset: number): boolean {
    let high = 0;
    let low = 0;
    const maskAt = row * maskWords;
    for (let index = 0; index < fieldCount; index += 1) {
      if ((((erpMasks![maskAt + (index >>> 5)] as number) >>> (index & 31)) & 1) === 0) continue;
      high ^= source[offset + index * VALUE_WORDS] as number;
      low ^= source[offset + index * VALUE_WORDS + 1] as number;
    }
    // XOR gives signed 32-bit numbers; the typed array holds them unsigned.
    return deferredHashes![row * VALUE_WORDS] === high >>> 0 && deferredHashes![row * VALUE_WORDS + 1] === low >>> 0;
  }

  function storeRowOf(row: number): number {
    return storeRows ? (storeRows[row] as number) : row;
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
    const rowFlags = flags[row] as number;
    if ((rowFlags & SEEN_ON_ERP) !== 0) throw duplicateErpKeyError(key);
    const allCovered = hashErpRow(cells);
    // A deferred row the caller dropped, whose key Kibo never gave.
    if ((rowFlags & IN_KIBO) === 0) return classifyAddedAt(row, key);
    const at = row * VALUE_WORDS;
    // A fully covered row compares in one step; the others (and changed rows, to name their fields)
    // field by field from the row store.
    const oneStep = allCovered && erpRowHash[0] === rowHashes[at] && erpRowHash[1] === rowHashes[at + 1];
    return classifyMatched(row, key, cells, oneStep);
  }

  /** The ERP row just hashed (hashErpRow) against Kibo's row at `row`; `equal`: known unchanged. */
  function classifyMatched(row: number, key: string, cells: readonly CellValue[], equal: boolean): DiffEntry {
    const at = row * VALUE_WORDS;
    let changedFields: string[] | undefined;
    if (!equal) {
      store.readFieldHashes(storeRowOf(row), storedHashes);
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
    return classifyAddedAt(insertLocated(key), key);
  }

  /** The ERP row just hashed (hashErpRow), new to Kibo, at `row`. */
  function classifyAddedAt(row: number, key: string): DiffEntry {
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

  function deferErp(key: string, cells: readonly CellValue[], ticket: number): void {
    assertCellCount('ERP', key, cells.length);
    if (kiboFinished) throw new Error(`Diff: ERP key ${JSON.stringify(key)} was deferred after finishKibo(); classify it with addErp.`);
    let row = locate(key);
    if (row !== -1) {
      if (((flags[row] as number) & SEEN_ON_ERP) !== 0) throw duplicateErpKeyError(key);
      throw new Error(`Diff: ERP key ${JSON.stringify(key)} is among Kibo's rows already; classify it with addErp.`);
    }
    if (!storeRows) startDeferring();
    hashErpRow(cells);
    row = insertLocated(key);
    flags[row] = SEEN_ON_ERP | DEFERRED;
    const at = row * VALUE_WORDS;
    const maskAt = row * maskWords;
    for (let word = 0; word < maskWords; word += 1) erpMasks![maskAt + word] = 0;
    for (let index = 0; index < fieldCount; index += 1) {
      if (coverage[index] === UNCOVERED) continue;
      erpMasks![maskAt + (index >>> 5)] = ((erpMasks![maskAt + (index >>> 5)] as number) | (1 << (index & 31))) >>> 0;
    }
    deferredHashes![at] = erpRowHash[0] as number;
    deferredHashes![at + 1] = erpRowHash[1] as number;
    rowHashes[at] = erpRowHash[2] as number;
    rowHashes[at + 1] = erpRowHash[3] as number;
    tickets![row] = ticket;
    storeRows![row] = NO_STORE_ROW;
  }

  /** Until now every table row was a Kibo row, numbered as in the store. */
  function startDeferring(): void {
    const capacity = table.capacity;
    deferredHashes = new Uint32Array(capacity * VALUE_WORDS);
    erpMasks = new Uint32Array(capacity * maskWords);
    tickets = new Uint32Array(capacity);
    storeRows = new Uint32Array(capacity);
    for (let row = 0; row < table.rowCount; row += 1) storeRows[row] = row;
  }

  function deferredTickets(): Uint32Array {
    if (!kiboFinished) throw new Error('Diff: deferred rows can be resolved only after finishKibo().');
    const pending: number[] = [];
    for (let row = 0; row < table.rowCount; row += 1) {
      if (((flags[row] as number) & DEFERRED) !== 0) pending.push(tickets![row] as number);
    }
    return Uint32Array.from(pending).sort();
  }

  function locateDeferred(key: string): number {
    const row = locate(key);
    if (row === -1 || ((flags[row] as number) & DEFERRED) === 0) {
      throw new Error(`Diff: ERP key ${JSON.stringify(key)} has no deferred row to resolve (was it deferred, and only once?).`);
    }
    return row;
  }

  function resolveDeferred(key: string, cells: readonly CellValue[]): DiffEntry {
    assertCellCount('ERP', key, cells.length);
    if (!kiboFinished) throw new Error('Diff: deferred rows can be resolved only after finishKibo().');
    const row = locateDeferred(key);
    hashErpRow(cells);
    const at = row * VALUE_WORDS;
    if (erpRowHash[2] !== rowHashes[at] || erpRowHash[3] !== rowHashes[at + 1]) {
      throw new Error(`Diff: the ERP row read back for key ${JSON.stringify(key)} is not the row that was deferred; its spill file was changed during the run.`);
    }
    flags[row] = (flags[row] as number) & ~DEFERRED;
    if (((flags[row] as number) & IN_KIBO) === 0) return classifyAddedAt(row, key);
    // Not settled when Kibo's row arrived: some field the ERP row covers differs, so compare field by field.
    return classifyMatched(row, key, cells, false);
  }

  function* finishRemoved(): Iterable<string> {
    for (let row = 0; row < table.rowCount; row += 1) {
      if (((flags[row] as number) & (IN_KIBO | SEEN_ON_ERP)) === IN_KIBO) yield store.readKey(storeRowOf(row));
    }
  }

  return {
    addKibo,
    addKiboBatch,
    reserveKeys: (keys) => table.reserve(keys),
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
    deferErp,
    deferredTickets,
    resolveDeferred,
    dropDeferred: (key) => {
      const row = locateDeferred(key);
      flags[row] = (flags[row] as number) & ~(SEEN_ON_ERP | DEFERRED);
    },
    finishRemoved,
    get counts(): Readonly<Record<DiffClass, number>> {
      return { added: counts.added, changed: counts.changed, unchanged: counts.unchanged, removed: kiboRows - counts.matched };
    },
  };
}

/** Writes the field hashes of one Kibo row (cells aligned with the fields) at `out[offset…]`. */
function hashKiboCells(hasher: CellHasher, cells: readonly (string | undefined)[], out: Uint32Array, offset: number): void {
  for (let index = 0; index < cells.length; index += 1) hasher.hashCell(index, cells[index], out, offset + index * VALUE_WORDS);
}

function duplicateErpKeyError(key: string): Error {
  return new Error(
    `Diff: the ERP side gave key ${JSON.stringify(key)} twice; reject duplicate ERP keys before diffing ` +
      `(the mapping's key must be unique in the source query).`,
  );
}
