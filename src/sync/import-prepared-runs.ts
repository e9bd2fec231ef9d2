// Stage 5: the prepared CSVs of one domain go to Kibo in one zip and one import job, in the registry's
// import order. The job id is recorded for every run it carries BEFORE polling, so a crash never
// leads to a second import of the same rows: the next start adopts the job instead.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { JobDeadlineError, downloadImportJobLog, findLogFile, waitForJob } from '../kibo/kibo-jobs.ts';
import type { ImportLogRow } from '../kibo/import-log.ts';
import { writeZip } from '../kibo/write-zip.ts';
import { normalizeHeader, sortByImportOrder } from '../kibo/resources/resource-registry.ts';
import { KIBO_JOB_FORMAT, type ImportJobRequest, type KiboJob } from '../kibo/wire-types.ts';
import { recordKiboJob, updateKiboJob } from '../state/index.ts';
import { describeError, KiboApiError } from '../support/errors.ts';
import { toContextOverride, type PreparedRun } from './prepare-sync-run.ts';
import type { SyncDeps } from './sync-deps.ts';
import type { SyncStage } from './sync-summary.ts';

export interface ImportOutcome {
  readonly jobId?: string;
  readonly state: 'complete' | 'errored' | 'stuck';
  readonly job?: KiboJob;
  /** This run's rows of the job log. */
  readonly logRows: readonly ImportLogRow[];
  /** Whether this run's resource finished complete (the job may carry others). */
  readonly resourceComplete: boolean;
  readonly error?: string;
  readonly bytesUploaded: number;
}

type Uploading = PreparedRun & { readonly upload: NonNullable<PreparedRun['upload']> };

/** Imports a batch (same domain and context, distinct resources); one outcome per prepared run, in order. */
/** Records one stage's duration for every run the batch carries (they all waited for it). */
export type BatchStageRecorder = (stage: SyncStage, elapsedMs: number) => void;

export async function importPreparedRuns(deps: SyncDeps, batch: readonly Uploading[], recordStage: BatchStageRecorder = () => undefined): Promise<ImportOutcome[]> {
  const timed = async <T>(stage: SyncStage, work: () => Promise<T>): Promise<T> => {
    const startedAt = deps.clock.now();
    try {
      return await work();
    } finally {
      recordStage(stage, deps.clock.now() - startedAt);
    }
  };
  const ordered = sortByImportOrder(batch.map((prepared) => ({ resource: prepared.context.mapping.resource, prepared })));
  const first = ordered[0]!.prepared;
  const zip = await timed('write', () =>
    writeZip(
      ordered.map(({ resource, prepared }) => ({ name: resource.fileName, content: createReadStream(prepared.upload.rows.writer.path) })),
      { date: new Date(deps.clock.now()) },
    ),
  );
  const zipPath = await first.context.dir.writeBytes('upload.zip', zip);
  for (const prepared of batch) {
    prepared.context.files.uploadZip = zipPath;
    prepared.context.files.uploadManifest = await writeUploadManifest(prepared, zipPath);
  }
  const runIds = batch.map((prepared) => prepared.context.run.id);
  for (const prepared of batch) prepared.context.assertCanContinue();
  const uploaded = await timed('upload', () => deps.kibo.uploadFile(`kibo-sync-runs-${runIds.join('-')}.zip`, zip));
  const contextOverride = toContextOverride(first.context.mapping);
  const request = {
    // Unique, so a job whose creation answer was lost can be found by name (see createImportJobOnce).
    name: `kibo-sync ${batch.map((prepared) => prepared.context.mapping.sync).join(', ')} (runs ${runIds.join(', ')}) ${randomBytes(3).toString('hex')}`,
    domain: first.context.mapping.resource.domain,
    resources: ordered.map(({ resource, prepared }) => ({ resource: resource.name, format: KIBO_JOB_FORMAT, deleteOmitted: prepared.upload.deleteOmitted })),
    files: [uploaded],
    ...(contextOverride ? { contextOverride } : {}),
  };
  for (const prepared of batch) prepared.context.assertCanContinue();
  const { created, finished, logRows } = await timed('import', async () => {
    const job = await createImportJobOnce(deps, request);
    const createdAt = new Date(deps.clock.now());
    for (const runId of runIds) {
      await recordKiboJob(deps.db, { id: job.id, runId, kind: 'import', status: job.status ?? 'pending', uploadFileId: uploaded.id ?? undefined, request, createdAt });
    }
    return { created: job, ...(await followImportJob(deps, job.id, first, batch)) };
  });
  const csvBytes = batch.map((prepared) => prepared.upload.rows.writer.bytes);
  const totalCsvBytes = csvBytes.reduce((sum, bytes) => sum + bytes, 0) || 1;
  // The zip is shared: each run is charged its CSV's share of it, so per-run bytes add up to what was sent.
  return batch.map((prepared, index) =>
    outcomeFor(prepared, created.id, finished, logRows, batch.length, Math.round((zip.length * csvBytes[index]!) / totalCsvBytes)),
  );
}

