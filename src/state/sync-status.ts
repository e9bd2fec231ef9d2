// What `kibo-sync status` shows: per sync, its recent runs, last good run, open jobs and tracked keys.
import type { Knex } from 'knex';
import { STATE_TABLES } from './state-schema.ts';
import { parseRunRow } from './run-repository.ts';
import type { RunRecord, SyncStatus } from './state-types.ts';

/** One entry per sync that has runs (or just `sync` when given), sorted by sync name. */
export async function loadSyncStatus(db: Knex, options: { sync?: string; limit: number }): Promise<SyncStatus[]> {
  const syncs = options.sync !== undefined ? [options.sync] : await listSyncNames(db);
  if (syncs.length === 0) return [];
  const [recent, lastGood, unfinished, openJobs, keys] = await Promise.all([
    loadRecentRunsPerSync(db, syncs, options.limit),
    loadLastGoodRunPerSync(db, syncs),
    countPerSync(db, db(STATE_TABLES.runs).where({ status: 'running' }).whereIn('sync', syncs), 'sync'),
    countPerSync(
      db,
      db({ job: STATE_TABLES.kiboJobs })
        .join({ run: STATE_TABLES.runs }, 'run.id', 'job.run_id')
        .where('job.kind', 'import')
        .whereNull('job.finished_at')
        .whereIn('run.sync', syncs),
      'run.sync',
    ),
    loadKeyCountsPerSync(db, syncs),
  ]);
  return syncs.map((sync) => ({
    sync,
    recentRuns: recent.get(sync) ?? [],
    lastGoodRun: lastGood.get(sync),
    unfinishedRuns: unfinished.get(sync) ?? 0,
    openImportJobs: openJobs.get(sync) ?? 0,
    trackedKeys: keys.get(sync)?.tracked ?? 0,
    ownedKeys: keys.get(sync)?.owned ?? 0,
    deletesAwaitingConfirmation: keys.get(sync)?.deletesSent ?? 0,
  }));
}

async function listSyncNames(db: Knex): Promise<string[]> {
  const rows = (await db(STATE_TABLES.runs).distinct('sync').orderBy('sync')) as { sync: string }[];
  return rows.map((row) => row.sync);
}

async function loadRecentRunsPerSync(db: Knex, syncs: readonly string[], limit: number): Promise<Map<string, RunRecord[]>> {
  const ranked = db(STATE_TABLES.runs)
    .select('*', db.raw('row_number() over (partition by sync order by started_at desc, id desc) as position'))
    .whereIn('sync', syncs);
  const rows = (await db
    .from(ranked.as('ranked'))
    .where('position', '<=', limit)
    .orderBy([{ column: 'sync' }, { column: 'position' }])) as Record<string, unknown>[];
  const bySync = new Map<string, RunRecord[]>();
  for (const row of rows) {
    const run = parseRunRow(row);
    bySync.set(run.sync, [...(bySync.get(run.sync) ?? []), run]);
  }
  return bySync;
}

async function loadLastGoodRunPerSync(db: Knex, syncs: readonly string[]): Promise<Map<string, RunRecord>> {
  const rows = (await db(STATE_TABLES.runs)
    .distinctOn('sync')
    .select('*')
    .where({ status: 'succeeded' })
    .whereIn('sync', syncs)
    .orderBy([
      { column: 'sync' },
      { column: 'finished_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])) as Record<string, unknown>[];
  return new Map(rows.map((row) => [String(row.sync), parseRunRow(row)]));
}

async function countPerSync(db: Knex, query: Knex.QueryBuilder, syncColumn: string): Promise<Map<string, number>> {
  const rows = (await query
    .select({ sync: syncColumn })
    .select(db.raw('count(*)::bigint as n'))
    .groupBy(syncColumn)) as { sync: string; n: string }[];
  return new Map(rows.map((row) => [row.sync, Number(row.n)]));
}

async function loadKeyCountsPerSync(
  db: Knex,
  syncs: readonly string[],
): Promise<Map<string, { tracked: number; owned: number; deletesSent: number }>> {
  const rows = (await db(STATE_TABLES.keyState)
    .select(
      'sync',
      db.raw('count(*)::bigint as tracked'),
      db.raw('count(*) filter (where owned)::bigint as owned'),
      db.raw('count(*) filter (where delete_sent_run_id is not null)::bigint as deletes_sent'),
    )
    .whereIn('sync', syncs)
    .groupBy('sync')) as { sync: string; tracked: string; owned: string; deletes_sent: string }[];
  return new Map(rows.map((row) => [row.sync, { tracked: Number(row.tracked), owned: Number(row.owned), deletesSent: Number(row.deletes_sent) }]));
}
