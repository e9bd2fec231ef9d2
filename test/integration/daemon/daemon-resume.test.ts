// A daemon that dies (kill -9) or is stopped (SIGTERM) while Kibo imports: the job stays recorded open,
// and the next daemon adopts it instead of importing again, then finishes the run from its files.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countKeyStates, findRun, listKiboJobs, STATE_TABLES, type RunRecord } from '../../../src/state/index.ts';
import { SHIPPED_MAPPINGS_DIR, startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';
import { startDaemonProcess, waitUntil, writeScheduledMappings, type DaemonProcess } from './daemon-process.ts';

// Never due while the test runs: the runs come from --resync at start.
const NEVER_DURING_TEST = '0 0 1 1 *';
const SLOW_JOB_STEP_MS = 1_500;
const CATEGORY_ROWS = 6;

let harness: SyncHarness;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'daemon resume' });
  await harness.useMappingsDir(await writeScheduledMappings(path.join(harness.tempDir, 'mappings'), SHIPPED_MAPPINGS_DIR, { 'categories.yaml': NEVER_DURING_TEST }));
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

function startDaemon(args: readonly string[] = []): DaemonProcess {
  const daemon = startDaemonProcess(harness.cliEnv(), args);
  daemons.push(daemon);
  return daemon;
}

/** The run whose import job is recorded in state while the emulator still has that job running. */
async function waitForImportInFlight(daemon: DaemonProcess, afterRunId: number): Promise<{ run: RunRecord; jobId: string }> {
  const job = await waitUntil('an import job recorded in state', async () => {
    const row = (await harness.state(STATE_TABLES.kiboJobs).where({ kind: 'import' }).andWhere('run_id', '>', afterRunId).first()) as { id: string; run_id: string } | undefined;
    return row;
  }, 30_000, 25).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; daemon said:\n${daemon.logs.map((line) => JSON.stringify(line).slice(0, 300)).join('\n')}\n${daemon.otherOutput()}`);
  });
  const inEmulator = harness.emulator.listJobs('import') as { id: string; isComplete: boolean }[];
  expect(inEmulator.find((entry) => entry.id === job.id)?.isComplete).toBe(false);
  return { run: (await findRun(harness.state, Number(job.run_id)))!, jobId: job.id };
}

async function expectAdoptedAndFinished(runId: number, jobId: string, importJobsBefore: number): Promise<void> {
  const daemon = startDaemon();
  const resumed = await daemon.waitForLog((line) => line.msg === 'resume finished', 30_000);
  expect(resumed.adoptedJobs).toEqual([jobId]);
  const run = (await findRun(harness.state, runId))!;
  expect(run.status).toBe('succeeded');
  expect(run.counts).toMatchObject({ source: CATEGORY_ROWS, deleted: 0, rejectedByKibo: 0 });
  // One import job for the run, in state and in Kibo: the restart polled it, never created another.
  expect((await listKiboJobs(harness.state, runId)).filter((job) => job.kind === 'import').map((job) => job.id)).toEqual([jobId]);
  expect(harness.emulator.listJobs('import')).toHaveLength(importJobsBefore);
  expect(await countKeyStates(harness.state, 'categories')).toEqual({ tracked: CATEGORY_ROWS, owned: CATEGORY_ROWS });
  const keys = (await harness.state(STATE_TABLES.keyState).where({ sync: 'categories' }).pluck('last_run_id')) as unknown[];
  expect(new Set(keys.map(Number))).toEqual(new Set([runId]));
  expect(harness.emulator.listRecords('Categories')).toHaveLength(CATEGORY_ROWS);
  daemon.child.kill('SIGTERM');
  expect((await daemon.waitForExit(20_000)).code).toBe(0);
}

async function lastRunId(): Promise<number> {
  const row = (await harness.state(STATE_TABLES.runs).max('id as id').first()) as { id: unknown } | undefined;
  return Number(row?.id ?? 0);
}

async function resetCategories(): Promise<void> {
  await harness.state(STATE_TABLES.keyState).where({ sync: 'categories' }).delete();
}

describe('daemon crash and shutdown resume', () => {
  it('kill -9 while Kibo imports, then a restart: the open job is adopted, not re-created, and the run succeeds with key state advanced', async () => {
    harness.emulator.setFaults({ jobStepMs: SLOW_JOB_STEP_MS });
    const first = startDaemon(['--resync']);
    const { run, jobId } = await waitForImportInFlight(first, await lastRunId());
    first.child.kill('SIGKILL');
    await first.waitForExit(5_000);
    expect((await findRun(harness.state, run.id))!.status).toBe('running');
    expect(await countKeyStates(harness.state, 'categories')).toEqual({ tracked: 0, owned: 0 });

    await expectAdoptedAndFinished(run.id, jobId, 1);
  });

  it('SIGTERM mid-import exits 0 within 20 s, leaves the job open, and the next start finishes the run', async () => {
    await resetCategories();
    const importJobsBefore = harness.emulator.listJobs('import').length;
    harness.emulator.setFaults({ jobStepMs: SLOW_JOB_STEP_MS * 2 });
    const first = startDaemon(['--resync']);
    const { run, jobId } = await waitForImportInFlight(first, await lastRunId());
    first.child.kill('SIGTERM');
    const exit = await first.waitForExit(20_000);
    expect(exit.code).toBe(0);
    expect(exit.afterMs).toBeLessThan(20_000);
    const stopped = (await findRun(harness.state, run.id))!;
    expect(stopped.status).toBe('aborted');
    const [openJob] = (await listKiboJobs(harness.state, run.id)).filter((job) => job.kind === 'import');
    expect(openJob?.finishedAt).toBeUndefined();
    expect(await countKeyStates(harness.state, 'categories')).toEqual({ tracked: 0, owned: 0 });

    harness.emulator.setFaults({ jobStepMs: null });
    await expectAdoptedAndFinished(run.id, jobId, importJobsBefore + 1);
  });
});
