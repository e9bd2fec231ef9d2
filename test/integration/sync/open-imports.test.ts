// A run never imports over an earlier import of its sync that is still open in Kibo. A run left `stuck`
// (the engine lost track of its job) used to be adopted only when the daemon started, so the next tick
// imported again meanwhile. Now each run first settles the sync's open jobs: while Kibo still runs one,
// the run is skipped with the reason (and `kibo-sync run` exits 1); once Kibo finished it, the run adopts
// it (reads its log, finishes and records the stuck run), then plans against what Kibo now has. A job
// several syncs share is adopted whole by the first of them to run.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectMappings } from '../../../src/cli/load-mappings-or-fail.ts';
import { tryAcquireSyncLock } from '../../../src/scheduler/sync-lock.ts';
import { findRun, STATE_TABLES } from '../../../src/state/index.ts';
import { runSyncCycle } from '../../../src/sync/run-sync-cycle.ts';
import { waitUntil } from '../daemon/daemon-process.ts';
import { CREATE_STAGED_ITEMS_SQL } from '../../helpers/staged-products.ts';
import { STAGED_PRODUCTS_MAPPING } from '../../helpers/staged-products.ts';
import { HARNESS_SYNC_TIMINGS, SHIPPED_MAPPINGS_DIR, startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';

/** Jobs that take a minute per step: the engine gives up on them after 300 ms and leaves its run stuck. */
const SLOW_JOB_STEP_MS = 60_000;
const IMPATIENT_DEADLINE_MS = 300;

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'open imports' });
  const dir = path.join(harness.tempDir, 'mappings');
  await mkdir(dir);
  await writeFile(path.join(dir, 'staged-products.yaml'), STAGED_PRODUCTS_MAPPING);
  await writeFile(path.join(dir, 'pricelists.yaml'), await readFile(path.join(SHIPPED_MAPPINGS_DIR, 'pricelists.yaml'), 'utf8'));
  await harness.useMappingsDir(dir);
  await harness.erp(CREATE_STAGED_ITEMS_SQL);
  await harness.erp("insert into erp.staged_items values (1, 'K1', 'One', 1), (2, 'K2', 'Two', 2), (3, 'K3', 'Three', 3)");
  const first = await harness.run(['staged-products', 'pricelists']);
  expect(first.map((summary) => summary.status)).toEqual(['succeeded', 'succeeded']);
});

afterAll(async () => {
  harness.emulator.setFaults({ jobStepMs: null });
  await harness?.close();
});

function importJobCount(): number {
  return harness.emulator.listJobs('import').length;
}

/** One cycle whose import (not export) Kibo is slow to finish: the engine loses patience and leaves the runs stuck. */
async function runUntilStuck(syncs: readonly string[]): Promise<{ jobId: string; runIds: number[] }> {
  const impatient = {
    ...harness.deps,
    timings: { ...HARNESS_SYNC_TIMINGS, jobDeadlineMs: IMPATIENT_DEADLINE_MS },
    // The zip is uploaded, the import job comes next: from now on Kibo is slow.
    observer: { stageFinished: (_sync: string, stage: string) => void (stage === 'upload' && harness.emulator.setFaults({ jobStepMs: SLOW_JOB_STEP_MS })) },
  };
  const stuck = await runSyncCycle(impatient, selectMappings(harness.mappings, syncs), { trigger: 'schedule', resync: false, dryRun: false });
  expect(stuck.map((summary) => [summary.status, summary.error])).toEqual(syncs.map(() => ['stuck', expect.any(String)]));
  expect(new Set(stuck.map((summary) => summary.importJobId)).size).toBe(1);
  return { jobId: stuck[0]!.importJobId!, runIds: stuck.map((summary) => summary.runId!) };
}

async function letKiboFinish(jobId: string): Promise<void> {
  harness.emulator.setFaults({ jobStepMs: null });
  await waitUntil(`Kibo to finish import job ${jobId}`, async () => {
    const job = harness.emulator.listJobs('import').find((candidate) => (candidate as { id: string }).id === jobId) as { isComplete?: boolean } | undefined;
    return job?.isComplete ? true : undefined;
  }, 20_000, 20);
}

describe('a run over an earlier import of its sync that is still open', () => {
  it('is skipped while Kibo runs it, then adopts it once Kibo finished it, and never imports twice', async () => {
    await harness.erp('update erp.staged_items set price = price + 10');
    const { jobId, runIds: [stuckRunId] } = await runUntilStuck(['staged-products']);
    const jobs = importJobCount();

    const [held] = await harness.run(['staged-products']);
    expect(held).toMatchObject({ status: 'skipped', importJobId: jobId });
    expect(held?.error).toMatch(new RegExp(`^not run: Kibo import job ${jobId} of an earlier run is still (pending|processing) in Kibo`));
    expect((await findRun(harness.state, held!.runId!))?.status).toBe('skipped');
    const cli = await harness.runCli(['run', 'staged-products']);
    expect(cli.code, cli.stderr).toBe(1);
    expect(cli.stdout).toMatch(/staged-products \(Products\) run \d+: skipped/);
    expect(importJobCount()).toBe(jobs);
    expect((await findRun(harness.state, stuckRunId!))?.status).toBe('stuck');

    await letKiboFinish(jobId);
    const [after] = await harness.run(['staged-products']);
    expect(after?.status, after?.error).toBe('succeeded');
    expect(after?.planAction).toBe('nothing'); // Kibo has the new prices: the adopted job carried them
    expect(importJobCount()).toBe(jobs);
    expect(await findRun(harness.state, stuckRunId!)).toMatchObject({ status: 'succeeded', counts: { changed: 3, rejectedByKibo: 0 } });
    const hashes = (await harness.state(STATE_TABLES.keyState).where({ sync: 'staged-products', last_run_id: stuckRunId })) as unknown[];
    expect(hashes).toHaveLength(3);
  });

  it('adopts a job several syncs share when one of them runs, finishing every run the job carries', async () => {
    await harness.erp('update erp.staged_items set price = price + 1');
    await harness.erp("update erp.price_lists set name = name || ' (shared job)'");
    const { jobId, runIds } = await runUntilStuck(['staged-products', 'pricelists']);
    await letKiboFinish(jobId);
    const jobs = importJobCount();

    const [pricelists] = await harness.run(['pricelists']);
    expect(pricelists).toMatchObject({ status: 'succeeded', planAction: 'nothing' });
    expect(importJobCount()).toBe(jobs);
    for (const runId of runIds) expect((await findRun(harness.state, runId))?.status).toBe('succeeded');
    const productsLock = await tryAcquireSyncLock(harness.database.url, 'staged-products');
    expect(productsLock).toBeDefined(); // taken for the adoption, released after it
    await productsLock?.release();
    const [products] = await harness.run(['staged-products']);
    expect(products).toMatchObject({ status: 'succeeded', planAction: 'nothing' });
  });
});
