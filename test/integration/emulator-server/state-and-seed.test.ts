import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/support/clock.ts';
import { ConfigurationError } from '../../../src/support/errors.ts';
import { startEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { buildZip, readZip } from '../../helpers/kibo-zip-fixtures.ts';
import { SEGMENTS_CSV, authenticate, createApiClient, waitFor, type JobJson } from './emulator-http-helpers.ts';

describe('emulator state file and seed zips', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'kibo-emulator-state-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps data, files, jobs and tokens across a restart with the same state file', async () => {
    const stateFile = join(directory, 'state.json');
    const clock = createManualClock();
    const first = await startEmulator({ port: 0, clock, jobStepMs: 10, stateFile });
    const token = await authenticate(first);
    const api = createApiClient(first, token);
    const upload = await api.upload(await buildZip({ 'CustomerSegments.csv': SEGMENTS_CSV }));
    const job = await api.createImport(upload.id);
    clock.advance(20);
    expect((await api.json<JobJson>(`/api/platform/data/import/${job.id}`)).status).toBe('complete');
    await first.close();
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const second = await startEmulator({ port: 0, clock, jobStepMs: 10, stateFile });
    try {
      expect(second.listRecords('CustomerSegments').map((record) => record.Code).sort()).toEqual(['B2B', 'VIP']);
      const again = createApiClient(second, token); // a token issued before the restart still works
      const restoredJob = await again.json<JobJson>(`/api/platform/data/import/${job.id}`);
      expect(restoredJob).toMatchObject({ id: job.id, status: 'complete' });
      expect(Object.keys(await readZip(await again.download(upload.id)))).toEqual(['CustomerSegments.csv']);
      const next = await again.createExport('CustomerSegments');
      expect(next.id).not.toBe(job.id);
    } finally {
      await second.close();
    }
  });

  it('saves changes in the background (debounced), not only on close', async () => {
    const stateFile = join(directory, 'state.json');
    const emulator = await startEmulator({ port: 0, jobStepMs: 10, stateFile });
    try {
      const api = createApiClient(emulator, await authenticate(emulator));
      const upload = await api.upload(await buildZip({ 'CustomerSegments.csv': SEGMENTS_CSV }));
      await waitFor(async () => (await readFile(stateFile, 'utf8').catch(() => '')).includes(upload.id), 2000);
    } finally {
      await emulator.close();
    }
  });

  it('refuses a damaged state file with a message naming it', async () => {
    const stateFile = join(directory, 'state.json');
    await writeFile(stateFile, '{"version": 1, "tenant', 'utf8');
    await expect(startEmulator({ port: 0, stateFile })).rejects.toThrow(ConfigurationError);
    await expect(startEmulator({ port: 0, stateFile })).rejects.toThrow(stateFile);
  });

  it('imports seed zips at start (no job), and not again over a restored state', async () => {
    const seed = join(directory, 'seed.zip');
    await writeFile(seed, await buildZip({ 'customersegments.csv': SEGMENTS_CSV, '__MACOSX/._customersegments.csv': 'junk' }));
    const stateFile = join(directory, 'state.json');
    const first = await startEmulator({ port: 0, jobStepMs: 10, seedZips: [seed], stateFile });
    expect(first.listRecords('CustomerSegments')).toHaveLength(2);
    expect(first.listJobs('import')).toEqual([]);
    await first.close();

    await writeFile(seed, await buildZip({ 'customersegments.csv': 'Code,Name\r\nNEW,Only In The New Seed' }));
    const second = await startEmulator({ port: 0, jobStepMs: 10, seedZips: [seed], stateFile });
    try {
      expect(second.listRecords('CustomerSegments').map((record) => record.Code).sort()).toEqual(['B2B', 'VIP']);
    } finally {
      await second.close();
    }
  });

  it('refuses a seed that is not a zip or holds an unknown CSV', async () => {
    const notZip = join(directory, 'not.zip');
    await writeFile(notZip, 'Code,Name\r\nX,Y');
    await expect(startEmulator({ port: 0, seedZips: [notZip] })).rejects.toThrow(/not a readable zip/);
    const unknown = join(directory, 'unknown.zip');
    await writeFile(unknown, await buildZip({ 'widgets.csv': 'A,B\r\n1,2' }));
    await expect(startEmulator({ port: 0, seedZips: [unknown] })).rejects.toThrow(/widgets\.csv/);
  });
});
