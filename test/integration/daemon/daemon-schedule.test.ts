// One daemon on a fast schedule: a failing sync is recorded and the daemon goes on; a tick that comes
// while the sync is still running is recorded as a skipped run instead of queuing a second one.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listRecentRuns, type RunRecord } from '../../../src/state/index.ts';
import { SHIPPED_MAPPINGS_DIR, startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';
import { startDaemonProcess, waitUntil, writeScheduledMappings, type DaemonProcess } from './daemon-process.ts';

let harness: SyncHarness;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'daemon schedule' });
});

afterEach(async () => {
  for (const daemon of daemons.splice(0)) {
    daemon.killHard();
    await daemon.waitForExit(5_000).catch(() => undefined); // already gone
  }
  harness.emulator.setFaults({ jobStepMs: null });
});

afterAll(async () => {
  await harness?.close();
});

async function runsOf(sync: string): Promise<RunRecord[]> {
  return (await listRecentRuns(harness.state, { sync, limit: 100 })).reverse();
}

async function stopDaemon(daemon: DaemonProcess): Promise<void> {
  daemon.child.kill('SIGTERM');
  expect((await daemon.waitForExit(20_000)).code).toBe(0);
}

describe('daemon schedules', () => {
  it('records a sync whose ERP query fails as failed, on every tick, and keeps running the others', async () => {
    const dir = await writeScheduledMappings(path.join(harness.tempDir, 'failing'), SHIPPED_MAPPINGS_DIR, { 'categories.yaml': '*/2 * * * * *' });
    // Valid as a file, so the daemon starts; its table does not exist, so each run fails in the ERP.
    const pricelists = await readFile(path.join(SHIPPED_MAPPINGS_DIR, 'pricelists.yaml'), 'utf8');
    await writeFile(path.join(dir, 'broken-pricelists.yaml'), pricelists
      .replace(/^sync: pricelists$/m, 'sync: broken-pricelists')
      .replace(/^schedule: .*$/m, 'schedule: "*/2 * * * * *"')
      .replace('table: erp.price_lists', 'table: erp.price_lists_gone'));
    await harness.useMappingsDir(dir);
    const daemon = startDaemonProcess(harness.cliEnv());
    daemons.push(daemon);
    await waitUntil('two failed runs of the broken sync', async () => ((await runsOf('broken-pricelists')).filter((run) => run.status === 'failed').length >= 2 ? true : undefined), 30_000);
    await waitUntil('two finished runs of categories', async () => ((await runsOf('categories')).filter((run) => run.finishedAt).length >= 2 ? true : undefined), 30_000);
    expect(daemon.child.exitCode).toBeNull();
    await stopDaemon(daemon);

    const broken = (await runsOf('broken-pricelists')).filter((run) => run.status !== 'aborted');
    expect(broken.every((run) => run.status === 'failed')).toBe(true);
    expect(broken[0]!.error).toMatch(/price_lists_gone/);
    const categories = await runsOf('categories');
    expect(categories.filter((run) => run.status === 'succeeded').length).toBeGreaterThanOrEqual(2);
    expect(daemon.logs.some((line) => line.level >= 50 && /broken-pricelists failed/.test(line.msg))).toBe(true);
  });

  it('records a tick that comes while the sync is still running as a skipped run, not a second run', async () => {
    const dir = path.join(harness.tempDir, 'slow');
    await mkdir(dir, { recursive: true });
    await writeScheduledMappings(dir, SHIPPED_MAPPINGS_DIR, { 'pricelists.yaml': '*/2 * * * * *' });
    await harness.useMappingsDir(dir);
    // Each Kibo job takes ~3 s (two steps), so a run spans several 2-second ticks.
    harness.emulator.setFaults({ jobStepMs: 1_500 });
    const daemon = startDaemonProcess(harness.cliEnv());
    daemons.push(daemon);
    await waitUntil('a skipped run of pricelists', async () => ((await runsOf('pricelists')).some((run) => run.status === 'skipped') ? true : undefined), 30_000);
    await waitUntil('a finished pricelists run', async () => ((await runsOf('pricelists')).some((run) => run.status === 'succeeded') ? true : undefined), 30_000);
    await stopDaemon(daemon);

    const runs = await runsOf('pricelists');
    const skipped = runs.filter((run) => run.status === 'skipped');
    expect(skipped.every((run) => run.error === 'previous run still going' && run.trigger === 'schedule')).toBe(true);
    const real = runs.filter((run) => run.status !== 'skipped');
    // Every skipped tick fell inside a real run of this process; real runs never overlapped.
    for (const tick of skipped) {
      expect(real.some((run) => run.startedAt <= tick.startedAt && (run.finishedAt ?? new Date()) >= tick.startedAt)).toBe(true);
    }
    for (const [index, run] of real.slice(1).entries()) expect(run.startedAt.getTime()).toBeGreaterThanOrEqual(real[index]!.finishedAt!.getTime());
  });
});
