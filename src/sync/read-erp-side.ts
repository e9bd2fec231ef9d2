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
import type { HeldErpRows } from './held-erp-rows.ts';
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
   * While Kibo's side is still loading (read-kibo-side.ts on a worker thread): settles when it is done,
   * and `held` keeps the rows whose key Kibo has not given yet.
   */
  readonly kiboLoading?: { readonly done: Promise<unknown>; readonly held: HeldErpRows };
}

export async function readErpSide(deps: SyncDeps, input: ErpSideInput): Promise<ErpSideOutcome> {
  const { mapping, kiboLoading } = input;
  const rejections = createErpRejections(deps, mapping, input.runId, input.encodeRowKey);
  const classify = createRowClassifier(input, rejections);
  const held = kiboLoading?.held;
  let rowsRead = 0;
  let sourceCount = 0;
  const accept = async (row: TransformedErpRow): Promise<void> => {
    const outcome = classify(row);
    if (outcome === true || (await outcome) === true) sourceCount += 1;
  };
  // Released rows go first: a later row of the same key must not overtake them.
  const acceptReleased = async (): Promise<void> => {
    while (held?.hasReleased) for (const row of held.takeReleased()) await accept(row);
  };
  let sourceError: string | undefined;
  try {
    for await (const batch of transformErpRowBatches(deps, mapping, input.encodeRowKey)) {
      if (held?.kiboFailed) break;
      for (const row of batch) {
        rowsRead = row.rowNumber;
        if (held?.hasReleased) await acceptReleased();
        if (held?.hold(row)) continue;
        await accept(row);
      }
      while (held?.isFull) {
        await held.waitForRelease();
        await acceptReleased();
      }
    }
  } catch (error) {
    deps.signal?.throwIfAborted();
    sourceError = `the ERP query failed after ${rowsRead} rows: ${describeError(error)}`;
    deps.logger.error({ err: error, sync: mapping.sync }, sourceError);
  }
  if (kiboLoading) {
    await kiboLoading.done; // rethrows Kibo's failure: the run fails with it
    await acceptReleased();
  }
  await rejections.flush();
  return { rowsRead, sourceCount, ...rejections.summary(), ...(sourceError ? { sourceError } : {}) };
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
