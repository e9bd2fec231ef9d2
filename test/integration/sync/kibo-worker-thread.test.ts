// Large exports are hashed on a worker thread while the main thread reads the ERP (read-kibo-side.ts);
// small ones inline. Both paths must give the same diff, the same rows to send and the same outcome,
// including ERP rows read before Kibo's side knew their key (deferred, then settled or read back).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSqlFiles } from '../../../src/demo/run-sql-files.ts';
import { STATE_TABLES } from '../../../src/state/index.ts';
import { runSyncCycle } from '../../../src/sync/run-sync-cycle.ts';
import type { SyncRunSummary } from '../../../src/sync/sync-summary.ts';
import { SAMPLE_ERP_DIR, startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'sync_kibo_worker' });
  const first = await harness.run();
  for (const summary of first) expect(summary.status, `${summary.sync}: ${summary.error ?? ''}`).toBe('succeeded');
  await runSqlFiles(harness.database.url, [path.join(SAMPLE_ERP_DIR, 'changes.sql')]);
  // A new product without a name: threaded, it is deferred first, then rejected when read back.
  await harness.erp(`insert into erp.items (sku, title, list_price, weight_kg, length_cm, width_cm, height_cm) values ('000133', '', 5, 1, 1, 1, 1)`);
});

afterAll(async () => {
  await harness?.close();
});

async function dryRunAll(kiboWorkerMinExportBytes: number): Promise<SyncRunSummary[]> {
  const deps = { ...harness.deps, kiboWorkerMinExportBytes };
  const summaries = await runSyncCycle(deps, harness.mappings, { trigger: 'manual', resync: false, dryRun: true });
  return [...summaries].sort((a, b) => a.sync.localeCompare(b.sync));
}

async function readDeltaLines(summary: SyncRunSummary): Promise<string[]> {
  const file = summary.files.deltaCsv;
  expect(file, summary.sync).toBeDefined();
  const [header, ...rows] = (await readFile(file!, 'utf8')).split('\r\n');
  // Deferred rows are written after the others: the same rows, maybe in another order.
  return [header ?? '', ...rows.sort()];
}

describe('reading Kibo on a worker thread', () => {
  it('gives the same counts, plans and delta files as reading it inline, for every shipped mapping', async () => {
    const inline = await dryRunAll(Number.MAX_SAFE_INTEGER);
    const threaded = await dryRunAll(0);
    let changedSomewhere = false;
    for (const [index, summary] of threaded.entries()) {
      const reference = inline[index]!;
      expect(summary.status, `${summary.sync}: ${summary.error ?? ''}`).toBe('dry_run');
      expect(summary.counts, summary.sync).toEqual(reference.counts);
      expect(summary.planAction, summary.sync).toBe(reference.planAction);
      expect(await readDeltaLines(summary), summary.sync).toEqual(await readDeltaLines(reference));
      if ((summary.counts.changed ?? 0) > 0) changedSomewhere = true;
    }
    expect(changedSomewhere).toBe(true); // changes.sql made the comparison mean something
    // The nameless new product: rejected with the same row number, key and field on both paths.
    const rejectedOf = async (summaries: SyncRunSummary[]): Promise<unknown[]> => {
      const products = summaries.find((summary) => summary.sync === 'products');
      expect(products?.counts.rejectedByUs).toBe(1);
      return harness.state(STATE_TABLES.rejectedRows).where({ run_id: products?.runId }).select('row_number', 'key', 'field', 'reason');
    };
    const [rejected] = await rejectedOf(threaded);
    expect(rejected).toMatchObject({ field: 'ProductName', reason: expect.stringMatching(/required for a new record/) });
    expect(await rejectedOf(inline)).toEqual([rejected]);
  });

  it('sends the changes for real through the threaded path, after which nothing is left to send', async () => {
    const products = harness.mappings.filter((mapping) => mapping.sync === 'products');
    const [sent] = await runSyncCycle({ ...harness.deps, kiboWorkerMinExportBytes: 0 }, products, { trigger: 'manual', resync: false, dryRun: false });
    expect(sent?.status, sent?.error).toBe('succeeded');
    expect(sent?.counts).toMatchObject({ added: 2, changed: 3, removed: 0, rejectedByKibo: 0 });
    const [again] = await runSyncCycle({ ...harness.deps, kiboWorkerMinExportBytes: 0 }, products, { trigger: 'manual', resync: false, dryRun: false });
    expect(again?.planAction, again?.error).toBe('nothing');
  });

  it('fails the run with the worker\'s error when Kibo\'s export cannot be read, and sends nothing', async () => {
    const products = harness.mappings.filter((mapping) => mapping.sync === 'products');
    const jobsBefore = harness.emulator.listJobs('import').length;
    harness.emulator.setFaults({ corruptNextExport: true });
    const [failed] = await runSyncCycle({ ...harness.deps, kiboWorkerMinExportBytes: 0 }, products, { trigger: 'manual', resync: false, dryRun: false });
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(/zip/i);
    expect(failed?.error).not.toMatch(/ERP query failed|not among Kibo's rows/);
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore);
    const [recovered] = await runSyncCycle({ ...harness.deps, kiboWorkerMinExportBytes: 0 }, products, { trigger: 'manual', resync: false, dryRun: false });
    expect(recovered?.status, recovered?.error).toBe('succeeded');
  });
});
