// The engine's only door to Kibo's Import/Export API. Wraps the real @kibocommerce/rest-sdk on top of
// our retrying fetch (kibo-fetch.ts), works around the SDK pitfalls listed in NOTES.md, validates every
// answer into our wire types and turns every failure into a KiboApiError naming the operation.
import { Configuration } from '@kibocommerce/rest-sdk';
import { ExportApi, FilesApi, ImportApi } from '@kibocommerce/rest-sdk/clients/ImportExport/index.js';
import type { ExportJob, ImportJob } from '@kibocommerce/rest-sdk/clients/ImportExport/index.js';
import type { Clock } from '../support/clock.ts';
import { KiboApiError } from '../support/errors.ts';
import type { Logger } from '../support/logger.ts';
import { rm } from 'node:fs/promises';
import { createKiboFetch, withBodyConsumer, type BodyConsumer, type RetryInfo } from './kibo-fetch.ts';
import { DownloadTooLargeError, MAX_BUFFERED_DOWNLOAD_BYTES, readCappedBodyToBuffer, readCappedBodyToFile } from './read-capped-body.ts';
import { createEmulatorRoutingFetch } from './route-to-emulator.ts';
import { createAccessTokenRefresher } from './sdk-auth-cache.ts';
import {
  KIBO_JOB_FORMAT,
  dropLocationSchema,
  kiboJobListSchema,
  kiboJobSchema,
  parseWireValue,
  type DropLocation,
  type ExportJobRequest,
  type FetchLike,
  type ImportJobRequest,
  type JobKind,
  type KiboJob,
} from './wire-types.ts';

export const DEFAULT_PUBLIC_LINK_HOURS = 24;
export const DEFAULT_LIST_PAGE_SIZE = 20;

export interface KiboClientSettings {
  tenantId: number;
  siteId: number;
  masterCatalogId: number;
  catalogId: number;
  clientId: string;
  sharedSecret: string;
  authHost: string;
  /** When set, every https call the SDK makes goes to this emulator origin instead. */
  emulatorUrl?: string;
  requestTimeoutMs?: number;
  maxAttempts?: number;
  /** Backoff base for retries without Retry-After (doubles per attempt, full jitter). */
  retryBaseDelayMs?: number;
  /** Upper bound for one backoff pause. */
  maxRetryDelayMs?: number;
  /** Upper bound for honouring a Retry-After header. */
  maxRetryAfterMs?: number;
}

export interface KiboClientDeps {
  clock: Clock;
  logger: Logger;
  fetch?: FetchLike;
  onRetry?: (info: RetryInfo) => void;
  /** A call failed for good (after retries): for metrics. */
  onCallFailed?: (info: { readonly operation: string; readonly status?: number }) => void;
}

export interface ListJobsOptions {
  pageSize?: number;
  startIndex?: number;
  filter?: string;
}

export interface DownloadOptions {
  /** Past this many bytes the download fails with a DownloadTooLargeError (never retried). */
  readonly maxBytes?: number;
}

export interface DownloadedFile {
  readonly path: string;
  readonly bytes: number;
}

export interface KiboClient {
  uploadFile(fileName: string, zip: Buffer): Promise<DropLocation>;
  getFile(id: string): Promise<DropLocation>;
  /** Into memory, for small files (logs): capped at MAX_BUFFERED_DOWNLOAD_BYTES unless told otherwise. */
  downloadFile(id: string, options?: DownloadOptions): Promise<Buffer>;
  /**
   * Streams the file into `destination` (replacing it; a retried attempt starts it over). On failure
   * the partial file is removed and a DownloadTooLargeError is thrown as is, other failures as KiboApiError.
   */
  downloadFileTo(id: string, destination: string, options: Required<DownloadOptions>): Promise<DownloadedFile>;
  createPublicLink(id: string, hourDuration?: number): Promise<string>;
  fetchPublicLink(url: string, options?: DownloadOptions): Promise<Buffer>;
  createImportJob(job: ImportJobRequest): Promise<KiboJob>;
  getImportJob(id: string): Promise<KiboJob>;
  listImportJobs(options?: ListJobsOptions): Promise<KiboJob[]>;
  deleteImportJob(id: string): Promise<void>;
  createExportJob(job: ExportJobRequest): Promise<KiboJob>;
  getExportJob(id: string): Promise<KiboJob>;
  listExportJobs(options?: ListJobsOptions): Promise<KiboJob[]>;
  deleteExportJob(id: string): Promise<void>;
  /** getImportJob / getExportJob by kind (what the job waiters call). */
  getJob(kind: JobKind, id: string): Promise<KiboJob>;
}

