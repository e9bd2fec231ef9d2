// Stage 6: record what happened. Per-key state advances only for rows Kibo accepted; every row Kibo
// rejected is stored with its key and field; the run row gets its counts, bytes, durations and status.
import {
  clearSentDeletes, deleteKeyStates, finishRun, recordRunResource, type FinishedRunStatus, type RunCounts,
} from '../state/index.ts';
import type { ImportOutcome } from './import-prepared-runs.ts';
import type { PreparedRun, RunContext } from './prepare-sync-run.ts';
import type { SyncRunSummary } from './sync-summary.ts';
import { recordUploadOutcome } from './uploaded-rows.ts';

export interface RunEnding {
  readonly status: FinishedRunStatus;
  readonly error?: string;
  readonly prepared?: PreparedRun;
  readonly imported?: ImportOutcome;
  /** A skipped run: the earlier import job still open in Kibo that held it back. */
  readonly heldByImportJobId?: string;
}

/** Applies an import's outcome to state (from the uploaded file); returns the Kibo-rejected and deleted counts. */
export async function recordImportOutcome(prepared: PreparedRun, outcome: ImportOutcome): Promise<{ rejectedByKibo: number; deleted: number }> {
  const { context, upload, plan } = prepared;
  if (!upload) return { rejectedByKibo: 0, deleted: 0 };
  const { deps, mapping, run } = context;
  const recorded = await recordUploadOutcome(deps, {
    mapping,
    runId: run.id,
    csvPath: upload.rows.writer.path,
    erpRows: upload.rows.erpRows,
    logRows: outcome.logRows,
    advanceKeyState: outcome.resourceComplete,
    deleteKeys: async () => (upload.deleteOmitted ? plan.deleteKeys : []),
  });
  for (const note of recorded.notes) deps.logger.warn({ sync: mapping.sync, runId: run.id }, note);
  return { rejectedByKibo: recorded.rejectedByKibo, deleted: recorded.deleted };
}

export interface SentDeletesEvidence {
  /** Keys this run's export no longer has: Kibo deleted them; their state and ownership are dropped. */
  readonly confirmed: number;
  /** Keys Kibo still has: still owned (deleted again when the plan says so). */
  readonly stillInKibo: number;
}

/**
 * Settles the deletes earlier snapshots sent, with this run's export as evidence (prepareSyncRun looked
 * the keys up in the differ, which holds every exported key). A key the export no longer has is forgotten
 * (it is no longer ours: a record created later under that key is someone else's). A key still there stays
 * owned: awaiting confirmation if this run's plan deletes it again, else live again (back in the ERP, or
 * deletes turned off). Only those keys are held in memory, never the sync's owned keys.
 */
export async function confirmSentDeletes(prepared: PreparedRun): Promise<SentDeletesEvidence> {
  const { context, plan } = prepared;
  const { deps, mapping } = context;
  const { sent, stillInKibo } = prepared.sentDeletes;
  if (sent.length === 0) return { confirmed: 0, stillInKibo: 0 };
  const inKibo = new Set(stillInKibo);
  const deletingAgain = new Set(plan.deleteKeys);
  const confirmed = await deleteKeyStates(deps.db, mapping.sync, sent.filter((key) => !inKibo.has(key)));
  await clearSentDeletes(deps.db, mapping.sync, stillInKibo.filter((key) => !deletingAgain.has(key)));
  if (inKibo.size > 0) {
    deps.logger.warn(
      { sync: mapping.sync, runId: context.run.id, stillInKibo: inKibo.size, sample: stillInKibo.slice(0, 5) },
      `${inKibo.size} key(s) whose delete an earlier snapshot sent are still in Kibo; they stay owned` +
        (plan.deleteKeys.length > 0 ? ' and are deleted again when this plan runs' : ''),
    );
  }
  return { confirmed, stillInKibo: inKibo.size };
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
    ...(ending.imported?.jobId ? { importJobId: ending.imported.jobId } : ending.heldByImportJobId ? { importJobId: ending.heldByImportJobId } : {}),
    files: { ...context.files },
    ...(ending.error ? { error: ending.error } : {}),
    startedAt: run.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
  };
  deps.logger.info({ sync: mapping.sync, runId: run.id, status: ending.status, counts, planId, bytesUploaded }, `${mapping.sync} run ${run.id}: ${ending.status}`);
  deps.observer?.runFinished?.(summary);
  return summary;
}
