// ERP rows read while Kibo's side is still loading on its worker thread, whose key Kibo has not given
// yet: held until it does (read-kibo-side.ts reports each batch of keys it inserts) or until Kibo's
// side is complete (then the key is new). Event-driven: no polling, no rescans. All rows of one key
// are held and released together, in their order, so a duplicated key still keeps its first row.
import type { KeyedDiffer } from '../diff/compute-diff.ts';
import type { TransformedErpRow } from './transform-erp-rows.ts';

/** About 10–20 MB of transformed rows; past it the ERP read waits for Kibo's side to catch up. */
export const MAX_HELD_ERP_ROWS = 2_000;

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

export function createHeldErpRows(differ: KeyedDiffer, maxHeld = MAX_HELD_ERP_ROWS): HeldErpRows {
  const heldByKey = new Map<string, TransformedErpRow[]>();
  let heldCount = 0;
  let released: TransformedErpRow[] = [];
  let ended = false;
  let failed = false;
  let wake: (() => void) | undefined;

  function release(rows: readonly TransformedErpRow[]): void {
    for (const row of rows) released.push(row);
    heldCount -= rows.length;
    wake?.();
    wake = undefined;
  }

  return {
    hold(row) {
      if (row.key === undefined || ended) return false;
      const rows = heldByKey.get(row.key);
      if (rows !== undefined) {
        rows.push(row);
      } else {
        if (differ.hasKiboKey(row.key)) return false;
        heldByKey.set(row.key, [row]);
      }
      heldCount += 1;
      return true;
    },
    get isFull() {
      return heldCount >= maxHeld;
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
      if (failed) heldCount = 0;
      heldByKey.clear();
      release(rest);
    },
  };
}