export function createKiboClient(settings: KiboClientSettings, deps: KiboClientDeps): KiboClient {
  const baseFetch = deps.fetch ?? fetch;
  const routedFetch = settings.emulatorUrl ? createEmulatorRoutingFetch(settings.emulatorUrl, baseFetch) : baseFetch;
  // The Configuration needs the fetch and the fetch's 401 hook needs the Configuration: the hook reads
  // `configuration` only when a request fails, long after the const below is initialised.
  const kiboFetch = createKiboFetch({
    clock: deps.clock,
    baseFetch: routedFetch,
    requestTimeoutMs: settings.requestTimeoutMs,
    maxAttempts: settings.maxAttempts,
    baseDelayMs: settings.retryBaseDelayMs,
    maxDelayMs: settings.maxRetryDelayMs,
    maxRetryAfterMs: settings.maxRetryAfterMs,
    onRetry: (info) => {
      deps.logger.warn({ kiboRetry: info }, `Kibo ${info.method} ${info.target}: ${info.reason}, retrying`);
      deps.onRetry?.(info);
    },
    refreshAccessToken: createAccessTokenRefresher(settings.clientId, async () => {
      const token = configuration.accessToken;
      return token ? await token() : undefined;
    }),
  });
  const configuration = new Configuration({
    tenantId: settings.tenantId,
    siteId: settings.siteId,
    masterCatalog: settings.masterCatalogId,
    catalog: settings.catalogId,
    clientId: settings.clientId,
    sharedSecret: settings.sharedSecret,
    authHost: settings.authHost,
    fetchApi: kiboFetch,
  });
  return buildClient(
    { files: new FilesApi(configuration), imports: new ImportApi(configuration), exports: new ExportApi(configuration) },
    kiboFetch,
    deps.onCallFailed,
  );
}

interface SdkApis {
  readonly files: FilesApi;
  readonly imports: ImportApi;
  readonly exports: ExportApi;
}

