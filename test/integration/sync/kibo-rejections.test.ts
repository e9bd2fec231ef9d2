// Issue 3, "Done when" 5: Kibo rejects a row. Here an existing product whose name the ERP clears: the
// mapping's `onNull: clear` sends `~delete~`, and Kibo refuses to clear a required field, so the import
// rejects that row alone. The run must record the rejection (source kibo, row, key, field) and must not
// advance that key's state, while the other rows' state advances. K2's name spans two lines and comes
// first, so a row number that counted lines instead of records would blame the wrong key.
// (A NEW product without its required name never reaches Kibo: the engine rejects it itself.)
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKey } from '../../../src/mapping/index.ts';
import { STATE_TABLES } from '../../../src/state/index.ts';
import { KiboApiError } from '../../../src/support/errors.ts';
import { EXIT_CODES } from '../../../src/cli/cli-context.ts';
import { exitCodeOfRuns } from '../../../src/cli/format-run-summaries.ts';
import { runSyncCycle } from '../../../src/sync/run-sync-cycle.ts';
import { startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';
import { CREATE_STAGED_ITEMS_SQL, STAGED_MASTER_CATALOG, STAGED_PRODUCTS_MAPPING } from '../../helpers/staged-products.ts';


interface KeyStateRecord {
  key: string;
  hash: string;
  last_run_id: string;
}

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'sync_kibo_rejects', loadSampleData: false });
  const dir = path.join(harness.tempDir, 'mappings');
  await mkdir(dir);
  await writeFile(path.join(dir, 'staged-products.yaml'), STAGED_PRODUCTS_MAPPING);
  await harness.useMappingsDir(dir);
  await harness.erp(CREATE_STAGED_ITEMS_SQL);
  await harness.erp(`insert into erp.staged_items values (1, 'K1', 'One', 1), (2, 'K2', E'Two\\nlines, "quoted"', 2), (3, 'K3', 'Three', 3), (4, 'K4', 'Four', 4)`);
});

afterAll(async () => {
  await harness?.close();
});

function key(code: string): string {
  return encodeKey([STAGED_MASTER_CATALOG, code]);
}

async function keyStates(): Promise<Map<string, KeyStateRecord>> {
  const rows: KeyStateRecord[] = await harness.state(STATE_TABLES.keyState).where({ sync: 'staged-products' }).select('key', 'hash', 'last_run_id');
  return new Map(rows.map((row) => [row.key, row]));
}

