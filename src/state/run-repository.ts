// Runs: one row per sync attempt, written before the first remote call so a crash leaves a trace to resume from.
import type { Knex } from 'knex';
import { redactSecrets } from '../support/redact-secrets.ts';
import { STATE_TABLES } from './state-schema.ts';
import {
  formatCountColumns,
  formatCountsForStorage,
  optionalDate,
  optionalNumber,
  optionalString,
  parseCountColumns,
  parseStoredCounts,
  toDate,
} from './state-rows.ts';
import type {
  FinishedRunStatus,
  RunCounts,
  RunRecord,
  RunResourceRecord,
  RunStatus,
  RunTrigger,
} from './state-types.ts';

export interface StartRunInput {
  readonly sync: string;
  readonly trigger: RunTrigger;
  readonly resync: boolean;
  readonly dryRun: boolean;
  readonly startedAt: Date;
  readonly dataDir?: string | undefined;
}

export interface FinishRunUpdate {
  readonly status: FinishedRunStatus;
  readonly finishedAt: Date;
  readonly error?: string | undefined;
  readonly counts?: Partial<RunCounts> | undefined;
  readonly bytesUploaded?: number | undefined;
  readonly stageDurationsMs?: Readonly<Record<string, number>> | undefined;
  readonly planId?: string | undefined;
}

export async function startRun(db: Knex, input: StartRunInput): Promise<RunRecord> {
  const [row] = await db(STATE_TABLES.runs)
    .insert({
      sync: input.sync,
      status: 'running' satisfies RunStatus,
      trigger: input.trigger,
      resync: input.resync,
      dry_run: input.dryRun,
      started_at: input.startedAt,
      data_dir: input.dataDir ?? null,
    })
    .returning('*');
  return parseRunRow(row as Record<string, unknown>);
}

/** Where the run keeps its files (known only once the run has its id); resume reads them from there. */
export async function recordRunDataDir(db: Knex, runId: number, dataDir: string): Promise<void> {
  const updated = await db(STATE_TABLES.runs).where({ id: runId }).update({ data_dir: dataDir });
  if (updated !== 1) throw new Error(`Cannot record the data directory of run ${runId}: no such run in ${STATE_TABLES.runs}.`);
}

/** Records how a run ended. Counts, durations and plan id are replaced only when given. */
export async function finishRun(db: Knex, runId: number, update: FinishRunUpdate): Promise<void> {
  const changes: Record<string, unknown> = {
    status: update.status,
    finished_at: update.finishedAt,
    // The caller masks the secrets it knows by value; credential-shaped text never gets stored either way.
    error: update.error === undefined ? null : redactSecrets(update.error),
  };
  if (update.counts !== undefined) changes.counts = JSON.stringify(formatCountsForStorage(update.counts));
  if (update.bytesUploaded !== undefined) changes.bytes_uploaded = update.bytesUploaded;
  if (update.stageDurationsMs !== undefined) changes.stage_durations_ms = JSON.stringify(update.stageDurationsMs);
  if (update.planId !== undefined) changes.plan_id = update.planId;
  const updated = await db(STATE_TABLES.runs).where({ id: runId }).update(changes);
  if (updated !== 1) {
    throw new Error(`Cannot finish run ${runId}: no such run in ${STATE_TABLES.runs}. Was the state database reset?`);
  }
}

/** Counts for one resource of a run; recording the same resource again replaces its counts. */
export async function recordRunResource(
  db: Knex,
  runId: number,
  resource: string,
  counts: Partial<RunCounts>,
): Promise<void> {
  const columns = formatCountColumns(counts);
  await db(STATE_TABLES.runResources)
    .insert({ run_id: runId, resource, ...columns })
    .onConflict(['run_id', 'resource'])
    .merge(Object.keys(columns));
}

export async function listRunResources(db: Knex, runId: number): Promise<RunResourceRecord[]> {
  const rows = (await db(STATE_TABLES.runResources).where({ run_id: runId }).orderBy('resource')) as Record<
    string,
    unknown
  >[];
  return rows.map((row) => ({ runId: Number(row.run_id), resource: String(row.resource), ...parseCountColumns(row) }));
}

export async function findRun(db: Knex, runId: number): Promise<RunRecord | undefined> {
  const row = (await db(STATE_TABLES.runs).where({ id: runId }).first()) as Record<string, unknown> | undefined;
  return row === undefined ? undefined : parseRunRow(row);
}

/** Runs still marked running, oldest first: after a crash these are the ones to resume or mark stuck. */
export async function findUnfinishedRuns(db: Knex, sync?: string): Promise<RunRecord[]> {
  const query = db(STATE_TABLES.runs).where({ status: 'running' satisfies RunStatus });
  if (sync !== undefined) query.andWhere({ sync });
  const rows = (await query.orderBy([{ column: 'started_at' }, { column: 'id' }])) as Record<string, unknown>[];
  return rows.map(parseRunRow);
}

/** The most recently finished successful run of a sync (the baseline for source-count guards). */
export async function findLastGoodRun(db: Knex, sync: string): Promise<RunRecord | undefined> {
  const row = (await db(STATE_TABLES.runs)
    .where({ sync, status: 'succeeded' satisfies RunStatus })
    .orderBy([
      { column: 'finished_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first()) as Record<string, unknown> | undefined;
  return row === undefined ? undefined : parseRunRow(row);
}

/** Newest first. */
export async function listRecentRuns(db: Knex, options: { sync?: string; limit: number }): Promise<RunRecord[]> {
  const query = db(STATE_TABLES.runs);
  if (options.sync !== undefined) query.where({ sync: options.sync });
  const rows = (await query
    .orderBy([
      { column: 'started_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(options.limit)) as Record<string, unknown>[];
  return rows.map(parseRunRow);
}

export function parseRunRow(row: Record<string, unknown>): RunRecord {
  return {
    id: Number(row.id),
    sync: String(row.sync),
    status: row.status as RunStatus,
    trigger: row.trigger as RunTrigger,
    resync: Boolean(row.resync),
    dryRun: Boolean(row.dry_run),
    startedAt: toDate(row.started_at),
    finishedAt: optionalDate(row.finished_at),
    error: optionalString(row.error),
    counts: parseStoredCounts(row.counts),
    bytesUploaded: optionalNumber(row.bytes_uploaded),
    stageDurationsMs: (row.stage_durations_ms ?? {}) as Record<string, number>,
    planId: optionalString(row.plan_id),
    dataDir: optionalString(row.data_dir),
    filesRemovedAt: optionalDate(row.files_removed_at),
  };
}
