// After a crash, a restart or a shutdown mid-import, the daemon finishes what the last process left:
// an import job recorded in state but not finished is adopted (polled to its end, never created again)
// and every run it carries is finished from its files on disk; a run interrupted before its upload is
// marked aborted. Each sync's lock is held while its runs are touched, so two replicas starting
// together never finish the same run twice, and a run a live process is still doing is left alone.
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { downloadImportJobLog } from '../kibo/kibo-jobs.ts';
import type { ImportLogRow } from '../kibo/import-log.ts';
import { normalizeHeader } from '../kibo/resources/resource-registry.ts';
import type { KiboJob } from '../kibo/wire-types.ts';
import type { SyncMapping } from '../mapping/index.ts';
import { readPlanDeleteKeys, readUploadManifest, recordUploadOutcome, resolveRunDataDir } from './uploaded-rows.ts';
import { tryAcquireSyncLock, type SyncLock } from '../scheduler/sync-lock.ts';
import {
  findImportJobsOfRuns, findLastGoodRun, findOpenImportJobs, findPlan, findRun, findUnfinishedRuns, finishRun, listKiboJobs,
  listRunIdsOfJob, recordRejectedRows, recordRunResource,
  type FinishedRunStatus, type RejectedRow, type RunCounts, type RunRecord, type RunStatus,
} from '../state/index.ts';
import { describeError } from '../support/errors.ts';
import { redactSecrets } from '../support/redact-secrets.ts';
import type { UploadManifest } from './import-prepared-runs.ts';
import { pollImportJob, selectOwnLogRows } from './import-prepared-runs.ts';
import type { SyncCycleDeps } from './run-sync-cycle.ts';
import type { SyncRunSummary } from './sync-summary.ts';

export const INTERRUPTED_BEFORE_UPLOAD = 'interrupted before upload; the next tick starts afresh';

/** Statuses of a run whose import may still be unrecorded: shutdown (aborted) and deadline (stuck) leave the job open. */
export const ADOPTABLE_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['running', 'stuck', 'aborted']);

export interface ResumeReport {
  readonly adoptedJobs: string[];
  /** Runs finished from an adopted job. */
  readonly finished: SyncRunSummary[];
  /** Runs marked aborted because they stopped before their upload. */
  readonly abortedRunIds: number[];
  /** Syncs left alone because another process holds their lock (it is running them, or resuming them). */
  readonly lockedSyncs: string[];
}

type JobEnd = Awaited<ReturnType<typeof pollImportJob>>;

interface CarriedRun {
  readonly run: RunRecord;
  readonly runDir: string;
  readonly manifest?: UploadManifest;
  readonly manifestError?: string;
}

export interface ResumeInProgress {
  /** Import jobs being adopted; their syncs' locks are held until `done` settles. */
  readonly adopting: readonly string[];
  readonly done: Promise<ResumeReport>;
}

/** Resumes everything and resolves when done (polling an adopted job can take as long as the import). */
export async function resumeOpenImports(deps: SyncCycleDeps, mappings: readonly SyncMapping[]): Promise<ResumeReport> {
  return (await startResumingOpenImports(deps, mappings)).done;
}

/**
 * Takes the locks of every sync with an import to adopt and aborts the runs that never uploaded, then
 * returns: the adopted jobs are polled in the background (`done`), so a long Kibo import does not hold
 * up the other syncs' schedules; the syncs being resumed stay locked (their ticks report `locked`).
 */
export async function startResumingOpenImports(deps: SyncCycleDeps, mappings: readonly SyncMapping[]): Promise<ResumeInProgress> {
  const report: ResumeReport = { adoptedJobs: [], finished: [], abortedRunIds: [], lockedSyncs: [] };
  const locks = new Map<string, SyncLock>();
  try {
    const adopting: string[] = [];
    for (const jobId of await listJobsToAdopt(deps)) {
      if (await holdSyncLocks(deps, await syncsOfJob(deps, jobId), locks, report)) adopting.push(jobId);
    }
    for (const run of await findUnfinishedRuns(deps.db)) {
      if ((await listKiboJobs(deps.db, run.id)).some((job) => job.kind === 'import')) continue; // being adopted, or locked
      if (await holdSyncLocks(deps, [run.sync], locks, report)) await abortIfStillRunning(deps, run.id, report);
    }
    const mappingBySync = new Map(mappings.map((mapping) => [mapping.sync, mapping]));
    return { adopting, done: adoptJobs(deps, mappingBySync, adopting, report).finally(() => releaseAll(locks)) };
  } catch (error) {
    await releaseAll(locks);
    throw error;
  }
}

