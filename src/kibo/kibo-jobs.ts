// Job-level helpers over the client: classify a job, wait for it (with a deadline, never resubmitting),
// wait for an export's files, run a whole export. Imports are driven step by step by the engine so it
// can persist the job id before polling; the pieces it needs are here (waitForJob, readImportJobLog).
import type { Clock } from '../support/clock.ts';
import { KiboApiError } from '../support/errors.ts';
import { MAX_IMPORT_LOG_DOWNLOAD_BYTES, parseImportLog, type ImportLogRow } from './import-log.ts';
import type { DownloadedFile, KiboClient } from './kibo-client.ts';
import { assertReadableZip } from './kibo-zip.ts';
import { DownloadTooLargeError } from './read-capped-body.ts';
import type { DropLocation, ExportJobRequest, JobKind, KiboJob } from './wire-types.ts';

export const DEFAULT_POLL_INTERVAL_MS = 2_000;
export const DEFAULT_MAX_POLL_INTERVAL_MS = 30_000;
export const DEFAULT_JOB_DEADLINE_MS = 2 * 60 * 60 * 1000;
/** Kibo's own tools wait ~40 s for an export's files after isComplete; we allow a little more. */
export const DEFAULT_EXPORT_FILES_TIMEOUT_MS = 60_000;
export const DEFAULT_EXPORT_FILES_POLL_MS = 1_000;
const POLL_BACKOFF_FACTOR = 1.5;
/**
 * An export of 5M rows zips to ~0.5 GB: four times that is no catalog we expect, more likely a wrong
 * export (all fields, another resource) that would fill the run directory's disk.
 */
export const MAX_EXPORT_DOWNLOAD_BYTES = 2 * 1024 ** 3;

/** Kibo publishes no status enum; the seed shows `errored` and speaks of `Failed`. */
const ERROR_STATUSES: ReadonlySet<string> = new Set(['errored', 'failed', 'error']);

export type JobState = 'running' | 'complete' | 'errored';

export interface JobResult {
  readonly job: KiboJob;
  readonly state: 'complete' | 'errored';
}

export interface WaitForJobOptions {
  readonly clock: Clock;
  readonly pollIntervalMs?: number;
  readonly maxPollIntervalMs?: number;
  /** How long from now to keep polling before giving up with a JobDeadlineError. */
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
  readonly onPoll?: (job: KiboJob, state: JobState) => void;
  /** A poll failed transiently (after the fetch's own retries); polling goes on until the deadline. */
  readonly onPollError?: (error: KiboApiError) => void;
}

/** The job did not finish in time. Its outcome is unknown: mark the run stuck, never resubmit. */
export class JobDeadlineError extends Error {
  override readonly name = 'JobDeadlineError';
  constructor(
    readonly kind: JobKind,
    readonly jobId: string,
    readonly lastJob: KiboJob | undefined,
    readonly deadlineMs: number,
    options?: ErrorOptions,
  ) {
    super(
      `Kibo ${kind} job ${jobId} was still ${lastJob ? `"${lastJob.status ?? 'running'}"` : 'unreadable'} after ` +
        `${formatDuration(deadlineMs)}. It may still finish: check it in Kibo (or list ${kind} jobs) ` +
        'before running again; do not resubmit blindly.',
      options,
    );
  }
}

/** The job finished `errored` (or a resource did). */
export class KiboJobFailedError extends Error {
  override readonly name = 'KiboJobFailedError';
  constructor(
    readonly kind: JobKind,
    readonly job: KiboJob,
  ) {
    super(`Kibo ${kind} job ${job.id} failed: ${describeJobFailure(job)}`);
  }
}

