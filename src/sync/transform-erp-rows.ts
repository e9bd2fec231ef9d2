// The one loop over the ERP side: the mapping's query, streamed, each row through the mapping's
// transforms, with its normalized key. Both the diff pass and a snapshot's second pass read through it.
import { buildSourceSql, readErpRows } from '../erp/read-erp-rows.ts';
import { compileRowTransform, type RowTransformResult, type SyncMapping } from '../mapping/index.ts';
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
): AsyncGenerator<TransformedErpRow[]> {
  const transform = compileRowTransform(mapping);
  const source = mapping.source.kind === 'query' ? { query: mapping.source.query } : { table: mapping.source.table };
  let rowNumber = 0;
  for await (const batch of readErpRows(deps.erpPool, buildSourceSql(source), deps.signal ? { signal: deps.signal } : {})) {
    const rows = new Array<TransformedErpRow>(batch.rows.length);
    for (let index = 0; index < batch.rows.length; index += 1) {
      rowNumber += 1;
      const result = transform(batch.rows[index]!, batch.columns);
      rows[index] = { rowNumber, result, key: result.ok ? encodeRowKey(result.keyValues) : undefined };
    }
    yield rows;
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
