// One cycle: the given syncs in `after:` order, each under its advisory lock. Syncs of one level
// that share a domain import in one job; a child does not run when a parent in the cycle did not
// succeed. A failing sync is recorded and never stops the others.
import type { SyncMapping } from '../mapping/index.ts';
import { SyncLockLostError, tryAcquireSyncLock, type SyncLock } from '../scheduler/sync-lock.ts';
import { recordRunDataDir, startRun, type RunRecord } from '../state/index.ts';
import { describeError } from '../support/errors.ts';
import { redactSecrets, type RedactText } from '../support/redact-secrets.ts';
import { closeRun, confirmSentDeletes, countRun, recordImportOutcome, type RunEnding } from './finish-sync-run.ts';
import { importPreparedRuns, type ImportOutcome } from './import-prepared-runs.ts';
import { prepareSyncRun, type PreparedRun, type RunContext } from './prepare-sync-run.ts';
import { removeExpiredRunFiles } from './remove-expired-run-files.ts';
import { createRunDirectory, removeOrphanedSpillFiles, type RunDirectory } from './run-directory.ts';
import { settleOpenImportsOfSync, type OpenImportsVerdict } from './settle-open-imports.ts';
import { createStageTimer } from './stage-timer.ts';
import type { RunOptions, SyncDeps } from './sync-deps.ts';
import type { SyncRunSummary, SyncStage } from './sync-summary.ts';

export interface SyncCycleDeps extends SyncDeps {
  /** Where the per-sync advisory locks are taken (the state database). */
  readonly lockDatabaseUrl: string;
  /**
   * Masks secrets in error texts before they are stored or reported (createSecretRedactor with the
   * configured secrets); by pattern only when not given.
   */
  readonly redact?: RedactText;
  /**
   * Every mapping (not only this cycle's): an earlier import job to adopt may carry syncs outside the
   * cycle. Defaults to the cycle's mappings.
   */
  readonly mappings?: readonly SyncMapping[];
}

interface Started {
  readonly context: RunContext;
  readonly lock: SyncLock;
  readonly redact: RedactText;
  prepared?: PreparedRun;
  ending?: RunEnding;
}

export async function runSyncCycle(deps: SyncCycleDeps, mappings: readonly SyncMapping[], options: RunOptions): Promise<SyncRunSummary[]> {
  const summaries: SyncRunSummary[] = [];
  const statusBySync = new Map<string, string>();
  // In a dry run the parents run dry too: that is as far as they can get, so it satisfies `after:`.
  const parentDone = (status: string | undefined): boolean => status === 'succeeded' || (options.dryRun && status === 'dry_run');
  for (const level of orderByDependencies(mappings)) {
    const started: Started[] = [];
    try {
      for (const mapping of level) {
        const blockedBy = mapping.after.filter((parent) => statusBySync.has(parent) && !parentDone(statusBySync.get(parent)));
        const cycleLocks = new Map(started.map((run) => [run.context.mapping.sync, run.lock]));
        const begun = await beginRun(deps, { mapping, mappings, cycleLocks }, options, blockedBy, summaries);
        if (begun) started.push(begun);
      }
      for (const run of started) await prepare(run);
      await importReady(deps, started);
      for (const run of started) summaries.push(await finish(run));
    } finally {
      // Whatever failed above, no lock outlives the cycle (release is idempotent).
      for (const run of started) await run.lock.release().catch(() => undefined); // the session is gone: so is its lock
    }
    for (const summary of summaries) statusBySync.set(summary.sync, summary.status);
  }
  return summaries;
}

/** Levels of the `after:` graph restricted to this cycle (parents outside the cycle do not hold it). */
export function orderByDependencies(mappings: readonly SyncMapping[]): SyncMapping[][] {
  const inCycle = new Set(mappings.map((mapping) => mapping.sync));
  const placed = new Set<string>();
  const levels: SyncMapping[][] = [];
  let remaining = [...mappings];
  while (remaining.length > 0) {
    const level = remaining.filter((mapping) => mapping.after.every((parent) => !inCycle.has(parent) || placed.has(parent)));
    if (level.length === 0) throw new Error(`after: dependencies form a cycle among ${remaining.map((m) => m.sync).join(', ')}`);
    for (const mapping of level) placed.add(mapping.sync);
    levels.push(level);
    remaining = remaining.filter((mapping) => !placed.has(mapping.sync));
  }
  return levels;
}

interface BeginInput {
  readonly mapping: SyncMapping;
  /** The cycle's mappings. */
  readonly mappings: readonly SyncMapping[];
  /** Locks this cycle already holds (by sync), for adopting a job several of its syncs share. */
  readonly cycleLocks: ReadonlyMap<string, SyncLock>;
}

