// ERP rows read while Kibo's side is still loading on its worker thread, whose key Kibo has not given
// yet: held until it does (read-kibo-side.ts reports each batch of keys it inserts) or until Kibo's
// side is complete (then the key is new). Event-driven: no polling, no rescans. All rows of one key
// are held and released together, in their order, so a duplicated key still keeps its first row.
import type { KeyedDiffer } from '../diff/compute-diff.ts';
import type { TransformedErpRow } from './transform-erp-rows.ts';

/**
 * Past this estimate of held rows' memory the ERP read waits for Kibo's side to catch up (or end). New
 * ERP rows are held until Kibo's side ends, so this is what lets a run add rows without stalling: at
 * ~1 KB per catalog row, ~16k new rows (the bench adds 5,000 of 1M; a count cap of 2,000 stalled the ERP
 * read until Kibo's side was done).
 */
export const MAX_HELD_ERP_BYTES = 16 * 1024 * 1024;
/** Per row and per cell: object headers, arrays, pointers; a string's characters count 2 bytes each. */
const ROW_OVERHEAD_BYTES = 128;
const CELL_OVERHEAD_BYTES = 24;

export interface HeldErpRows {
  /** Holds the row when Kibo's side may still give its key (or holds rows of that key already). */
  hold(row: TransformedErpRow): boolean;
  readonly isFull: boolean;
  /** Rows whose key Kibo gave since they were held (or, once Kibo's side ended, every held row). */
  takeReleased(): TransformedErpRow[];
  readonly hasReleased: boolean;
  /** Resolves when rows were released or Kibo's side ended (done or failed). */
  waitForRelease(): Promise<void>;
  /** read-kibo-side.ts: keys just inserted into the differ. */
  kiboKeysArrived(keys: readonly string[]): void;
  /** Kibo's side ended: everything still held is released to be classified (dropped if it failed). */
  kiboEnded(outcome: 'done' | 'failed'): void;
  /** Kibo's side failed: the run fails with its error, so reading the ERP on is pointless. */
  readonly kiboFailed: boolean;
}

export function createHeldErpRows(differ: KeyedDiffer, maxHeldBytes = MAX_HELD_ERP_BYTES): HeldErpRows {
  const heldByKey = new Map<string, TransformedErpRow[]>();
  let heldBytes = 0;
  let released: TransformedErpRow[] = [];
  let ended = false;
  let failed = false;
  let wake: (() => void) | undefined;

  function release(rows: readonly TransformedErpRow[]): void {
    for (const row of rows) {
      released.push(row);
      heldBytes -= estimateHeldRowBytes(row);
    }
    wake?.();
    wake = undefined;
  }

  return {
    hold(row) {
      if (row.key === undefined || ended) return false;
      const rows = heldByKey.get(row.key);
      if (rows === undefined && differ.hasKiboKey(row.key)) return false;
      const detached = detachRow(row);
      if (rows !== undefined) rows.push(detached);
      else heldByKey.set(detached.key!, [detached]);
      heldBytes += estimateHeldRowBytes(detached);
      return true;
    },
    get isFull() {
      return heldBytes >= maxHeldBytes;
    },
    get hasReleased() {
      return released.length > 0;
    },
    takeReleased() {
      const rows = released;
      released = [];
      return rows;
    },
    waitForRelease() {
      if (released.length > 0 || ended) return Promise.resolve();
      return new Promise<void>((resolve) => (wake = resolve));
    },
    kiboKeysArrived(keys) {
      if (heldByKey.size === 0) return;
      for (const key of keys) {
        const rows = heldByKey.get(key);
        if (rows === undefined) continue;
        heldByKey.delete(key);
        release(rows);
      }
    },
    get kiboFailed() {
      return failed;
    },
    kiboEnded(outcome) {
      ended = true;
      failed = outcome === 'failed';
      // On failure the run fails with Kibo's error: the held rows are dropped, not classified half-loaded.
      const rest = failed ? [] : [...heldByKey.values()].flat();
      if (failed) heldBytes = 0;
      heldByKey.clear();
      release(rest);
    },
  };
}

/** What a held row counts against the budget. */
export function estimateHeldRowBytes(row: TransformedErpRow): number {
  let bytes = ROW_OVERHEAD_BYTES;
  for (const cell of row.result.cells) bytes += CELL_OVERHEAD_BYTES + (typeof cell === 'string' ? cell.length * 2 : 0);
  return bytes;
}

/**
 * A copy of the row whose texts share no memory with the ERP read's buffers: values are slices of
 * the COPY output's decoded chunks, and V8 keeps a whole chunk (~64 KB) alive for any slice of it, so
 * a few thousand held rows would otherwise pin hundreds of MB.
 */
function detachRow(row: TransformedErpRow): TransformedErpRow {
  const { result } = row;
  return {
    rowNumber: row.rowNumber,
    key: row.key === undefined ? undefined : detachText(row.key),
    result: {
      ...result,
      key: detachText(result.key),
      keyValues: result.keyValues.map(detachText),
      cells: result.cells.map((cell) => (typeof cell === 'string' ? detachText(cell) : cell)),
    },
  };
}

/** A fresh copy of the text (UTF-16 code units as they are, lone surrogates included). */
function detachText(text: string): string {
  return text.length === 0 ? text : Buffer.from(text, 'utf16le').toString('utf16le');
}