function formatDuration(ms: number): string {
  return ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function isErrorStatus(status: string | undefined): boolean {
  return status !== undefined && ERROR_STATUSES.has(status.trim().toLowerCase());
}

/**
 * complete: isComplete, every resource complete, no error status anywhere. errored: the job or any
 * resource has an error status (terminal, even if other resources are still going). Else running.
 */
export function classifyJob(job: KiboJob): JobState {
  if (isErrorStatus(job.status) || job.resources.some((resource) => isErrorStatus(resource.status))) return 'errored';
  if (job.isComplete && job.resources.every((resource) => resource.isComplete)) return 'complete';
  return 'running';
}

export function describeJobFailure(job: KiboJob): string {
  const parts = [job.statusMessage ?? `status ${job.status ?? '(none)'}`];
  for (const resource of job.resources) {
    if (isErrorStatus(resource.status)) {
      parts.push(`${resource.resource}: ${resource.statusMessage ?? resource.stateDetails ?? resource.status ?? ''}`.trim());
    }
  }
  return parts.join('; ');
}

function isTransient(error: unknown): error is KiboApiError {
  return error instanceof KiboApiError && (error.status === undefined || error.status === 429 || error.status >= 500);
}

/** Polls with growing intervals until the job is complete or errored, or the deadline passes. */
export async function waitForJob(client: Pick<KiboClient, 'getJob'>, kind: JobKind, id: string, options: WaitForJobOptions): Promise<JobResult> {
  const { clock } = options;
  const deadlineMs = options.deadlineMs ?? DEFAULT_JOB_DEADLINE_MS;
  const deadlineAt = clock.now() + deadlineMs;
  let intervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const maxIntervalMs = Math.max(intervalMs, options.maxPollIntervalMs ?? DEFAULT_MAX_POLL_INTERVAL_MS);
  let lastJob: KiboJob | undefined;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      lastJob = await client.getJob(kind, id);
      const state = classifyJob(lastJob);
      options.onPoll?.(lastJob, state);
      if (state !== 'running') return { job: lastJob, state };
    } catch (error) {
      if (!isTransient(error)) throw error;
      lastError = error;
      options.onPollError?.(error);
    }
    const remainingMs = deadlineAt - clock.now();
    if (remainingMs <= 0) throw new JobDeadlineError(kind, id, lastJob, deadlineMs, lastError === undefined ? undefined : { cause: lastError });
    await clock.sleep(Math.min(intervalMs, remainingMs), options.signal);
    intervalMs = Math.min(maxIntervalMs, Math.ceil(intervalMs * POLL_BACKOFF_FACTOR));
  }
}

export interface WaitForExportFilesOptions {
  readonly clock: Clock;
  readonly timeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
}

/** An export's `files` can stay empty for a while after isComplete; wait for them. */
export async function waitForExportFiles(client: Pick<KiboClient, 'getJob'>, job: KiboJob, options: WaitForExportFilesOptions): Promise<KiboJob> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXPORT_FILES_TIMEOUT_MS;
  const pollMs = options.pollIntervalMs ?? DEFAULT_EXPORT_FILES_POLL_MS;
  const giveUpAt = options.clock.now() + timeoutMs;
  let current = job;
  while (findExportFile(current) === undefined) {
    const remainingMs = giveUpAt - options.clock.now();
    if (remainingMs <= 0) {
      throw new Error(
        `Kibo export job ${job.id} is complete but listed no export file within ${formatDuration(timeoutMs)}; ` +
          'Kibo may be slow to publish it: run again later, or raise the export files timeout.',
      );
    }
    await options.clock.sleep(Math.min(pollMs, remainingMs), options.signal);
    try {
      current = await client.getJob('export', job.id);
    } catch (error) {
      // A 429 burst or a 5xx while Kibo publishes the file is no reason to fail: try again until the timeout.
      if (!isTransient(error)) throw error;
    }
  }
  return current;
}

function findFileOfType(job: KiboJob, fileType: string): DropLocation | undefined {
  return job.files.find((file) => file.fileType?.toLowerCase() === fileType);
}

export function findExportFile(job: KiboJob): DropLocation | undefined {
  return findFileOfType(job, 'export');
}

export function findLogFile(job: KiboJob): DropLocation | undefined {
  return findFileOfType(job, 'log');
}