async function beginRun(deps: SyncCycleDeps, input: BeginInput, options: RunOptions, blockedBy: string[], summaries: SyncRunSummary[]): Promise<Started | undefined> {
  const { mapping } = input;
  const lock = await tryAcquireSyncLock(deps.lockDatabaseUrl, mapping.sync);
  if (!lock) {
    deps.logger.warn({ sync: mapping.sync }, `sync ${mapping.sync} is running elsewhere (its lock is held); skipped`);
    summaries.push(lockedSummary(mapping, deps));
    return undefined;
  }
  let run: RunRecord;
  let dir: RunDirectory;
  let heldBack: RunEnding | undefined;
  try {
    if (blockedBy.length === 0) heldBack = await settleEarlierImports(deps, input);
    run = await startRun(deps.db, { sync: mapping.sync, trigger: options.trigger, resync: options.resync, dryRun: options.dryRun, startedAt: new Date(deps.clock.now()) });
    dir = await createRunDirectory(deps.dataDir, mapping.sync, run.id);
    await recordRunDataDir(deps.db, run.id, dir.path);
  } catch (error) {
    await lock.release();
    throw error;
  }
  await removeOrphanedSpills(deps, mapping.sync, run.id);
  await removeExpiredRunFiles(deps, mapping.sync);
  const context: RunContext = {
    deps, mapping, run, dir, options,
    stages: createStageTimer({ clock: deps.clock, sync: mapping.sync, runId: run.id, logger: deps.logger, ...(deps.observer ? { observer: deps.observer } : {}) }),
    assertCanContinue: () => {
      lock.assertHeld();
      deps.signal?.throwIfAborted();
    },
    files: {},
  };
  const begun: Started = { context, lock, redact: deps.redact ?? redactSecrets };
  if (blockedBy.length > 0) begun.ending = { status: 'skipped', error: `not run: ${blockedBy.join(', ')} did not succeed in this cycle (after:)` };
  if (heldBack) begun.ending = heldBack;
  return begun;
}

/** With the sync's lock held: what a killed run of it left mid-diff (hundreds of MB per million rows). */
async function removeOrphanedSpills(deps: SyncCycleDeps, sync: string, runId: number): Promise<void> {
  try {
    const removed = await removeOrphanedSpillFiles(deps.dataDir, sync, runId);
    if (removed.paths.length > 0) {
      deps.logger.warn({ sync, runId, files: removed.paths, bytes: removed.bytes }, `removed ${removed.paths.length} spill file(s) (${removed.bytes} bytes) that an interrupted run of ${sync} left behind`);
    }
  } catch (error) {
    // Only disk space is at stake: the run goes on, and the next one tries again.
    deps.logger.warn({ err: error, sync, runId }, `could not remove spill files left by interrupted runs of ${sync}: ${describeError(error)}`);
  }
}

/**
 * Adopts what earlier runs of the sync left open in Kibo. Returns how the new run ends at once: skipped while
 * an earlier job is still open, failed when that cannot be checked (importing blind could import twice).
 */
async function settleEarlierImports(deps: SyncCycleDeps, input: BeginInput): Promise<RunEnding | undefined> {
  const { mapping } = input;
  let heldBy: OpenImportsVerdict['heldBy'];
  try {
    const verdict = await settleOpenImportsOfSync(deps, deps.mappings ?? input.mappings, mapping.sync, input.cycleLocks);
    for (const summary of verdict.finished) deps.logger.info({ sync: summary.sync, runId: summary.runId, status: summary.status }, `earlier run ${summary.runId} of ${summary.sync} finished from its adopted import job`);
    heldBy = verdict.heldBy;
  } catch (error) {
    deps.logger.error({ err: error, sync: mapping.sync }, `could not check the earlier import jobs of sync ${mapping.sync}`);
    return { status: 'failed', error: `could not check the sync's earlier import jobs (${describeError(error)}); nothing was imported` };
  }
  if (!heldBy) return undefined;
  deps.logger.warn({ sync: mapping.sync, jobId: heldBy.jobId }, `sync ${mapping.sync} skipped: ${heldBy.reason}`);
  return { status: 'skipped', error: `not run: ${heldBy.reason}`, heldByImportJobId: heldBy.jobId };
}

async function prepare(run: Started): Promise<void> {
  if (run.ending) return;
  try {
    run.prepared = await prepareSyncRun(run.context);
    await settleSentDeletes(run.prepared);
    const { plan } = run.prepared;
    if (plan.action === 'blocked') {
      run.ending = { status: 'blocked', prepared: run.prepared, error: `blocked: ${plan.violations.map((v) => v.message).join('; ')}. Plan ${run.prepared.planId}` };
    } else if (run.context.options.dryRun) {
      run.ending = { status: 'dry_run', prepared: run.prepared };
    } else if (!run.prepared.upload) {
      run.ending = { status: 'succeeded', prepared: run.prepared };
    }
  } catch (error) {
    run.ending = failure(run, error);
  }
}

/** Evidence for earlier snapshots' deletes; a failure leaves them awaiting (next run) and never fails this run. */
async function settleSentDeletes(prepared: PreparedRun): Promise<void> {
  const { context } = prepared;
  try {
    const evidence = await confirmSentDeletes(prepared);
    if (evidence.confirmed > 0) context.deps.logger.info({ sync: context.mapping.sync, runId: context.run.id, ...evidence }, `${evidence.confirmed} sent delete(s) confirmed by Kibo's export; no longer owned`);
  } catch (error) {
    context.deps.logger.warn({ err: error, sync: context.mapping.sync, runId: context.run.id }, `could not check earlier deletes against the export: ${describeError(error)}; they stay owned until a later run can`);
  }
}

