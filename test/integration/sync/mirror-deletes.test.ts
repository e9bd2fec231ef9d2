// Issue 3, "Done when" 3: with `deletes: mirror` (the products mapping) an ERP delete deletes the owned
// Kibo record, a record created in Kibo by hand survives every snapshot, a 40% delete is blocked (nothing
// uploaded, exit 3, plan id printed), approving that plan applies it, and changed data voids an approval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKey } from '../../../src/mapping/index.ts';
import { STATE_TABLES } from '../../../src/state/index.ts';
import { runSyncCycle } from '../../../src/sync/run-sync-cycle.ts';
import { startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';

const MASTER_CATALOG = 'Main Master Catalog';
const HAND_MADE_CODE = 'HAND-0001';
const HAND_MADE_CSV =
  'MasterCatalogName,ProductCode,ProductType,ProductUsage,ProductName,Price,VariationPricingMethod,PackageWeight,PackageLength,PackageWidth,PackageHeight\r\n' +
  `${MASTER_CATALOG},${HAND_MADE_CODE},Base,Standard,Made in the Kibo admin,5.00,Differential,1,1,1,1`;

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'sync_mirror' });
  const job = await harness.importIntoKibo({ resource: 'Products', fileName: 'products.csv', csv: HAND_MADE_CSV });
  expect(job.status).toBe('complete');
  const [first] = await harness.run(['products']);
  expect(first?.status, first?.error).toBe('succeeded');
});

afterAll(async () => {
  await harness?.close();
});

function productCodes(): string[] {
  return harness.emulator.listRecords('Products').map((record) => record.ProductCode!);
}

async function ownedKeys(): Promise<string[]> {
  const rows = await harness.state(STATE_TABLES.keyState).where({ sync: 'products', owned: true }).select('key');
  return rows.map((row: { key: string }) => row.key);
}

async function sellableSkus(): Promise<string[]> {
  return (await harness.erp<{ sku: string }>('select sku from erp.items where sellable order by sku')).map((row) => row.sku);
}

async function deleteItem(sku: string): Promise<void> {
  for (const table of ['erp.price_tiers', 'erp.price_list_items', 'erp.stock', 'erp.catalog_listings', 'erp.items']) {
    await harness.erp(`delete from ${table} where sku = $1`, [sku]);
  }
}

async function hideItems(skus: readonly string[]): Promise<void> {
  await harness.erp('update erp.items set sellable = false where sku = any($1)', [skus]);
}

