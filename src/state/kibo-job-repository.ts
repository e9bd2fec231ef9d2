// Kibo import/export jobs, recorded right after Kibo creates them and before polling, so a restarted daemon
// adopts a job still running in Kibo instead of creating a second one.
import type { Knex } from 'knex';
import { STATE_TABLES } from './state-schema.ts';
import { optionalDate, optionalString, toDate } from './state-rows.ts';
import type { KiboJobKind, KiboJobRecord } from './state-types.ts';

export interface RecordKiboJobInput {
  readonly id: string;
  readonly runId: number;
  readonly kind: KiboJobKind;
  readonly status: string;
  readonly uploadFileId?: string | undefined;
  /** The job body sent to Kibo (any JSON-serialisable object, e.g. the SDK's job type); never credentials. */
  readonly request: object;
  readonly createdAt: Date;
}

export interface UpdateKiboJobInput {
  readonly status: string;
  readonly logFileId?: string | undefined;
  readonly finishedAt?: Date | undefined;
  readonly lastPolledAt?: Date | undefined;
  /** Defaults to finishedAt, else lastPolledAt; the caller's clock, never the database's. */
  readonly updatedAt?: Date | undefined;
}

const PG_UNIQUE_VIOLATION = '23505';
const SECRET_KEY_PATTERN = /secret|password|passwd|token|authorization|api[-_]?key|credential/i;

export async function recordKiboJob(db: Knex, job: RecordKiboJobInput): Promise<void> {
  assertNoSecrets(job.request, `request of Kibo job ${job.id}`);
  try {
    await db(STATE_TABLES.kiboJobs).insert({
      id: job.id,
      run_id: job.runId,
      kind: job.kind,
      status: job.status,
      upload_file_id: job.uploadFileId ?? null,
      request: JSON.stringify(job.request),
      created_at: job.createdAt,
      updated_at: job.createdAt,
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === PG_UNIQUE_VIOLATION) {
      throw new Error(
        `Kibo job ${job.id} is already recorded for run ${job.runId} in ${STATE_TABLES.kiboJobs}; adopt it (findOpenImportJobs) ` +
          'instead of recording it again.',
        { cause: error },
      );
    }
    throw error;
  }
}

export async function updateKiboJob(db: Knex, id: string, update: UpdateKiboJobInput): Promise<void> {
  const changes: Record<string, unknown> = { status: update.status };
  if (update.logFileId !== undefined) changes.log_file_id = update.logFileId;
  if (update.finishedAt !== undefined) changes.finished_at = update.finishedAt;
  if (update.lastPolledAt !== undefined) changes.last_polled_at = update.lastPolledAt;
  const updatedAt = update.updatedAt ?? update.finishedAt ?? update.lastPolledAt;
  if (updatedAt !== undefined) changes.updated_at = updatedAt;
  // every run the job carries sees the same job state
  const updated = await db(STATE_TABLES.kiboJobs).where({ id }).update(changes);
  if (updated < 1) {
    throw new Error(`Cannot update Kibo job ${id}: it was never recorded in ${STATE_TABLES.kiboJobs}.`);
  }
}

export async function findKiboJob(db: Knex, id: string): Promise<KiboJobRecord | undefined> {
  const row = (await selectJobs(db).where('job.id', id).first()) as Record<string, unknown> | undefined;
  return row === undefined ? undefined : parseKiboJobRow(row);
}

export async function listKiboJobs(db: Knex, runId: number): Promise<KiboJobRecord[]> {
  const rows = (await selectJobs(db)
    .where('job.run_id', runId)
    .orderBy([{ column: 'job.created_at' }, { column: 'job.id' }])) as Record<string, unknown>[];
  return rows.map(parseKiboJobRow);
}

/** Runs whose files a job carries (one import job may serve several runs of one domain). */
export async function listRunIdsOfJob(db: Knex, id: string): Promise<number[]> {
  const rows = (await db(STATE_TABLES.kiboJobs).where({ id }).orderBy('run_id').select('run_id')) as { run_id: unknown }[];
  return rows.map((row) => Number(row.run_id));
}

/**
 * Import jobs of runs left in one of `runStatuses` (e.g. aborted while the outcome was being recorded):
 * the job row may be finished while its run never got its outcome.
 */
export async function findImportJobsOfRuns(db: Knex, runStatuses: readonly string[], sync?: string): Promise<KiboJobRecord[]> {
  const query = selectJobs(db).where('job.kind', 'import').whereIn('run.status', [...runStatuses]);
  if (sync !== undefined) query.andWhere('run.sync', sync);
  const rows = (await query.orderBy([{ column: 'job.created_at' }, { column: 'job.id' }])) as Record<string, unknown>[];
  return rows.map(parseKiboJobRow);
}

/** Import jobs not yet finished, oldest first: after a crash the daemon polls these rather than re-importing. */
export async function findOpenImportJobs(db: Knex, sync?: string): Promise<KiboJobRecord[]> {
  const query = selectJobs(db).where('job.kind', 'import').whereNull('job.finished_at');
  if (sync !== undefined) query.andWhere('run.sync', sync);
  const rows = (await query.orderBy([{ column: 'job.created_at' }, { column: 'job.id' }])) as Record<
    string,
    unknown
  >[];
  return rows.map(parseKiboJobRow);
}

function selectJobs(db: Knex): Knex.QueryBuilder {
  return db({ job: STATE_TABLES.kiboJobs })
    .join({ run: STATE_TABLES.runs }, 'run.id', 'job.run_id')
    .select('job.*', 'run.sync');
}

function parseKiboJobRow(row: Record<string, unknown>): KiboJobRecord {
  return {
    id: String(row.id),
    runId: Number(row.run_id),
    sync: String(row.sync),
    kind: row.kind as KiboJobKind,
    status: String(row.status),
    uploadFileId: optionalString(row.upload_file_id),
    logFileId: optionalString(row.log_file_id),
    request: (row.request ?? {}) as Record<string, unknown>,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    finishedAt: optionalDate(row.finished_at),
    lastPolledAt: optionalDate(row.last_polled_at),
  };
}

/** Refuses to store anything that looks like a credential: state tables are readable by every operator. */
export function assertNoSecrets(value: unknown, where: string, path = ''): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertNoSecrets(item, where, `${path}[${index}]`));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (SECRET_KEY_PATTERN.test(key)) {
      throw new Error(
        `Refusing to store ${where}: field "${childPath}" looks like a credential. Remove it before recording the job.`,
      );
    }
    assertNoSecrets(child, where, childPath);
  }
}
