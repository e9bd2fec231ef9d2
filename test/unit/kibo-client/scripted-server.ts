// A real local HTTP server that answers from a script, one step per request, and records what it got.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface ScriptedAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Wait this long before sending headers (a slow server). */
  readonly delayMs?: number;
}

export type ScriptStep = ScriptedAnswer | ((request: RecordedRequest) => ScriptedAnswer);

export interface ScriptedServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Answers `steps` in order; once they run out, repeats the last one. */
export async function startScriptedServer(steps: readonly ScriptStep[]): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: RecordedRequest = {
        method: incoming.method ?? 'GET',
        url: incoming.url ?? '/',
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      const step = steps[Math.min(requests.length - 1, steps.length - 1)];
      if (step === undefined) throw new Error('startScriptedServer needs at least one step');
      const answer = typeof step === 'function' ? step(request) : step;
      if (!answer.delayMs) return send(outgoing, answer);
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(outgoing, answer);
      }, answer.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(outgoing: ServerResponse, answer: ScriptedAnswer): void {
  if (outgoing.destroyed) return;
  const body = answer.body ?? '';
  outgoing.writeHead(answer.status, { 'content-length': String(Buffer.byteLength(body)), ...answer.headers });
  outgoing.end(body);
}

export const jsonAnswer = (status: number, value: unknown, headers: Record<string, string> = {}): ScriptedAnswer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});