describe('deletes: mirror on products', () => {
  it('the first sync leaves the hand-made Kibo product alone and owns only what it sent', async () => {
    expect(productCodes()).toContain(HAND_MADE_CODE);
    const owned = await ownedKeys();
    expect(owned).toHaveLength((await sellableSkus()).length);
    expect(owned).not.toContain(encodeKey([MASTER_CATALOG, HAND_MADE_CODE]));
  });

  it('deleting one ERP row deletes that owned product in Kibo, and the hand-made product survives the snapshot', async () => {
    await deleteItem('000126');
    const jobsBefore = harness.emulator.listJobs('import').length;
    const [summary] = await harness.run(['products']);
    expect(summary?.status, summary?.error).toBe('succeeded');
    expect(summary?.planAction).toBe('snapshot');
    expect(summary?.counts).toMatchObject({ removed: 2, deleted: 1 });
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore + 1);
    const codes = productCodes();
    expect(codes).not.toContain('000126');
    expect(codes).toContain(HAND_MADE_CODE);
    expect(codes.filter((code) => code !== HAND_MADE_CODE).sort()).toEqual(await sellableSkus());
    // A completed job is no proof of the delete: the key stays owned until an export without it (sent-deletes.test.ts).
    expect(await ownedKeys()).toContain(encodeKey([MASTER_CATALOG, '000126']));
  });

  it('a snapshot whose ERP rows vanish between the diff and the snapshot read fails, and sends nothing', async () => {
    await deleteItem('000127');
    const vanishing = (await sellableSkus()).slice(0, 3);
    // The ERP changes right before the snapshot's second read (the third connection of the run's ERP
    // pool: columns check, diff pass, snapshot pass): rows the plan counted on are gone.
    let connections = 0;
    const erpPool = Object.create(harness.erpPool) as typeof harness.erpPool;
    erpPool.connect = (async () => {
      connections += 1;
      if (connections === 3) await hideItems(vanishing);
      return harness.erpPool.connect();
    }) as typeof erpPool.connect;
    const jobsBefore = harness.emulator.listJobs('import').length;
    const [summary] = await runSyncCycle({ ...harness.deps, erpPool }, harness.mappings.filter((m) => m.sync === 'products'), { trigger: 'manual', resync: false, dryRun: false });
    expect(summary?.status).toBe('failed');
    expect(summary?.error).toMatch(/the ERP changed during the run/);
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore);
    expect(productCodes()).toEqual(expect.arrayContaining(['000127', ...vanishing]));
    await harness.erp('update erp.items set sellable = true where sku = any($1)', [vanishing]);
    const [retried] = await harness.run(['products']);
    expect(retried?.status, retried?.error).toBe('succeeded');
    expect(retried?.counts).toMatchObject({ deleted: 1 });
    expect(productCodes()).not.toContain('000127');
  });

  it('a snapshot whose ERP row changes between the diff and the snapshot read fails, and sends nothing', async () => {
    await deleteItem('000128');
    const [edited] = (await sellableSkus()).slice(-1);
    const titleBefore = (await harness.erp<{ title: string }>('select title from erp.items where sku = $1', [edited]))[0]?.title;
    // Same trick as above, but the row stays: only its value changes, so the second read has every key.
    // A snapshot must send the rows the plan was made from, or it would import values nobody diffed.
    let connections = 0;
    const erpPool = Object.create(harness.erpPool) as typeof harness.erpPool;
    erpPool.connect = (async () => {
      connections += 1;
      if (connections === 3) await harness.erp(`update erp.items set title = title || ' (edited mid-run)' where sku = $1`, [edited]);
      return harness.erpPool.connect();
    }) as typeof erpPool.connect;
    const jobsBefore = harness.emulator.listJobs('import').length;
    const [summary] = await runSyncCycle({ ...harness.deps, erpPool }, harness.mappings.filter((m) => m.sync === 'products'), { trigger: 'manual', resync: false, dryRun: false });
    expect(summary?.status).toBe('failed');
    expect(summary?.error).toMatch(/the ERP changed during the run: .* rows the plan was made from unchanged/);
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore);
    expect(productCodes()).toContain('000128');
    await harness.erp('update erp.items set title = $2 where sku = $1', [edited, titleBefore]);
    const [retried] = await harness.run(['products']);
    expect(retried?.status, retried?.error).toBe('succeeded');
    expect(productCodes()).not.toContain('000128');
  });

  it('deleting 40% blocks the run (nothing uploaded, CLI exit 3 with the plan id), and approving that plan applies it', async () => {
    const skus = await sellableSkus();
    const hidden = skus.slice(0, Math.ceil(skus.length * 0.4));
    await hideItems(hidden);
    const jobsBefore = harness.emulator.listJobs('import').length;
    const blocked = await harness.runCli(['run', 'products']);
    expect(blocked.code, blocked.stderr).toBe(3);
    const planId = /--approve (plan_\S+)/.exec(blocked.stdout)?.[1];
    expect(planId, blocked.stdout).toBeDefined();
    expect(blocked.stdout).toContain('guard maxDeleteFraction');
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore);
    expect(productCodes()).toEqual(expect.arrayContaining(hidden));

    const approved = await harness.runCli(['run', 'products', '--approve', planId!, '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    const [run] = (JSON.parse(approved.stdout) as { runs: { status: string; counts: { deleted: number } }[] }).runs;
    expect(run).toMatchObject({ status: 'succeeded', counts: { deleted: hidden.length } });
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore + 1);
    const codes = productCodes();
    for (const sku of hidden) expect(codes).not.toContain(sku);
    expect(codes).toContain(HAND_MADE_CODE);

    // Reusing the id once the plan is applied changes nothing: the data now matches, there is nothing to delete.
    const again = await harness.run(['products'], { approvePlanId: planId! });
    expect(again[0]).toMatchObject({ status: 'succeeded', planAction: 'nothing', counts: { deleted: 0 } });
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore + 1);
  });

  it('changed data voids an approval: the approved plan no longer matches and the run stays blocked', async () => {
    const skus = await sellableSkus();
    await hideItems(skus.slice(0, 6));
    const [blocked] = await harness.run(['products']);
    expect(blocked?.status).toBe('blocked');
    const planId = blocked!.planId!;

    await hideItems(skus.slice(6, 7));
    const jobsBefore = harness.emulator.listJobs('import').length;
    const [retried] = await harness.run(['products'], { approvePlanId: planId });
    expect(retried?.status).toBe('blocked');
    expect(retried?.planId).not.toBe(planId);
    expect(harness.emulator.listJobs('import')).toHaveLength(jobsBefore);
    expect(productCodes()).toEqual(expect.arrayContaining(skus.slice(0, 7)));
  });
});