type JobEnd = Awaited<ReturnType<typeof pollImportJob>>;

/** How far back the job list is searched for a job whose creation answer was lost. */
const LOST_JOB_SEARCH_PAGE_SIZE = 50;

/**
 * Creates the import job exactly once. The POST is never retried blindly (it may have been processed);
 * when its answer is lost (no status, 5xx, unreadable), the job is looked up by its unique name and
 * adopted if Kibo has it, so the rows are never imported twice.
 */
async function createImportJobOnce(deps: SyncDeps, request: ImportJobRequest): Promise<KiboJob> {
  try {
    return await deps.kibo.createImportJob(request);
  } catch (error) {
    if (!(error instanceof KiboApiError) || (error.status !== undefined && error.status < 500)) throw error;
    const listed = await deps.kibo.listImportJobs({ pageSize: LOST_JOB_SEARCH_PAGE_SIZE });
    const found = listed.find((job) => job.name === request.name);
    if (found) {
      deps.logger.warn({ jobId: found.id, err: error }, `the answer to creating import job "${request.name}" was lost, but Kibo has it: adopting ${found.id}`);
      return found;
    }
    throw new Error(
      `creating the Kibo import job failed (${describeError(error)}) and no job named "${request.name}" is listed: ` +
        'nothing was imported; the next run plans and sends again',
      { cause: error },
    );
  }
}

/**
 * Polls the job and reads its log. Once the job exists in Kibo its outcome is ours to find out, never to
 * guess: a failure here (other than shutdown, which aborts) leaves the runs `stuck`, so the next start
 * adopts the job and records what Kibo did; the job is never created again.
 */
async function followImportJob(deps: SyncDeps, jobId: string, keeper: PreparedRun, batch: readonly PreparedRun[]): Promise<{ finished: JobEnd; logRows: ImportLogRow[] }> {
  try {
    const finished = await pollImportJob(deps, jobId);
    const logRows = finished.job ? await readAndKeepLog(deps, finished.job, keeper, batch) : [];
    return { finished, logRows };
  } catch (error) {
    if (deps.signal?.aborted) throw error;
    deps.logger.error({ err: error, jobId }, `lost track of Kibo import job ${jobId}; the run is stuck and the next start adopts the job`);
    return { finished: { state: 'stuck', error: `lost track of Kibo import job ${jobId}: ${describeError(error)}. It is adopted at the next start, never resubmitted.` }, logRows: [] };
  }
}

export const UPLOAD_MANIFEST_FILE = 'upload-manifest.json';

/** What a restarted process needs to finish this run from disk if it dies while Kibo imports. */
export interface UploadManifest {
  readonly sync: string;
  readonly resource: string;
  readonly csvPath: string;
  readonly zipPath: string;
  readonly deleteOmitted: boolean;
  /** Data rows from the ERP; rows after them were carried unchanged from Kibo (not owned). */
  readonly erpRows: number;
  readonly planId: string;
  readonly deleteKeys: number;
}

