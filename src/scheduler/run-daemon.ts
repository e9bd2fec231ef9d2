// The daemon's life: finish what an earlier process left (resume), run once at start (a --resync, or one
// catch-up run per sync that missed its schedule), then run the syncs on their cron schedules until the
// shutdown signal; then stop scheduling and wait for the running cycle to reach its safe point.
import cron, { type ScheduledTask } from 'node-cron';
import type { SyncMapping } from '../mapping/index.ts';
import { finishRun, listRecentRuns, startRun, type RunTrigger } from '../state/index.ts';
import { describeError } from '../support/errors.ts';
import { startResumingOpenImports } from '../sync/resume-open-imports.ts';
import { runSyncCycle, type SyncCycleDeps } from '../sync/run-sync-cycle.ts';
import type { SyncRunSummary } from '../sync/sync-summary.ts';
import { needsCatchUpRun, truncateToSecond } from './schedule-times.ts';
import { claimTicks } from './tick-claim.ts';
import { createTickCollector, TICK_COLLECT_WINDOW_MS, type DueTick } from './tick-collector.ts';

export const PREVIOUS_RUN_STILL_GOING = 'previous run still going';
/** Leaves room under the 20 s a container runtime gives between SIGTERM and SIGKILL. */
export const SHUTDOWN_GRACE_MS = 15_000;

export interface DaemonDeps extends SyncCycleDeps {
  /** Aborted to stop the daemon (SIGTERM/SIGINT); the engine stops at its next safe point too. */
  readonly signal: AbortSignal;
}

export interface DaemonOptions {
  /** Run every sync once at start with resync (send every row), then go on as scheduled. */
  readonly resync: boolean;
  readonly collectWindowMs?: number;
  readonly shutdownGraceMs?: number;
  /** Called once start-up is done and the schedules are armed (readiness). */
  readonly onScheduled?: () => void;
}

interface CycleRequest {
  readonly ticks: readonly DueTick[];
  readonly trigger: RunTrigger;
  /** Whether replicas must agree who serves these ticks (scheduled and catch-up ticks, not a --resync). */
  readonly claim: boolean;
}

/** Resolves after the shutdown signal, once the running cycles ended or the grace time ran out. */
export async function runDaemon(deps: DaemonDeps, mappings: readonly SyncMapping[], options: DaemonOptions): Promise<void> {
  const runner = createCycleRunner(deps, mappings);
  await runStartUp(deps, mappings, options, runner);
  if (deps.signal.aborted) return runner.drain(options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS);
  const collector = createTickCollector({
    clock: deps.clock,
    windowMs: options.collectWindowMs ?? TICK_COLLECT_WINDOW_MS,
    onBatch: (ticks) => void runner.run({ ticks, trigger: 'schedule', claim: true }),
  });
  const tasks = scheduleSyncs(deps, mappings, collector.add);
  deps.logger.info({ scheduled: tasks.length, syncs: mappings.filter((m) => m.schedule).map((m) => `${m.sync} (${m.schedule} ${m.timezone})`) }, 'daemon scheduled its syncs');
  options.onScheduled?.();
  await waitForAbort(deps.signal);
  deps.logger.info('shutdown requested: no new runs; waiting for the running stage to reach a safe point');
  for (const task of tasks) await task.destroy();
  collector.stop();
  await runner.drain(options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS);
}

async function runStartUp(deps: DaemonDeps, mappings: readonly SyncMapping[], options: DaemonOptions, runner: CycleRunner): Promise<void> {
  try {
    const resume = await startResumingOpenImports(deps, mappings);
    if (resume.adopting.length > 0) deps.logger.info({ jobIds: resume.adopting }, 'adopting open Kibo import jobs in the background; their syncs stay locked until they end');
    runner.track(resume.done.then((report) => {
      deps.logger.info({ adoptedJobs: report.adoptedJobs, finishedRuns: report.finished.map((run) => `${run.sync}#${run.runId} ${run.status}`), abortedRunIds: report.abortedRunIds, lockedSyncs: report.lockedSyncs }, 'resume finished');
    }));
  } catch (error) {
    // The open jobs stay recorded open, so the next start adopts them; the schedule must still run.
    deps.logger.error({ err: error }, `resuming unfinished runs failed: ${describeError(error)}`);
  }
  if (deps.signal.aborted) return;
  const now = new Date(deps.clock.now());
  if (options.resync) {
    await runner.run({ ticks: mappings.map((mapping) => ({ sync: mapping.sync, dueAt: now })), trigger: 'resync', claim: false });
    return;
  }
  const catchUp = await findCatchUpTicks(deps, mappings, now);
  if (catchUp.length > 0) await runner.run({ ticks: catchUp, trigger: 'catchup', claim: true });
}

async function findCatchUpTicks(deps: DaemonDeps, mappings: readonly SyncMapping[], now: Date): Promise<DueTick[]> {
  const ticks: DueTick[] = [];
  for (const mapping of mappings) {
    if (mapping.schedule === undefined) continue;
    const [lastRun] = await listRecentRuns(deps.db, { sync: mapping.sync, limit: 1 });
    const { due, dueAt } = needsCatchUpRun({ schedule: mapping.schedule, timezone: mapping.timezone, now, lastRunStartedAt: lastRun?.startedAt });
    if (due) ticks.push({ sync: mapping.sync, dueAt });
  }
  if (ticks.length > 0) deps.logger.info({ syncs: ticks.map((tick) => tick.sync) }, 'catching up syncs whose schedule passed while no daemon ran them (one run each)');
  return ticks;
}

