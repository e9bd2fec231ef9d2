// Drives a Kibo emulator the way a real client drives Kibo: the real @kibocommerce/rest-sdk, real OAuth and
// tenant lookup, real HTTP. Every emulator gets a fresh tenantId and clientId because the SDK caches auth
// tickets per clientId and tenant data per tenantId in module-level maps.
import { randomInt, randomUUID } from 'node:crypto';
import { Configuration } from '@kibocommerce/rest-sdk';
import {
  ExportApi,
  FilesApi,
  ImportApi,
  type DropLocation,
  type ExportJob,
  type ExportResource,
  type ImportJob,
  type ImportResource,
} from '@kibocommerce/rest-sdk/clients/ImportExport/index.js';
import { parse } from 'csv-parse/sync';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { createEmulatorRoutingFetch, type FetchLike } from '../../../src/kibo/route-to-emulator.ts';
import { createSilentLogger } from '../../../src/support/logger.ts';
import { readZip } from '../../helpers/kibo-zip-fixtures.ts';

export const AUTH_HOST = 'home.kibo-emulator.test';
export const SHARED_SECRET = 'conformance-shared-secret';
export const TEST_JOB_STEP_MS = 20;
const POLL_INTERVAL_MS = 10;
const JOB_TIMEOUT_MS = 10_000;

export function createUniqueIdentity(): { tenantId: number; clientId: string } {
  return { tenantId: randomInt(200_000, 2_000_000_000), clientId: `Conformance.${randomUUID()}.1.0.0.Release` };
}

/** An emulator on a free port with a unique tenant and client, short job steps, and a silent logger. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    port: 0,
    sharedSecret: SHARED_SECRET,
    jobStepMs: TEST_JOB_STEP_MS,
    logger: createSilentLogger(),
    ...createUniqueIdentity(),
    ...options,
  });
}

export interface SdkClients {
  readonly configuration: Configuration;
  readonly files: FilesApi;
  readonly imports: ImportApi;
  readonly exports: ExportApi;
}

export interface SdkOverrides {
  readonly clientId?: string;
  readonly sharedSecret?: string;
  /** Sees every request after routing (the fetch under the router). */
  readonly baseFetch?: FetchLike;
}

/** What a client needs to know about an emulator (a RunningEmulator, or one started by the CLI). */
export type EmulatorEndpoint = Pick<
  RunningEmulator,
  'url' | 'tenantId' | 'siteId' | 'masterCatalogId' | 'catalogId' | 'clientId' | 'sharedSecret'
>;

export function createSdkClients(emulator: EmulatorEndpoint, overrides: SdkOverrides = {}): SdkClients {
  const configuration = new Configuration({
    tenantId: emulator.tenantId,
    siteId: emulator.siteId,
    masterCatalog: emulator.masterCatalogId,
    catalog: emulator.catalogId,
    clientId: overrides.clientId ?? emulator.clientId,
    sharedSecret: overrides.sharedSecret ?? emulator.sharedSecret,
    authHost: AUTH_HOST,
    fetchApi: createEmulatorRoutingFetch(emulator.url, overrides.baseFetch),
  });
  return {
    configuration,
    files: new FilesApi(configuration),
    imports: new ImportApi(configuration),
    exports: new ExportApi(configuration),
  };
}

/** Uploads zip bytes; the SDK sends only a Buffer raw (its type says Blob). */
export function uploadZip(clients: SdkClients, zip: Buffer, fileName = 'catalog.zip'): Promise<DropLocation> {
  return clients.files.upload({ fileType: 'import', fileName, body: zip as unknown as Blob });
}

/** The bytes of a stored file through FilesApi.downloadRaw (download() drops the body). */
export async function downloadFile(clients: SdkClients, id: string): Promise<Buffer> {
  const response = await clients.files.downloadRaw({ id });
  return Buffer.from(await response.raw.arrayBuffer());
}

