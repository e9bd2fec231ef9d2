// A run's files (CSVs, zips, Kibo logs) are removed RUN_FILES_RETENTION_DAYS after it ended, by a later run
// of the same sync; the run's row stays, with files_removed_at. Runs an open Kibo import job still carries,
// runs recorded under another DATA_DIR and other syncs' runs are never touched.
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRun, finishRun, formatSyncStatus, loadSyncStatus, recordKiboJob, startRun, STATE_TABLES, updateKiboJob } from '../../../src/state/index.ts';
import { MAX_RUN_DIRECTORIES_REMOVED_PER_RUN, removeExpiredRunFiles } from '../../../src/sync/remove-expired-run-files.ts';
import { removeRunDirectory, resolveSyncRunsRoot } from '../../../src/sync/run-directory.ts';
import { runSyncCycle } from '../../../src/sync/run-sync-cycle.ts';
import { createSilentLogger } from '../../../src/support/logger.ts';
import { startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'sync_retention' });
});

afterAll(async () => {
  await harness?.close();
});

async function exists(target: string): Promise<boolean> {
  return stat(target).then(() => true, () => false);
}

async function ageRun(runId: number, days: number): Promise<void> {
  await harness.state(STATE_TABLES.runs).where({ id: runId }).update({ finished_at: new Date(Date.now() - days * DAY_MS) });
}

/** A finished run of `sync` recorded in state, with one file in `directory`. */
async function recordFinishedRun(sync: string, directory: string, daysAgo: number): Promise<number> {
  const run = await startRun(harness.state, { sync, trigger: 'schedule', resync: false, dryRun: false, startedAt: new Date(), dataDir: directory });
  await finishRun(harness.state, run.id, { status: 'succeeded', finishedAt: new Date() });
  await ageRun(run.id, daysAgo);
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'delta.csv'), 'x'.repeat(100));
  return run.id;
}

describe('run files past their retention', () => {
  it("are removed by the sync's next run; runs under another DATA_DIR and other syncs' runs are left alone", async () => {
    const [old] = await harness.run(['products']);
    const [recent] = await harness.run(['products']);
    expect(old?.status, old?.error).toBe('succeeded');
    const oldRunId = old!.runId!;
    const recentRunId = recent!.runId!;
    const oldDir = (await findRun(harness.state, oldRunId))!.dataDir!;
    const recentDir = (await findRun(harness.state, recentRunId))!.dataDir!;
    expect(await readdir(oldDir)).not.toEqual([]);
    await ageRun(oldRunId, 31);

    const elsewhere = await recordFinishedRun('products', path.join(harness.tempDir, 'old-data-dir', 'runs', 'products', '90000002'), 40);
    const otherSync = await recordFinishedRun('customers', path.join(resolveSyncRunsRoot(harness.dataDir, 'customers'), '90000003'), 40);

    const [current] = await runSyncCycleWithRetention(30);
    expect(current?.status, current?.error).toBe('succeeded');

    expect(await exists(oldDir)).toBe(false);
    expect((await findRun(harness.state, oldRunId))?.filesRemovedAt).toBeInstanceOf(Date);
    expect(await exists(recentDir)).toBe(true);
    expect((await findRun(harness.state, recentRunId))?.filesRemovedAt).toBeUndefined();
    for (const runId of [elsewhere, otherSync]) {
      const run = await findRun(harness.state, runId);
      expect(await readdir(run!.dataDir!), `run ${runId}`).toEqual(['delta.csv']);
      expect(run?.filesRemovedAt).toBeUndefined();
    }
    expect(await exists((await findRun(harness.state, current!.runId!))!.dataDir!)).toBe(true);
    // `kibo-sync status` says why the old run's directory is gone.
    const status = formatSyncStatus(await loadSyncStatus(harness.state, { sync: 'products', limit: 10 }));
    const oldLine = status.split('\n').find((line) => line.trim().startsWith(`${oldRunId} `));
    expect(oldLine).toMatch(/files removed \d{4}-\d\d-\d\d/);
    expect(status.split('\n').find((line) => line.trim().startsWith(`${recentRunId} `))).not.toMatch(/files removed/);
  });

  it('are removed at most 100 runs at a time, oldest first, and kept forever with retention 0', async () => {
    const sync = 'retention-backlog';
    const runsRoot = resolveSyncRunsRoot(harness.dataDir, sync);
    const runIds: number[] = [];
    for (let index = 0; index < MAX_RUN_DIRECTORIES_REMOVED_PER_RUN + 5; index += 1) {
      runIds.push(await recordFinishedRun(sync, path.join(runsRoot, String(80_000_000 + index)), 400 - index));
    }
    const deps = { db: harness.state, clock: harness.deps.clock, logger: createSilentLogger(), dataDir: harness.dataDir };
    expect((await removeExpiredRunFiles({ ...deps, runFilesRetentionDays: 0 }, sync)).runIds).toEqual([]);
    expect(await readdir(runsRoot)).toHaveLength(runIds.length);

    const first = await removeExpiredRunFiles({ ...deps, runFilesRetentionDays: 30 }, sync);
    expect(first.runIds).toEqual(runIds.slice(0, MAX_RUN_DIRECTORIES_REMOVED_PER_RUN));
    expect(first.bytes).toBe(MAX_RUN_DIRECTORIES_REMOVED_PER_RUN * 100);
    const second = await removeExpiredRunFiles({ ...deps, runFilesRetentionDays: 30 }, sync);
    expect(second.runIds).toEqual(runIds.slice(MAX_RUN_DIRECTORIES_REMOVED_PER_RUN));
    expect(await readdir(runsRoot)).toEqual([]);
    expect((await removeExpiredRunFiles({ ...deps, runFilesRetentionDays: 30 }, sync)).runIds).toEqual([]);
  });
});

