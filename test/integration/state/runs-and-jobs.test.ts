import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findKiboJob,
  findLastGoodRun,
  findOpenImportJobs,
  findRun,
  findUnfinishedRuns,
  finishRun,
  listKiboJobs,
  listRunIdsOfJob,
  recordRunDataDir,
  listRecentRuns,
  listRunResources,
  recordKiboJob,
  recordRunResource,
  startRun,
  updateKiboJob,
} from '../../../src/state/index.ts';
import { createManualClock } from '../../../src/support/clock.ts';
import { createMigratedStateDb, type StateTestDb } from './state-test-db.ts';

describe('runs and Kibo jobs', () => {
  let state: StateTestDb;
  const clock = createManualClock(Date.UTC(2026, 2, 1, 8, 0, 0));
  const at = (): Date => new Date(clock.now());
  beforeAll(async () => {
    state = await createMigratedStateDb('state runs');
  });
  afterAll(async () => {
    await state.close();
  });

  it('records a run from start to finish with counts, durations and resources', async () => {
    const started = await startRun(state.db, {
      sync: 'catalog',
      trigger: 'schedule',
      resync: false,
      dryRun: false,
      startedAt: at(),
      dataDir: '/var/lib/kibo-sync/runs/1',
    });
    expect(started).toMatchObject({
      sync: 'catalog',
      status: 'running',
      trigger: 'schedule',
      resync: false,
      dryRun: false,
      startedAt: new Date(Date.UTC(2026, 2, 1, 8, 0, 0)),
      finishedAt: undefined,
      counts: {},
      stageDurationsMs: {},
      dataDir: '/var/lib/kibo-sync/runs/1',
    });
    expect(started.id).toBeTypeOf('number');

    await recordRunResource(state.db, started.id, 'Products', { source: 10, added: 2, changed: 1, unchanged: 7 });
    await recordRunResource(state.db, started.id, 'ProductPropertyValues', { source: 40, added: 8 });
    // Recording a resource again replaces its counts rather than adding a second row.
    await recordRunResource(state.db, started.id, 'Products', { source: 10, added: 3, unchanged: 7, rejectedByKibo: 1 });
    expect(await listRunResources(state.db, started.id)).toEqual([
      { runId: started.id, resource: 'ProductPropertyValues', source: 40, exported: 0, added: 8, changed: 0,
        unchanged: 0, removed: 0, deleted: 0, rejectedByUs: 0, rejectedByKibo: 0 },
      { runId: started.id, resource: 'Products', source: 10, exported: 0, added: 3, changed: 0, unchanged: 7,
        removed: 0, deleted: 0, rejectedByUs: 0, rejectedByKibo: 1 },
    ]);

    clock.advance(95_000);
    await finishRun(state.db, started.id, {
      status: 'succeeded',
      finishedAt: at(),
      counts: { source: 50, exported: 48, added: 11, changed: 0, unchanged: 37, rejectedByUs: 2, rejectedByKibo: 1 },
      bytesUploaded: 5_000_000_000,
      stageDurationsMs: { export: 40_000, diff: 1_200, import: 50_000 },
    });
    const finished = await findRun(state.db, started.id);
    expect(finished).toMatchObject({
      status: 'succeeded',
      finishedAt: new Date(Date.UTC(2026, 2, 1, 8, 1, 35)),
      error: undefined,
      counts: { source: 50, exported: 48, added: 11, changed: 0, unchanged: 37, rejectedByUs: 2, rejectedByKibo: 1 },
      bytesUploaded: 5_000_000_000,
      stageDurationsMs: { export: 40_000, diff: 1_200, import: 50_000 },
    });
    // Counts never given stay absent rather than turning into zeros.
    expect(finished?.counts.removed).toBeUndefined();
  });

  it('refuses to finish an unknown run and rejects impossible counts', async () => {
    await expect(finishRun(state.db, 987_654, { status: 'failed', finishedAt: at() })).rejects.toThrow(
      /Cannot finish run 987654: no such run/,
    );
    const run = await startRun(state.db, { sync: 'bad-counts', trigger: 'manual', resync: false, dryRun: false, startedAt: at() });
    await expect(
      finishRun(state.db, run.id, { status: 'failed', finishedAt: at(), counts: { added: -1 } }),
    ).rejects.toThrow(/Run count "added" must be a whole number/);
  });

  it('records where a run keeps its files once it has an id', async () => {
    const run = await startRun(state.db, { sync: 'files-dir', trigger: 'manual', resync: false, dryRun: false, startedAt: at() });
    expect((await findRun(state.db, run.id))?.dataDir).toBeUndefined();
    await recordRunDataDir(state.db, run.id, '/data/runs/files-dir/00000001');
    expect((await findRun(state.db, run.id))?.dataDir).toBe('/data/runs/files-dir/00000001');
    await expect(recordRunDataDir(state.db, 987_654, '/nowhere')).rejects.toThrow(/no such run/);
  });

  it('finds unfinished runs, the last good run and recent runs per sync', async () => {
    clock.set(Date.UTC(2026, 2, 2, 0, 0, 0));
    const good1 = await startRun(state.db, { sync: 'pricing', trigger: 'schedule', resync: false, dryRun: false, startedAt: at() });
    clock.advance(1_000);
    await finishRun(state.db, good1.id, { status: 'succeeded', finishedAt: at(), counts: { source: 100 } });
    clock.advance(60_000);
    const good2 = await startRun(state.db, { sync: 'pricing', trigger: 'catchup', resync: false, dryRun: false, startedAt: at() });
    clock.advance(1_000);
    await finishRun(state.db, good2.id, { status: 'succeeded', finishedAt: at(), counts: { source: 120 } });
    clock.advance(60_000);
    const failed = await startRun(state.db, { sync: 'pricing', trigger: 'manual', resync: true, dryRun: false, startedAt: at() });
    await finishRun(state.db, failed.id, { status: 'failed', finishedAt: at(), error: 'Kibo import job failed' });
    const dry = await startRun(state.db, { sync: 'pricing', trigger: 'manual', resync: false, dryRun: true, startedAt: at() });
    await finishRun(state.db, dry.id, { status: 'dry_run', finishedAt: at(), counts: { source: 1 } });
    clock.advance(60_000);
    const crashed = await startRun(state.db, { sync: 'pricing', trigger: 'schedule', resync: false, dryRun: false, startedAt: at() });
    const otherCrashed = await startRun(state.db, { sync: 'inventory', trigger: 'schedule', resync: false, dryRun: false, startedAt: at() });

    const lastGood = await findLastGoodRun(state.db, 'pricing');
    expect(lastGood?.id).toBe(good2.id);
    expect(lastGood?.counts.source).toBe(120);
    expect(await findLastGoodRun(state.db, 'inventory')).toBeUndefined();

    expect((await findUnfinishedRuns(state.db, 'pricing')).map((run) => run.id)).toEqual([crashed.id]);
    const allUnfinished = (await findUnfinishedRuns(state.db)).map((run) => run.id);
    expect(allUnfinished).toEqual(expect.arrayContaining([crashed.id, otherCrashed.id]));
    expect(allUnfinished).not.toContain(failed.id);

    const recent = await listRecentRuns(state.db, { sync: 'pricing', limit: 3 });
    expect(recent.map((run) => run.id)).toEqual([crashed.id, dry.id, failed.id]);
    expect(recent[2]).toMatchObject({ status: 'failed', resync: true, error: 'Kibo import job failed' });
    expect(recent[1]).toMatchObject({ status: 'dry_run', dryRun: true });
    const everything = await listRecentRuns(state.db, { limit: 100 });
    expect(everything[0]?.startedAt.getTime()).toBeGreaterThanOrEqual(everything.at(-1)!.startedAt.getTime());
    expect(everything.map((run) => run.sync)).toEqual(expect.arrayContaining(['catalog', 'pricing', 'inventory']));
  });

  it('records Kibo jobs, updates them while polling, and lists the open imports to adopt after a crash', async () => {
    clock.set(Date.UTC(2026, 2, 3, 0, 0, 0));
    const catalogRun = await startRun(state.db, { sync: 'catalog-jobs', trigger: 'schedule', resync: false, dryRun: false, startedAt: at() });
    const customerRun = await startRun(state.db, { sync: 'customers-jobs', trigger: 'schedule', resync: false, dryRun: false, startedAt: at() });
    const request = {
      name: 'kibo-sync catalog 1',
      format: 'Legacy',
      domain: 'catalog',
      resources: [{ format: 'Legacy', resource: 'Products', deleteOmitted: false }],
      files: [{ id: 'file-1', locationType: 'internal', fileName: 'products.zip', fileType: 'import' }],
    };
    await recordKiboJob(state.db, { id: 'exp-1', runId: catalogRun.id, kind: 'export', status: 'Pending', request: { domain: 'catalog' }, createdAt: at() });
    await recordKiboJob(state.db, { id: 'imp-1', runId: catalogRun.id, kind: 'import', status: 'Pending', uploadFileId: 'file-1', request, createdAt: at() });
    await recordKiboJob(state.db, { id: 'imp-2', runId: customerRun.id, kind: 'import', status: 'Pending', request: { domain: 'customer' }, createdAt: at() });

    await expect(
      recordKiboJob(state.db, { id: 'imp-1', runId: catalogRun.id, kind: 'import', status: 'Pending', request, createdAt: at() }),
    ).rejects.toThrow(/already recorded.*adopt it/);
    // one import job carrying two runs' CSVs: both runs see every update of it
    const productsRun = await startRun(state.db, { sync: 'products-shared', trigger: 'schedule', resync: false, dryRun: false, startedAt: at() });
    const pricesRun = await startRun(state.db, { sync: 'prices-shared', trigger: 'schedule', resync: false, dryRun: false, startedAt: at() });
    await recordKiboJob(state.db, { id: 'imp-shared', runId: productsRun.id, kind: 'import', status: 'pending', request, createdAt: at() });
    await recordKiboJob(state.db, { id: 'imp-shared', runId: pricesRun.id, kind: 'import', status: 'pending', request, createdAt: at() });
    expect(await listRunIdsOfJob(state.db, 'imp-shared')).toEqual([productsRun.id, pricesRun.id]);
    await updateKiboJob(state.db, 'imp-shared', { status: 'complete', finishedAt: at() });
    expect((await listKiboJobs(state.db, pricesRun.id))[0]?.status).toBe('complete');
    expect((await listKiboJobs(state.db, productsRun.id))[0]?.finishedAt).toEqual(at());
    await expect(
      recordKiboJob(state.db, {
        id: 'imp-3', runId: catalogRun.id, kind: 'import', status: 'Pending', createdAt: at(),
        request: { name: 'x', contextOverride: { tenant: 1, sharedSecret: 'hunter2' } },
      }),
    ).rejects.toThrow(/field "contextOverride.sharedSecret" looks like a credential/);
    expect(await findKiboJob(state.db, 'imp-3')).toBeUndefined();

    clock.advance(5_000);
    await updateKiboJob(state.db, 'imp-1', { status: 'Processing', lastPolledAt: at() });
    await updateKiboJob(state.db, 'exp-1', { status: 'Complete', finishedAt: at() });
    expect(await findKiboJob(state.db, 'imp-1')).toMatchObject({
      id: 'imp-1',
      runId: catalogRun.id,
      sync: 'catalog-jobs',
      kind: 'import',
      status: 'Processing',
      uploadFileId: 'file-1',
      logFileId: undefined,
      request,
      createdAt: new Date(Date.UTC(2026, 2, 3)),
      updatedAt: new Date(Date.UTC(2026, 2, 3, 0, 0, 5)),
      lastPolledAt: new Date(Date.UTC(2026, 2, 3, 0, 0, 5)),
      finishedAt: undefined,
    });

    expect((await findOpenImportJobs(state.db)).map((job) => job.id)).toEqual(['imp-1', 'imp-2']);
    expect((await findOpenImportJobs(state.db, 'catalog-jobs')).map((job) => job.id)).toEqual(['imp-1']);

    clock.advance(5_000);
    await updateKiboJob(state.db, 'imp-1', { status: 'Complete', logFileId: 'log-1', finishedAt: at(), lastPolledAt: at() });
    expect((await findOpenImportJobs(state.db, 'catalog-jobs')).map((job) => job.id)).toEqual([]);
    expect((await listKiboJobs(state.db, catalogRun.id)).map((job) => [job.id, job.status, job.logFileId])).toEqual([
      ['exp-1', 'Complete', undefined],
      ['imp-1', 'Complete', 'log-1'],
    ]);
    await expect(updateKiboJob(state.db, 'never-recorded', { status: 'Complete' })).rejects.toThrow(
      /Cannot update Kibo job never-recorded: it was never recorded/,
    );
  });
});
