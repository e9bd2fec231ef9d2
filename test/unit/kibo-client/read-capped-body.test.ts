// Downloads that stream to a file through kiboFetch's body consumer, against a real local HTTP server:
// the cap (declared and counted), no retry past the cap, and a retry after a mid-body failure that
// starts the file over.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKiboFetch, withBodyConsumer, type RetryInfo } from '../../../src/kibo/kibo-fetch.ts';
import { DownloadTooLargeError, readCappedBodyToBuffer, readCappedBodyToFile } from '../../../src/kibo/read-capped-body.ts';
import { createSystemClock } from '../../../src/support/clock.ts';

const BODY = Buffer.from(Array.from({ length: 200_000 }, (_, index) => index % 251));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

type Handler = (request: IncomingMessage, response: ServerResponse, attempt: number) => void;

/** A real HTTP server; `attempt` counts requests from 1. */
async function serve(handler: Handler): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    requests += 1;
    handler(request, response, requests);
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/platform/data/files/f1/content`, requests: () => requests };
}

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'capped-body-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return path.join(dir, 'download.zip');
}

function fastFetch(retries: RetryInfo[] = []): ReturnType<typeof createKiboFetch> {
  return createKiboFetch({ clock: createSystemClock(), baseDelayMs: 5, maxDelayMs: 10, maxAttempts: 3, random: () => 0.5, onRetry: (info) => retries.push(info) });
}

/** Sends the body in 10 KB chunks without Content-Length (chunked): only counting can stop it. */
function sendChunked(response: ServerResponse, body: Buffer): void {
  response.writeHead(200, { 'content-type': 'application/zip' });
  for (let offset = 0; offset < body.length; offset += 10_000) response.write(body.subarray(offset, offset + 10_000));
  response.end();
}

describe('kiboFetch with a body consumer', () => {
  it('streams a 2xx body into the file and hands the caller an empty answer', async () => {
    const server = await serve((_request, response) => response.end(BODY));
    const destination = await tempFile();
    let bytes = 0;
    const answer = await fastFetch()(server.url, withBodyConsumer(async (response) => {
      bytes = await readCappedBodyToFile(response, destination, BODY.length);
    }));
    expect(answer.status).toBe(200);
    expect(await answer.arrayBuffer()).toHaveProperty('byteLength', 0);
    expect(bytes).toBe(BODY.length);
    expect((await readFile(destination)).equals(BODY)).toBe(true);
  });

  it('refuses a body whose Content-Length is over the cap before reading it, and does not retry', async () => {
    const server = await serve((_request, response) => response.end(BODY));
    const retries: RetryInfo[] = [];
    const error = await fastFetch(retries)(server.url, withBodyConsumer(async (response) => {
      await readCappedBodyToFile(response, await tempFile(), 1000);
    })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DownloadTooLargeError);
    expect(error).toMatchObject({ bytes: BODY.length, maxBytes: 1000, declared: true });
    expect((error as Error).message).toBe(`the body declares ${BODY.length} bytes (Content-Length), more than the cap of 1000 bytes`);
    expect(server.requests()).toBe(1);
    expect(retries).toEqual([]);
  });

  it('stops a body without Content-Length as soon as it passes the cap (file and memory alike)', async () => {
    const server = await serve((_request, response) => sendChunked(response, BODY));
    const toFile = await fastFetch()(server.url, withBodyConsumer(async (response) => {
      await readCappedBodyToFile(response, await tempFile(), 25_000);
    })).catch((caught: unknown) => caught);
    expect(toFile).toMatchObject({ name: 'DownloadTooLargeError', maxBytes: 25_000, declared: false });
    // Stopped at the first chunk past the cap (how TCP cut the chunks varies), long before the end.
    expect((toFile as DownloadTooLargeError).bytes).toBeGreaterThan(25_000);
    expect((toFile as DownloadTooLargeError).bytes).toBeLessThan(BODY.length);
    const toMemory = await fastFetch()(server.url, withBodyConsumer(async (response) => {
      await readCappedBodyToBuffer(response, 25_000);
    })).catch((caught: unknown) => caught);
    expect(toMemory).toMatchObject({ name: 'DownloadTooLargeError', maxBytes: 25_000, declared: false });
    expect(server.requests()).toBe(2); // one each: a cap is never retried
  });

  it('retries a download cut mid-body and starts the file over: the file is the body, not half plus the body', async () => {
    const server = await serve((_request, response, attempt) => {
      response.writeHead(200, { 'content-length': String(BODY.length) });
      if (attempt > 1) return response.end(BODY);
      // Half the body, time for it to reach the file, then the connection drops.
      response.write(BODY.subarray(0, BODY.length / 2), () => setTimeout(() => response.socket?.destroy(), 100));
    });
    const destination = await tempFile();
    const retries: RetryInfo[] = [];
    const answer = await fastFetch(retries)(server.url, withBodyConsumer(async (response) => {
      await readCappedBodyToFile(response, destination, BODY.length);
    }));
    expect(answer.status).toBe(200);
    expect(server.requests()).toBe(2);
    expect(retries.map((retry) => retry.reason)).toEqual(['network-error']);
    expect((await readFile(destination)).equals(BODY)).toBe(true);
  });

  it('buffers non-2xx answers as before (the consumer only ever sees a success)', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"message":"no such file"}');
    });
    let called = false;
    const answer = await fastFetch()(server.url, withBodyConsumer(async () => {
      called = true;
    }));
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({ message: 'no such file' });
    expect(called).toBe(false);
  });
});
