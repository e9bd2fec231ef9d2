// Two daemons against one state database (two replicas, started together): every tick of every sync
// runs once, on one of them, and syncs due in the same tick share one Kibo import job.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKiboJobs, listRecentRuns, type RunRecord } from '../../../src/state/index.ts';
import { SHIPPED_MAPPINGS_DIR, startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';
import { startDaemonProcess, waitUntil, writeScheduledMappings, type DaemonProcess } from './daemon-process.ts';

const EVERY_3_SECONDS = '*/3 * * * * *';
const TICK_MS = 3_000;
const TICKS_TO_WATCH = 3;

let harness: SyncHarness;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'daemon replicas' });
  await harness.useMappingsDir(await writeScheduledMappings(path.join(harness.tempDir, 'mappings'), SHIPPED_MAPPINGS_DIR, {
    'categories.yaml': EVERY_3_SECONDS,
    'pricelists.yaml': EVERY_3_SECONDS,
  }));
});

afterAll(async () => {
  for (const daemon of daemons) daemon.killHard();
  await harness?.close();
});

async function runsOf(sync: string): Promise<RunRecord[]> {
  return (await listRecentRuns(harness.state, { sync, limit: 100 })).reverse();
}

describe('two daemons started together', () => {
  it('run each due sync exactly once per tick, and same-domain syncs due together share one import job', async () => {
    daemons.push(startDaemonProcess(harness.cliEnv()), startDaemonProcess(harness.cliEnv()));
    await Promise.all(daemons.map((daemon) => daemon.waitForLog((line) => line.msg === 'daemon scheduled its syncs', 30_000)));
    await waitUntil(`${TICKS_TO_WATCH} finished runs of each sync`, async () => {
      const counts = await Promise.all(['categories', 'pricelists'].map(async (sync) => (await runsOf(sync)).filter((run) => run.finishedAt).length));
      return counts.every((count) => count >= TICKS_TO_WATCH) ? counts : undefined;
    }, 30_000);
    for (const daemon of daemons) daemon.child.kill('SIGTERM');
    const exits = await Promise.all(daemons.map((daemon) => daemon.waitForExit(20_000)));
    expect(exits.map((exit) => exit.code)).toEqual([0, 0]);

    for (const sync of ['categories', 'pricelists']) {
      const runs = await runsOf(sync);
      expect(runs.map((run) => run.status).every((status) => status === 'succeeded')).toBe(true);
      expect(runs.every((run) => run.trigger === 'schedule')).toBe(true);
      // A second run of the same tick would start within a second of the first; ticks are 3 s apart.
      const gapsMs = runs.slice(1).map((run, index) => run.startedAt.getTime() - runs[index]!.startedAt.getTime());
      expect(Math.min(...gapsMs)).toBeGreaterThan(TICK_MS - 1_000);
    }
    // Every tick both daemons fired; the one that did not run it says so.
    const servedElsewhere = daemons.flatMap((daemon) => daemon.logs.filter((line) => line.msg === 'tick already served by another replica'));
    const ticksRun = (await runsOf('categories')).length;
    expect(servedElsewhere.length).toBeGreaterThanOrEqual(ticksRun - 1);

    const [firstCategories] = await runsOf('categories');
    const [firstPricelists] = await runsOf('pricelists');
    const importOf = async (run: RunRecord): Promise<string[]> => (await listKiboJobs(harness.state, run.id)).filter((job) => job.kind === 'import').map((job) => job.id);
    expect(await importOf(firstCategories!)).toHaveLength(1);
    expect(await importOf(firstPricelists!)).toEqual(await importOf(firstCategories!));
    // Later ticks found Kibo up to date: nothing more was imported, by either daemon.
    expect(harness.emulator.listJobs('import')).toHaveLength(1);
    expect(harness.emulator.listRecords('Categories')).toHaveLength(6);
  });
});
