import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulatorRoutingFetch, type FetchLike } from '../../../src/kibo/route-to-emulator.ts';

interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

interface RecordingServer {
  readonly origin: string;
  readonly port: number;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

async function startRecordingServer(name: string): Promise<RecordingServer> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ server: name, url: request.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

describe('createEmulatorRoutingFetch', () => {
  let emulator: RecordingServer;
  let elsewhere: RecordingServer;
  let routed: FetchLike;

  beforeAll(async () => {
    emulator = await startRecordingServer('emulator');
    elsewhere = await startRecordingServer('elsewhere');
  });
  afterAll(async () => {
    await emulator.close();
    await elsewhere.close();
  });
  beforeEach(() => {
    emulator.seen.length = 0;
    elsewhere.seen.length = 0;
    routed = createEmulatorRoutingFetch(`${emulator.origin}/ignored/path`);
  });

  it('sends the OAuth call for any https auth host to the emulator with path, query, method, headers and body', async () => {
    const response = await routed('https://home.kibo-emulator.test/api/platform/applications/authtickets/oauth?a=1&b=x%20y', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: 'c', client_secret: 's', grant_type: 'client_credentials' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ server: 'emulator', url: '/api/platform/applications/authtickets/oauth?a=1&b=x%20y' });
    const [request] = emulator.seen;
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body.toString('utf8') ?? '')).toEqual({ client_id: 'c', client_secret: 's', grant_type: 'client_credentials' });
  });

  it('re-points the tenant domain the lookup answered (https://127.0.0.1:PORT) at the emulator over http', async () => {
    const response = await routed(`https://127.0.0.1:${emulator.port}/api/platform/data/import?startIndex=0&pageSize=20`);
    expect(await response.json()).toEqual({ server: 'emulator', url: '/api/platform/data/import?startIndex=0&pageSize=20' });
  });

  it('re-points a host that carries another port, dropping that port', async () => {
    const response = await routed('https://t100000.sandbox.mozu.com:8443/api/platform/tenants/100000');
    expect(await response.json()).toEqual({ server: 'emulator', url: '/api/platform/tenants/100000' });
    expect(elsewhere.seen).toHaveLength(0);
  });

  it('accepts a URL object', async () => {
    const response = await routed(new URL('https://home.mozu.com/api/platform/tenants/7'));
    expect(await response.json()).toEqual({ server: 'emulator', url: '/api/platform/tenants/7' });
  });

  it('passes an upload Buffer through byte for byte', async () => {
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x0d, 0x0a, 0x80]);
    await routed('https://t1.example.test/api/platform/data/files?fileType=import&fileName=a.zip', {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: bytes,
    });
    expect(emulator.seen[0]?.body.equals(bytes)).toBe(true);
    expect(emulator.seen[0]?.url).toBe('/api/platform/data/files?fileType=import&fileName=a.zip');
  });

  it('rebuilds a Request object on the emulator origin, keeping method, headers and body', async () => {
    const request = new Request('https://home.kibo-emulator.test/api/x?y=1', {
      method: 'PUT',
      headers: { 'x-vol-tenant': '100000' },
      body: 'payload',
    });
    const response = await routed(request);
    expect(await response.json()).toEqual({ server: 'emulator', url: '/api/x?y=1' });
    expect(emulator.seen[0]?.method).toBe('PUT');
    expect(emulator.seen[0]?.headers['x-vol-tenant']).toBe('100000');
    expect(emulator.seen[0]?.body.toString('utf8')).toBe('payload');
  });

  it('leaves URLs already on the emulator origin unchanged', async () => {
    const response = await routed(`${emulator.origin}/_public/files/abc?expires=1&signature=z`);
    expect(await response.json()).toEqual({ server: 'emulator', url: '/_public/files/abc?expires=1&signature=z' });
  });

  it('leaves plain http URLs of other origins alone', async () => {
    const response = await routed(`${elsewhere.origin}/somewhere?q=1`);
    expect(await response.json()).toEqual({ server: 'elsewhere', url: '/somewhere?q=1' });
    expect(emulator.seen).toHaveLength(0);
  });

  it('calls the given base fetch with the rewritten URL', async () => {
    const calls: string[] = [];
    const base: FetchLike = (input, init) => {
      calls.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    };
    const withBase = createEmulatorRoutingFetch(emulator.origin, base);
    await withBase('https://home.kibo-emulator.test/api/platform/tenants/1');
    expect(calls).toEqual([`${emulator.origin}/api/platform/tenants/1`]);
  });

  it('rejects an emulator URL that is not an http(s) URL, naming it', () => {
    expect(() => createEmulatorRoutingFetch('127.0.0.1:8080x')).toThrow(/127\.0\.0\.1:8080x/);
    expect(() => createEmulatorRoutingFetch('not a url')).toThrow(/"not a url" is not a valid URL/);
    expect(() => createEmulatorRoutingFetch('ftp://127.0.0.1:21')).toThrow(/must start with http/);
  });
});
