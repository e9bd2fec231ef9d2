// resumeOpenImports in process, against real Postgres and the emulator: a job carrying two runs is
// adopted after the process stopped mid-import, each run is finished from its files exactly as an
// uninterrupted run would have been (same keys, same hashes, Kibo's rejection recorded with its key),
// runs that never reached their upload are aborted, and a sync another process holds is left alone.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectMappings } from '../../../src/cli/load-mappings-or-fail.ts';
import { encodeKey } from '../../../src/mapping/index.ts';
import { tryAcquireSyncLock } from '../../../src/scheduler/sync-lock.ts';
import { findRun, listKiboJobs, listRejectedRows, startRun, STATE_TABLES } from '../../../src/state/index.ts';
import { INTERRUPTED_BEFORE_UPLOAD, resumeOpenImports, startResumingOpenImports } from '../../../src/sync/resume-open-imports.ts';
import { runSyncCycle } from '../../../src/sync/run-sync-cycle.ts';
import { SHIPPED_MAPPINGS_DIR, startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';
import { waitUntil } from './daemon-process.ts';
import { CREATE_STAGED_ITEMS_SQL, STAGED_MASTER_CATALOG, STAGED_PRODUCTS_MAPPING } from '../../helpers/staged-products.ts';


let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'resume open imports' });
  const dir = path.join(harness.tempDir, 'mappings');
  await mkdir(dir);
  await writeFile(path.join(dir, 'staged-products.yaml'), STAGED_PRODUCTS_MAPPING);
  await writeFile(path.join(dir, 'pricelists.yaml'), await readFile(path.join(SHIPPED_MAPPINGS_DIR, 'pricelists.yaml'), 'utf8'));
  await harness.useMappingsDir(dir);
  await harness.erp(CREATE_STAGED_ITEMS_SQL);
  await harness.erp(`insert into erp.staged_items values (1, 'K1', 'One', 1), (2, 'K2', E'Two\\nlines, "quoted"', 2), (3, 'K3', 'Three', 3), (4, 'K4', 'Four', 4)`);
});

afterAll(async () => {
  await harness?.close();
});

async function keyStates(sync: string): Promise<Map<string, string>> {
  const rows = (await harness.state(STATE_TABLES.keyState).where({ sync }).select('key', 'hash')) as { key: string; hash: string }[];
  return new Map(rows.map((row) => [row.key, row.hash]));
}

async function lastRunId(): Promise<number> {
  const row = (await harness.state(STATE_TABLES.runs).max('id as id').first()) as { id: unknown } | undefined;
  return Number(row?.id ?? 0);
}

