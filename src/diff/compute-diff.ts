// The typed, streaming diff between Kibo's export and the ERP's transformed rows.
//
// Memory: per key the differ keeps 31-33 bytes in flat typed arrays (key-table.ts: a 96-bit key hash and
// 1.5-2 four-byte slots; here a 64-bit row hash, a bitmask of the fields Kibo has a value in, and flags),
// never a string or an object per key. A row's hash is the XOR of its fields' 64-bit hashes (hash-cells.ts),
// so a whole row compares in one step; only rows the ERP leaves fields out of (SKIP, blank), and rows
// that changed, are compared field by field, from the per-field hashes the row store keeps on disk.
// Two different normalized rows share a hash with probability 2^-64, far below any other failure.
//
// Kibo's rows usually come first; when they are read on another thread, ERP rows whose key Kibo has not
// given yet are deferred (deferErp; 8 more bytes per key and 16 per deferred row, deferred-erp-rows.ts),
// settled when Kibo's row arrives or resolved from their cells at the end. ERP rows are hashed by
// hash-erp-row.ts.
import { CLEAR, type CellValue } from '../mapping/mapping-types.ts';
import { createCellHasher, VALUE_WORDS, type CellHasher } from './hash-cells.ts';
import { createDeferredErpRows } from './deferred-erp-rows.ts';
import { createErpRowHasher, UNCOVERED } from './hash-erp-row.ts';
import { createKeyTable, growTypedArray, KEY_WORDS } from './key-table.ts';
import type { HashedKiboBatch } from './hashed-kibo-batch.ts';
import type { DiffClass, DiffEntry, KeyedDiffer, KeyedDifferOptions } from './keyed-differ-types.ts';
import { createMemoryRowStore } from './kibo-row-store.ts';
import type { ComparableField } from './normalize-value.ts';

export type { DiffClass, DiffEntry, KeyedDiffer, KeyedDifferOptions } from './keyed-differ-types.ts';

const IN_KIBO = 1;
const SEEN_ON_ERP = 2;
const CLAIMED = 4;
/** A deferred ERP row (deferErp) not yet classified. */
const DEFERRED = 8;
const NO_FIELDS: readonly string[] = Object.freeze([]);

export function createKeyedDiffer(fields: readonly ComparableField[], options: KeyedDifferOptions = {}): KeyedDiffer {
  const store = options.store ?? createMemoryRowStore();
  const fieldCount = fields.length;
  const maskWords = Math.max(1, Math.ceil(fieldCount / 32));
  // Per row: Kibo's row hash until the ERP row arrives, then the accepted ERP row's identity hash.
  let rowHashes = new Uint32Array(0);
  let kiboMasks = new Uint32Array(0);
  let flags = new Uint8Array(0);
  const deferred = createDeferredErpRows(fieldCount);
  const table = createKeyTable((capacity) => {
    rowHashes = growTypedArray(rowHashes, capacity * VALUE_WORDS);
    kiboMasks = growTypedArray(kiboMasks, capacity * maskWords);
    flags = growTypedArray(flags, capacity);
    deferred.grow(capacity);
  });
  const hasher = createCellHasher(fields);
  const kiboHashes = new Uint32Array(fieldCount * VALUE_WORDS);
  const storedHashes = new Uint32Array(fieldCount * VALUE_WORDS);
  const erpRowHasher = createErpRowHasher(hasher, fieldCount);
  const { fieldHashes, coverage, rowHash: erpRowHash } = erpRowHasher;
  const hashErpRow = erpRowHasher.hash;
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
    hashKiboCells(hasher, cells, kiboHashes, 0);
    if (insertKiboRow(row, kiboHashes, 0)) return;
    deferred.setStoreRow(row, storedRows);
    const keyBytes = Buffer.from(key, 'utf8');
    store.append(kiboHashes, 0, kiboHashes.length, keyBytes, 0, keyBytes.length);
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
      deferred.setStoreRow(row, storedRows);
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
    if (!deferred.equalsKiboRow(row, source, offset)) return false;
    flags[row] = (flags[row] as number) & ~DEFERRED;
    counts.matched += 1;
    counts.unchanged += 1;
    return true;
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
      store.readFieldHashes(deferred.storeRowOf(row), storedHashes);
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
    if (!deferred.active) deferred.start(table.capacity, table.rowCount);
    hashErpRow(cells);
    row = insertLocated(key);
    flags[row] = SEEN_ON_ERP | DEFERRED;
    deferred.record(row, erpRowHash[0] as number, erpRowHash[1] as number, coverage, ticket);
    rowHashes[row * VALUE_WORDS] = erpRowHash[2] as number;
    rowHashes[row * VALUE_WORDS + 1] = erpRowHash[3] as number;
  }

  function deferredTickets(): Uint32Array {
    if (!kiboFinished) throw new Error('Diff: deferred rows can be resolved only after finishKibo().');
    const pending: number[] = [];
    for (let row = 0; row < table.rowCount; row += 1) {
      if (((flags[row] as number) & DEFERRED) !== 0) pending.push(deferred.ticketOf(row));
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
      if (((flags[row] as number) & (IN_KIBO | SEEN_ON_ERP)) === IN_KIBO) yield store.readKey(deferred.storeRowOf(row));
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
