// Before a run of a sync imports anything, the import jobs earlier runs of that sync left open are settled
// (a run left `stuck` by a lost job, one stopped mid-import, one whose process died): a job Kibo has
// finished is adopted (its log read, its runs finished and recorded); while one is still running in Kibo,
// or cannot be settled now, the new run is skipped with the reason. Never a second import over an open one.
// The caller holds the sync's lock; the job's other syncs are locked too (reusing this cycle's locks), so
// no other process adopts the same job meanwhile.
import { classifyJob } from '../kibo/kibo-jobs.ts';
import type { SyncMapping } from '../mapping/index.ts';
import { tryAcquireSyncLock, type SyncLock } from '../scheduler/sync-lock.ts';
import { findImportJobsOfRuns, findOpenImportJobs, finishRun, listRunIdsOfJob, updateKiboJob } from '../state/index.ts';
import { describeError, KiboApiError } from '../support/errors.ts';
import { ADOPTABLE_RUN_STATUSES, adoptJob, loadRuns, syncsOfJob, type ResumeReport } from './resume-open-imports.ts';
import type { SyncCycleDeps } from './run-sync-cycle.ts';
import type { SyncRunSummary } from './sync-summary.ts';

const HTTP_NOT_FOUND = 404;

export interface OpenImportsVerdict {
  /** Set when the new run must not import: the open job and why. */
  readonly heldBy?: { readonly jobId: string; readonly reason: string };
  /** Earlier runs finished from the jobs adopted now. */
  readonly finished: readonly SyncRunSummary[];
}

export async function settleOpenImportsOfSync(
  deps: SyncCycleDeps,
  mappings: readonly SyncMapping[],
  sync: string,
  cycleLocks: ReadonlyMap<string, SyncLock>,
): Promise<OpenImportsVerdict> {
  const finished: SyncRunSummary[] = [];
  for (const jobId of await listOpenImportsOfSync(deps, sync)) {
    const inKibo = await checkJobInKibo(deps, jobId);
    if (inKibo.state === 'unknown') {
      await forgetUnknownJob(deps, jobId, inKibo.reason);
      continue;
    }
    if (inKibo.state !== 'finished') return { heldBy: { jobId, reason: inKibo.reason }, finished };
    const adopted = await adoptUnderLocks(deps, mappings, jobId, (other) => other === sync || cycleLocks.has(other));
    finished.push(...adopted.finished);
    if (adopted.problem !== undefined) return { heldBy: { jobId, reason: adopted.problem }, finished };
  }
  return { finished };
}

/** Import jobs still open, and import jobs of runs that never got their outcome (see resumeOpenImports). */
async function listOpenImportsOfSync(deps: SyncCycleDeps, sync: string): Promise<string[]> {
  const ids = new Set((await findOpenImportJobs(deps.db, sync)).map((job) => job.id));
  for (const job of await findImportJobsOfRuns(deps.db, [...ADOPTABLE_RUN_STATUSES], sync)) ids.add(job.id);
  return [...ids];
}

type KiboJobCheck = { readonly state: 'finished' } | { readonly state: 'running' | 'unreadable' | 'unknown'; readonly reason: string };

async function checkJobInKibo(deps: SyncCycleDeps, jobId: string): Promise<KiboJobCheck> {
  try {
    const job = await deps.kibo.getImportJob(jobId);
    if (classifyJob(job) !== 'running') return { state: 'finished' };
    await updateKiboJob(deps.db, jobId, { status: job.status ?? 'running', lastPolledAt: new Date(deps.clock.now()) });
    return {
      state: 'running',
      reason: `Kibo import job ${jobId} of an earlier run is still ${job.status ?? 'running'} in Kibo: nothing is imported over it; ` +
        'the first run after it ends adopts it and records its outcome',
    };
  } catch (error) {
    if (error instanceof KiboApiError && error.status === HTTP_NOT_FOUND) {
      return { state: 'unknown', reason: `Kibo does not know import job ${jobId} (${describeError(error)}): what it imported is unknown; the next run plans afresh from Kibo's export` };
    }
    return {
      state: 'unreadable',
      reason: `could not read Kibo import job ${jobId} of an earlier run (${describeError(error)}): nothing is imported until its state is known`,
    };
  }
}

/** A job Kibo does not know cannot be importing: its runs fail (no key state advanced) and it is closed. */
async function forgetUnknownJob(deps: SyncCycleDeps, jobId: string, reason: string): Promise<void> {
  const now = new Date(deps.clock.now());
  for (const run of await loadRuns(deps, await listRunIdsOfJob(deps.db, jobId))) {
    if (ADOPTABLE_RUN_STATUSES.has(run.status)) await finishRun(deps.db, run.id, { status: 'failed', finishedAt: now, error: reason });
  }
  await updateKiboJob(deps.db, jobId, { status: 'unknown to Kibo', finishedAt: now });
  deps.logger.warn({ jobId }, reason);
}

async function adoptUnderLocks(
  deps: SyncCycleDeps,
  mappings: readonly SyncMapping[],
  jobId: string,
  isLockHeld: (sync: string) => boolean,
): Promise<{ finished: readonly SyncRunSummary[]; problem?: string }> {
  const taken: SyncLock[] = [];
  try {
    for (const other of await syncsOfJob(deps, jobId)) {
      if (isLockHeld(other)) continue;
      const lock = await tryAcquireSyncLock(deps.lockDatabaseUrl, other);
      if (!lock) return { finished: [], problem: `Kibo import job ${jobId} also carries sync ${other}, which another process holds; it adopts the job` };
      taken.push(lock);
    }
    const report: ResumeReport = { adoptedJobs: [], finished: [], abortedRunIds: [], lockedSyncs: [] };
    try {
      await adoptJob(deps, new Map(mappings.map((mapping) => [mapping.sync, mapping])), jobId, report);
    } catch (error) {
      return { finished: report.finished, problem: `could not adopt Kibo import job ${jobId} of an earlier run: ${describeError(error)}` };
    }
    const unfinished = (await loadRuns(deps, await listRunIdsOfJob(deps.db, jobId))).filter((run) => ADOPTABLE_RUN_STATUSES.has(run.status));
    if (unfinished.length > 0) {
      return { finished: report.finished, problem: `Kibo import job ${jobId} ended but run(s) ${unfinished.map((run) => run.id).join(', ')} could not be finished from it (see the log)` };
    }
    return { finished: report.finished };
  } finally {
    for (const lock of taken) await lock.release();
  }
}
