import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabaseHealthCheck, pingKnex } from '../../../src/ops/database-health-check.ts';
import { startOpsServer, type HealthCheckResult, type OpsServer } from '../../../src/ops/ops-server.ts';
import { createSyncMetrics } from '../../../src/ops/sync-metrics.ts';
import { closeStateDb, createStateDb } from '../../../src/state/index.ts';
import { createSilentLogger } from '../../../src/support/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.ts';

describe('ops server over HTTP', () => {
  let server: OpsServer;
  let health: () => Promise<HealthCheckResult> = async () => ({ ok: true, detail: 'fine' });
  let ready = false;
  const registry = new Registry();
  const metrics = createSyncMetrics(registry);

  beforeAll(async () => {
    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      checkHealth: () => health(),
      isReady: () => ready,
      logger: createSilentLogger(),
      healthCheckTimeoutMs: 200,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('listens on the port it reports', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('answers /healthz 200 when the check passes and 503 with the reason when it fails, throws or hangs', async () => {
    health = async () => ({ ok: true, detail: 'state database reachable' });
    let response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', detail: 'state database reachable' });

    health = async () => ({ ok: false, detail: 'state database unreachable: ECONNREFUSED' });
    response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'failing', detail: 'state database unreachable: ECONNREFUSED' });

    health = async () => {
      throw new Error('pool destroyed');
    };
    response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { detail: string }).detail).toContain('pool destroyed');

    health = () => new Promise(() => undefined);
    response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { detail: string }).detail).toContain('within 200 ms');
  });

  it('answers /readyz from isReady', async () => {
    ready = false;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    ready = true;
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('serves the registry as Prometheus text with its content type', async () => {
    metrics.kiboCallRetried({ reason: '503', status: 503 });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('kibo_sync_kibo_retries_total{reason="503"} 1');
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
  });

  it('answers 404 for other paths', async () => {
    expect((await fetch(`${server.url}/admin`)).status).toBe(404);
  });

  it('explains a port that is already taken', async () => {
    await expect(
      startOpsServer({
        port: server.port,
        host: '127.0.0.1',
        registry: new Registry(),
        checkHealth: health,
        isReady: () => true,
        logger: createSilentLogger(),
      }),
    ).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${server.port}.*Set PORT`));
  });
});

describe('database health check', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('ops health');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('is ok while the state database answers and names the one that does not', async () => {
    const good = createStateDb(database.url);
    // Port 1 refuses connections at once: a database that is down.
    const down = createStateDb('postgres://postgres@127.0.0.1:1/nothing');
    try {
      expect(await createDatabaseHealthCheck([pingKnex('state database', good)])()).toEqual({
        ok: true,
        detail: 'state database reachable',
      });
      const failing = await createDatabaseHealthCheck([pingKnex('state database', good), pingKnex('ERP database', down)])();
      expect(failing.ok).toBe(false);
      expect(failing.detail).toMatch(/^ERP database unreachable: .*ECONNREFUSED/);
    } finally {
      await closeStateDb(good);
      await closeStateDb(down);
    }
  });
});