function buildClient({ files, imports, exports }: SdkApis, kiboFetch: FetchLike, onCallFailed?: KiboClientDeps['onCallFailed']): KiboClient {
  // `operation` is a stable name (a metric label); `subject` (an id, a job name) only goes into the error text.
  const callKibo: CallKibo = async (operation, subject, call) => {
    try {
      return await call();
    } catch (error) {
      const failure = toKiboApiError(subject === '' ? operation : `${operation} ${subject}`, error);
      onCallFailed?.({ operation, ...(failure.status === undefined ? {} : { status: failure.status }) });
      throw failure;
    }
  };
  const parseJob = (operation: string, value: unknown): KiboJob => parseWireValue(kiboJobSchema, value, operation);
  const parseJobs = (operation: string, value: unknown): KiboJob[] => parseWireValue(kiboJobListSchema, value, operation);
  const client: KiboClient = {
    uploadFile: (fileName, zip) =>
      callKibo('upload file', fileName, async () => {
        // Only a Buffer goes out raw: any other body type is JSON-stringified by the SDK (NOTES.md).
        const body = Buffer.isBuffer(zip) ? zip : Buffer.from(zip);
        const answer = await files.upload({ fileType: 'import', fileName, body: body as unknown as Blob });
        return parseWireValue(dropLocationSchema, answer, 'upload file');
      }),
    getFile: (id) => callKibo('get file', id, async () => parseWireValue(dropLocationSchema, await files.get({ id }), 'get file')),
    downloadFile: async (id, options = {}) => {
      let body: Buffer = Buffer.alloc(0);
      const consume: BodyConsumer = async (response) => {
        body = await readCappedBodyToBuffer(response, options.maxBytes ?? MAX_BUFFERED_DOWNLOAD_BYTES);
      };
      await downloadThroughSdk(callKibo, files, id, consume);
      return body;
    },
    downloadFileTo: async (id, destination, options) => {
      let bytes = 0;
      const consume: BodyConsumer = async (response) => {
        bytes = await readCappedBodyToFile(response, destination, options.maxBytes);
      };
      try {
        await downloadThroughSdk(callKibo, files, id, consume);
      } catch (error) {
        await rm(destination, { force: true }); // a partial or refused file is no evidence of anything
        throw error;
      }
      return { path: destination, bytes };
    },
    createPublicLink: (id, hourDuration = DEFAULT_PUBLIC_LINK_HOURS) =>
      callKibo('create public link for file', id, async () => decodePublicLink(await files.getPublicLink({ id, hourDuration }))),
    fetchPublicLink: (url, options = {}) => fetchPublicLink(callKibo, kiboFetch, url, options.maxBytes ?? MAX_BUFFERED_DOWNLOAD_BYTES),
    createImportJob: (job) =>
      callKibo('create import job', `"${job.name}"`, async () =>
        parseJob('create import job', await imports.create({ importJob: toSdkImportJob(job) })),
      ),
    getImportJob: (id) => callKibo('get import job', id, async () => parseJob('get import job', await imports.get({ id }))),
    listImportJobs: (options = {}) =>
      callKibo('list import jobs', '', async () => parseJobs('list import jobs', await imports.list(toListRequest(options)))),
    deleteImportJob: (id) => callKibo('delete import job', id, () => imports._delete({ id })),
    createExportJob: (job) =>
      callKibo('create export job', `"${job.name}"`, async () =>
        parseJob('create export job', await exports.create({ exportJob: toSdkExportJob(job) })),
      ),
    getExportJob: (id) => callKibo('get export job', id, async () => parseJob('get export job', await exports.get({ id }))),
    listExportJobs: (options = {}) =>
      callKibo('list export jobs', '', async () => parseJobs('list export jobs', await exports.list(toListRequest(options)))),
    deleteExportJob: (id) => callKibo('delete export job', id, () => exports._delete({ id })),
    getJob: (kind, id) => (kind === 'import' ? client.getImportJob(id) : client.getExportJob(id)),
  };
  return client;
}

function toListRequest(options: ListJobsOptions): { startIndex: number; pageSize: number; filter?: string } {
  return {
    startIndex: options.startIndex ?? 0,
    pageSize: options.pageSize ?? DEFAULT_LIST_PAGE_SIZE,
    ...(options.filter === undefined ? {} : { filter: options.filter }),
  };
}

function toSdkImportJob(job: ImportJobRequest): ImportJob {
  return {
    name: job.name,
    domain: job.domain,
    resources: job.resources.map((resource) => ({
      resource: resource.resource,
      format: resource.format ?? KIBO_JOB_FORMAT,
      deleteOmitted: resource.deleteOmitted,
    })),
    files: job.files.map((file) => ({
      id: file.id,
      locationType: file.locationType ?? 'internal',
      fileName: file.fileName ?? null,
      fileType: file.fileType ?? 'import',
    })),
    ...(job.contextOverride === undefined ? {} : { contextOverride: job.contextOverride }),
  };
}

function toSdkExportJob(job: ExportJobRequest): ExportJob {
  return {
    name: job.name,
    domain: job.domain,
    format: KIBO_JOB_FORMAT,
    resources: job.resources.map((resource) => ({
      resource: resource.resource,
      format: resource.format ?? KIBO_JOB_FORMAT,
      ...(resource.fields === undefined ? {} : { fields: [...resource.fields] }),
    })),
    ...(job.contextOverride === undefined ? {} : { contextOverride: job.contextOverride }),
  };
}

