// The one loop over the ERP side: the mapping's query, streamed, each row through the mapping's
// transforms, with its normalized key. Both the diff pass and a snapshot's second pass read through it.
import { readCopyFileRows } from '../erp/read-copy-file-rows.ts';
import { buildSourceSql, readErpRows, type CopyTee } from '../erp/read-erp-rows.ts';
import { compileRowTransform, type RowTransformResult, type SyncMapping } from '../mapping/index.ts';
import type { ErpCopySpill } from './erp-copy-spill.ts';
import type { KeyEncoder } from './sync-keys.ts';
import type { SyncDeps } from './sync-deps.ts';

export interface TransformedErpRow {
  /** 1-based position in the query's result. */
  readonly rowNumber: number;
  readonly result: RowTransformResult;
  /** Normalized key; undefined when the row failed its transforms or a key field is blank. */
  readonly key: string | undefined;
}

/** Rows in the cursor's batches: one await per batch, not per row (it showed on 1M-row reads). */
export async function* transformErpRowBatches(
  deps: Pick<SyncDeps, 'erpPool' | 'signal'>,
  mapping: SyncMapping,
  encodeRowKey: KeyEncoder,
  tee?: CopyTee,
): AsyncGenerator<TransformedErpRow[]> {
  const transform = compileRowTransform(mapping);
  const source = mapping.source.kind === 'query' ? { query: mapping.source.query } : { table: mapping.source.table };
  let rowNumber = 0;
  const options = { ...(deps.signal ? { signal: deps.signal } : {}), ...(tee ? { tee } : {}) };
  for await (const batch of readErpRows(deps.erpPool, buildSourceSql(source), options)) {
    const rows = new Array<TransformedErpRow>(batch.rows.length);
    for (let index = 0; index < batch.rows.length; index += 1) {
      rowNumber += 1;
      const result = transform(batch.rows[index]!, batch.columns);
      rows[index] = { rowNumber, result, key: result.ok ? encodeRowKey(result.keyValues) : undefined };
    }
    yield rows;
  }
}

/** The rows numbered in `rowNumbers` (ascending), read back from the spill of the same read, transformed again. */
export async function* transformSpilledErpRows(
  spill: Pick<ErpCopySpill, 'path' | 'columns' | 'index'>,
  mapping: SyncMapping,
  encodeRowKey: KeyEncoder,
  rowNumbers: Uint32Array,
): AsyncGenerator<TransformedErpRow[]> {
  const { columns } = spill;
  if (rowNumbers.length === 0) return;
  if (columns === undefined) throw new Error(`the ERP spill ${spill.path} has no rows: its read never began`);
  const transform = compileRowTransform(mapping);
  for await (const batch of readCopyFileRows(spill.path, columns.length, spill.index, rowNumbers)) {
    yield batch.map(({ rowNumber, values }) => {
      const result = transform(values, columns);
      return { rowNumber, result, key: result.ok ? encodeRowKey(result.keyValues) : undefined };
    });
  }
}

/**
 * Required fields (without a registry default) the row leaves blank: Kibo rejects such a row when it would
 * create the record, so the engine rejects it first, with its key and field.
 */
export function createRequiredCheck(mapping: SyncMapping): (result: RowTransformResult) => string[] {
  const required = mapping.fields
    .map((field, index) => ({ field, index }))
    .filter(({ field }) => field.spec.required && field.spec.defaultValue === undefined);
  return (result) =>
    required
      .filter(({ index }) => {
        const cell = result.cells[index];
        return typeof cell !== 'string' || cell === '';
      })
      .map(({ field }) => field.name);
}
