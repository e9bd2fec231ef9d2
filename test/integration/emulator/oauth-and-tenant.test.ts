// OAuth and tenant lookup through the real SDK: the SDK authenticates at the auth host, looks the tenant up,
// then calls https://{tenant.domain}/api, and the domain the emulator answers must lead back to it.
import { Configuration } from '@kibocommerce/rest-sdk';
import { ImportApi } from '@kibocommerce/rest-sdk/clients/ImportExport/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { createEmulatorRoutingFetch, type FetchLike } from '../../../src/kibo/route-to-emulator.ts';
import { createManualClock } from '../../../src/support/clock.ts';
import {
  AUTH_HOST,
  createSdkClients,
  fetchAccessToken,
  fetchApi,
  issueAccessToken,
  startTestEmulator,
} from './emulator-sdk-harness.ts';

interface ErrorBody {
  message?: unknown;
  errorCode?: unknown;
  applicationName?: unknown;
}

interface ResponseErrorLike {
  name?: string;
  response?: { status?: number };
}

const started: RunningEmulator[] = [];
async function start(options: Parameters<typeof startTestEmulator>[0] = {}): Promise<RunningEmulator> {
  const emulator = await startTestEmulator(options);
  started.push(emulator);
  return emulator;
}

afterAll(async () => {
  await Promise.all(started.map((emulator) => emulator.close()));
});

describe('OAuth', () => {
  it('rejects a wrong shared secret: the SDK call fails and the raw answer is a 401 JSON error', async () => {
    const emulator = await start();
    const raw = await fetchAccessToken(emulator, 'not-the-secret');
    expect(raw.status).toBe(401);
    expect(raw.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await raw.json()) as ErrorBody;
    expect(typeof body.message).toBe('string');
    expect(body.errorCode).toBeTruthy();

    const clients = createSdkClients(emulator, { sharedSecret: 'not-the-secret' });
    await expect(clients.imports.list({})).rejects.toThrow(String(body.message));
    expect(emulator.listJobs('import')).toEqual([]);
  });

  it('issues tokens the way the SDK reads them (access_token, token_type, expires_in, refresh_token)', async () => {
    const emulator = await start({ tokenTtlSeconds: 900 });
    const response = await fetchAccessToken(emulator);
    expect(response.status).toBe(200);
    const ticket = (await response.json()) as Record<string, unknown>;
    expect(typeof ticket.access_token).toBe('string');
    expect(String(ticket.token_type).toLowerCase()).toBe('bearer');
    expect(ticket.expires_in).toBe(900);
    expect(typeof ticket.refresh_token).toBe('string');
    expect(ticket.access_token).not.toBe(ticket.refresh_token);
  });

  it('answers 401 on a data call once the token has expired by the emulator clock', async () => {
    const clock = createManualClock(Date.now());
    const emulator = await start({ clock, tokenTtlSeconds: 60 });
    const token = await issueAccessToken(emulator);
    expect((await fetchApi(emulator, '/platform/data/import', token)).status).toBe(200);
    clock.advance(61_000);
    const expired = await fetchApi(emulator, '/platform/data/import', token);
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as ErrorBody).message).toEqual(expect.any(String));
  });

  it('answers 401 to an unknown bearer token and to a data call without Authorization', async () => {
    const emulator = await start();
    const bare = await fetch(`${emulator.url}/api/platform/data/import`);
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as ErrorBody).errorCode).toBeTruthy();
    const response = await fetchApi(emulator, '/platform/data/import', 'made-up-token');
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).errorCode).toBeTruthy();
  });

  it('lets the SDK call fail with a 401 ResponseError after expireAllTokens (the SDK still trusts its ticket)', async () => {
    const emulator = await start();
    const clients = createSdkClients(emulator);
    expect(await clients.imports.list({})).toEqual([]);
    emulator.expireAllTokens();
    const failure = (await clients.imports.list({}).then(
      () => undefined,
      (error: unknown) => error,
    )) as ResponseErrorLike | undefined;
    expect(failure?.name).toBe('ResponseError');
    expect(failure?.response?.status).toBe(401);
  });

  it('accepts a refresh token for a new, working access token', async () => {
    const emulator = await start();
    const first = (await (await fetchAccessToken(emulator)).json()) as { access_token: string; refresh_token: string };
    const refreshed = await fetch(`${emulator.url}/api/platform/applications/authtickets/oauth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: emulator.clientId,
        client_secret: emulator.sharedSecret,
        grant_type: 'client_credentials',
        refresh_token: first.refresh_token,
      }),
    });
    expect(refreshed.status).toBe(200);
    const ticket = (await refreshed.json()) as { access_token: string };
    expect(ticket.access_token).not.toBe(first.access_token);
    expect((await fetchApi(emulator, '/platform/data/export', ticket.access_token)).status).toBe(200);
  });

  it('lets the SDK refresh on its own when its short-lived ticket runs out', async () => {
    const emulator = await start({ tokenTtlSeconds: 1 });
    const clients = createSdkClients(emulator);
    expect(await clients.exports.list({})).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await clients.exports.list({})).toEqual([]);
  });
});

describe('tenant lookup', () => {
  it('answers the tenant with a domain that the SDK turns into its API base, which reaches the emulator', async () => {
    const emulator = await start();
    const seen: string[] = [];
    const routed = createEmulatorRoutingFetch(emulator.url);
    const recording: FetchLike = (input, init) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return routed(input, init);
    };
    const configuration = new Configuration({
      tenantId: emulator.tenantId,
      siteId: emulator.siteId,
      clientId: emulator.clientId,
      sharedSecret: emulator.sharedSecret,
      authHost: AUTH_HOST,
      fetchApi: recording,
    });
    expect(await new ImportApi(configuration).list({ pageSize: 5 })).toEqual([]);

    const token = await issueAccessToken(emulator);
    const tenantResponse = await fetchApi(emulator, `/platform/tenants/${emulator.tenantId}`, token);
    expect(tenantResponse.status).toBe(200);
    const tenant = (await tenantResponse.json()) as { id: unknown; domain: unknown; sites: { id: unknown }[] };
    expect(tenant.id).toBe(emulator.tenantId);
    expect(tenant.domain).toBe(`127.0.0.1:${emulator.port}`);
    expect(tenant.sites.map((site) => site.id)).toContain(emulator.siteId);

    expect(seen).toEqual([
      `https://${AUTH_HOST}/api/platform/applications/authtickets/oauth`,
      `https://${AUTH_HOST}/api/platform/tenants/${emulator.tenantId}`,
      `https://${String(tenant.domain)}/api/platform/data/import?pageSize=5`,
    ]);
  });

  it('answers 404 for an unknown tenant and 401 without a valid token', async () => {
    const emulator = await start();
    const token = await issueAccessToken(emulator);
    expect((await fetchApi(emulator, `/platform/tenants/${emulator.tenantId + 1}`, token)).status).toBe(404);
    expect((await fetchApi(emulator, `/platform/tenants/${emulator.tenantId}`, 'bogus')).status).toBe(401);
  });
});
