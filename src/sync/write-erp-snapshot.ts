// A snapshot (deleteOmitted) must hold every ERP row, so when — and only when — the plan is a snapshot,
// the ERP is read a second time and exactly the rows the first pass accepted are written (the differ
// recognizes each by its key and normalized values, so a duplicated key's other rows stay out whatever
// order the query returns them in). If accepted rows are gone or changed, the ERP changed during the
// run: the snapshot would not be what was planned (and deletes what it omits), so the run fails
// instead and the next one plans afresh.
import type { KeyedDiffer } from '../diff/compute-diff.ts';
import type { SyncMapping } from '../mapping/index.ts';
import type { KeyEncoder } from './sync-keys.ts';
import type { SyncDeps } from './sync-deps.ts';
import { transformErpRowBatches } from './transform-erp-rows.ts';
import { appendWrittenRow, formatCellTexts, type WrittenRows } from './written-rows.ts';

export class ErpChangedDuringRunError extends Error {
  override readonly name = 'ErpChangedDuringRunError';
}

export async function writeErpSnapshotRows(
  deps: SyncDeps,
  input: { readonly mapping: SyncMapping; readonly differ: KeyedDiffer; readonly encodeRowKey: KeyEncoder; readonly snapshot: WrittenRows; readonly firstPassCount: number },
): Promise<void> {
  const { mapping, differ, snapshot } = input;
  const fieldNames = mapping.fields.map((field) => field.name);
  let written = 0;
  for await (const batch of transformErpRowBatches(deps, mapping, input.encodeRowKey)) {
    for (const { result, key } of batch) {
      if (key === undefined || !differ.claimAcceptedRow(key, result.cells)) continue;
      written += 1;
      const drained = appendWrittenRow(snapshot, formatCellTexts(result.cells, fieldNames, differ.clearedFieldsOf(key, result.cells)));
      if (drained) await drained;
    }
  }
  if (written !== input.firstPassCount) {
    throw new ErpChangedDuringRunError(
      `the ERP changed during the run: the snapshot's second read found ${written} of the ${input.firstPassCount} rows the ` +
        'plan was made from unchanged, and a snapshot deletes what it omits; nothing was sent. The next run plans again.',
    );
  }
}
