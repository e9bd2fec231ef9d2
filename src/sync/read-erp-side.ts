// The ERP half of a run: stream the mapping's query through its transforms, reject what cannot be
// sent (bad values, null or duplicate keys, new rows missing a required field) with file, row, key and
// field, classify every good row against Kibo's export, and write the rows to send as they stream by.
import { selectRowAction } from '../diff/compute-plan.ts';
import type { KeyedDiffer } from '../diff/compute-diff.ts';
import type { SyncMapping } from '../mapping/index.ts';
import { describeError } from '../support/errors.ts';
import { createErpRejections, type ErpRejections } from './erp-rejections.ts';
import type { KeyEncoder } from './sync-keys.ts';
import type { SyncDeps } from './sync-deps.ts';
import { createRequiredCheck, transformErpRowBatches, type TransformedErpRow } from './transform-erp-rows.ts';
import { appendWrittenRow, formatCellTexts, type WrittenRows } from './written-rows.ts';

export interface ErpSideOutcome {
  readonly rowsRead: number;
  /** Rows that passed the transforms (the source count the guards compare). */
  readonly sourceCount: number;
  readonly rejectedCount: number;
  readonly rejectedKeys: ReadonlySet<string>;
  /** Rejected rows whose key could not be read: they could match any Kibo row. */
  readonly unkeyedRejections: number;
  /** Set when the read failed part-way: the plan must not rest on partial data. */
  readonly sourceError?: string;
}

export interface ErpSideInput {
  readonly mapping: SyncMapping;
  readonly runId: number;
  readonly differ: KeyedDiffer;
  readonly encodeRowKey: KeyEncoder;
  readonly resync: boolean;
  readonly delta: WrittenRows;
  /**
   * While Kibo's side is still loading (read-kibo-side.ts on a worker thread): settles when it is done.
   * Rows whose key Kibo has not given yet are held back (up to MAX_HELD_ERP_ROWS, then the read waits).
   */
  readonly kiboLoading?: Promise<unknown>;
  /** Default MAX_HELD_ERP_ROWS. */
  readonly maxHeldRows?: number;
}

/** About 10–20 MB of transformed rows; past it the ERP read waits for Kibo's side to finish. */
export const MAX_HELD_ERP_ROWS = 20_000;
const KIBO_CATCH_UP_PAUSE_MS = 5;

export async function readErpSide(deps: SyncDeps, input: ErpSideInput): Promise<ErpSideOutcome> {
  const { mapping } = input;
  const rejections = createErpRejections(deps, mapping, input.runId, input.encodeRowKey);
  const classify = createRowClassifier(input, rejections);
  const held = createHeldRows(input);
  let rowsRead = 0;
  let sourceCount = 0;
  const accept = async (row: TransformedErpRow): Promise<void> => {
    const outcome = classify(row);
    if (outcome === true || (await outcome) === true) sourceCount += 1;
  };
  let sourceError: string | undefined;
  try {
    for await (const batch of transformErpRowBatches(deps, mapping, input.encodeRowKey)) {
      if (held.kiboFailed()) break; // the run fails with Kibo's error below: no point reading on
      for (const row of batch) {
        rowsRead = row.rowNumber;
        if (held.hold(row)) continue;
        await accept(row);
      }
      if (held.isFull()) await held.releaseAsKiboCatchesUp(accept);
    }
  } catch (error) {
    deps.signal?.throwIfAborted();
    sourceError = `the ERP query failed after ${rowsRead} rows: ${describeError(error)}`;
    deps.logger.error({ err: error, sync: mapping.sync }, sourceError);
  }
  await held.release(accept);
  await rejections.flush();
  return { rowsRead, sourceCount, ...rejections.summary(), ...(sourceError ? { sourceError } : {}) };
}

interface HeldRows {
  /** True when the row must wait for Kibo's side (its key may still come from Kibo). */
  hold(row: TransformedErpRow): boolean;
  isFull(): boolean;
  kiboFailed(): boolean;
  /** While full and Kibo's side still loads: lets it catch up, classifying held rows whose key it gave. */
  releaseAsKiboCatchesUp(accept: (row: TransformedErpRow) => Promise<void>): Promise<void>;
  /** Waits for Kibo's side (rethrowing its failure), then classifies the held rows in their order. */
  release(accept: (row: TransformedErpRow) => Promise<void>): Promise<void>;
}

/**
 * The ERP rows read before Kibo's side could say whether their key exists. A later row of a held key is
 * held too, so a duplicated key's first row is still the one kept.
 */
function createHeldRows(input: ErpSideInput): HeldRows {
  const { differ, kiboLoading } = input;
  const maxHeld = input.maxHeldRows ?? MAX_HELD_ERP_ROWS;
  const rows: TransformedErpRow[] = [];
  const keys = new Set<string>();
  let failed = false;
  kiboLoading?.catch(() => {
    failed = true; // rethrown by release(), which awaits the same promise
  });
  return {
    hold(row) {
      if (differ.kiboFinished || row.key === undefined) return false;
      if (!keys.has(row.key) && differ.hasKiboKey(row.key)) return false;
      rows.push(row);
      keys.add(row.key);
      return true;
    },
    isFull: () => rows.length >= maxHeld,
    kiboFailed: () => failed,
    async releaseAsKiboCatchesUp(accept) {
      while (rows.length >= maxHeld && !differ.kiboFinished && !failed) {
        // A pause, not a timeout: the worker's batches are inserted between ticks (read-kibo-side.ts).
        await new Promise((resolve) => setTimeout(resolve, KIBO_CATCH_UP_PAUSE_MS));
        // All rows of one key share its status, so classifying the now-known ones keeps each key's order.
        const stillHeld: TransformedErpRow[] = [];
        for (const row of rows.splice(0)) {
          if (differ.hasKiboKey(row.key!)) await accept(row);
          else stillHeld.push(row);
        }
        rows.push(...stillHeld);
        keys.clear();
        for (const row of stillHeld) keys.add(row.key!);
      }
    },
    async release(accept) {
      if (rows.length === 0) return;
      await kiboLoading;
      if (!differ.kiboFinished) throw new Error('internal: Kibo\'s side settled without finishing the differ');
      const released = rows.splice(0);
      keys.clear();
      for (const row of released) await accept(row);
    },
  };
}

/**
 * Classifies one row: true when it joins the diff, or a promise to await first, resolving to true for
 * a row that joined the diff (the delta file asked to drain) and to nothing for a rejected row (being
 * recorded). Synchronous on the common path, so a million rows cost no million awaits.
 */
function createRowClassifier(input: ErpSideInput, rejections: ErpRejections): (row: TransformedErpRow) => true | Promise<unknown> {
  const { mapping, differ } = input;
  const missingRequired = createRequiredCheck(mapping);
  const fieldNames = mapping.fields.map((field) => field.name);
  return ({ rowNumber, result, key }) => {
    if (key === undefined) return rejections.addTransformProblems(rowNumber, result);
    if (differ.hasErpKey(key)) return rejections.addDuplicate(rowNumber, key);
    if (!differ.hasKiboKey(key)) {
      const missing = missingRequired(result);
      if (missing.length > 0) return rejections.addMissingRequired(rowNumber, key, missing);
    }
    const entry = differ.addErp(key, result.cells);
    if (selectRowAction(entry, input.resync) !== 'write') return true;
    const drained = appendWrittenRow(input.delta, formatCellTexts(result.cells, fieldNames, entry.clearedFields));
    return drained ? drained.then(() => true) : true;
  };
}
