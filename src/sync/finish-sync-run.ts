// Stage 6: record what happened. Per-key state advances only for rows Kibo accepted; every row Kibo
// rejected is stored with its key and field; the run row gets its counts, bytes, durations and status.
import {
  deleteKeyStates,
  finishRun,
  recordRejectedRows,
  recordRunResource,
  upsertKeyStates,
  type FinishedRunStatus,
  type KeyHash,
  type RunCounts,
} from '../state/index.ts';
import type { ImportOutcome } from './import-prepared-runs.ts';
import type { PreparedRun, RunContext } from './prepare-sync-run.ts';
import type { SyncRunSummary } from './sync-summary.ts';
import { keyAtRowNumber, type WrittenRows } from './written-rows.ts';

export interface RunEnding {
  readonly status: FinishedRunStatus;
  readonly error?: string;
  readonly prepared?: PreparedRun;
  readonly imported?: ImportOutcome;
}

/** Applies an import's outcome to state; returns the Kibo-rejected and deleted counts. */
export async function recordImportOutcome(prepared: PreparedRun, outcome: ImportOutcome): Promise<{ rejectedByKibo: number; deleted: number }> {
  const { context, upload } = prepared;
  if (!upload) return { rejectedByKibo: 0, deleted: 0 };
  const { deps, mapping, run } = context;
  const now = new Date(deps.clock.now());
  const rejectedRows = new Set<number>();
  let unplaced = 0;
  await recordRejectedRows(deps.db, run.id, mapping.sync, outcome.logRows.map((row) => {
    const key = keyAtRowNumber(upload.rows, row.rowNumber);
    if (key === undefined) unplaced += 1;
    else rejectedRows.add(row.rowNumber!);
    return { source: 'kibo' as const, file: mapping.resource.fileName, rowNumber: row.rowNumber, key: key ?? (row.key || undefined), field: row.field || undefined, reason: row.message || 'rejected by Kibo' };
  }));
  if (!outcome.resourceComplete) return { rejectedByKibo: outcome.logRows.length, deleted: 0 };
  if (unplaced > 0) {
    // A rejection we cannot tie to a row could be any row: claim none of them rather than the wrong one.
    deps.logger.warn({ sync: mapping.sync, runId: run.id, unplaced }, 'Kibo log rows without a usable row number; per-key state not advanced');
  } else {
    await upsertKeyStates(deps.db, mapping.sync, acceptedRows(upload.rows, rejectedRows), { runId: run.id, sentAt: now, confirmedAt: now, owned: true });
  }
  const deleted = upload.deleteOmitted ? prepared.plan.deleteKeys.length : 0;
  if (deleted > 0) await deleteKeyStates(deps.db, mapping.sync, prepared.plan.deleteKeys);
  return { rejectedByKibo: outcome.logRows.length, deleted };
}

function* acceptedRows(rows: WrittenRows, rejectedRowNumbers: ReadonlySet<number>): Iterable<KeyHash> {
  for (let index = 0; index < rows.keys.length; index += 1) {
    if (rows.carried[index] || rejectedRowNumbers.has(index + 2)) continue;
    yield { key: rows.keys[index]!, hash: rows.hashes[index]! };
  }
}

export function countRun(prepared: PreparedRun | undefined, extra: { rejectedByKibo: number; deleted: number }): Partial<RunCounts> {
  if (!prepared) return {};
  return {
    source: prepared.erp.sourceCount,
    exported: prepared.exported,
    ...prepared.counts,
    deleted: extra.deleted,
    rejectedByUs: prepared.erp.rejectedCount,
    rejectedByKibo: extra.rejectedByKibo,
  };
}

/** Closes the run row and builds the summary the CLI, logs, metrics and alerts read. */
export async function closeRun(context: RunContext, ending: RunEnding, counts: Partial<RunCounts>): Promise<SyncRunSummary> {
  const { deps, mapping, run } = context;
  const finishedAt = new Date(deps.clock.now());
  const bytesUploaded = ending.imported?.bytesUploaded ?? 0;
  const planId = ending.prepared?.planId;
  if (Object.keys(counts).length > 0) await recordRunResource(deps.db, run.id, mapping.resource.name, counts);
  await finishRun(deps.db, run.id, {
    status: ending.status,
    finishedAt,
    ...(ending.error ? { error: ending.error } : {}),
    counts,
    bytesUploaded,
    stageDurationsMs: { ...context.stages.durationsMs },
    ...(planId ? { planId } : {}),
  });
  const summary: SyncRunSummary = {
    sync: mapping.sync,
    resource: mapping.resource.name,
    runId: run.id,
    status: ending.status,
    counts,
    bytesUploaded,
    stageDurationsMs: { ...context.stages.durationsMs },
    ...(planId ? { planId, planAction: ending.prepared!.plan.action } : {}),
    violations: ending.prepared?.plan.violations ?? [],
    ...(ending.imported?.jobId ? { importJobId: ending.imported.jobId } : {}),
    files: { ...context.files },
    ...(ending.error ? { error: ending.error } : {}),
    startedAt: run.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
  };
  deps.logger.info({ sync: mapping.sync, runId: run.id, status: ending.status, counts, planId, bytesUploaded }, `${mapping.sync} run ${run.id}: ${ending.status}`);
  deps.observer?.runFinished?.(summary);
  return summary;
}
