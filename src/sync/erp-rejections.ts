// ERP rows the engine will not send, recorded with the mapping file, the row, its key and field, and
// flushed to state in batches as the read goes on.
import type { RowTransformResult, SyncMapping } from '../mapping/index.ts';
import { recordRejectedRows, type RejectedRow } from '../state/index.ts';
import type { KeyEncoder } from './sync-keys.ts';
import type { SyncDeps } from './sync-deps.ts';

const REJECTED_BATCH_ROWS = 500;

export interface ErpRejections {
  addTransformProblems(rowNumber: number, result: RowTransformResult): Promise<void>;
  addMissingRequired(rowNumber: number, key: string, fields: readonly string[]): Promise<void>;
  addDuplicate(rowNumber: number, key: string): Promise<void>;
  flush(): Promise<void>;
  summary(): { rejectedCount: number; rejectedKeys: ReadonlySet<string>; unkeyedRejections: number };
}

export function createErpRejections(deps: Pick<SyncDeps, 'db'>, mapping: SyncMapping, runId: number, encodeRowKey: KeyEncoder): ErpRejections {
  const file = mapping.file;
  const keys = new Set<string>();
  let pending: RejectedRow[] = [];
  let count = 0;
  let unkeyed = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await recordRejectedRows(deps.db, runId, mapping.sync, batch);
  };
  const push = async (rows: RejectedRow[], key: string | undefined): Promise<void> => {
    count += 1;
    if (key === undefined) unkeyed += 1;
    else keys.add(key);
    pending.push(...rows);
    if (pending.length >= REJECTED_BATCH_ROWS) await flush();
  };
  return {
    flush,
    summary: () => ({ rejectedCount: count, rejectedKeys: keys, unkeyedRejections: unkeyed }),
    addTransformProblems: (rowNumber, result) => {
      const key = result.key === '' ? undefined : encodeRowKey(result.keyValues);
      const problems = result.problems.length > 0 ? result.problems : [{ field: '', value: '', reason: 'key is null' }];
      return push(problems.map((problem) => ({ source: 'erp', file, rowNumber, key, field: problem.field, reason: problem.reason, value: problem.value })), key);
    },
    addMissingRequired: (rowNumber, key, fields) => {
      const reason = 'required for a new record, but the ERP gives no value: Kibo would reject the row, so it was not sent';
      return push(fields.map((field) => ({ source: 'erp' as const, file, rowNumber, key, field, reason })), key);
    },
    addDuplicate: (rowNumber, key) => {
      const reason = 'duplicate key: the ERP query returned this key more than once; the first row was kept, this one was not sent';
      return push([{ source: 'erp', file, rowNumber, key, field: mapping.key.join('+'), reason }], key);
    },
  };
}