async function adoptJobs(deps: SyncCycleDeps, mappingBySync: ReadonlyMap<string, SyncMapping>, jobIds: readonly string[], report: ResumeReport): Promise<ResumeReport> {
  for (const jobId of jobIds) {
    try {
      await adoptJob(deps, mappingBySync, jobId, report);
    } catch (error) {
      // Still recorded open (or its runs unfinished): the next start tries again. Shutdown lands here too.
      deps.logger.error({ err: error, jobId }, `could not adopt Kibo import job ${jobId}: ${describeError(error)}`);
    }
  }
  return report;
}

/**
 * Open import jobs, and import jobs of runs that never got their outcome (still running, or aborted or
 * stuck by a stop between the job's end and the recording of its outcome: the job row may be closed).
 */
async function listJobsToAdopt(deps: SyncCycleDeps): Promise<string[]> {
  const ids = new Set((await findOpenImportJobs(deps.db)).map((job) => job.id));
  for (const job of await findImportJobsOfRuns(deps.db, [...ADOPTABLE_RUN_STATUSES])) ids.add(job.id);
  return [...ids];
}

export async function syncsOfJob(deps: SyncCycleDeps, jobId: string): Promise<string[]> {
  const runs = await loadRuns(deps, await listRunIdsOfJob(deps.db, jobId));
  return [...new Set(runs.map((run) => run.sync))].sort();
}

/** Takes (or already holds) the lock of each sync; false when another process holds one of them. */
async function holdSyncLocks(deps: SyncCycleDeps, syncs: readonly string[], locks: Map<string, SyncLock>, report: ResumeReport): Promise<boolean> {
  for (const sync of syncs) {
    if (locks.has(sync)) continue;
    if (report.lockedSyncs.includes(sync)) return false;
    const lock = await tryAcquireSyncLock(deps.lockDatabaseUrl, sync);
    if (!lock) {
      deps.logger.info({ sync }, `sync ${sync} is held by another process; leaving its unfinished runs to it`);
      report.lockedSyncs.push(sync);
      return false;
    }
    locks.set(sync, lock);
  }
  return true;
}

async function releaseAll(locks: Map<string, SyncLock>): Promise<void> {
  for (const lock of locks.values()) await lock.release();
  locks.clear();
}

export async function loadRuns(deps: SyncCycleDeps, runIds: readonly number[]): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for (const id of runIds) {
    const run = await findRun(deps.db, id);
    if (run) runs.push(run);
  }
  return runs;
}

/** Polls the job to its end (at once when Kibo finished it), keeps its log and finishes the runs it carries. */
export async function adoptJob(deps: SyncCycleDeps, mappingBySync: ReadonlyMap<string, SyncMapping>, jobId: string, report: ResumeReport): Promise<void> {
  // Read under the locks: a replica that got here first has finished these runs already.
  const runs = await loadRuns(deps, await listRunIdsOfJob(deps.db, jobId));
  const pending = runs.filter((run) => ADOPTABLE_RUN_STATUSES.has(run.status));
  deps.logger.info({ jobId, runIds: pending.map((run) => run.id) }, `adopting Kibo import job ${jobId} left open by an earlier process`);
  const end = await pollImportJob(deps, jobId);
  report.adoptedJobs.push(jobId);
  if (pending.length === 0) return;
  const carried = await Promise.all(pending.map((run) => loadCarriedRun(deps, run)));
  const logRows = end.job ? await readAndKeepLog(deps, end.job, carried[0]!.runDir) : [];
  const shares = await shareZipBytes(carried);
  for (const [index, entry] of carried.entries()) {
    try {
      const summary = await finishAdoptedRun(deps, mappingBySync.get(entry.run.sync), entry, { jobId, end, logRows, batchSize: runs.length, bytes: shares[index]! });
      report.finished.push(summary);
    } catch (error) {
      deps.logger.error({ err: error, sync: entry.run.sync, runId: entry.run.id, jobId }, `could not finish run ${entry.run.id} from job ${jobId}`);
    }
  }
}

