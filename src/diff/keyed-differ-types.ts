// What the keyed differ (compute-diff.ts) promises its callers: the diff's classes and entries, and the
// differ's methods, Kibo's side first, then the ERP's, deferred rows in between.
import type { CellValue } from '../mapping/mapping-types.ts';
import type { HashedKiboBatch } from './hashed-kibo-batch.ts';
import type { KiboRowStore } from './kibo-row-store.ts';

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