async function importReady(deps: SyncDeps, started: Started[]): Promise<void> {
  const ready = started.filter((run) => !run.ending && run.prepared?.upload);
  for (const batch of groupForImport(ready)) {
    let outcomes: ImportOutcome[];
    // Every run in the batch waited for the shared zip, upload and job: each records those stages.
    const recordStage = (stage: SyncStage, elapsedMs: number): void => {
      for (const run of batch) run.context.stages.record(stage, elapsedMs);
    };
    try {
      outcomes = await importPreparedRuns(deps, batch.map((run) => run.prepared as PreparedRun & { upload: NonNullable<PreparedRun['upload']> }), recordStage);
    } catch (error) {
      for (const run of batch) run.ending = failure(run, error);
      continue;
    }
    recordOutcomes(batch, outcomes);
  }
}

function recordOutcomes(batch: Started[], outcomes: ImportOutcome[]): void {
  for (const [index, run] of batch.entries()) {
    const outcome = outcomes[index]!;
    const status = outcome.state === 'stuck' ? 'stuck' : outcome.resourceComplete ? 'succeeded' : 'failed';
    run.ending = { status, prepared: run.prepared!, imported: outcome, ...(outcome.error ? { error: outcome.error } : {}) };
  }
}

/** Same domain and context, one CSV per resource: those can share an import job. */
function groupForImport(ready: Started[]): Started[][] {
  const groups: Started[][] = [];
  for (const run of ready) {
    const { mapping } = run.context;
    const groupKey = `${mapping.resource.domain}|${JSON.stringify(mapping.context ?? {})}`;
    const group = groups.find((candidate) => {
      const head = candidate[0]!.context.mapping;
      return `${head.resource.domain}|${JSON.stringify(head.context ?? {})}` === groupKey &&
        candidate.every((member) => member.context.mapping.resource.name !== mapping.resource.name);
    });
    if (group) group.push(run);
    else groups.push([run]);
  }
  return groups;
}

async function finish(run: Started): Promise<SyncRunSummary> {
  const { context } = run;
  let ending = run.ending ?? failure(run, new Error('run ended without an outcome'));
  let extra = { rejectedByKibo: 0, deleted: 0 };
  if (ending.prepared && ending.imported) {
    const { prepared, imported } = ending;
    try {
      extra = await context.stages.time('record', () => recordImportOutcome(prepared, imported));
    } catch (error) {
      // Kibo imported but we could not record it: stuck, so the next start adopts the job and records it.
      ending = { ...failure(run, error), status: 'stuck' };
    }
  }
  // An error text can quote a URL, a header or a response body: it is stored, logged and alerted masked.
  if (ending.error !== undefined) ending = { ...ending, error: run.redact(ending.error) };
  try {
    return await closeRun(context, ending, countRun(ending.prepared, extra));
  } catch (error) {
    // The state database is failing: the run row stays `running` and the next start marks it.
    context.deps.logger.error({ err: error, sync: context.mapping.sync, runId: context.run.id }, 'could not record the end of the run');
    return unrecordedSummary(context, ending, run.redact(describeError(error)));
  } finally {
    await run.lock.release();
  }
}

function unrecordedSummary(context: RunContext, ending: RunEnding, error: string): SyncRunSummary {
  const { mapping, run, deps } = context;
  return {
    sync: mapping.sync, resource: mapping.resource.name, runId: run.id, status: ending.status === 'succeeded' ? 'failed' : ending.status,
    counts: {}, bytesUploaded: 0, stageDurationsMs: { ...context.stages.durationsMs }, violations: [], files: { ...context.files },
    error: `the run's outcome (${ending.status}) could not be recorded: ${error}`,
    startedAt: run.startedAt.toISOString(), finishedAt: new Date(deps.clock.now()).toISOString(),
  };
}

function failure(run: Started, error: unknown): RunEnding {
  const aborted = error instanceof SyncLockLostError || run.context.deps.signal?.aborted === true;
  run.context.deps.logger.error({ err: error, sync: run.context.mapping.sync, runId: run.context.run.id }, `sync ${run.context.mapping.sync} failed`);
  return { status: aborted ? 'aborted' : 'failed', error: describeError(error), ...(run.prepared ? { prepared: run.prepared } : {}) };
}

function lockedSummary(mapping: SyncMapping, deps: SyncDeps): SyncRunSummary {
  const now = new Date(deps.clock.now()).toISOString();
  return { sync: mapping.sync, resource: mapping.resource.name, status: 'locked', counts: {}, bytesUploaded: 0, stageDurationsMs: {}, violations: [], files: {}, error: 'another process holds this sync\'s lock', startedAt: now, finishedAt: now };
}
