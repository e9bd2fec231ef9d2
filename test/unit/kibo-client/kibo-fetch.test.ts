import { createServer as createHttpServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration } from '@kibocommerce/rest-sdk';
import { ImportApi } from '@kibocommerce/rest-sdk/clients/ImportExport/index.js';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { createSystemClock } from '../../../src/support/clock.ts';
import { KiboApiError } from '../../../src/support/errors.ts';
import { computeBackoffMs, createKiboFetch, parseRetryAfterMs, type KiboFetchOptions, type RetryInfo } from '../../../src/kibo/kibo-fetch.ts';
import { jsonAnswer, startScriptedServer, type ScriptStep, type ScriptedServer } from './scripted-server.ts';

const clock = createSystemClock();
const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(steps: readonly ScriptStep[]): Promise<ScriptedServer> {
  const server = await startScriptedServer(steps);
  servers.push(server);
  return server;
}

function fastFetch(overrides: Partial<KiboFetchOptions> = {}): { fetch: ReturnType<typeof createKiboFetch>; retries: RetryInfo[] } {
  const retries: RetryInfo[] = [];
  const kiboFetch = createKiboFetch({
    clock,
    baseDelayMs: 10,
    maxDelayMs: 40,
    maxAttempts: 4,
    requestTimeoutMs: 2_000,
    random: () => 0.5,
    onRetry: (info) => retries.push(info),
    ...overrides,
  });
  return { fetch: kiboFetch, retries };
}

const EMPTY_429 = { status: 429, headers: { 'retry-after': '1' } };
const OK = jsonAnswer(200, { ok: true });

