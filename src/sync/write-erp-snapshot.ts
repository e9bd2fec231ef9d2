// A snapshot (deleteOmitted) must hold every ERP row, so when — and only when — the plan is a snapshot,
// the ERP is read a second time and every row the first pass accepted is written. If rows the first pass
// saw are gone, the ERP changed during the run: sending the snapshot would delete them past the guards,
// so the run fails instead and the next one plans afresh.
import type { KeyedDiffer } from '../diff/compute-diff.ts';
import type { SyncMapping } from '../mapping/index.ts';
import type { KeyEncoder } from './sync-keys.ts';
import type { SyncDeps } from './sync-deps.ts';
import { transformErpRows } from './transform-erp-rows.ts';
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
  // Keys accepted by the first pass (the differ holds them); a second row of one key was rejected there.
  const written = new Set<string>();
  for await (const { result, key } of transformErpRows(deps, mapping, input.encodeRowKey)) {
    if (key === undefined || !differ.hasErpKey(key) || written.has(key)) continue;
    written.add(key);
    const texts = formatCellTexts(result.cells, fieldNames, differ.clearedFieldsOf(key, result.cells));
    await appendWrittenRow(snapshot, texts);
  }
  if (written.size !== input.firstPassCount) {
    throw new ErpChangedDuringRunError(
      `the ERP changed during the run: the snapshot's second read found ${written.size} of the ${input.firstPassCount} rows the ` +
        'plan was made from, and a snapshot deletes what it omits; nothing was sent. The next run plans again.',
    );
  }
}