async function loadCarriedRun(deps: SyncCycleDeps, run: RunRecord): Promise<CarriedRun> {
  const runDir = resolveRunDataDir(deps.dataDir, run);
  try {
    return { run, runDir, manifest: await readUploadManifest(runDir) };
  } catch (error) {
    return { run, runDir, manifestError: describeError(error) };
  }
}

async function readAndKeepLog(deps: SyncCycleDeps, job: KiboJob, runDir: string): Promise<ImportLogRow[]> {
  const log = await downloadImportJobLog(deps.kibo, job);
  if (log === undefined) return [];
  await writeFile(path.join(runDir, 'kibo-import-log.zip'), log.bytes);
  return log.rows;
}

/** As the engine charges them: the shared zip split by each run's CSV size. */
async function shareZipBytes(carried: readonly CarriedRun[]): Promise<number[]> {
  const sizeOf = async (file: string | undefined): Promise<number> => (file ? (await stat(file).catch(() => undefined))?.size ?? 0 : 0);
  const zipBytes = await sizeOf(carried[0]?.manifest?.zipPath);
  const csvBytes = await Promise.all(carried.map((entry) => sizeOf(entry.manifest?.csvPath)));
  const total = csvBytes.reduce((sum, bytes) => sum + bytes, 0) || 1;
  return csvBytes.map((bytes) => Math.round((zipBytes * bytes) / total));
}

interface AdoptedJob {
  readonly jobId: string;
  readonly end: JobEnd;
  readonly logRows: readonly ImportLogRow[];
  readonly batchSize: number;
  readonly bytes: number;
}

async function finishAdoptedRun(deps: SyncCycleDeps, mapping: SyncMapping | undefined, entry: CarriedRun, job: AdoptedJob): Promise<SyncRunSummary> {
  const { run, manifest } = entry;
  const resource = manifest?.resource ?? mapping?.resource.name ?? '';
  const ownLog = selectOwnLogRows(job.logRows, resource, job.batchSize);
  const resourceState = job.end.job?.resources.find((state) => normalizeHeader(state.resource ?? '') === normalizeHeader(resource));
  const resourceErrored = resourceState !== undefined && /error|fail/i.test(resourceState.status ?? '');
  const complete = job.end.state === 'complete' && !resourceErrored;
  const status: FinishedRunStatus = job.end.state === 'stuck' ? 'stuck' : complete ? 'succeeded' : 'failed';
  const notes: string[] = [];
  if (job.end.error) notes.push(job.end.error);
  else if (resourceErrored) notes.push(`Kibo rejected resource ${resource}: ${resourceState?.stateDetails ?? resourceState?.status}`);
  if (entry.manifestError) notes.push(entry.manifestError);
  let recorded = { deleted: 0, rejectedByKibo: ownLog.length };
  if (manifest) recorded = await recordFromDisk(deps, mapping, { ...entry, manifest }, ownLog, complete, notes);
  else await recordRejectedRows(deps.db, run.id, run.sync, ownLog.map((row) => toUnplacedRejection(row, undefined)));
  const planId = manifest?.planId ?? run.planId;
  const plan = planId ? await findPlan(deps.db, planId) : undefined;
  const counts: Partial<RunCounts> = { ...pickRunCounts(plan?.counts), deleted: recorded.deleted, rejectedByKibo: recorded.rejectedByKibo };
  const finishedAt = new Date(deps.clock.now());
  const error = notes.length > 0 ? (deps.redact ?? redactSecrets)(notes.join('; ')) : undefined;
  if (resource) await recordRunResource(deps.db, run.id, resource, counts);
  await finishRun(deps.db, run.id, { status, finishedAt, error, counts, bytesUploaded: job.bytes, ...(planId ? { planId } : {}) });
  deps.logger.info({ sync: run.sync, runId: run.id, jobId: job.jobId, status, counts }, `sync ${run.sync} ${status} (run ${run.id} finished from adopted import job ${job.jobId})`);
  const summary: SyncRunSummary = {
    sync: run.sync, resource, runId: run.id, status, counts, bytesUploaded: job.bytes, stageDurationsMs: run.stageDurationsMs,
    ...(planId ? { planId } : {}), ...(plan ? { planAction: plan.action } : {}),
    violations: [], importJobId: job.jobId, files: manifest ? { uploadCsv: manifest.csvPath, uploadZip: manifest.zipPath } : {},
    ...(error ? { error } : {}), startedAt: run.startedAt.toISOString(), finishedAt: finishedAt.toISOString(),
  };
  deps.observer?.runFinished?.(summary);
  return summary;
}

