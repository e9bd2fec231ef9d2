// A process killed mid-diff leaves its spill files (hundreds of MB per million rows) in its run directory.
// The next run of the same sync, holding the sync's lock, removes them; nothing else is touched.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERP_ROWS_SPILL, KIBO_ROWS_SPILL, removeOrphanedSpillFiles } from '../../../src/sync/run-directory.ts';
import { startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'sync_orphans' });
});

afterAll(async () => {
  await harness?.close();
});

async function writeFiles(directory: string, names: readonly string[]): Promise<void> {
  await mkdir(directory, { recursive: true });
  for (const name of names) await writeFile(path.join(directory, name), 'x'.repeat(1000));
}

describe('spill files of interrupted runs', () => {
  it("are removed by the sync's next run, keeping the run's evidence and other syncs' files", async () => {
    const killedRun = path.join(harness.dataDir, 'runs', 'products', '00000000');
    const otherSync = path.join(harness.dataDir, 'runs', 'customers', '00000000');
    await writeFiles(killedRun, [KIBO_ROWS_SPILL, ERP_ROWS_SPILL, 'plan.json']);
    await writeFiles(otherSync, [ERP_ROWS_SPILL]);

    const [summary] = await harness.run(['products']);
    expect(summary?.status, summary?.error).toBe('succeeded');

    expect(await readdir(killedRun)).toEqual(['plan.json']);
    expect(await readdir(otherSync)).toEqual([ERP_ROWS_SPILL]);
    const runDirectories = await readdir(path.join(harness.dataDir, 'runs', 'products'));
    expect(runDirectories).toHaveLength(2);
    for (const name of runDirectories) {
      const files = await readdir(path.join(harness.dataDir, 'runs', 'products', name));
      expect(files.filter((file) => file === KIBO_ROWS_SPILL || file === ERP_ROWS_SPILL)).toEqual([]);
    }
  });

  it('are looked for in the 20 run directories before the current one only (every run sweeps those before it)', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'kibo-orphans-'));
    try {
      const runDirectory = (id: number): string => path.join(dataDir, 'runs', 'products', String(id).padStart(8, '0'));
      for (let id = 1; id <= 26; id += 1) await writeFiles(runDirectory(id), [ERP_ROWS_SPILL]);
      const removed = await removeOrphanedSpillFiles(dataDir, 'products', 26);
      expect(removed.paths).toEqual(Array.from({ length: 20 }, (_, index) => path.join(runDirectory(index + 6), ERP_ROWS_SPILL)));
      expect(removed.bytes).toBe(20 * 1000);
      expect(await readdir(runDirectory(5))).toEqual([ERP_ROWS_SPILL]);
      expect(await readdir(runDirectory(26))).toEqual([ERP_ROWS_SPILL]); // the current run's own
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