describe('a row Kibo rejects', () => {
  it('is recorded with source kibo, row, key and field; its key state does not advance while the others do', async () => {
    const [first] = await harness.run();
    expect(first?.status, first?.error).toBe('succeeded');
    expect(first?.counts).toMatchObject({ added: 4, rejectedByUs: 0, rejectedByKibo: 0 });
    const afterFirst = await keyStates();
    expect([...afterFirst.keys()].sort()).toEqual([key('K1'), key('K2'), key('K3'), key('K4')]);

    await harness.erp("update erp.staged_items set price = price + 0.25 where sku in ('K1', 'K2')");
    await harness.erp("update erp.staged_items set title = null, price = 3.5 where sku = 'K3'");
    const [second] = await harness.run();
    expect(second?.status, second?.error).toBe('succeeded');
    expect(second?.counts).toMatchObject({ changed: 3, unchanged: 1, rejectedByUs: 0, rejectedByKibo: 1 });
    const rejected = await harness.state(STATE_TABLES.rejectedRows).where({ run_id: second?.runId }).select('source', 'file', 'row_number', 'key', 'field', 'reason');
    // rows of the delta: K1 = 2, K2 = 3 (two lines), K3 = 4
    expect(rejected).toEqual([
      { source: 'kibo', file: 'products.csv', row_number: 4, key: key('K3'), field: 'ProductName', reason: expect.stringMatching(/required|clear/i) },
    ]);
    expect(harness.emulator.listRecords('Products').find((record) => record.ProductCode === 'K3')).toMatchObject({ ProductName: 'Three', Price: '3' });
    const afterSecond = await keyStates();
    expect(afterSecond.get(key('K3'))).toEqual(afterFirst.get(key('K3')));
    for (const code of ['K1', 'K2']) {
      expect(afterSecond.get(key(code))?.hash).not.toBe(afterFirst.get(key(code))?.hash);
      expect(Number(afterSecond.get(key(code))?.last_run_id)).toBe(second?.runId);
    }
    expect(afterSecond.get(key('K4'))).toEqual(afterFirst.get(key('K4')));
    await harness.erp("update erp.staged_items set title = 'Three', price = 3 where sku = 'K3'");
  });

  it('a new product without its required name is rejected by us with key and field, never sent', async () => {
    await harness.erp("insert into erp.staged_items values (5, 'K5', null, 5)");
    const jobsBefore = harness.emulator.listJobs('import').length;
    const [run] = await harness.run();
    expect(run?.status, run?.error).toBe('succeeded');
    expect(run?.counts).toMatchObject({ added: 0, rejectedByUs: 1, rejectedByKibo: 0 });
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore);
    const rejected = await harness.state(STATE_TABLES.rejectedRows).where({ run_id: run?.runId }).select('source', 'file', 'row_number', 'key', 'field', 'reason');
    expect(rejected).toEqual([
      { source: 'erp', file: expect.stringContaining('staged-products.yaml'), row_number: 5, key: key('K5'), field: 'ProductName', reason: expect.stringMatching(/required for a new record/) },
    ]);
    await harness.erp("delete from erp.staged_items where sku = 'K5'");
  });

  it('an import job Kibo fails ends the run failed (exit code 1) and advances no key state; the next run sends the rows again', async () => {
    await harness.erp("update erp.staged_items set price = 9.99 where sku in ('K2', 'K4')");
    const before = await keyStates();
    // The export has finished when its rows are read: the next job created is this run's import.
    const observer = {
      stageFinished: (_sync: string, stage: string) => {
        if (stage === 'read-kibo') harness.emulator.setFaults({ failNextJob: 'simulated import failure' });
      },
    };
    const [failed] = await runSyncCycle({ ...harness.deps, observer }, harness.mappings, { trigger: 'manual', resync: false, dryRun: false });
    harness.emulator.setFaults({ failNextJob: null });
    expect(failed?.status).toBe('failed');
    expect(exitCodeOfRuns([failed!])).toBe(EXIT_CODES.failed);
    expect(failed?.error).toMatch(/simulated import failure/);
    expect(failed?.importJobId).toBeDefined();
    expect(await keyStates()).toEqual(before);
    const [retried] = await harness.run();
    expect(retried?.status, retried?.error).toBe('succeeded');
    expect(retried?.counts).toMatchObject({ changed: 2, added: 0, rejectedByKibo: 0 });
    const after = await keyStates();
    expect(after.get(key('K2'))?.hash).not.toBe(before.get(key('K2'))?.hash);
    expect(after.get(key('K4'))?.hash).not.toBe(before.get(key('K4'))?.hash);
    expect(after.get(key('K3'))).toEqual(before.get(key('K3')));
  });

  it('an import job we lose track of after Kibo created it leaves the run stuck, its job open for adoption, never resubmitted', async () => {
    await harness.erp("update erp.staged_items set price = price + 2 where sku = 'K1'");
    // Fault: the job disappears between its creation and the first poll (a real DELETE to the emulator).
    const kibo = {
      ...harness.kibo,
      createImportJob: async (job: Parameters<typeof harness.kibo.createImportJob>[0]) => {
        const created = await harness.kibo.createImportJob(job);
        await harness.kibo.deleteImportJob(created.id);
        return created;
      },
    };
    const jobsBefore = harness.emulator.listJobs('import').length;
    const [run] = await runSyncCycle({ ...harness.deps, kibo }, harness.mappings, { trigger: 'manual', resync: false, dryRun: false });
    expect(run?.status).toBe('stuck');
    expect(run?.error).toMatch(/lost track of Kibo import job/);
    expect(exitCodeOfRuns([run!])).toBe(EXIT_CODES.failed);
    const jobRows = await harness.state(STATE_TABLES.kiboJobs).where({ run_id: run?.runId, kind: 'import' }).select('id', 'finished_at');
    expect(jobRows).toEqual([{ id: run?.importJobId, finished_at: null }]);
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore); // created once, then deleted by the fault
  });

  it('adopts an import job whose creation answer was lost (found by its unique name): one job, run succeeded', async () => {
    await harness.erp("update erp.staged_items set price = price + 3 where sku = 'K2'");
    // Fault: Kibo creates the job, but the answer never reaches us (as after a timeout or a reset connection).
    const kibo = {
      ...harness.kibo,
      createImportJob: async (job: Parameters<typeof harness.kibo.createImportJob>[0]) => {
        await harness.kibo.createImportJob(job);
        throw new KiboApiError('POST /api/platform/data/import timed out after 60000 ms', undefined, 'create import job');
      },
    };
    const jobsBefore = harness.emulator.listJobs('import').length;
    const [run] = await runSyncCycle({ ...harness.deps, kibo }, harness.mappings, { trigger: 'manual', resync: false, dryRun: false });
    expect(run?.status, run?.error).toBe('succeeded');
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore + 1);
    expect(harness.emulator.listRecords('Products').find((record) => record.ProductCode === 'K2')?.Price).toBe(
      (await harness.erp<{ price: string }>("select price::text from erp.staged_items where sku = 'K2'"))[0]?.price.replace(/\.?0+$/, ''),
    );
  });
});
