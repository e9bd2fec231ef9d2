// The differ's bookkeeping for ERP rows deferred because Kibo had not given their key yet (compute-diff.ts,
// deferErp). Nothing is allocated until a first row is deferred. From then on, per table row: its number
// in the Kibo row store (table rows are no longer Kibo's rows first) and the number of its deferred record,
// 8 bytes per key. Each deferred row has a record: its comparable hash, the fields it covers (a value or
// CLEAR) and its ticket (the caller's way back to its cells), 12 bytes and 4 per 32 fields.
//
// Records live apart, in blocks, because few rows are deferred: 78k of 1M at the bench (7.8%), where one
// array per table row for each of them had cost 20 bytes per key (21.6 MB at 1M keys) for 1.2 MB of use.
import { VALUE_WORDS } from './hash-cells.ts';
import { growTypedArray } from './key-table.ts';

/** A row-store number for a table row Kibo has not given (yet), or whose Kibo row settled a deferred one. */
const NO_STORE_ROW = 0xffffffff;
/** Record numbers start at 1: 0 in recordOf marks a row never deferred. */
const NO_RECORD = 0;
const RECORDS_PER_BLOCK = 1 << 14;
const HASH_AT = 0;
const TICKET_AT = VALUE_WORDS;
const MASK_AT = VALUE_WORDS + 1;

export interface DeferredErpRows {
  /** Whether a row was ever deferred (before that, table rows are numbered as in the row store). */
  readonly active: boolean;
  /** Allocates for `capacity` rows; the table's first `rowCount` rows are Kibo's, in store order. */
  start(capacity: number, rowCount: number): void;
  /** Grows the per-row arrays with the key table (a no-op until started). */
  grow(capacity: number): void;
  /**
   * Records the ERP row deferred at `row`: its comparable hash (`high`, `low`), the fields it covers
   * (`coverage[index]` not 0) and its ticket. A row is deferred once at most.
   */
  record(row: number, high: number, low: number, coverage: Uint8Array, ticket: number): void;
  /**
   * Whether Kibo's row (field hashes at `source[offset…]`) has the deferred row's value in every field the
   * deferred row covers: the XOR of those fields' hashes against its comparable hash, the XOR of its given
   * values (a CLEAR counts as blank, so it differs from a Kibo value).
   */
  equalsKiboRow(row: number, source: Uint32Array, offset: number): boolean;
  storeRowOf(row: number): number;
  /** Where Kibo's row for table row `row` went in the store (a no-op until started). */
  setStoreRow(row: number, storeRow: number): void;
  ticketOf(row: number): number;
}

export function createDeferredErpRows(fieldCount: number): DeferredErpRows {
  const maskWords = Math.max(1, Math.ceil(fieldCount / 32));
  const recordWords = MASK_AT + maskWords;
  const blocks: Uint32Array[] = [];
  let recordCount = 0;
  let recordOf = new Uint32Array(0);
  let storeRows: Uint32Array | undefined;

  /** Where record `record` (1-based) starts: its block, and its first word in it. */
  function locateRecord(row: number): { block: Uint32Array; at: number } {
    const record = recordOf[row] as number;
    if (record === NO_RECORD) throw new Error(`Diff: table row ${row} has no deferred ERP row (the differ's flags and records disagree).`);
    const index = record - 1;
    return { block: blocks[Math.floor(index / RECORDS_PER_BLOCK)] as Uint32Array, at: (index % RECORDS_PER_BLOCK) * recordWords };
  }

  function record(row: number, high: number, low: number, coverage: Uint8Array, ticket: number): void {
    if (recordCount % RECORDS_PER_BLOCK === 0) blocks.push(new Uint32Array(RECORDS_PER_BLOCK * recordWords));
    const block = blocks[blocks.length - 1] as Uint32Array;
    const at = (recordCount % RECORDS_PER_BLOCK) * recordWords;
    block[at + HASH_AT] = high;
    block[at + HASH_AT + 1] = low;
    block[at + TICKET_AT] = ticket;
    for (let word = 0; word < maskWords; word += 1) block[at + MASK_AT + word] = 0;
    for (let index = 0; index < fieldCount; index += 1) {
      if (coverage[index] === 0) continue;
      const word = at + MASK_AT + (index >>> 5);
      block[word] = ((block[word] as number) | (1 << (index & 31))) >>> 0;
    }
    recordCount += 1;
    recordOf[row] = recordCount;
    storeRows![row] = NO_STORE_ROW;
  }

  function equalsKiboRow(row: number, source: Uint32Array, offset: number): boolean {
    const { block, at } = locateRecord(row);
    let high = 0;
    let low = 0;
    for (let index = 0; index < fieldCount; index += 1) {
      if ((((block[at + MASK_AT + (index >>> 5)] as number) >>> (index & 31)) & 1) === 0) continue;
      high ^= source[offset + index * VALUE_WORDS] as number;
      low ^= source[offset + index * VALUE_WORDS + 1] as number;
    }
    // XOR gives signed 32-bit numbers; the typed array holds them unsigned.
    return block[at + HASH_AT] === high >>> 0 && block[at + HASH_AT + 1] === low >>> 0;
  }

  return {
    get active() {
      return storeRows !== undefined;
    },
    start(capacity, rowCount) {
      recordOf = new Uint32Array(capacity);
      storeRows = new Uint32Array(capacity);
      for (let row = 0; row < rowCount; row += 1) storeRows[row] = row;
    },
    grow(capacity) {
      if (storeRows === undefined) return;
      recordOf = growTypedArray(recordOf, capacity);
      storeRows = growTypedArray(storeRows, capacity);
    },
    record,
    equalsKiboRow,
    storeRowOf: (row) => (storeRows === undefined ? row : (storeRows[row] as number)),
    setStoreRow(row, storeRow) {
      if (storeRows !== undefined) storeRows[row] = storeRow;
    },
    ticketOf(row) {
      const { block, at } = locateRecord(row);
      return block[at + TICKET_AT] as number;
    },
  };
}
