import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { createManualClock, type ManualClock } from '../../../src/support/clock.ts';
import { buildZip, readZip } from '../../helpers/kibo-zip-fixtures.ts';
import { SEGMENTS_CSV, authenticate, createApiClient, type ApiClient, type JobJson } from '../emulator-server/emulator-http-helpers.ts';

const STEP_MS = 1_000;
const PRODUCTS_CSV = 'MasterCatalogName,ProductCode,ProductName\r\nMain Master Catalog,P-1,"Lamp, ""big"""';

describe('emulator exportOverrides', () => {
  let dir: string;
  let overrideZip: Buffer;
  let overridePath: string;
  let clock: ManualClock;
  let emulator: RunningEmulator;
  let api: ApiClient;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'export-overrides-'));
    overrideZip = await buildZip({ 'products.csv': PRODUCTS_CSV });
    overridePath = path.join(dir, 'big-export.zip');
    await writeFile(overridePath, overrideZip);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    clock = createManualClock(Date.UTC(2026, 2, 1, 12, 0, 0));
    emulator = await startEmulator({
      port: 0, clock, jobStepMs: STEP_MS,
      exportOverrides: { products: overridePath, PRODUCTCATALOG: path.join(dir, 'missing.zip') },
    });
    api = createApiClient(emulator, await authenticate(emulator));
  });
  afterEach(async () => {
    await emulator.close();
  });

  async function runExport(resources: string[]): Promise<JobJson> {
    const job = await api.json<JobJson>('/api/platform/data/export', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench export', domain: 'catalog', resources: resources.map((resource) => ({ resource, format: 'Legacy', fields: ['*'] })) }),
    });
    clock.advance(2 * STEP_MS);
    return api.json<JobJson>(`/api/platform/data/export/${job.id}`);
  }

  it('serves the override file byte for byte for an overridden resource, matched case-insensitively', async () => {
    const finished = await runExport(['Products']);
    expect(finished).toMatchObject({ status: 'complete', isComplete: true });
    expect(finished.resources[0]?.stateDetails).toContain(`served from the export override ${overridePath}`);
    const downloaded = await api.download(finished.files[0]!.id);
    expect(downloaded.equals(overrideZip)).toBe(true);
    expect(emulator.listRecords('Products')).toEqual([]); // never loaded into the store
  });

  it('renders the store as before for a resource that is not overridden', async () => {
    const imported = await api.createImport((await api.upload(await buildZip({ 'CustomerSegments.csv': SEGMENTS_CSV }))).id);
    clock.advance(2 * STEP_MS);
    expect((await api.json<JobJson>(`/api/platform/data/import/${imported.id}`)).status).toBe('complete');
    const finished = await runExport(['CustomerSegments']);
    const exported = await readZip(await api.download(finished.files[0]!.id));
    expect(exported['customersegments.csv']).toContain('VIP,Very Important');
  });

  it('errors a job that mixes overridden and stored resources, naming both', async () => {
    const finished = await runExport(['Products', 'Categories']);
    expect(finished.status).toBe('errored');
    expect(finished.statusMessage).toMatch(/Products → .*big-export\.zip, Categories → the store/);
    expect(finished.files).toEqual([]);
  });

  it('errors a job whose override file is missing, naming the file', async () => {
    const finished = await runExport(['ProductCatalog']);
    expect(finished.status).toBe('errored');
    expect(finished.statusMessage).toMatch(/export override .*missing\.zip cannot be read/);
  });
});
