// The differ's bookkeeping for ERP rows deferred because Kibo had not given their key yet (compute-diff.ts,
// deferErp). Nothing is allocated until a first row is deferred; from then on, per table row: the
// deferred row's comparable hash, the fields it covers (a value or CLEAR), its ticket (the caller's way
// back to its cells), and the row's number in the Kibo row store, since table rows are then no longer
// Kibo's rows first (20 bytes per key with up to 32 fields).
import { VALUE_WORDS } from './hash-cells.ts';
import { growTypedArray } from './key-table.ts';

/** A row-store number for a table row Kibo has not given (yet), or whose Kibo row settled a deferred one. */
const NO_STORE_ROW = 0xffffffff;

export interface DeferredErpRows {
  /** Whether a row was ever deferred (before that, table rows are numbered as in the row store). */
  readonly active: boolean;
  /** Allocates for `capacity` rows; the table's first `rowCount` rows are Kibo's, in store order. */
  start(capacity: number, rowCount: number): void;
  /** Grows the arrays with the key table (a no-op until started). */
  grow(capacity: number): void;
  /**
   * Records the ERP row deferred at `row`: its comparable hash (`high`, `low`), the fields it covers
   * (`coverage[index]` not 0) and its ticket.
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
  let hashes = new Uint32Array(0);
  let masks = new Uint32Array(0);
  let tickets = new Uint32Array(0);
  let storeRows: Uint32Array | undefined;

  function equalsKiboRow(row: number, source: Uint32Array, offset: number): boolean {
    let high = 0;
    let low = 0;
    const maskAt = row * maskWords;
    for (let index = 0; index < fieldCount; index += 1) {
      if ((((masks[maskAt + (index >>> 5)] as number) >>> (index & 31)) & 1) === 0) continue;
      high ^= source[offset + index * VALUE_WORDS] as number;
      low ^= source[offset + index * VALUE_WORDS + 1] as number;
    }
    // XOR gives signed 32-bit numbers; the typed array holds them unsigned.
    return hashes[row * VALUE_WORDS] === high >>> 0 && hashes[row * VALUE_WORDS + 1] === low >>> 0;
  }

  function record(row: number, high: number, low: number, coverage: Uint8Array, ticket: number): void {
    const maskAt = row * maskWords;
    for (let word = 0; word < maskWords; word += 1) masks[maskAt + word] = 0;
    for (let index = 0; index < fieldCount; index += 1) {
      if (coverage[index] === 0) continue;
      masks[maskAt + (index >>> 5)] = ((masks[maskAt + (index >>> 5)] as number) | (1 << (index & 31))) >>> 0;
    }
    hashes[row * VALUE_WORDS] = high;
    hashes[row * VALUE_WORDS + 1] = low;
    tickets[row] = ticket;
    storeRows![row] = NO_STORE_ROW;
  }

  return {
    get active() {
      return storeRows !== undefined;
    },
    start(capacity, rowCount) {
      hashes = new Uint32Array(capacity * VALUE_WORDS);
      masks = new Uint32Array(capacity * maskWords);
      tickets = new Uint32Array(capacity);
      storeRows = new Uint32Array(capacity);
      for (let row = 0; row < rowCount; row += 1) storeRows[row] = row;
    },
    grow(capacity) {
      if (storeRows === undefined) return;
      hashes = growTypedArray(hashes, capacity * VALUE_WORDS);
      masks = growTypedArray(masks, capacity * maskWords);
      tickets = growTypedArray(tickets, capacity);
      storeRows = growTypedArray(storeRows, capacity);
    },
    record,
    equalsKiboRow,
    storeRowOf: (row) => (storeRows === undefined ? row : (storeRows[row] as number)),
    setStoreRow(row, storeRow) {
      if (storeRows !== undefined) storeRows[row] = storeRow;
    },
    ticketOf: (row) => tickets[row] as number,
  };
}
