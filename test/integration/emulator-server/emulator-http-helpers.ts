// Plain-fetch helpers for the emulator server's own tests (the SDK-level suite is test/integration/emulator/).
import type { RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';

export const OAUTH_PATH = '/api/platform/applications/authtickets/oauth';

/** Two customer segments, in Kibo's dialect (CRLF between records, none after the last). */
export const SEGMENTS_CSV = 'Code,Name\r\nVIP,Very Important\r\nB2B,Business';

export interface AuthTicketJson {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
}

export async function requestTicket(
  emulator: RunningEmulator,
  body: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${emulator.url}${OAUTH_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: emulator.clientId,
      client_secret: emulator.sharedSecret,
      grant_type: 'client_credentials',
      ...body,
    }),
  });
}

export async function authenticate(emulator: RunningEmulator): Promise<string> {
  const response = await requestTicket(emulator);
  if (response.status !== 200) throw new Error(`OAuth failed with ${response.status}: ${await response.text()}`);
  return ((await response.json()) as AuthTicketJson).access_token;
}

/** A client bound to one emulator and token: `call(path, init)` → Response, with the bearer header. */
export function createApiClient(emulator: RunningEmulator, token: string) {
  const call = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${emulator.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'x-vol-tenant': String(emulator.tenantId), ...(init.headers as Record<string, string> | undefined) },
    });
  const json = async <T = Record<string, unknown>>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await call(path, init);
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  return {
    call,
    json,
    upload: (zip: Buffer, fileName = 'import.zip') =>
      json<DropLocationJson>(`/api/platform/data/files?fileType=import&fileName=${encodeURIComponent(fileName)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: zip,
      }),
    postJson: (path: string, body: unknown) =>
      call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    createImport: (fileId: string, resource = 'CustomerSegments', deleteOmitted = false) =>
      json<JobJson>('/api/platform/data/import', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'test import',
          domain: 'customer',
          resources: [{ resource, format: 'Legacy', deleteOmitted }],
          files: [{ id: fileId, locationType: 'internal', fileName: 'import.zip', fileType: 'import' }],
        }),
      }),
    createExport: (resource = 'CustomerSegments', fields: string[] = ['*']) =>
      json<JobJson>('/api/platform/data/export', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'test export', domain: 'customer', resources: [{ resource, format: 'Legacy', fields }] }),
      }),
    download: async (fileId: string): Promise<Buffer> => {
      const response = await call(`/api/platform/data/files/${fileId}/content`);
      if (!response.ok) throw new Error(`download ${fileId} answered ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

export interface DropLocationJson {
  id: string;
  locationType: string;
  fileName: string;
  fileType: string;
}

export interface JobJson {
  id: string;
  name: string;
  domain: string;
  status: string;
  statusMessage?: string;
  isComplete: boolean;
  tenant: number;
  requester: string;
  resources: { resource: string; status: string; isComplete: boolean; stateDetails?: string; deleteOmitted?: boolean }[];
  files: DropLocationJson[];
  auditInfo: { createDate: string; updateDate: string };
}

/** Polls until `check` passes or the real-time budget runs out (for the emulator's background timer). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