/** The public link for a file, JSON-decoded (the SDK hands back the JSON text, quotes included). */
export async function getPublicLink(clients: SdkClients, id: string): Promise<string> {
  const text = await clients.files.getPublicLink({ id, hourDuration: 24 });
  const link: unknown = JSON.parse(text);
  if (typeof link !== 'string') throw new Error(`generatelink answered ${text}, not a JSON string`);
  return link;
}

export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

export async function runImport(
  clients: SdkClients,
  zip: Buffer,
  resources: readonly ImportResource[],
  domain = 'catalog',
): Promise<ImportJob> {
  const file = await uploadZip(clients, zip);
  const created = await clients.imports.create({
    importJob: { name: 'conformance import', domain, resources: [...resources], files: [file] },
  });
  const id = created.id ?? '';
  return waitFor(() => clients.imports.get({ id }), (job) => job.isComplete === true, `import job ${id}`);
}

/** Runs an export to completion and waits until its export file is listed (files can lag isComplete). */
export async function runExport(
  clients: SdkClients,
  resources: readonly ExportResource[],
  domain = 'catalog',
): Promise<ExportJob> {
  const created = await clients.exports.create({
    exportJob: { name: 'conformance export', domain, resources: [...resources] },
  });
  const id = created.id ?? '';
  return waitFor(
    () => clients.exports.get({ id }),
    (job) => job.isComplete === true && (job.status === 'errored' || findFile(job, 'export') !== undefined),
    `export job ${id} and its file`,
  );
}

export function findFile(job: ImportJob | ExportJob, fileType: string): DropLocation | undefined {
  return job.files?.find((file) => file.fileType === fileType);
}

/** Export → generatelink → plain fetch of the public link (no Kibo headers) → the zip bytes. */
export async function exportZip(clients: SdkClients, resources: readonly ExportResource[], domain = 'catalog'): Promise<Buffer> {
  const job = await runExport(clients, resources, domain);
  const file = findFile(job, 'export');
  if (job.status !== 'complete' || !file?.id) throw new Error(`export did not complete: ${JSON.stringify(job)}`);
  const link = await getPublicLink(clients, file.id);
  const response = await fetch(link);
  if (response.status !== 200) throw new Error(`public link ${link} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The one CSV entry of an export zip whose name matches case-insensitively. */
export async function exportedCsv(zip: Buffer, fileName: string): Promise<string> {
  const entries = await readZip(zip);
  const name = Object.keys(entries).find((entry) => entry.toLowerCase() === fileName.toLowerCase());
  if (name === undefined) throw new Error(`no ${fileName} in export zip; it holds ${Object.keys(entries).join(', ')}`);
  return entries[name] ?? '';
}

/** Header spelling-insensitive view of a CSV, parsed with csv-parse (independently of the project's codec). */
export function rowsByNormalizedHeader(csv: string): Record<string, string>[] {
  const records = parse(csv, { relax_column_count: false }) as string[][];
  const [header = [], ...rows] = records;
  const keys = header.map(normalizeHeaderForTest);
  return rows.map((row) => Object.fromEntries(keys.map((key, index) => [key, row[index] ?? ''])));
}

export function normalizeHeaderForTest(header: string): string {
  return header.replace(/\s+/g, '').toLowerCase();
}

/** The status of a raw HTTP call with a token from a fresh OAuth call (to see what the SDK hides). */
export async function fetchAccessToken(emulator: RunningEmulator, sharedSecret = emulator.sharedSecret): Promise<Response> {
  return fetch(`${emulator.url}/api/platform/applications/authtickets/oauth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: emulator.clientId, client_secret: sharedSecret, grant_type: 'client_credentials' }),
  });
}

export async function issueAccessToken(emulator: RunningEmulator): Promise<string> {
  const response = await fetchAccessToken(emulator);
  const body = (await response.json()) as { access_token?: unknown };
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`OAuth answered ${response.status} ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

export function fetchApi(emulator: RunningEmulator, path: string, token: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${emulator.url}/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'x-vol-tenant': String(emulator.tenantId), ...init.headers },
  });
}
