// Import and export jobs are asynchronous, driven by the emulator's clock; their JSON has the seed's shape.
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { createManualClock, type ManualClock } from '../../../src/support/clock.ts';
import { buildZip } from '../../helpers/kibo-zip-fixtures.ts';
import {
  createSdkClients,
  downloadFile,
  findFile,
  getPublicLink,
  startTestEmulator,
  uploadZip,
  type SdkClients,
} from './emulator-sdk-harness.ts';

const STEP_MS = 1_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRODUCTS_CSV =
  'MasterCatalogName,ProductCode,ProductType,ProductUsage,ProductName,Price,VariationPricingMethod,PackageWeight,PackageLength,PackageWidth,PackageHeight\r\n' +
  'Default,JOB-1,Base,Standard,Job product,10,Differential,1,2,3,4';

interface ApiErrorLike {
  name?: string;
  response?: { status?: number };
  apiError?: { errorCode?: unknown };
}

const started: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(started.map((emulator) => emulator.close()));
});

async function startWithManualClock(options: { exportFilesDelayMs?: number } = {}): Promise<{
  emulator: RunningEmulator;
  clock: ManualClock;
  clients: SdkClients;
  startedAt: number;
}> {
  const startedAt = Date.UTC(2026, 2, 4, 10, 0, 0);
  const clock = createManualClock(startedAt);
  const emulator = await startTestEmulator({ clock, jobStepMs: STEP_MS, ...options });
  started.push(emulator);
  return { emulator, clock, clients: createSdkClients(emulator), startedAt };
}

async function failureOf(promise: Promise<unknown>): Promise<ApiErrorLike> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error as ApiErrorLike,
  );
}