/** getPublicLink() returns the raw JSON text of a string, quotes included. */
export function decodePublicLink(answer: string): string {
  const text = answer.trim();
  let url: unknown = text;
  if (text.startsWith('"')) {
    try {
      url = JSON.parse(text);
    } catch (error) {
      throw new Error(`Kibo answered a public link that is not a valid JSON string: ${text.slice(0, 80)}`, { cause: error });
    }
  }
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
    throw new Error(`Kibo answered a public link that is not an http(s) URL: ${text.slice(0, 80)}`);
  }
  return url;
}

type CallKibo = <T>(operation: string, subject: string, call: () => Promise<T>) => Promise<T>;

/**
 * download() drops the body; downloadRaw() passes our init override through to kiboFetch, which hands
 * the 2xx body to `consume` inside the attempt (timer and retries as for any GET). A body over its cap
 * surfaces as the DownloadTooLargeError itself, which names the cap; the caller adds what it was reading.
 */
async function downloadThroughSdk(callKibo: CallKibo, files: FilesApi, id: string, consume: BodyConsumer): Promise<void> {
  try {
    await callKibo('download file', id, () => files.downloadRaw({ id }, withBodyConsumer(consume)));
  } catch (error) {
    throw findCause(error, DownloadTooLargeError) ?? error;
  }
}

function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current instanceof type) return current;
  }
  return undefined;
}

async function fetchPublicLink(callKibo: CallKibo, kiboFetch: FetchLike, url: string, maxBytes: number): Promise<Buffer> {
  const shown = withoutQuery(url); // the query is a signature: keep it out of messages
  const operation = `fetch public link ${shown}`;
  let body: Buffer = Buffer.alloc(0);
  const consume: BodyConsumer = async (response) => {
    body = await readCappedBodyToBuffer(response, maxBytes);
  };
  // Plain GET, no Kibo headers: the link is presigned. Still timed out and retried by kiboFetch.
  let response: Response;
  try {
    response = await callKibo('fetch public link', shown, () => kiboFetch(url, withBodyConsumer(consume)));
  } catch (error) {
    throw findCause(error, DownloadTooLargeError) ?? error;
  }
  if (!response.ok) {
    throw new KiboApiError(
      `Kibo ${operation} failed with HTTP ${response.status}; the link may have expired: create a new one`,
      response.status,
      operation,
    );
  }
  return body;
}

function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(unparsable URL)'; // only used for messages
  }
}

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly response?: { readonly status?: unknown };
}

/** Maps SDK ResponseError / FetchError / auth errors (and our own) to one KiboApiError shape. */
export function toKiboApiError(operation: string, error: unknown): KiboApiError {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const status = typeof shape.response?.status === 'number' ? shape.response.status : error instanceof KiboApiError ? error.status : undefined;
  const inner = shape.name === 'FetchError' && shape.cause instanceof Error ? shape.cause : error;
  const message = inner instanceof Error ? inner.message : String(inner);
  // The SDK's tenant lookup throws this bare text for any non-200 answer (status lost).
  const detail =
    message === 'error fetching tenant data'
      ? `${message} (the tenant lookup at the auth host failed: check tenantId, authHost and that the application is installed on that tenant)`
      : message;
  const head = status === undefined ? `Kibo ${operation} failed` : `Kibo ${operation} failed with HTTP ${status}`;
  return new KiboApiError(`${head}: ${detail}${adviceForStatus(status)}`, status, operation, { cause: error });
}

function adviceForStatus(status: number | undefined): string {
  if (status === 401 || status === 403)
    return ' (check the Kibo clientId, shared secret and the application\'s Import/Export permissions for this tenant)';
  if (status === 404) return ' (the id is unknown to Kibo: it may have been deleted or belong to another tenant)';
  if (status === 429) return ' (Kibo kept rate-limiting after every retry: run again later or lower the sync frequency)';
  if (status !== undefined && status >= 500) return ' (Kibo had a server error: try again later)';
  return '';
}
