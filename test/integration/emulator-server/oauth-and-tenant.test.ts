import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../../../src/support/clock.ts';
import { startEmulator, type RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { authenticate, createApiClient, requestTicket, type AuthTicketJson } from './emulator-http-helpers.ts';

describe('emulator OAuth and tenant lookup', () => {
  let clock: ManualClock;
  let emulator: RunningEmulator;

  beforeEach(async () => {
    clock = createManualClock();
    emulator = await startEmulator({ port: 0, clock, tokenTtlSeconds: 60, jobStepMs: 20 });
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('issues the ticket fields the SDK auth client reads', async () => {
    const response = await requestTicket(emulator);
    expect(response.status).toBe(200);
    const ticket = (await response.json()) as AuthTicketJson;
    expect(ticket.access_token).toMatch(/^[\w-]{40,}$/);
    expect(ticket.refresh_token).toMatch(/^[\w-]{40,}$/);
    expect(ticket.refresh_token).not.toBe(ticket.access_token);
    expect(ticket.expires_in).toBe(60);
    expect(ticket.token_type.toLowerCase()).toBe('bearer');
  });

  it('accepts a form-encoded OAuth body too (other OAuth clients send one)', async () => {
    const response = await fetch(`${emulator.url}/api/platform/applications/authtickets/oauth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: emulator.clientId, client_secret: emulator.sharedSecret, grant_type: 'client_credentials' }).toString(),
    });
    expect(response.status).toBe(200);
    const ticket = (await response.json()) as AuthTicketJson;
    expect((await createApiClient(emulator, ticket.access_token).call('/api/platform/data/import')).status).toBe(200);
  });

  it('answers wrong credentials with a 401 Kibo JSON error (the SDK throws on errorCode)', async () => {
    const wrongSecret = await requestTicket(emulator, { client_secret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ errorCode: 'UNAUTHORIZED', applicationName: 'ImportExport' });
    const wrongId = await requestTicket(emulator, { client_id: 'Someone.Else.1.0.0.Release' });
    expect(wrongId.status).toBe(401);
  });

  it('rejects a missing, unknown or expired token on data calls, with the manual clock deciding expiry', async () => {
    const noToken = await fetch(`${emulator.url}/api/platform/data/import`);
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ errorCode: 'UNAUTHORIZED' });
    expect((await createApiClient(emulator, 'made-up-token').call('/api/platform/data/import')).status).toBe(401);

    const api = createApiClient(emulator, await authenticate(emulator));
    clock.advance(59_000);
    expect((await api.call('/api/platform/data/import')).status).toBe(200);
    clock.advance(1_000);
    const expired = await api.call('/api/platform/data/import');
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { message: string }).message).toContain('expired');
  });

  it('refreshes: a valid refresh token gives a new working access token; an unknown one is refused', async () => {
    const ticket = (await (await requestTicket(emulator)).json()) as AuthTicketJson;
    clock.advance(61_000);
    const refreshed = await requestTicket(emulator, { refresh_token: ticket.refresh_token });
    expect(refreshed.status).toBe(200);
    const newTicket = (await refreshed.json()) as AuthTicketJson;
    expect(newTicket.access_token).not.toBe(ticket.access_token);
    expect((await createApiClient(emulator, newTicket.access_token).call('/api/platform/data/export')).status).toBe(200);
    expect((await createApiClient(emulator, ticket.access_token).call('/api/platform/data/export')).status).toBe(401);

    const bogus = await requestTicket(emulator, { refresh_token: 'no-such-refresh-token' });
    expect(bogus.status).toBe(401);
  });

  it('expireAllTokens and the tokenTtlSeconds fault end tokens early', async () => {
    const api = createApiClient(emulator, await authenticate(emulator));
    emulator.expireAllTokens();
    expect((await api.call('/api/platform/data/import')).status).toBe(401);

    emulator.setFaults({ tokenTtlSeconds: 5 });
    const shortLived = (await (await requestTicket(emulator)).json()) as AuthTicketJson;
    expect(shortLived.expires_in).toBe(5);
    clock.advance(5_000);
    expect((await createApiClient(emulator, shortLived.access_token).call('/api/platform/data/import')).status).toBe(401);

    const viaAdmin = createApiClient(emulator, await authenticate(emulator));
    expect((await fetch(`${emulator.url}/_emulator/expire-tokens`, { method: 'POST' })).status).toBe(204);
    expect((await viaAdmin.call('/api/platform/data/import')).status).toBe(401);
  });

  it('looks up the tenant with a domain that routes back to the emulator itself', async () => {
    const api = createApiClient(emulator, await authenticate(emulator));
    const tenant = await api.json<{
      id: number;
      domain: string;
      sites: { id: number; siteId: number; domain: string }[];
      masterCatalogs: { id: number; catalogs: { id: number }[] }[];
    }>(`/api/platform/tenants/${emulator.tenantId}`);
    expect(tenant.id).toBe(emulator.tenantId);
    expect(tenant.domain).toBe(`127.0.0.1:${emulator.port}`);
    expect(`http://${tenant.domain}`).toBe(emulator.url);
    expect(tenant.sites[0]).toMatchObject({ id: emulator.siteId, siteId: emulator.siteId });
    expect(tenant.masterCatalogs[0]?.id).toBe(emulator.masterCatalogId);
    expect(tenant.masterCatalogs[0]?.catalogs[0]?.id).toBe(emulator.catalogId);

    const health = await fetch(`http://${tenant.domain}/_emulator/health`);
    expect(health.status).toBe(200);

    const unknown = await api.call('/api/platform/tenants/424242');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ applicationName: 'ImportExport' });
    expect((await fetch(`${emulator.url}/api/platform/tenants/${emulator.tenantId}`)).status).toBe(401);
  });
});