describe('import jobs', () => {
  it('go pending → processing → complete with the seed job shape and per-resource status', async () => {
    const { clock, clients, emulator, startedAt } = await startWithManualClock();
    const file = await uploadZip(clients, await buildZip({ 'products.csv': PRODUCTS_CSV }), 'Products.zip');
    expect(file).toMatchObject({ locationType: 'internal', fileName: 'Products.zip', fileType: 'import' });
    expect(file.id).toEqual(expect.any(String));

    const created = await clients.imports.create({
      importJob: {
        name: 'Products Import',
        domain: 'catalog',
        resources: [{ resource: 'Products', format: 'Legacy', deleteOmitted: false }],
        files: [file],
      },
    });
    expect(created.id).toMatch(UUID);
    expect(created).toMatchObject({ status: 'pending', isComplete: false, name: 'Products Import', domain: 'catalog' });
    const id = created.id ?? '';
    expect(await clients.imports.get({ id })).toMatchObject({ status: 'pending', isComplete: false });
    expect(emulator.listRecords('Products')).toEqual([]);

    clock.advance(STEP_MS);
    expect(await clients.imports.get({ id })).toMatchObject({ status: 'processing', isComplete: false });

    clock.advance(STEP_MS);
    const done = await clients.imports.get({ id });
    expect(done).toMatchObject({
      id,
      name: 'Products Import',
      domain: 'catalog',
      status: 'complete',
      isComplete: true,
      tenant: emulator.tenantId,
      resources: [{ resource: 'Products', format: 'Legacy', deleteOmitted: false, status: 'complete', isComplete: true }],
    });
    expect(done.resources?.[0]?.stateDetails).toEqual(expect.any(String));
    expect(done.auditInfo?.createDate).toBe(new Date(startedAt).toISOString());
    expect(Date.parse(String(done.auditInfo?.updateDate))).toBe(startedAt + 2 * STEP_MS);
    expect(done.files?.map((entry) => entry.id)).toContain(file.id);
    expect(emulator.listRecords('Products').map((record) => record.ProductCode)).toEqual(['JOB-1']);
  });

  it('finish on the emulator\'s own timer, so an import applies even when nobody polls', async () => {
    const emulator = await startTestEmulator({ jobStepMs: 20 });
    started.push(emulator);
    const clients = createSdkClients(emulator);
    const file = await uploadZip(clients, await buildZip({ 'products.csv': PRODUCTS_CSV }));
    await clients.imports.create({ importJob: { domain: 'catalog', resources: [{ resource: 'Products' }], files: [file] } });
    const requestsBefore = emulator.requestCount;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(emulator.listRecords('Products')).toHaveLength(1);
    expect(emulator.requestCount).toBe(requestsBefore);
  });

  it('list answers a bare array, newest first', async () => {
    const { clients } = await startWithManualClock();
    const file = await uploadZip(clients, await buildZip({ 'products.csv': PRODUCTS_CSV }));
    const job = { domain: 'catalog', resources: [{ resource: 'Products', deleteOmitted: false }], files: [file] };
    const first = await clients.imports.create({ importJob: { ...job, name: 'first' } });
    const second = await clients.imports.create({ importJob: { ...job, name: 'second' } });
    const listed = await clients.imports.list({ startIndex: 0, pageSize: 20 });
    expect(Array.isArray(listed)).toBe(true);
    expect(listed.map((entry) => entry.id)).toEqual([second.id, first.id]);
  });

  it('list pages with startIndex and pageSize', async () => {
    const { clients } = await startWithManualClock();
    const file = await uploadZip(clients, await buildZip({ 'products.csv': PRODUCTS_CSV }));
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const created = await clients.imports.create({ importJob: { name, domain: 'catalog', resources: [{ resource: 'Products' }], files: [file] } });
      ids.unshift(created.id ?? '');
    }
    expect((await clients.imports.list({ startIndex: 0, pageSize: 2 })).map((job) => job.id)).toEqual(ids.slice(0, 2));
    expect((await clients.imports.list({ startIndex: 2, pageSize: 2 })).map((job) => job.id)).toEqual(ids.slice(2));
  });

  it('delete removes the job; getting it then answers 404', async () => {
    const { clients } = await startWithManualClock();
    const file = await uploadZip(clients, await buildZip({ 'products.csv': PRODUCTS_CSV }));
    const created = await clients.imports.create({
      importJob: { name: 'doomed', domain: 'catalog', resources: [{ resource: 'Products' }], files: [file] },
    });
    const id = created.id ?? '';
    await clients.imports._delete({ id });
    expect((await clients.imports.list({})).map((entry) => entry.id)).not.toContain(id);
    expect((await failureOf(clients.imports.get({ id }))).response?.status).toBe(404);
  });

  it('an unknown job id is a 404 JOB_NOT_FOUND error for imports and exports', async () => {
    const { clients } = await startWithManualClock();
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const failure of [await failureOf(clients.imports.get({ id: unknown })), await failureOf(clients.exports.get({ id: unknown }))]) {
      expect(failure.name).toBe('ResponseError');
      expect(failure.response?.status).toBe(404);
      expect(failure.apiError?.errorCode).toBe('JOB_NOT_FOUND');
    }
  });

  it('rejects an unknown resource or an unknown file with 400 VALIDATION_ERROR', async () => {
    const { clients } = await startWithManualClock();
    const file = await uploadZip(clients, await buildZip({ 'products.csv': PRODUCTS_CSV }));
    const badResource = await failureOf(
      clients.imports.create({ importJob: { domain: 'catalog', resources: [{ resource: 'Widgets' }], files: [file] } }),
    );
    expect(badResource.response?.status).toBe(400);
    expect(badResource.apiError?.errorCode).toBe('VALIDATION_ERROR');
    const badFile = await failureOf(
      clients.imports.create({ importJob: { domain: 'catalog', resources: [{ resource: 'Products' }], files: [{ id: 'no-such-file' }] } }),
    );
    expect(badFile.response?.status).toBe(400);
    expect(badFile.apiError?.errorCode).toBe('VALIDATION_ERROR');
    const noFile = await failureOf(clients.imports.create({ importJob: { domain: 'catalog', resources: [{ resource: 'Products' }] } }));
    expect(noFile.response?.status).toBe(400);
    expect(noFile.apiError?.errorCode).toBe('VALIDATION_ERROR');
    const badExport = await failureOf(clients.exports.create({ exportJob: { domain: 'catalog', resources: [{ resource: 'Widgets' }] } }));
    expect(badExport.response?.status).toBe(400);
    expect(badExport.apiError?.errorCode).toBe('VALIDATION_ERROR');
    expect(await clients.imports.list({})).toEqual([]);
    expect(await clients.exports.list({})).toEqual([]);
  });
});