function scheduleSyncs(deps: DaemonDeps, mappings: readonly SyncMapping[], onTick: (tick: DueTick) => void): ScheduledTask[] {
  return mappings.flatMap((mapping) => {
    if (mapping.schedule === undefined) return [];
    const task = cron.schedule(mapping.schedule, (context) => onTick({ sync: mapping.sync, dueAt: truncateToSecond(context.date) }), {
      timezone: mapping.timezone,
      name: `kibo-sync ${mapping.sync}`,
      // A tick the event loop was too busy to fire on time is a late tick, not a lost one.
      suppressMissedWarning: true,
    });
    deps.logger.debug({ sync: mapping.sync, next: task.getNextRun()?.toISOString() }, `sync ${mapping.sync} scheduled`);
    return [task];
  });
}

interface CycleRunner {
  run(request: CycleRequest): Promise<void>;
  /** Other background work shutdown must wait for (adopted imports); never rejects. */
  track(work: Promise<void>): void;
  drain(graceMs: number): Promise<void>;
}

/** Runs cycles, at most one run of each sync at a time in this process; never throws. */
function createCycleRunner(deps: DaemonDeps, mappings: readonly SyncMapping[]): CycleRunner {
  const mappingBySync = new Map(mappings.map((mapping) => [mapping.sync, mapping]));
  const running = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const runCycle = async (request: CycleRequest): Promise<void> => {
    const busy = request.ticks.filter((tick) => running.has(tick.sync));
    const free = request.ticks.filter((tick) => !running.has(tick.sync));
    for (const tick of free) running.add(tick.sync);
    try {
      for (const tick of busy) await recordSkippedTick(deps, tick, request.trigger);
      if (free.length === 0 || deps.signal.aborted) return;
      const claims = request.claim ? await claimTicks(deps.lockDatabaseUrl, deps.db, free) : undefined;
      try {
        const syncs = claims ? claims.claimed : free.map((tick) => tick.sync);
        if (claims && claims.servedElsewhere.length > 0) deps.logger.info({ syncs: claims.servedElsewhere }, 'tick already served by another replica');
        if (syncs.length === 0) return;
        const due = syncs.map((sync) => mappingBySync.get(sync)!);
        // Every mapping, not only the due ones: an earlier import job to adopt may carry other syncs too.
        const summaries = await runSyncCycle({ ...deps, mappings }, due, { trigger: request.trigger, resync: request.trigger === 'resync', dryRun: false });
        logCycle(deps, request.trigger, summaries);
      } finally {
        await claims?.release();
      }
    } catch (error) {
      // A cycle that throws (state DB down, say) is logged; the daemon goes on to the next tick.
      deps.logger.error({ err: error, syncs: free.map((tick) => tick.sync), trigger: request.trigger }, `sync cycle failed: ${describeError(error)}`);
    } finally {
      for (const tick of free) running.delete(tick.sync);
    }
  };
  const track = (work: Promise<void>): Promise<void> => {
    const tracked = work.catch((error: unknown) => {
      // Background work reports its own failures; this only keeps one from becoming an unhandled rejection.
      deps.logger.error({ err: error }, `background work failed: ${describeError(error)}`);
    });
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
    return tracked;
  };
  return {
    run: (request) => track(runCycle(request)),
    track: (work) => void track(work),
    async drain(graceMs) {
      if (inFlight.size === 0) return;
      const timeout = new AbortController();
      const gaveUp = await Promise.race([
        Promise.allSettled([...inFlight]).then(() => false),
        deps.clock.sleep(graceMs, timeout.signal).then(() => true, () => false),
      ]);
      timeout.abort();
      if (gaveUp) deps.logger.error({ graceMs }, 'the running cycle did not stop within the shutdown grace time; leaving it (its Kibo job stays recorded open and is adopted at the next start)');
    },
  };
}

/** "One run of a sync at a time": a tick while this process still runs the sync leaves a skipped run, not a queue. */
async function recordSkippedTick(deps: DaemonDeps, tick: DueTick, trigger: RunTrigger): Promise<void> {
  const startedAt = new Date(deps.clock.now());
  const run = await startRun(deps.db, { sync: tick.sync, trigger, resync: false, dryRun: false, startedAt });
  await finishRun(deps.db, run.id, { status: 'skipped', finishedAt: startedAt, error: PREVIOUS_RUN_STILL_GOING });
  deps.logger.warn({ sync: tick.sync, runId: run.id, dueAt: tick.dueAt.toISOString() }, `sync ${tick.sync} skipped: ${PREVIOUS_RUN_STILL_GOING}`);
  deps.observer?.runFinished?.({
    sync: tick.sync, resource: '', runId: run.id, status: 'skipped', counts: {}, bytesUploaded: 0, stageDurationsMs: {},
    violations: [], files: {}, error: PREVIOUS_RUN_STILL_GOING, startedAt: startedAt.toISOString(), finishedAt: startedAt.toISOString(),
  });
}

function logCycle(deps: DaemonDeps, trigger: RunTrigger, summaries: readonly SyncRunSummary[]): void {
  deps.logger.info({ trigger, runs: summaries.map((summary) => ({ sync: summary.sync, runId: summary.runId, status: summary.status })) }, `${trigger} cycle finished`);
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