export interface RunExportOptions extends WaitForJobOptions {
  /** The file the export zip is written to (replaced if it exists). */
  readonly destination: string;
  readonly exportFilesTimeoutMs?: number;
  readonly exportFilesPollMs?: number;
  /** Defaults to MAX_EXPORT_DOWNLOAD_BYTES. */
  readonly maxDownloadBytes?: number;
  /** Called as soon as Kibo accepted the job (to log or persist its id). */
  readonly onJobCreated?: (job: KiboJob) => void;
}

export interface ExportedFile extends DownloadedFile {
  readonly job: KiboJob;
}

/**
 * Create → wait → wait for the file → download it to `destination` → check it is a zip. Returns where
 * it is: the zip is read from disk, one entry at a time, never held whole in memory.
 */
export async function runExport(client: KiboClient, request: ExportJobRequest, options: RunExportOptions): Promise<ExportedFile> {
  const created = await client.createExportJob(request);
  options.onJobCreated?.(created);
  const { job, state } = await waitForJob(client, 'export', created.id, options);
  if (state === 'errored') throw new KiboJobFailedError('export', job);
  const withFiles = await waitForExportFiles(client, job, {
    clock: options.clock,
    timeoutMs: options.exportFilesTimeoutMs,
    pollIntervalMs: options.exportFilesPollMs,
    signal: options.signal,
  });
  const file = findExportFile(withFiles) as DropLocation; // waitForExportFiles returned only once it exists
  const what = `Kibo export job ${job.id} file ${file.fileName ?? file.id} (id ${file.id})`;
  const maxBytes = options.maxDownloadBytes ?? MAX_EXPORT_DOWNLOAD_BYTES;
  let downloaded: DownloadedFile;
  try {
    downloaded = await client.downloadFileTo(file.id, options.destination, { maxBytes });
  } catch (error) {
    if (!(error instanceof DownloadTooLargeError)) throw error;
    throw new Error(
      `${what} is larger than the export download cap of ${maxBytes} bytes (MAX_EXPORT_DOWNLOAD_BYTES): ${error.message}. ` +
        'Nothing was kept. Check in Kibo that the export holds only this sync\'s resource and fields; if the catalog ' +
        'really is this large, raise MAX_EXPORT_DOWNLOAD_BYTES (src/kibo/kibo-jobs.ts) or split the sync.',
      { cause: error },
    );
  }
  await assertReadableZip(downloaded, what);
  return { ...downloaded, job: withFiles };
}

export interface ImportJobLog {
  readonly file: DropLocation;
  /** The log file as Kibo gave it (to keep with the run), at most MAX_IMPORT_LOG_DOWNLOAD_BYTES. */
  readonly bytes: Buffer;
  readonly rows: ImportLogRow[];
}

/** The job's log rows, or an empty list when the job has no log file. */
export async function readImportJobLog(client: Pick<KiboClient, 'downloadFile'>, job: KiboJob): Promise<ImportLogRow[]> {
  return (await downloadImportJobLog(client, job))?.rows ?? [];
}

/**
 * The job's log file and its rows, or undefined when the job has none. The log is downloaded into memory
 * under its own cap and read with the import log's own zip limits (see import-log.ts); both refusals
 * name the job and the file.
 */
export async function downloadImportJobLog(client: Pick<KiboClient, 'downloadFile'>, job: KiboJob): Promise<ImportJobLog | undefined> {
  const file = findLogFile(job);
  if (file === undefined) return undefined;
  const what = `Kibo import job ${job.id} log ${file.fileName ?? file.id} (id ${file.id})`;
  let bytes: Buffer;
  try {
    bytes = await client.downloadFile(file.id, { maxBytes: MAX_IMPORT_LOG_DOWNLOAD_BYTES });
  } catch (error) {
    if (!(error instanceof DownloadTooLargeError)) throw error;
    throw new Error(
      `${what} is larger than the import log download cap of ${MAX_IMPORT_LOG_DOWNLOAD_BYTES} bytes ` +
        `(MAX_IMPORT_LOG_DOWNLOAD_BYTES): ${error.message}. A log this large means nearly every row was rejected: ` +
        'open the job in Kibo, fix the cause in the ERP data or the mapping, and run again.',
      { cause: error },
    );
  }
  return { file, bytes, rows: await parseImportLog(bytes, { source: what }) };
}
