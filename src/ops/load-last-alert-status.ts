// Where the alert notifier's memory starts after a restart: the newest finished run of the sync whose
// status says something about its health (dry runs, skipped and running rows do not).
import type { Knex } from 'knex';
import { STATE_TABLES, type RunStatus } from '../state/index.ts';

export const ALERT_RELEVANT_STATUSES = ['succeeded', 'failed', 'stuck', 'aborted', 'blocked'] as const satisfies readonly RunStatus[];

/** `beforeRunId` leaves out the run being reported, which the engine has already recorded. */
export async function loadLastAlertStatus(db: Knex, sync: string, beforeRunId?: number): Promise<RunStatus | undefined> {
  const query = db(STATE_TABLES.runs)
    .select('status')
    .where({ sync })
    .whereIn('status', ALERT_RELEVANT_STATUSES);
  if (beforeRunId !== undefined) query.andWhere('id', '<', beforeRunId);
  const row = (await query
    .orderBy([
      { column: 'started_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first()) as { status: RunStatus } | undefined;
  return row?.status;
}