describe('createKiboFetch retries', () => {
  it('honours Retry-After (seconds) on an empty-bodied 429 and then succeeds', async () => {
    const server = await serve([EMPTY_429, OK]);
    const { fetch, retries } = fastFetch();
    const started = Date.now();
    const response = await fetch(`${server.url}/api/platform/data/import/1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
    expect(retries).toEqual([
      { method: 'GET', target: `${server.url}/api/platform/data/import/1`, attempt: 1, maxAttempts: 4, delayMs: 1000, reason: 'rate-limited', status: 429 },
    ]);
  });

  it('retries a POST on 429 (not processed) and resends the same Buffer body', async () => {
    const server = await serve([{ status: 429, headers: { 'retry-after': '0' } }, jsonAnswer(200, { id: 'f1' })]);
    const { fetch } = fastFetch();
    const zipBytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0x00, 0x10]);
    const response = await fetch(`${server.url}/api/platform/data/files?fileType=import`, { method: 'POST', body: zipBytes });
    expect(response.status).toBe(200);
    expect(server.requests.map((request) => request.method)).toEqual(['POST', 'POST']);
    expect(server.requests[1]?.body.equals(zipBytes)).toBe(true);
  });

  it('retries GET on 503 and 502 with jittered exponential backoff', async () => {
    const server = await serve([jsonAnswer(503, { message: 'busy' }), { status: 502, body: '<html>bad gateway</html>' }, OK]);
    const { fetch, retries } = fastFetch();
    const response = await fetch(`${server.url}/api/platform/data/export/7`);
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(3);
    // random 0.5 of min(40, 10 * 2^(attempt-1)): 5 then 10
    expect(retries.map((retry) => [retry.reason, retry.status, retry.delayMs])).toEqual([
      ['server-error', 503, 5],
      ['server-error', 502, 10],
    ]);
  });

  it('never retries a POST on 503: one request, the JSON error handed back', async () => {
    const server = await serve([jsonAnswer(503, { message: 'try later', errorCode: 'SERVICE_UNAVAILABLE' }), OK]);
    const { fetch, retries } = fastFetch();
    const response = await fetch(`${server.url}/api/platform/data/import`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: 'try later', errorCode: 'SERVICE_UNAVAILABLE' });
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('after the last attempt turns an empty error body into JSON that keeps the status', async () => {
    const server = await serve([{ status: 503 }]);
    const { fetch } = fastFetch({ maxAttempts: 3 });
    const response = await fetch(`${server.url}/api/platform/data/files/abc`);
    expect(server.requests).toHaveLength(3);
    expect(response.status).toBe(503);
    const body = JSON.parse(await response.text()) as { message: string; errorCode: string };
    expect(body.errorCode).toBe('HTTP_503');
    expect(body.message).toContain(`GET ${server.url}/api/platform/data/files/abc answered HTTP 503`);
    expect(body.message).toContain('empty body');
  });

  it('lets the real SDK report a final empty-bodied 429 as a ResponseError with status 429, not a SyntaxError', async () => {
    const server = await serve([{ status: 429, headers: { 'retry-after': '0' } }]);
    const { fetch } = fastFetch({ maxAttempts: 2 });
    const configuration = new Configuration({ tenantId: 1, accessToken: 'static-token', apiHost: server.url, fetchApi: fetch });
    const error = await new ImportApi(configuration).get({ id: 'job-1' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ResponseError', response: { status: 429 } });
    expect((error as Error).message).toContain('HTTP 429');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer static-token');
  });
});

describe('createKiboFetch timeouts and network errors', () => {
  it('times a slow GET out and retries it, then fails with a KiboApiError naming the call', async () => {
    const server = await serve([{ ...OK, delayMs: 1_500 }]);
    const { fetch, retries } = fastFetch({ requestTimeoutMs: 100, maxAttempts: 2 });
    const error = await fetch(`${server.url}/api/platform/data/import/9?x=secret`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KiboApiError);
    expect((error as KiboApiError).message).toContain(`GET ${server.url}/api/platform/data/import/9 timed out after 100 ms`);
    expect((error as KiboApiError).message).not.toContain('secret');
    expect(retries.map((retry) => retry.reason)).toEqual(['timeout']);
    expect(server.requests).toHaveLength(2);
  });

  it('times out a server that sends headers and then stalls mid-body, and retries the GET', async () => {
    const sockets = new Set<Socket>();
    const stalling = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"partial'); // and never the rest
    });
    stalling.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const { port } = stalling.address() as AddressInfo;
    try {
      const { fetch, retries } = fastFetch({ requestTimeoutMs: 150, maxAttempts: 2 });
      const startedAt = Date.now();
      const error = await fetch(`http://127.0.0.1:${port}/api/platform/data/import/9`).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(KiboApiError);
      expect((error as KiboApiError).message).toContain('timed out after 150 ms');
      expect(retries.map((retry) => retry.reason)).toEqual(['timeout']);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => stalling.close(() => resolve()));
    }
  });

  it('retries the OAuth token POST on 503: asking for a token again changes nothing', async () => {
    const server = await serve([jsonAnswer(503, { message: 'busy' }), OK]);
    const { fetch, retries } = fastFetch();
    const response = await fetch(`${server.url}/api/platform/applications/authtickets/oauth`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(retries.map((retry) => retry.reason)).toEqual(['server-error']);
  });

  it('does not retry a POST that timed out (it may have been processed)', async () => {
    const server = await serve([{ ...OK, delayMs: 1_500 }]);
    const { fetch, retries } = fastFetch({ requestTimeoutMs: 100 });
    const error = await fetch(`${server.url}/api/platform/data/import`, { method: 'POST', body: '{}' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KiboApiError);
    expect((error as Error).message).toMatch(/not retried because a POST may already have been processed/);
    expect(retries).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('gives a request with a large body more time (headers come only after the upload)', async () => {
    const server = await serve([{ ...OK, delayMs: 400 }]);
    const { fetch } = fastFetch({ requestTimeoutMs: 100 });
    // 512 KiB at MIN_UPLOAD_BYTES_PER_SECOND adds a second to the 100 ms.
    const response = await fetch(`${server.url}/api/platform/data/files`, { method: 'POST', body: Buffer.alloc(512 * 1024) });
    expect(response.status).toBe(200);
    expect(server.requests[0]?.body.length).toBe(512 * 1024);
  });

  it('retries a GET whose connection is refused, then reports it', async () => {
    const port = await findClosedPort();
    const { fetch, retries } = fastFetch({ maxAttempts: 3 });
    const error = await fetch(`http://127.0.0.1:${port}/api/platform/data/files/1`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KiboApiError);
    expect((error as KiboApiError).status).toBeUndefined();
    expect(retries.map((retry) => retry.reason)).toEqual(['network-error', 'network-error']);
  });

  it('stops at once when the caller aborts', async () => {
    const server = await serve([{ ...OK, delayMs: 1_500 }]);
    const { fetch, retries } = fastFetch();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutdown requested')), 50);
    const started = Date.now();
    await expect(fetch(`${server.url}/api/x`, { signal: controller.signal })).rejects.toThrow('shutdown requested');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(retries).toEqual([]);
  });
});

describe('createKiboFetch 401 handling', () => {
  it('asks for a fresh token once and resends with it', async () => {
    const server = await serve([
      (request) => (request.headers.authorization === 'Bearer fresh' ? OK : jsonAnswer(401, { message: 'expired token' })),
    ]);
    const rejected: string[] = [];
    const { fetch, retries } = fastFetch({
      refreshAccessToken: async (token) => {
        rejected.push(token);
        return 'fresh';
      },
    });
    const response = await fetch(`${server.url}/api/platform/data/import`, {
      method: 'POST',
      headers: { Authorization: 'Bearer stale', 'x-vol-tenant': '5' },
      body: '{"name":"n"}',
    });
    expect(response.status).toBe(200);
    expect(rejected).toEqual(['stale']);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(server.requests[1]?.headers['x-vol-tenant']).toBe('5');
    expect(server.requests[1]?.body.toString()).toBe('{"name":"n"}');
    expect(retries.map((retry) => retry.reason)).toEqual(['unauthorized']);
  });

  it('gives a second 401 back (no refresh loop), and never refreshes calls without a Bearer token', async () => {
    const server = await serve([jsonAnswer(401, { message: 'no' })]);
    let refreshes = 0;
    const { fetch } = fastFetch({
      refreshAccessToken: async () => {
        refreshes += 1;
        return 'also-rejected';
      },
    });
    const withToken = await fetch(`${server.url}/api/a`, { headers: { authorization: 'Bearer one' } });
    expect(withToken.status).toBe(401);
    expect(await withToken.json()).toEqual({ message: 'no' });
    const oauth = await fetch(`${server.url}/api/platform/applications/authtickets/oauth`, { method: 'POST', body: '{}' });
    expect(oauth.status).toBe(401);
    expect(refreshes).toBe(1);
    expect(server.requests).toHaveLength(3);
  });
});

describe('retry arithmetic', () => {
  it('parses Retry-After seconds and HTTP dates, capped and never negative', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(parseRetryAfterMs('60', now, 120_000)).toBe(60_000);
    expect(parseRetryAfterMs('600', now, 120_000)).toBe(120_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 12:00:30 GMT', now, 120_000)).toBe(30_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 11:00:00 GMT', now, 120_000)).toBe(0);
    expect(parseRetryAfterMs(null, now, 120_000)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now, 120_000)).toBeUndefined();
  });

  it('draws full-jitter backoff below a doubling, capped ceiling', () => {
    expect(computeBackoffMs(1, 500, 30_000, () => 0.999)).toBe(499);
    expect(computeBackoffMs(4, 500, 30_000, () => 0.5)).toBe(2_000);
    expect(computeBackoffMs(20, 500, 30_000, () => 0.5)).toBe(15_000);
    expect(computeBackoffMs(3, 500, 30_000, () => 0)).toBe(0);
  });
});

async function findClosedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