/** Kibo's rejections, then (when Kibo completed and no newer run has spoken) key state and planned deletes. */
async function recordFromDisk(
  deps: SyncCycleDeps, mapping: SyncMapping | undefined, entry: CarriedRun & { manifest: UploadManifest },
  logRows: readonly ImportLogRow[], complete: boolean, notes: string[],
): Promise<{ deleted: number; rejectedByKibo: number }> {
  const { run, manifest } = entry;
  if (!mapping) {
    notes.push(`key state not advanced: sync ${run.sync} has no mapping file any more`);
    await recordRejectedRows(deps.db, run.id, run.sync, logRows.map((row) => toUnplacedRejection(row, manifest.csvPath)));
    return { deleted: 0, rejectedByKibo: logRows.length };
  }
  const newer = complete ? await findLastGoodRun(deps.db, run.sync) : undefined;
  // A later run already recorded what Kibo holds; replaying this older one could revive deleted keys.
  if (newer && newer.id > run.id) notes.push(`key state left to the newer run ${newer.id}`);
  try {
    const recorded = await recordUploadOutcome(deps, {
      mapping, runId: run.id, csvPath: manifest.csvPath, erpRows: manifest.erpRows, logRows,
      advanceKeyState: complete && !(newer && newer.id > run.id),
      deleteKeys: async () => (manifest.deleteOmitted && manifest.deleteKeys > 0 ? readPlanDeleteKeys(entry.runDir) : []),
    });
    notes.push(...recorded.notes);
    return { deleted: recorded.deleted, rejectedByKibo: recorded.rejectedByKibo };
  } catch (error) {
    notes.push(`key state not advanced: ${describeError(error)}`);
    return { deleted: 0, rejectedByKibo: logRows.length };
  }
}

function toUnplacedRejection(row: ImportLogRow, csvPath: string | undefined): RejectedRow {
  return {
    source: 'kibo', file: csvPath ? path.basename(csvPath) : undefined, rowNumber: row.rowNumber,
    key: row.key || undefined, field: row.field || undefined, reason: row.message || 'rejected by Kibo',
  };
}

function pickRunCounts(stored: Readonly<Record<string, number>> | undefined): Partial<RunCounts> {
  if (!stored) return {};
  const counts: Record<string, number> = {};
  for (const name of ['source', 'added', 'changed', 'unchanged', 'removed'] as const) {
    const value = stored[name];
    if (typeof value === 'number') counts[name] = value;
  }
  return counts;
}

async function abortIfStillRunning(deps: SyncCycleDeps, runId: number, report: ResumeReport): Promise<void> {
  const run = await findRun(deps.db, runId);
  if (run?.status !== 'running') return; // finished meanwhile by the process that held the lock
  await finishRun(deps.db, runId, { status: 'aborted', finishedAt: new Date(deps.clock.now()), error: INTERRUPTED_BEFORE_UPLOAD });
  deps.logger.warn({ sync: run.sync, runId }, `run ${runId} of sync ${run.sync} was ${INTERRUPTED_BEFORE_UPLOAD}`);
  deps.observer?.runFinished?.({
    sync: run.sync, resource: '', runId, status: 'aborted', counts: {}, bytesUploaded: 0, stageDurationsMs: run.stageDurationsMs,
    violations: [], files: {}, error: INTERRUPTED_BEFORE_UPLOAD, startedAt: run.startedAt.toISOString(),
  });
  report.abortedRunIds.push(runId);
}
