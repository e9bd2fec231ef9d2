// Which runs' files have outlived RUN_FILES_RETENTION_DAYS, and the record that they are gone. The runs'
// rows stay: `kibo-sync status` still lists them, with when their files were removed.
import path from 'node:path';
import type { Knex } from 'knex';
import { STATE_TABLES } from './state-schema.ts';

export interface ExpiredRunFiles {
  readonly runId: number;
  /** The run's directory as recorded when it began (runs.data_dir). */
  readonly dataDir: string;
}

export interface ExpiredRunFilesQuery {
  readonly sync: string;
  /** Runs that finished before this. */
  readonly finishedBefore: Date;
  /** Only directories under this one (DATA_DIR/runs/<sync>): a run recorded under another DATA_DIR is left alone. */
  readonly runsRoot: string;
  readonly limit: number;
}

/**
 * Finished runs of the sync whose files are still kept, oldest first. A run an open Kibo import job still
 * carries is never among them: resume-open-imports.ts finishes such a run from its files.
 */
export async function listExpiredRunFiles(db: Knex, query: ExpiredRunFilesQuery): Promise<ExpiredRunFiles[]> {
  const prefix = query.runsRoot.endsWith(path.sep) ? query.runsRoot : `${query.runsRoot}${path.sep}`;
  const rows = (await db({ run: STATE_TABLES.runs })
    .select('run.id', 'run.data_dir')
    .where('run.sync', query.sync)
    .whereNot('run.status', 'running')
    .whereNull('run.files_removed_at')
    .where('run.finished_at', '<', query.finishedBefore)
    .whereRaw('left(run.data_dir, length(?)) = ?', [prefix, prefix])
    .whereNotExists((open) =>
      open.select(db.raw('1')).from({ job: STATE_TABLES.kiboJobs }).whereRaw('job.run_id = run.id').where('job.kind', 'import').whereNull('job.finished_at'),
    )
    .orderBy([{ column: 'run.finished_at' }, { column: 'run.id' }])
    .limit(query.limit)) as { id: string | number; data_dir: string }[];
  return rows.map((row) => ({ runId: Number(row.id), dataDir: row.data_dir }));
}

export async function recordRunFilesRemoved(db: Knex, runIds: readonly number[], removedAt: Date): Promise<void> {
  if (runIds.length === 0) return;
  await db(STATE_TABLES.runs).whereIn('id', [...runIds]).update({ files_removed_at: removedAt });
}
