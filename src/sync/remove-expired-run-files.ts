// A sync every 15 minutes writes ~35,000 run directories a year (CSVs, zips, Kibo logs: megabytes each at a
// large catalog), so a run's files are kept for RUN_FILES_RETENTION_DAYS after it ended, then removed by a
// later run of the same sync while it holds the sync's lock. The run's row stays, with files_removed_at.
import { listExpiredRunFiles, recordRunFilesRemoved } from '../state/index.ts';
import { describeError } from '../support/errors.ts';
import { removeRunDirectory, resolveSyncRunsRoot } from './run-directory.ts';
import type { SyncDeps } from './sync-deps.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Per run: a backlog (the first run with retention on, after years of runs) is worked off over several runs. */
export const MAX_RUN_DIRECTORIES_REMOVED_PER_RUN = 100;

export interface RemovedRunFiles {
  readonly runIds: number[];
  readonly bytes: number;
}

/**
 * Removes the files of the sync's runs that ended more than `deps.runFilesRetentionDays` ago, oldest first,
 * at most MAX_RUN_DIRECTORIES_REMOVED_PER_RUN. Never throws: only disk space is at stake, so a failure is
 * logged and the next run tries again.
 */
export async function removeExpiredRunFiles(deps: Pick<SyncDeps, 'db' | 'clock' | 'logger' | 'dataDir' | 'runFilesRetentionDays'>, sync: string): Promise<RemovedRunFiles> {
  const removed = { runIds: [] as number[], bytes: 0 };
  const days = deps.runFilesRetentionDays;
  if (days === undefined || days === 0) return removed;
  const runsRoot = resolveSyncRunsRoot(deps.dataDir, sync);
  try {
    const now = deps.clock.now();
    const expired = await listExpiredRunFiles(deps.db, { sync, finishedBefore: new Date(now - days * DAY_MS), runsRoot, limit: MAX_RUN_DIRECTORIES_REMOVED_PER_RUN });
    for (const { runId, dataDir } of expired) {
      try {
        removed.bytes += await removeRunDirectory(runsRoot, dataDir);
        removed.runIds.push(runId);
      } catch (error) {
        deps.logger.warn({ err: error, sync, runId, dataDir }, `could not remove the files of run ${runId} of ${sync}: ${describeError(error)}`);
      }
    }
    await recordRunFilesRemoved(deps.db, removed.runIds, new Date(now));
    if (removed.runIds.length > 0) {
      deps.logger.info({ sync, runIds: removed.runIds, bytes: removed.bytes, retentionDays: days }, `removed the files of ${removed.runIds.length} run(s) of ${sync} that ended over ${days} days ago (${removed.bytes} bytes)`);
    }
  } catch (error) {
    deps.logger.warn({ err: error, sync }, `could not remove the expired run files of ${sync}: ${describeError(error)}`);
  }
  return removed;
}
