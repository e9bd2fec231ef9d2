import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAlertNotifier, type AlertPayload } from '../../../src/ops/alert-notifier.ts';
import { loadLastAlertStatus } from '../../../src/ops/load-last-alert-status.ts';
import { finishRun, startRun, type FinishedRunStatus } from '../../../src/state/index.ts';
import { createManualClock } from '../../../src/support/clock.ts';
import { createLogger, createSilentLogger } from '../../../src/support/logger.ts';
import type { SyncOutcome, SyncRunSummary } from '../../../src/sync/sync-summary.ts';
import { createMigratedStateDb, type StateTestDb } from '../state/state-test-db.ts';

interface CapturedPost {
  readonly body: AlertPayload;
  readonly contentType: string | undefined;
  readonly receivedAt: number;
}

/** A webhook receiver on a free local port; `respond` decides each answer (default 204). */
async function startWebhook(): Promise<{
  url: string;
  posts: CapturedPost[];
  setResponder(responder: (request: IncomingMessage, response: ServerResponse) => void): void;
  close(): Promise<void>;
}> {
  const posts: CapturedPost[] = [];
  let responder = (_request: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(204).end();
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      posts.push({
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as AlertPayload,
        contentType: request.headers['content-type'],
        receivedAt: Date.now(),
      });
      responder(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/T000/secret-token`,
    posts,
    setResponder: (next) => {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let runIds = 100;
function summary(sync: string, status: SyncOutcome, extra: Partial<SyncRunSummary> = {}): SyncRunSummary {
  runIds += 1;
  return {
    sync,
    resource: 'ProductCatalog',
    runId: runIds,
    status,
    counts: { source: 5 },
    bytesUploaded: 0,
    stageDurationsMs: {},
    violations: [],
    files: {},
    startedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

function captureLogs(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw.push(chunk.toString());
      callback();
    },
  });
  return {
    logger: createLogger({ destination, level: 'info' }),
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('alert notifier against a real webhook', () => {
  let webhook: Awaited<ReturnType<typeof startWebhook>>;
  const clock = createManualClock(Date.UTC(2026, 2, 1, 12));
  beforeAll(async () => {
    webhook = await startWebhook();
  });
  afterEach(() => {
    webhook.posts.length = 0;
    webhook.setResponder((_request, response) => response.writeHead(204).end());
  });
  afterAll(async () => {
    await webhook.close();
  });

  const notifierWith = (previous: SyncOutcome | undefined, options: { timeoutMs?: number } = {}) =>
    createAlertNotifier({
      url: webhook.url,
      logger: createSilentLogger(),
      clock,
      loadLastStatus: async () => previous,
      ...options,
    });

  it('sends one alert for a run of failures, then one recovery', async () => {
    const notifier = notifierWith('succeeded');
    notifier.runFinished(summary('products', 'failed', { error: 'Kibo import job failed' }));
    notifier.runFinished(summary('products', 'failed', { error: 'Kibo import job failed again' }));
    notifier.runFinished(summary('products', 'stuck'));
    notifier.runFinished(summary('products', 'succeeded'));
    notifier.runFinished(summary('products', 'succeeded'));
    await notifier.whenIdle();
    expect(webhook.posts.map((post) => [post.body.event, post.body.status, post.body.previousStatus])).toEqual([
      ['failed', 'failed', 'succeeded'],
      ['recovered', 'succeeded', 'stuck'],
    ]);
    expect(webhook.posts[0]?.contentType).toBe('application/json');
    expect(webhook.posts[0]?.body).toMatchObject({
      sync: 'products',
      error: 'Kibo import job failed',
      counts: { source: 5 },
      at: '2026-03-01T12:00:00.000Z',
    });
  });

  it('sends nothing while a sync keeps succeeding, and ignores dry runs, skips and lock misses', async () => {
    const notifier = notifierWith('succeeded');
    notifier.runFinished(summary('products', 'succeeded'));
    notifier.runFinished(summary('products', 'dry_run'));
    notifier.runFinished(summary('products', 'locked', { runId: undefined }));
    notifier.runFinished(summary('products', 'skipped'));
    notifier.runFinished(summary('products', 'succeeded'));
    await notifier.whenIdle();
    expect(webhook.posts).toEqual([]);
  });

  it('sends a blocked alert with the plan and violations, and a recovery once the plan goes through', async () => {
    const notifier = notifierWith(undefined);
    const violations = [{ guard: 'maxDeletes' as const, message: 'would delete 900 of 1000 rows', sampleKeys: ['SKU-1'] }];
    notifier.runFinished(summary('prices', 'blocked', { planId: 'plan-abc', violations }));
    notifier.runFinished(summary('prices', 'blocked', { planId: 'plan-abd', violations }));
    notifier.runFinished(summary('prices', 'succeeded'));
    await notifier.whenIdle();
    expect(webhook.posts.map((post) => post.body.event)).toEqual(['blocked', 'recovered']);
    expect(webhook.posts[0]?.body).toMatchObject({ planId: 'plan-abc', violations, previousStatus: null });
  });

  it('keeps state per sync and sends each sync’s alerts in run order, one at a time', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    webhook.setResponder((_request, response) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        response.writeHead(200).end();
      }, 30);
    });
    const notifier = notifierWith('succeeded');
    notifier.runFinished(summary('products', 'failed'));
    notifier.runFinished(summary('products', 'succeeded'));
    notifier.runFinished(summary('products', 'blocked'));
    notifier.runFinished(summary('products', 'succeeded'));
    await notifier.whenIdle();
    expect(webhook.posts.map((post) => post.body.event)).toEqual(['failed', 'recovered', 'blocked', 'recovered']);
    expect(maxInFlight).toBe(1);
  });

  it('logs and swallows a webhook that refuses, hangs or is down, and never logs the webhook path', async () => {
    const logs = captureLogs();
    const make = (url: string) =>
      createAlertNotifier({ url, logger: logs.logger, clock, loadLastStatus: async () => 'succeeded', timeoutMs: 150 });

    webhook.setResponder((_request, response) => response.writeHead(500).end('nope'));
    const refusing = make(webhook.url);
    expect(() => refusing.runFinished(summary('products', 'failed'))).not.toThrow();
    await refusing.whenIdle();

    webhook.setResponder(() => undefined); // never answers
    const hanging = make(webhook.url);
    hanging.runFinished(summary('products', 'failed'));
    await hanging.whenIdle();

    const down = make('http://127.0.0.1:1/hook?token=abc');
    down.runFinished(summary('products', 'failed'));
    await down.whenIdle();

    const warnings = logs.lines().filter((line) => line.level === 40);
    expect(warnings.map((line) => line.msg)).toEqual([
      'alert webhook refused the alert',
      'alert webhook unreachable',
      'alert webhook unreachable',
    ]);
    expect(warnings[0]).toMatchObject({ status: 500, event: 'failed', sync: 'products' });
    const allLogs = JSON.stringify(logs.lines());
    expect(allLogs).not.toContain('secret-token');
    expect(allLogs).not.toContain('token=abc');
  });

  it('treats a failing history lookup as unknown: failures still alert', async () => {
    const notifier = createAlertNotifier({
      url: webhook.url,
      logger: createSilentLogger(),
      clock,
      loadLastStatus: async () => {
        throw new Error('state database down');
      },
    });
    notifier.runFinished(summary('products', 'aborted'));
    await notifier.whenIdle();
    expect(webhook.posts.map((post) => post.body.event)).toEqual(['failed']);
  });
});

describe('alert notifier with history from the state database', () => {
  let state: StateTestDb;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;
  beforeAll(async () => {
    state = await createMigratedStateDb('ops alerts');
    webhook = await startWebhook();
  });
  afterAll(async () => {
    await webhook.close();
    await state.close();
  });

  async function recordRun(sync: string, status: FinishedRunStatus, minute: number): Promise<number> {
    const run = await startRun(state.db, {
      sync,
      trigger: 'schedule',
      resync: false,
      dryRun: status === 'dry_run',
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)),
    });
    await finishRun(state.db, run.id, { status, finishedAt: new Date(Date.UTC(2026, 0, 1, 0, minute, 30)) });
    return run.id;
  }

  it('finds the last health-relevant status before a run, skipping dry runs and the run itself', async () => {
    await recordRun('customers', 'failed', 1);
    await recordRun('customers', 'dry_run', 2);
    const current = await recordRun('customers', 'succeeded', 3);
    expect(await loadLastAlertStatus(state.db, 'customers', current)).toBe('failed');
    expect(await loadLastAlertStatus(state.db, 'customers')).toBe('succeeded');
    expect(await loadLastAlertStatus(state.db, 'nobody')).toBeUndefined();
  });

  it('sends a recovery after a restart when the last recorded run failed, loading history once per sync', async () => {
    await recordRun('inventory', 'succeeded', 1);
    await recordRun('inventory', 'blocked', 2);
    const recovered = await recordRun('inventory', 'succeeded', 3);
    const again = await recordRun('inventory', 'succeeded', 4);
    const lookups: string[] = [];
    const notifier = createAlertNotifier({
      url: webhook.url,
      logger: createSilentLogger(),
      clock: createManualClock(),
      loadLastStatus: (sync, beforeRunId) => {
        lookups.push(sync);
        return loadLastAlertStatus(state.db, sync, beforeRunId);
      },
    });
    notifier.runFinished(summary('inventory', 'succeeded', { runId: recovered }));
    notifier.runFinished(summary('inventory', 'succeeded', { runId: again }));
    await notifier.whenIdle();
    expect(lookups).toEqual(['inventory']);
    expect(webhook.posts.map((post) => [post.body.event, post.body.runId, post.body.previousStatus])).toEqual([
      ['recovered', recovered, 'blocked'],
    ]);
  });
});