describe('run files an open import job still needs', () => {
  it('are kept past their retention until the job is finished (resume finishes its runs from their files)', async () => {
    const sync = 'retention-open-import';
    const runDir = path.join(resolveSyncRunsRoot(harness.dataDir, sync), '70000001');
    const runId = await recordFinishedRun(sync, runDir, 40);
    await recordKiboJob(harness.state, { id: 'export-of-70000001', runId, kind: 'export', status: 'complete', request: {}, createdAt: new Date() });
    await recordKiboJob(harness.state, { id: 'import-of-70000001', runId, kind: 'import', status: 'Processing', request: {}, createdAt: new Date() });
    const deps = { db: harness.state, clock: harness.deps.clock, logger: createSilentLogger(), dataDir: harness.dataDir, runFilesRetentionDays: 30 };
    expect((await removeExpiredRunFiles(deps, sync)).runIds).toEqual([]);
    expect(await readdir(runDir)).toEqual(['delta.csv']);
    // An export job's record never needs the run's files, finished or not.
    await updateKiboJob(harness.state, 'import-of-70000001', { status: 'complete', finishedAt: new Date() });
    expect((await removeExpiredRunFiles(deps, sync)).runIds).toEqual([runId]);
    expect(await exists(runDir)).toBe(false);
  });
});

describe('removeRunDirectory', () => {
  it('removes only a number-named directory right under the runs root', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'kibo-run-dirs-'));
    try {
      const runsRoot = path.join(root, 'runs', 'products');
      const runDir = path.join(runsRoot, '00000007');
      await mkdir(path.join(runDir, 'nested'), { recursive: true });
      await writeFile(path.join(runDir, 'a.csv'), 'abc');
      await writeFile(path.join(runDir, 'nested', 'b.csv'), 'de');
      for (const target of [runsRoot, path.join(runsRoot, 'notes'), path.join(root, 'runs', 'customers', '00000007'), path.join(runsRoot, '..', '00000007'), path.join(runDir, 'nested')]) {
        await expect(removeRunDirectory(runsRoot, target), target).rejects.toThrow(/not a run directory under/);
      }
      expect(await removeRunDirectory(runsRoot, runDir)).toBe(5);
      expect(await exists(runDir)).toBe(false);
      expect(await removeRunDirectory(runsRoot, runDir)).toBe(0); // already gone: nothing to do
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

function runSyncCycleWithRetention(days: number): ReturnType<SyncHarness['run']> {
  const products = harness.mappings.filter((mapping) => mapping.sync === 'products');
  return runSyncCycle({ ...harness.deps, runFilesRetentionDays: days }, products, { trigger: 'manual', resync: false, dryRun: false });
}
