// The ERP half of a run: stream the mapping's query through its transforms, reject what cannot be
// sent (bad values, null or duplicate keys) with file, row, key and field, classify every good row
// against Kibo's export, and write the rows to send as they stream by.
import { selectRowAction } from '../diff/compute-plan.ts';
import type { KeyedDiffer } from '../diff/compute-diff.ts';
import { buildSourceSql, readErpRows } from '../erp/read-erp-rows.ts';
import { compileRowTransform, type RowTransformResult, type SyncMapping } from '../mapping/index.ts';
import { recordRejectedRows, type RejectedRow } from '../state/index.ts';
import { describeError } from '../support/errors.ts';
import type { KeyEncoder } from './sync-keys.ts';
import type { SyncDeps } from './sync-deps.ts';
import { appendWrittenRow, formatCellTexts, type WrittenRows } from './written-rows.ts';

const REJECTED_BATCH_ROWS = 500;

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
  /** Every accepted ERP row, for a possible snapshot (deletes: mirror only). */
  readonly snapshot?: WrittenRows;
}

export async function readErpSide(deps: SyncDeps, input: ErpSideInput): Promise<ErpSideOutcome> {
  const { mapping } = input;
  const transform = compileRowTransform(mapping);
  const missingRequired = createRequiredCheck(mapping);
  const fieldNames = mapping.fields.map((field) => field.name);
  const rejections = createRejectionBuffer(deps, input);
  let rowsRead = 0;
  let sourceCount = 0;
  let sourceError: string | undefined;
  try {
    for await (const batch of readErpRows(deps.erpPool, buildSourceSql(sourceOf(mapping)), { signal: deps.signal })) {
      for (const row of batch.rows) {
        rowsRead += 1;
        const result = transform(row, batch.columns);
        const key = result.ok ? encodeResultKey(input, result) : undefined;
        if (key === undefined || !result.ok) {
          await rejections.addTransformProblems(rowsRead, result, key);
        } else if (input.differ.hasErpKey(key)) {
          await rejections.addDuplicate(rowsRead, key);
        } else if (!input.differ.hasKiboKey(key) && missingRequired(result).length > 0) {
          await rejections.addMissingRequired(rowsRead, key, missingRequired(result));
        } else {
          sourceCount += 1;
          const entry = input.differ.addErp(key, result.cells);
          const texts = formatCellTexts(result.cells, fieldNames, entry.clearedFields);
          if (selectRowAction(entry, input.resync) === 'write') await appendWrittenRow(input.delta, key, texts);
          if (input.snapshot) await appendWrittenRow(input.snapshot, key, texts);
        }
      }
    }
  } catch (error) {
    deps.signal?.throwIfAborted();
    sourceError = `the ERP query failed after ${rowsRead} rows: ${describeError(error)}`;
    deps.logger.error({ err: error, sync: mapping.sync }, sourceError);
  }
  await rejections.flush();
  return { rowsRead, sourceCount, ...rejections.summary(), ...(sourceError ? { sourceError } : {}) };
}

/**
 * Required fields (without a registry default) the row leaves blank: Kibo rejects such a row when it would
 * create the record, so it is rejected here first, with its key and field.
 */
function createRequiredCheck(mapping: SyncMapping): (result: RowTransformResult) => string[] {
  const required = mapping.fields
    .map((field, index) => ({ field, index }))
    .filter(({ field }) => field.spec.required && field.spec.defaultValue === undefined);
  return (result) =>
    required.filter(({ index }) => {
      const cell = result.cells[index];
      return typeof cell !== 'string' || cell === '';
    }).map(({ field }) => field.name);
}

function sourceOf(mapping: SyncMapping): { query?: string; table?: string } {
  return mapping.source.kind === 'query' ? { query: mapping.source.query } : { table: mapping.source.table };
}

function encodeResultKey(input: ErpSideInput, result: RowTransformResult): string | undefined {
  return input.encodeRowKey(result.keyValues);
}

function createRejectionBuffer(deps: SyncDeps, input: ErpSideInput) {
  const file = input.mapping.file;
  const keys = new Set<string>();
  let pending: RejectedRow[] = [];
  let count = 0;
  let unkeyed = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await recordRejectedRows(deps.db, input.runId, input.mapping.sync, batch);
  };
  const push = async (rows: RejectedRow[]): Promise<void> => {
    pending.push(...rows);
    if (pending.length >= REJECTED_BATCH_ROWS) await flush();
  };
  return {
    flush,
    summary: () => ({ rejectedCount: count, rejectedKeys: keys, unkeyedRejections: unkeyed }),
    addTransformProblems: async (rowNumber: number, result: RowTransformResult, key: string | undefined) => {
      count += 1;
      const knownKey = key ?? (result.key === '' ? undefined : input.encodeRowKey(result.keyValues));
      if (knownKey === undefined) unkeyed += 1;
      else keys.add(knownKey);
      const problems = result.problems.length > 0 ? result.problems : [{ field: '', value: '', reason: 'key is null' }];
      await push(problems.map((problem) => ({ source: 'erp', file, rowNumber, key: knownKey, field: problem.field, reason: problem.reason, value: problem.value })));
    },
    addMissingRequired: async (rowNumber: number, key: string, fields: readonly string[]) => {
      count += 1;
      keys.add(key);
      const reason = 'required for a new record, but the ERP gives no value: Kibo would reject the row, so it was not sent';
      await push(fields.map((field) => ({ source: 'erp' as const, file, rowNumber, key, field, reason })));
    },
    addDuplicate: async (rowNumber: number, key: string) => {
      count += 1;
      keys.add(key);
      const reason = 'duplicate key: the ERP query returned this key more than once; the first row was kept, this one was not sent';
      await push([{ source: 'erp', file, rowNumber, key, field: input.mapping.key.join('+'), reason }]);
    },
  };
}
