// What the daemon does before its schedules: refuse bad mappings (exit 2, every problem listed), warn
// about a writable ERP login, serve /healthz /readyz /metrics, and with --resync send every row once.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseKiboCsvText } from '../../../src/csv/kibo-csv-reader.ts';
import { finishRun, listRecentRuns, startRun, STATE_TABLES } from '../../../src/state/index.ts';
import { SHIPPED_MAPPINGS_DIR, startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';
import { startDaemonProcess, writeScheduledMappings, type DaemonProcess } from './daemon-process.ts';

const NEVER_DURING_TEST = '0 0 1 1 *';

let harness: SyncHarness;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'daemon startup' });
});

afterEach(async () => {
  for (const daemon of daemons.splice(0)) {
    daemon.killHard();
    await daemon.waitForExit(5_000).catch(() => undefined); // already gone
  }
});

afterAll(async () => {
  await harness?.close();
});

function startDaemon(args: readonly string[] = []): DaemonProcess {
  const daemon = startDaemonProcess(harness.cliEnv(), args);
  daemons.push(daemon);
  return daemon;
}

describe('daemon start-up', () => {
  it('refuses to start on mapping problems, listing every one, with exit 2', async () => {
    const dir = path.join(harness.tempDir, 'broken');
    await writeScheduledMappings(dir, SHIPPED_MAPPINGS_DIR, { 'categories.yaml': 'every minute', 'pricelists.yaml': NEVER_DURING_TEST });
    const pricelists = await readFile(path.join(dir, 'pricelists.yaml'), 'utf8');
    await writeFile(path.join(dir, 'pricelists.yaml'), pricelists.replace('resource: Pricelists', 'resource: Pricelist'));
    const daemon = startDaemonProcess({ ...harness.cliEnv(), MAPPINGS_DIR: dir });
    daemons.push(daemon);
    const exit = await daemon.waitForExit(30_000);
    expect(exit.code).toBe(2);
    const output = daemon.otherOutput();
    expect(output).toMatch(/categories\.yaml:\d+ schedule: "every minute" is not a valid cron expression/);
    expect(output).toMatch(/pricelists\.yaml:\d+ resource: unknown Kibo resource "Pricelist"/);
  });

  it('--resync sends every row of every sync once at start (scheduled or not), then goes on as scheduled; ops endpoints answer', async () => {
    const dir = await writeScheduledMappings(path.join(harness.tempDir, 'resync'), SHIPPED_MAPPINGS_DIR, { 'categories.yaml': NEVER_DURING_TEST, 'pricelists.yaml': null });
    await harness.useMappingsDir(dir);
    await harness.run(['categories']);
    const [converged] = await harness.run(['categories']);
    expect(converged).toMatchObject({ status: 'succeeded', counts: { unchanged: 6 } });
    expect(converged!.importJobId).toBeUndefined();
    const importJobsBefore = harness.emulator.listJobs('import').length;

    const daemon = startDaemon(['--resync']);
    const listening = await daemon.waitForLog((line) => line.msg.startsWith('ops server listening'), 30_000);
    await daemon.waitForLog((line) => line.msg === 'resync cycle finished', 30_000);
    const scheduled = await daemon.waitForLog((line) => line.msg === 'daemon scheduled its syncs', 10_000);
    expect(scheduled.scheduled).toBe(1);
    expect(daemon.logs.some((line) => line.level === 40 && /ERP login can write/.test(line.msg))).toBe(true);

    const [resynced] = await listRecentRuns(harness.state, { sync: 'categories', limit: 1 });
    expect(resynced).toMatchObject({ trigger: 'resync', resync: true, status: 'succeeded', counts: { unchanged: 6, added: 0, changed: 0 } });
    const uploaded = await parseKiboCsvText(await readFile(path.join(resynced!.dataDir!, 'upload-delta.csv'), 'utf8'));
    expect(uploaded.rows).toHaveLength(6);
    const [pricelists] = await listRecentRuns(harness.state, { sync: 'pricelists', limit: 1 });
    expect(pricelists).toMatchObject({ trigger: 'resync', status: 'succeeded', counts: { added: 3 } });
    // Both resyncs are catalog-domain: they went to Kibo in one import job.
    expect(harness.emulator.listJobs('import')).toHaveLength(importJobsBefore + 1);

    const base = `http://127.0.0.1:${String(listening.port)}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/kibo_sync_runs_total\{sync="categories",status="succeeded"\} 1/);
    expect(metrics).toMatch(/kibo_sync_rows_total\{sync="pricelists",class="added"\} 3/);

    daemon.child.kill('SIGTERM');
    expect((await daemon.waitForExit(20_000)).code).toBe(0);
  });

  it('after downtime over many ticks, runs ONE catch-up run per sync that missed its schedule, none for a sync that never ran', async () => {
    const dir = await writeScheduledMappings(path.join(harness.tempDir, 'catch-up'), SHIPPED_MAPPINGS_DIR, { 'categories.yaml': '* * * * *', 'pricelists.yaml': '* * * * *' });
    // Earlier tests' runs would count as "the last run": file them under another name.
    await harness.state(STATE_TABLES.runs).whereIn('sync', ['categories', 'pricelists']).update({ sync: 'earlier-test' });
    // The last daemon ran categories ten minutes ago: ten ticks were missed while none ran.
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    const old = await startRun(harness.state, { sync: 'categories', trigger: 'schedule', resync: false, dryRun: false, startedAt: tenMinutesAgo });
    await finishRun(harness.state, old.id, { status: 'succeeded', finishedAt: tenMinutesAgo });
    const daemon = startDaemonProcess({ ...harness.cliEnv(), MAPPINGS_DIR: dir });
    daemons.push(daemon);
    const caughtUp = await daemon.waitForLog((line) => line.msg === 'catchup cycle finished', 30_000);
    expect(caughtUp.runs).toEqual([expect.objectContaining({ sync: 'categories', status: 'succeeded' })]);
    await daemon.waitForLog((line) => line.msg === 'daemon scheduled its syncs', 10_000);
    daemon.child.kill('SIGTERM');
    expect((await daemon.waitForExit(20_000)).code).toBe(0);

    const runs = await listRecentRuns(harness.state, { sync: 'categories', limit: 20 });
    expect(runs.filter((run) => run.trigger === 'catchup')).toHaveLength(1);
    const pricelists = await listRecentRuns(harness.state, { sync: 'pricelists', limit: 20 });
    expect(pricelists.filter((run) => run.trigger === 'catchup')).toHaveLength(0);
  });
});