describe('export jobs', () => {
  it('go pending → processing → complete and list the export file catalog_export.zip', async () => {
    const { clock, clients } = await startWithManualClock();
    const created = await clients.exports.create({
      exportJob: { name: 'Export', domain: 'catalog', resources: [{ resource: 'Products', format: 'legacy' }] },
    });
    const id = created.id ?? '';
    expect(created).toMatchObject({ status: 'pending', isComplete: false });
    clock.advance(STEP_MS);
    expect(await clients.exports.get({ id })).toMatchObject({ status: 'processing', isComplete: false });
    clock.advance(STEP_MS);
    const done = await clients.exports.get({ id });
    expect(done).toMatchObject({
      status: 'complete',
      isComplete: true,
      resources: [{ resource: 'Products', status: 'complete', isComplete: true }],
    });
    expect(findFile(done, 'export')).toMatchObject({ locationType: 'internal', fileName: 'catalog_export.zip', fileType: 'export' });
    expect((await clients.exports.list({})).map((entry) => entry.id)).toEqual([id]);
  });

  it('turns isComplete while files is still empty, and lists the file exportFilesDelayMs later', async () => {
    const { clock, clients } = await startWithManualClock({ exportFilesDelayMs: 5_000 });
    const created = await clients.exports.create({
      exportJob: { name: 'lagging', domain: 'catalog', resources: [{ resource: 'Products' }] },
    });
    const id = created.id ?? '';
    clock.advance(2 * STEP_MS);
    const complete = await clients.exports.get({ id });
    expect(complete.isComplete).toBe(true);
    expect(complete.files ?? []).toEqual([]);
    clock.advance(4_000);
    expect((await clients.exports.get({ id })).files ?? []).toEqual([]);
    clock.advance(1_000);
    expect(findFile(await clients.exports.get({ id }), 'export')?.fileName).toBe('catalog_export.zip');
  });

  it('delete removes an export job', async () => {
    const { clients } = await startWithManualClock();
    const created = await clients.exports.create({ exportJob: { domain: 'catalog', resources: [{ resource: 'Products' }] } });
    await clients.exports._delete({ id: created.id ?? '' });
    expect(await clients.exports.list({})).toEqual([]);
  });
});

describe('files', () => {
  it('describes an uploaded file as a DropLocation and serves its bytes back unchanged', async () => {
    const { clients } = await startWithManualClock();
    const zip = await buildZip({ 'products.csv': PRODUCTS_CSV });
    const uploaded = await uploadZip(clients, zip, 'Products.zip');
    expect(await clients.files.get({ id: uploaded.id ?? '' })).toMatchObject({
      id: uploaded.id,
      locationType: 'internal',
      fileName: 'Products.zip',
      fileType: 'import',
    });
    expect((await downloadFile(clients, uploaded.id ?? '')).equals(zip)).toBe(true);
  });

  it('serves a public link without Kibo headers, and refuses a tampered signature with 403', async () => {
    const { clients, emulator } = await startWithManualClock();
    const zip = await buildZip({ 'products.csv': PRODUCTS_CSV });
    const uploaded = await uploadZip(clients, zip);
    const link = await getPublicLink(clients, uploaded.id ?? '');
    expect(link.startsWith(`${emulator.url}/`)).toBe(true);
    const plain = await fetch(link);
    expect(plain.status).toBe(200);
    expect(Buffer.from(await plain.arrayBuffer()).equals(zip)).toBe(true);

    const tampered = new URL(link);
    const signature = tampered.searchParams.get('signature') ?? '';
    expect(signature).not.toBe('');
    tampered.searchParams.set('signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('stops serving a public link once its hourDuration has passed', async () => {
    const { clients, clock } = await startWithManualClock();
    const uploaded = await uploadZip(clients, await buildZip({ 'products.csv': PRODUCTS_CSV }));
    const text = await clients.files.getPublicLink({ id: uploaded.id ?? '', hourDuration: 1 });
    const link = JSON.parse(text) as string;
    clock.advance(59 * 60_000);
    expect((await fetch(link)).status).toBe(200);
    clock.advance(2 * 60_000);
    const expired = await fetch(link);
    expect(expired.status).toBeGreaterThanOrEqual(400);
    expect(expired.status).toBeLessThan(500);
  });
});
