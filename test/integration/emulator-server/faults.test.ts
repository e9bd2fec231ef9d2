import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../../../src/support/clock.ts';
import { startEmulator, type RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { buildZip, readZip } from '../../helpers/kibo-zip-fixtures.ts';
import { SEGMENTS_CSV, authenticate, createApiClient, type ApiClient, type JobJson } from './emulator-http-helpers.ts';

const STEP_MS = 100;

describe('emulator fault injection', () => {
  let clock: ManualClock;
  let emulator: RunningEmulator;
  let api: ApiClient;

  beforeEach(async () => {
    clock = createManualClock();
    emulator = await startEmulator({ port: 0, clock, jobStepMs: STEP_MS });
    api = createApiClient(emulator, await authenticate(emulator));
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('answers every Nth /api call with 429, an empty body, Content-Length 0 and Retry-After', async () => {
    emulator.setFaults({ rateLimitEveryN: 3, retryAfterSeconds: 7 });
    const statuses: number[] = [];
    for (let call = 1; call <= 6; call += 1) {
      const response = await api.call('/api/platform/data/import');
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get('retry-after')).toBe('7');
        expect(response.headers.get('content-length')).toBe('0');
        expect(await response.text()).toBe('');
      } else {
        await response.arrayBuffer();
      }
    }
    expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
    // Outside /api (admin, public links) nothing is throttled.
    for (let call = 0; call < 3; call += 1) expect((await fetch(`${emulator.url}/_emulator/health`)).status).toBe(200);
  });

  it('answers every Nth /api call with the configured 5xx and a JSON error body', async () => {
    emulator.setFaults({ serverErrorEveryN: 2, serverErrorStatus: 502 });
    const first = await api.call('/api/platform/data/export');
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const second = await api.call('/api/platform/data/export');
    expect(second.status).toBe(502);
    expect(await second.json()).toMatchObject({ applicationName: 'ImportExport', errorCode: expect.any(String), message: expect.any(String) });
    emulator.setFaults({ serverErrorEveryN: 0 });
    expect((await api.call('/api/platform/data/export')).status).toBe(200);
  });

  it('counts /api calls in requestCount, faulted ones included', async () => {
    const before = emulator.requestCount;
    emulator.setFaults({ rateLimitEveryN: 2 });
    await api.call('/api/platform/data/import');
    await api.call('/api/platform/data/import');
    await fetch(`${emulator.url}/_emulator/health`);
    expect(emulator.requestCount - before).toBe(2);
  });

  it('failNextJob ends exactly the next job errored with that message, without applying it', async () => {
    emulator.setFaults({ failNextJob: 'Simulated outage in the import service' });
    const zip = await buildZip({ 'CustomerSegments.csv': SEGMENTS_CSV });
    const failing = await api.createImport((await api.upload(zip)).id);
    expect(emulator.getFaults().failNextJob).toBeNull();
    const next = await api.createImport((await api.upload(zip)).id);
    clock.advance(2 * STEP_MS);
    const failed = await api.json<JobJson>(`/api/platform/data/import/${failing.id}`);
    expect(failed).toMatchObject({ status: 'errored', isComplete: true, statusMessage: 'Simulated outage in the import service' });
    expect(failed.resources[0]).toMatchObject({ status: 'errored', isComplete: true });
    expect((await api.json<JobJson>(`/api/platform/data/import/${next.id}`)).status).toBe('complete');
    expect(emulator.listRecords('CustomerSegments')).toHaveLength(2);
  });

  it('corruptNextExport makes the next export file an unreadable zip, then exports are whole again', async () => {
    emulator.setFaults({ corruptNextExport: true });
    const corrupt = await api.createExport('CustomerSegments');
    const whole = await api.createExport('CustomerSegments');
    clock.advance(2 * STEP_MS);
    const corruptJob = await api.json<JobJson>(`/api/platform/data/export/${corrupt.id}`);
    expect(corruptJob.status).toBe('complete');
    await expect(readZip(await api.download(corruptJob.files[0]!.id))).rejects.toThrow(/end of central directory/i);
    const wholeJob = await api.json<JobJson>(`/api/platform/data/export/${whole.id}`);
    expect(Object.keys(await readZip(await api.download(wholeJob.files[0]!.id)))).toEqual(['customersegments.csv']);
  });

  it('slows jobs with the jobStepMs fault', async () => {
    emulator.setFaults({ jobStepMs: 10 * STEP_MS });
    const job = await api.createExport('CustomerSegments');
    clock.advance(2 * STEP_MS);
    expect((await api.json<JobJson>(`/api/platform/data/export/${job.id}`)).status).toBe('pending');
    clock.advance(20 * STEP_MS);
    expect((await api.json<JobJson>(`/api/platform/data/export/${job.id}`)).status).toBe('complete');
  });

  it('reads and updates faults over the admin HTTP routes, refusing invalid values', async () => {
    const initial = (await (await fetch(`${emulator.url}/_emulator/faults`)).json()) as Record<string, unknown>;
    expect(initial).toEqual({
      rateLimitEveryN: 0,
      retryAfterSeconds: 1,
      serverErrorEveryN: 0,
      serverErrorStatus: 503,
      jobStepMs: null,
      failNextJob: null,
      corruptNextExport: false,
      tokenTtlSeconds: null,
    });
    const put = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimitEveryN: 1 }),
    });
    expect(put.status).toBe(200);
    expect(emulator.getFaults()).toMatchObject({ rateLimitEveryN: 1, retryAfterSeconds: 1 });
    expect((await api.call('/api/platform/data/import')).status).toBe(429);

    const bad = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimitEveryN: -1, noSuchFault: true }),
    });
    expect(bad.status).toBe(400);
    expect(emulator.getFaults().rateLimitEveryN).toBe(1);
  });
});