describe('resumeOpenImports', () => {
  it('adopts an import job carrying two runs and finishes each from disk as an uninterrupted run would', async () => {
    const syncs = ['staged-products', 'pricelists'];
    const [uninterrupted] = await harness.run(['staged-products']);
    expect(uninterrupted).toMatchObject({ status: 'succeeded', counts: { added: 4, rejectedByKibo: 0 } });
    const expectedKeys = await keyStates('staged-products');
    expect([...expectedKeys.keys()].sort()).toEqual(['K1', 'K2', 'K3', 'K4'].map((code) => encodeKey([STAGED_MASTER_CATALOG, code])).sort());
    expectedKeys.delete(encodeKey([STAGED_MASTER_CATALOG, 'K3']));
    await harness.state(STATE_TABLES.keyState).where({ sync: 'staged-products' }).delete();
    await harness.erp("update erp.staged_items set title = null where sku = 'K3'");

    // Every row again (resync), in one job with pricelists, stopped while Kibo imports them.
    harness.emulator.setFaults({ jobStepMs: 1_000 });
    const stop = new AbortController();
    const before = await lastRunId();
    const cycle = runSyncCycle({ ...harness.deps, signal: stop.signal }, selectMappings(harness.mappings, syncs), { trigger: 'resync', resync: true, dryRun: false });
    const jobId = await waitUntil('the import job', async () => {
      const row = (await harness.state(STATE_TABLES.kiboJobs).where({ kind: 'import' }).andWhere('run_id', '>', before).first()) as { id: string } | undefined;
      return row?.id;
    }, 20_000, 20);
    stop.abort(new Error('test shutdown'));
    const stopped = await cycle;
    expect(stopped.map((summary) => summary.status)).toEqual(['aborted', 'aborted']);
    harness.emulator.setFaults({ jobStepMs: null });

    const report = await resumeOpenImports(harness.deps, harness.mappings);
    expect(report.adoptedJobs).toEqual([jobId]);
    expect(report.finished.map((summary) => [summary.sync, summary.status])).toEqual([['staged-products', 'succeeded'], ['pricelists', 'succeeded']]);
    expect(harness.emulator.listJobs('import').filter((job) => (job as { id: string }).id === jobId)).toHaveLength(1);

    const products = stopped.find((summary) => summary.sync === 'staged-products')!;
    expect(await keyStates('staged-products')).toEqual(expectedKeys);
    const rejected = await listRejectedRows(harness.state, { runId: products.runId!, limit: 10 });
    expect(rejected).toEqual([expect.objectContaining({ source: 'kibo', rowNumber: 4, key: encodeKey([STAGED_MASTER_CATALOG, 'K3']), field: 'ProductName' })]);
    expect((await findRun(harness.state, products.runId!))!.counts).toMatchObject({ source: 4, rejectedByKibo: 1, deleted: 0 });
    const pricelists = stopped.find((summary) => summary.sync === 'pricelists')!;
    expect((await findRun(harness.state, pricelists.runId!))!.counts).toMatchObject({ source: 3, added: 3, rejectedByKibo: 0 });
    expect((await keyStates('pricelists')).size).toBe(3);
    expect((await listKiboJobs(harness.state, pricelists.runId!)).find((job) => job.kind === 'import')?.finishedAt).toBeInstanceOf(Date);

    // Nothing is left to adopt: a second start does nothing.
    const again = await resumeOpenImports(harness.deps, harness.mappings);
    expect(again).toEqual({ adoptedJobs: [], finished: [], abortedRunIds: [], lockedSyncs: [] });
  });

  it('finishes a run stopped after its import job ended but before its outcome was recorded', async () => {
    await harness.erp('update erp.staged_items set price = price + 1');
    const [run] = await harness.run(['staged-products']);
    expect(run?.status, run?.error).toBe('succeeded');
    const recorded = await keyStates('staged-products');
    // What a SIGTERM between the job's end and the recording of its outcome leaves behind: the job row
    // is finished, the run is aborted, and no key state advanced.
    await harness.state(STATE_TABLES.runs).where({ id: run!.runId }).update({ status: 'aborted', error: 'received SIGTERM' });
    await harness.state(STATE_TABLES.keyState).where({ sync: 'staged-products' }).delete();

    const report = await resumeOpenImports(harness.deps, harness.mappings);
    expect(report.adoptedJobs).toEqual([run!.importJobId]);
    expect((await findRun(harness.state, run!.runId!))?.status).toBe('succeeded');
    expect(await keyStates('staged-products')).toEqual(recorded);
    expect(await resumeOpenImports(harness.deps, harness.mappings)).toEqual({ adoptedJobs: [], finished: [], abortedRunIds: [], lockedSyncs: [] });
  });

  it('aborts a run that stopped before its upload, and leaves a run whose sync another process holds', async () => {
    const startedAt = new Date();
    const orphan = await startRun(harness.state, { sync: 'pricelists', trigger: 'schedule', resync: false, dryRun: false, startedAt });
    const live = await startRun(harness.state, { sync: 'staged-products', trigger: 'manual', resync: false, dryRun: false, startedAt });
    const held = await tryAcquireSyncLock(harness.database.url, 'staged-products');
    try {
      const report = await resumeOpenImports(harness.deps, harness.mappings);
      expect(report.abortedRunIds).toEqual([orphan.id]);
      expect(report.lockedSyncs).toEqual(['staged-products']);
      expect(await findRun(harness.state, orphan.id)).toMatchObject({ status: 'aborted', error: INTERRUPTED_BEFORE_UPLOAD });
      expect((await findRun(harness.state, live.id))!.status).toBe('running');
    } finally {
      await held?.release();
    }
  });

  it('returns once the locks are held and polls a slow adopted job in the background, keeping its sync locked until it ends', async () => {
    harness.emulator.setFaults({ jobStepMs: 1_500 });
    try {
      await harness.erp("update erp.price_lists set name = name || ' (renamed)'");
      const stop = new AbortController();
      const before = await lastRunId();
      const cycle = runSyncCycle({ ...harness.deps, signal: stop.signal }, selectMappings(harness.mappings, ['pricelists']), { trigger: 'manual', resync: false, dryRun: false });
      const jobId = await waitUntil('the import job', async () => {
        const row = (await harness.state(STATE_TABLES.kiboJobs).where({ kind: 'import' }).andWhere('run_id', '>', before).first()) as { id: string } | undefined;
        return row?.id;
      }, 20_000, 20);
      stop.abort(new Error('test shutdown'));
      const [stopped] = await cycle;

      const resume = await startResumingOpenImports(harness.deps, harness.mappings);
      expect(resume.adopting).toEqual([jobId]);
      expect(await tryAcquireSyncLock(harness.database.url, 'pricelists')).toBeUndefined();
      expect((await findRun(harness.state, stopped!.runId!))!.status).toBe('aborted'); // not finished yet: Kibo is still importing
      const report = await resume.done;
      expect(report.finished.map((summary) => [summary.runId, summary.status])).toEqual([[stopped!.runId, 'succeeded']]);
      expect((await findRun(harness.state, stopped!.runId!))!.counts).toMatchObject({ changed: 3 });
      const lock = await tryAcquireSyncLock(harness.database.url, 'pricelists');
      expect(lock).toBeDefined();
      await lock?.release();
    } finally {
      harness.emulator.setFaults({ jobStepMs: null });
    }
  });
});
