import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../../../src/support/clock.ts';
import { startEmulator, type RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { buildZip, readZip } from '../../helpers/kibo-zip-fixtures.ts';
import { SEGMENTS_CSV, authenticate, createApiClient, waitFor, type ApiClient, type JobJson } from './emulator-http-helpers.ts';

const STEP_MS = 1_000;

describe('emulator jobs driven by the injected clock', () => {
  let clock: ManualClock;
  let emulator: RunningEmulator;
  let api: ApiClient;

  beforeEach(async () => {
    clock = createManualClock(Date.UTC(2026, 2, 1, 12, 0, 0));
    emulator = await startEmulator({ port: 0, clock, jobStepMs: STEP_MS, exportFilesDelayMs: 5_000 });
    api = createApiClient(emulator, await authenticate(emulator));
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('moves an import pending → processing → complete and applies it only when it finishes', async () => {
    const file = await api.upload(await buildZip({ 'CustomerSegments.csv': SEGMENTS_CSV }));
    const created = await api.createImport(file.id);
    expect(created).toMatchObject({ status: 'pending', isComplete: false, tenant: emulator.tenantId, domain: 'customer' });
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.requester).toMatch(/^[0-9a-f]{32}$/);
    expect(created.auditInfo.createDate).toBe('2026-03-01T12:00:00.000Z');
    expect(created.resources[0]).toMatchObject({ resource: 'CustomerSegments', status: 'pending', isComplete: false, deleteOmitted: false });

    clock.advance(STEP_MS - 1);
    expect((await api.json<JobJson>(`/api/platform/data/import/${created.id}`)).status).toBe('pending');
    clock.advance(1);
    const processing = await api.json<JobJson>(`/api/platform/data/import/${created.id}`);
    expect(processing.status).toBe('processing');
    expect(processing.resources[0]?.status).toBe('processing');
    expect(emulator.listRecords('CustomerSegments')).toEqual([]);

    clock.advance(STEP_MS);
    const done = await api.json<JobJson>(`/api/platform/data/import/${created.id}`);
    expect(done).toMatchObject({ status: 'complete', isComplete: true });
    expect(done.statusMessage).toBeUndefined();
    expect(done.resources[0]).toMatchObject({ status: 'complete', isComplete: true });
    expect(done.resources[0]?.stateDetails).toMatch(/^Duration: [\d.]+ seconds/);
    expect(done.auditInfo.updateDate).toBe('2026-03-01T12:00:02.000Z');
    expect(emulator.listRecords('CustomerSegments').map((record) => record.Code).sort()).toEqual(['B2B', 'VIP']);
    const viaAdmin = await fetch(`${emulator.url}/_emulator/data/customersegments`);
    expect(await viaAdmin.json()).toEqual(emulator.listRecords('CustomerSegments'));
    expect((await fetch(`${emulator.url}/_emulator/data/NoSuchResource`)).status).toBe(404);
  });

  it('attaches an import log (a zip with import_log.csv) listing rejected rows while the rest applies', async () => {
    const csv = 'Code,Name\r\nOK1,Fine\r\nBAD,';
    const job = await api.createImport((await api.upload(await buildZip({ 'customersegments.csv': csv }))).id);
    clock.advance(2 * STEP_MS);
    const done = await api.json<JobJson>(`/api/platform/data/import/${job.id}`);
    expect(done.status).toBe('complete');
    expect(done.files.map((file) => file.fileType)).toEqual(['import', 'log']);
    const log = await readZip(await api.download(done.files[1]!.id));
    const logCsv = log['import_log.csv'];
    expect(logCsv?.split('\r\n')[0]).toBe('Resource,Row,Key,Field,Message');
    expect(logCsv).toContain('BAD');
    expect(logCsv).toContain(',3,');
    expect(emulator.listRecords('CustomerSegments').map((record) => record.Code)).toEqual(['OK1']);
  });

  it('applies an import even when nobody polls (background timer)', async () => {
    const job = await api.createImport((await api.upload(await buildZip({ 'CustomerSegments.csv': SEGMENTS_CSV }))).id);
    clock.advance(2 * STEP_MS);
    await waitFor(() => (emulator.listJobs('import')[0] as JobJson).status === 'complete');
    expect(emulator.listJobs('import')[0]).toMatchObject({ id: job.id, isComplete: true });
    expect(emulator.listRecords('CustomerSegments')).toHaveLength(2);
  });

  it('ends a not-a-zip import errored with the End of Central Directory message', async () => {
    const file = await api.upload(Buffer.from('Code,Name\r\nVIP,Very Important', 'utf8'), 'segments.csv');
    const job = await api.createImport(file.id);
    clock.advance(2 * STEP_MS);
    const done = await api.json<JobJson>(`/api/platform/data/import/${job.id}`);
    expect(done).toMatchObject({ status: 'errored', isComplete: true });
    expect(done.statusMessage).toContain('End of Central Directory');
    expect(done.resources[0]?.status).toBe('errored');
  });

  it('renders an export when it finishes and lists its file only exportFilesDelayMs later', async () => {
    const imported = await api.createImport((await api.upload(await buildZip({ 'CustomerSegments.csv': SEGMENTS_CSV }))).id);
    clock.advance(2 * STEP_MS);
    expect((await api.json<JobJson>(`/api/platform/data/import/${imported.id}`)).status).toBe('complete');

    const job = await api.createExport('CustomerSegments');
    clock.advance(2 * STEP_MS);
    const complete = await api.json<JobJson>(`/api/platform/data/export/${job.id}`);
    expect(complete).toMatchObject({ status: 'complete', isComplete: true, files: [] });
    clock.advance(4_999);
    expect((await api.json<JobJson>(`/api/platform/data/export/${job.id}`)).files).toEqual([]);
    clock.advance(1);
    const withFiles = await api.json<JobJson>(`/api/platform/data/export/${job.id}`);
    expect(withFiles.files).toEqual([
      { id: expect.any(String), locationType: 'internal', fileName: 'customer_export.zip', fileType: 'export' },
    ]);
    const exported = await readZip(await api.download(withFiles.files[0]!.id));
    expect(Object.keys(exported)).toEqual(['customersegments.csv']);
    expect(exported['customersegments.csv']).toContain('VIP,Very Important');
  });

  it('lists jobs newest first as a bare array, pages, filters, deletes and 404s unknown ids', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      ids.push((await api.createExport('CustomerSegments')).id);
      clock.advance(10);
    }
    const list = await api.json<JobJson[]>('/api/platform/data/export');
    expect(Array.isArray(list)).toBe(true);
    expect(list.map((job) => job.id)).toEqual([...ids].reverse());
    const page = await api.json<JobJson[]>('/api/platform/data/export?startIndex=1&pageSize=1');
    expect(page.map((job) => job.id)).toEqual([ids[1]]);
    expect(await api.json<JobJson[]>('/api/platform/data/import')).toEqual([]);

    clock.advance(2 * STEP_MS);
    expect((await api.json<JobJson[]>('/api/platform/data/export?filter=status eq complete')).length).toBe(3);
    expect(await api.json<JobJson[]>("/api/platform/data/export?filter=status eq 'pending'")).toEqual([]);
    expect((await api.call('/api/platform/data/export?filter=bogus')).status).toBe(400);

    expect((await api.call(`/api/platform/data/export/${ids[0]}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await api.call(`/api/platform/data/export/${ids[0]}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ errorCode: 'JOB_NOT_FOUND', applicationName: 'ImportExport' });
    expect((await api.call(`/api/platform/data/import/${ids[1]}`)).status).toBe(404);
    expect(emulator.listJobs('export')).toHaveLength(2);
  });

  it('cancels a job deleted before it finishes: its import is never applied', async () => {
    const job = await api.createImport((await api.upload(await buildZip({ 'CustomerSegments.csv': SEGMENTS_CSV }))).id);
    await api.call(`/api/platform/data/import/${job.id}`, { method: 'DELETE' });
    clock.advance(3 * STEP_MS);
    await api.call('/api/platform/data/import');
    expect(emulator.listRecords('CustomerSegments')).toEqual([]);
  });

  it('answers invalid job requests with 400 VALIDATION_ERROR and creates nothing', async () => {
    const file = await api.upload(await buildZip({ 'CustomerSegments.csv': SEGMENTS_CSV }));
    const cases: unknown[] = [
      { resources: [{ resource: 'NoSuchThing' }], files: [{ id: file.id }] },
      { resources: [{ resource: 'CustomerSegments' }], files: [] },
      { resources: [{ resource: 'CustomerSegments' }], files: [{ locationType: 'internal' }] },
      { resources: [{ resource: 'CustomerSegments' }], files: [{ id: 'never-uploaded' }] },
      { resources: [], files: [{ id: file.id }] },
    ];
    for (const body of cases) {
      const response = await api.postJson('/api/platform/data/import', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toMatchObject({ errorCode: 'VALIDATION_ERROR', applicationName: 'ImportExport' });
    }
    const badExport = await api.postJson('/api/platform/data/export', { resources: [{ resource: 'Nope' }] });
    expect(badExport.status).toBe(400);
    expect(((await badExport.json()) as { message: string }).message).toContain('Nope');
    const notJson = await api.call('/api/platform/data/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ applicationName: 'ImportExport' });
    expect(emulator.listJobs('import')).toEqual([]);
    expect(emulator.listJobs('export')).toEqual([]);
  });

  it('errors an export that names an unknown field, with the field in statusMessage', async () => {
    const job = await api.createExport('CustomerSegments', ['NoSuchField']);
    clock.advance(2 * STEP_MS);
    const done = await api.json<JobJson>(`/api/platform/data/export/${job.id}`);
    expect(done.status).toBe('errored');
    expect(done.statusMessage).toContain('NoSuchField');
  });
});