async function writeUploadManifest(prepared: Uploading, zipPath: string): Promise<string> {
  const { rows } = prepared.upload;
  const manifest: UploadManifest = {
    sync: prepared.context.mapping.sync,
    resource: prepared.context.mapping.resource.name,
    csvPath: rows.writer.path,
    zipPath,
    deleteOmitted: prepared.upload.deleteOmitted,
    erpRows: rows.erpRows,
    planId: prepared.planId,
    deleteKeys: prepared.plan.deleteKeys.length,
  };
  return prepared.context.dir.writeJson(UPLOAD_MANIFEST_FILE, manifest);
}

/**
 * The log rows of one resource in a job. In a job of several resources a row naming none could belong to
 * any of them: every run gets it without its row number, so it is recorded and blocks the state advance
 * instead of being pinned on whichever run's CSV happens to have that row.
 */
export function selectOwnLogRows(logRows: readonly ImportLogRow[], resource: string, batchSize: number): ImportLogRow[] {
  const wanted = normalizeHeader(resource);
  return logRows.flatMap((row) => {
    if (row.resource === '') return batchSize === 1 ? [row] : [{ ...row, rowNumber: undefined }];
    return normalizeHeader(row.resource).replace(/\.csv$/, '') === wanted ? [row] : [];
  });
}

/** Polls an import job (new, or adopted after a restart) to its end, keeping its state row current. */
export async function pollImportJob(deps: SyncDeps, jobId: string): Promise<{ state: ImportOutcome['state']; job?: KiboJob; error?: string }> {
  try {
    const { job, state } = await waitForJob(deps.kibo, 'import', jobId, {
      clock: deps.clock,
      pollIntervalMs: deps.timings.pollIntervalMs,
      maxPollIntervalMs: deps.timings.maxPollIntervalMs,
      deadlineMs: deps.timings.jobDeadlineMs,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    const logFile = findLogFile(job);
    await updateKiboJob(deps.db, jobId, { status: job.status ?? state, finishedAt: new Date(deps.clock.now()), ...(logFile?.id ? { logFileId: logFile.id } : {}) });
    return { state, job, ...(state === 'errored' ? { error: `Kibo import job ${jobId} ended ${job.status ?? 'errored'}: ${job.statusMessage ?? 'no message'}` } : {}) };
  } catch (error) {
    if (!(error instanceof JobDeadlineError)) throw error;
    // The job may still finish in Kibo: leave it open (finished_at null) so the next start adopts it.
    await updateKiboJob(deps.db, jobId, { status: 'stuck', lastPolledAt: new Date(deps.clock.now()) });
    return { state: 'stuck', error: describeError(error) };
  }
}

/** The log is kept once, in the keeper's directory (like the zip); every run of the job points at it. */
async function readAndKeepLog(deps: SyncDeps, job: KiboJob, keeper: PreparedRun, batch: readonly PreparedRun[]): Promise<ImportLogRow[]> {
  // Under the log's own cap and zip limits, with refusals naming the job and the file.
  const log = await downloadImportJobLog(deps.kibo, job);
  if (log === undefined) return [];
  const logPath = await keeper.context.dir.writeBytes('kibo-import-log.zip', log.bytes);
  for (const prepared of batch) prepared.context.files.kiboLog = logPath;
  return log.rows;
}

function outcomeFor(
  prepared: PreparedRun,
  jobId: string,
  finished: { state: ImportOutcome['state']; job?: KiboJob; error?: string },
  logRows: readonly ImportLogRow[],
  batchSize: number,
  bytes: number,
): ImportOutcome {
  const resource = prepared.context.mapping.resource;
  const own = selectOwnLogRows(logRows, resource.name, batchSize);
  const resourceState = finished.job?.resources.find((entry) => normalizeHeader(entry.resource ?? '') === normalizeHeader(resource.name));
  const resourceErrored = resourceState !== undefined && /error|fail/i.test(resourceState.status ?? '');
  return {
    jobId,
    ...(finished.job ? { job: finished.job } : {}),
    state: finished.state,
    logRows: own,
    resourceComplete: finished.state === 'complete' && !resourceErrored,
    ...(finished.error ? { error: finished.error } : resourceErrored ? { error: `Kibo rejected resource ${resource.name}: ${resourceState?.stateDetails ?? resourceState?.status}` } : {}),
    bytesUploaded: bytes,
  };
}
