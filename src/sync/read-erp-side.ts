// The ERP half of a run: stream the mapping's query through its transforms, reject what cannot be
// sent (bad values, null or duplicate keys, new rows missing a required field) with file, row, key and
// field, classify every good row against Kibo's export, and write the rows to send as they stream by.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { selectRowAction } from '../diff/compute-plan.ts';
import type { DiffEntry, KeyedDiffer } from '../diff/compute-diff.ts';
import type { SyncMapping } from '../mapping/index.ts';
import { describeError } from '../support/errors.ts';
import { createErpRejections, type ErpRejections } from './erp-rejections.ts';
import type { KeyEncoder } from './sync-keys.ts';
import type { SyncDeps } from './sync-deps.ts';
import type { ErpCopySpill } from './erp-copy-spill.ts';
import { createRequiredCheck, transformErpRowBatches, transformSpilledErpRows, type TransformedErpRow } from './transform-erp-rows.ts';
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
   * While Kibo's side is still loading (read-kibo-side.ts on a worker thread): a row whose key Kibo has
   * not given yet is deferred (compute-diff.ts deferErp) and its bytes kept in `spill`; once Kibo's side
   * is `done`, the deferred rows it did not settle are read back from the spill and classified.
   */
  readonly deferral?: { readonly kiboDone: Promise<unknown>; readonly kiboFailed: () => boolean; readonly spill: ErpCopySpill };
}

export async function readErpSide(deps: SyncDeps, input: ErpSideInput): Promise<ErpSideOutcome> {
  const { mapping, deferral } = input;
  const rejections = createErpRejections(deps, mapping, input.runId, input.encodeRowKey);
  const classifier = createRowClassifier(input, rejections);
  let rowsRead = 0;
  let sourceCount = 0;
  let sourceError: string | undefined;
  try {
    for await (const batch of transformErpRowBatches(deps, mapping, input.encodeRowKey, deferral?.spill)) {
      if (deferral?.kiboFailed()) break;
      for (const row of batch) {
        rowsRead = row.rowNumber;
        const outcome = classifier.classify(row);
        if (outcome === true || (await outcome) === true) sourceCount += 1;
      }
      // While COPY's data is buffered the loop goes on in microtasks and never lets Kibo's batches (worker
      // messages) in: the worker then stalled on its unacknowledged batches until the ERP read ended.
      if (deferral) await yieldToEventLoop();
    }
  } catch (error) {
    deps.signal?.throwIfAborted();
    sourceError = `the ERP query failed after ${rowsRead} rows: ${describeError(error)}`;
    deps.logger.error({ err: error, sync: mapping.sync }, sourceError);
  }
  if (deferral) {
    await deferral.kiboDone; // rethrows Kibo's failure: the run fails with it
    await deferral.spill.close();
    sourceCount -= await resolveDeferredRows(input, deferral.spill, classifier);
  }
  await rejections.flush();
  return { rowsRead, sourceCount, ...rejections.summary(), ...(sourceError ? { sourceError } : {}) };
}

/** Classifies the rows still deferred, read back from the spill in their order; returns how many were rejected. */
async function resolveDeferredRows(input: ErpSideInput, spill: ErpCopySpill, classifier: RowClassifier): Promise<number> {
  let rejected = 0;
  const tickets = input.differ.deferredTickets();
  for await (const batch of transformSpilledErpRows(spill, input.mapping, input.encodeRowKey, tickets)) {
    for (const row of batch) {
      const outcome = classifier.resolve(row);
      if (outcome !== true && (await outcome) !== true) rejected += 1;
    }
  }
  return rejected;
}

interface RowClassifier {
  /**
   * Classifies one row: true when it joins the diff, or a promise to await first, resolving to true for
   * a row that joined the diff (the delta file asked to drain) and to nothing for a rejected row (being
   * recorded). Synchronous on the common path, so a million rows cost no million awaits.
   */
  classify(row: TransformedErpRow): true | Promise<unknown>;
  /** The same for a deferred row read back (its key was read and checked for duplicates already). */
  resolve(row: TransformedErpRow): true | Promise<unknown>;
}

function createRowClassifier(input: ErpSideInput, rejections: ErpRejections): RowClassifier {
  const { mapping, differ } = input;
  const missingRequired = createRequiredCheck(mapping);
  const fieldNames = mapping.fields.map((field) => field.name);
  const { deferral } = input;
  const write = (entry: DiffEntry, cells: TransformedErpRow['result']['cells']): true | Promise<true> => {
    if (selectRowAction(entry, input.resync) !== 'write') return true;
    const drained = appendWrittenRow(input.delta, formatCellTexts(cells, fieldNames, entry.clearedFields));
    return drained ? drained.then(() => true as const) : true;
  };
  return {
    classify: ({ rowNumber, result, key }) => {
      if (key === undefined) return rejections.addTransformProblems(rowNumber, result);
      if (differ.hasErpKey(key)) return rejections.addDuplicate(rowNumber, key);
      if (!differ.hasKiboKey(key)) {
        if (deferral !== undefined && !differ.kiboFinished) {
          differ.deferErp(key, result.cells, rowNumber);
          deferral.spill.keep(rowNumber);
          return true;
        }
        const missing = missingRequired(result);
        if (missing.length > 0) return rejections.addMissingRequired(rowNumber, key, missing);
      }
      return write(differ.addErp(key, result.cells), result.cells);
    },
    resolve: ({ rowNumber, result, key }) => {
      if (key === undefined) throw new Error(`ERP row ${rowNumber}, deferred with a key, was read back without one; its spill file was changed during the run`);
      if (!differ.hasKiboKey(key)) {
        const missing = missingRequired(result);
        if (missing.length > 0) {
          differ.dropDeferred(key);
          return rejections.addMissingRequired(rowNumber, key, missing);
        }
      }
      return write(differ.resolveDeferred(key, result.cells), result.cells);
    },
  };
}
