// A snapshot's deletes are confirmed by evidence, not assumed from a completed job: the deleted keys stay
// owned until a later run's export no longer has them. When Kibo still has one (it completed the job but
// kept the record), the next run deletes it again; once an export lacks it, ownership is dropped, so a
// record someone later creates in Kibo under that key is theirs and survives every snapshot.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKey } from '../../../src/mapping/index.ts';
import { loadSyncStatus, STATE_TABLES } from '../../../src/state/index.ts';
import { CREATE_STAGED_ITEMS_SQL, STAGED_MASTER_CATALOG, STAGED_PRODUCTS_MAPPING } from '../../helpers/staged-products.ts';
import { startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';

const SYNC = 'staged-products';
const MIRROR_MAPPING = STAGED_PRODUCTS_MAPPING.replace(
  'deletes: ignore',
  'deletes: mirror\nguards: { maxDeleteFraction: 1, maxDeletes: 100, maxSourceDrop: 1 }',
);
const K4 = encodeKey([STAGED_MASTER_CATALOG, 'K4']);
const K4_CSV =
  'MasterCatalogName,ProductCode,ProductType,ProductUsage,ProductName,Price,VariationPricingMethod,PackageWeight,PackageLength,PackageWidth,PackageHeight\r\n' +
  `${STAGED_MASTER_CATALOG},K4,Base,Standard,Four (kept by Kibo),4.00,Differential,1,1,1,1`;

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'sent deletes' });
  const dir = path.join(harness.tempDir, 'mappings');
  await mkdir(dir);
  await writeFile(path.join(dir, 'staged-products.yaml'), MIRROR_MAPPING);
  await harness.useMappingsDir(dir);
  await harness.erp(CREATE_STAGED_ITEMS_SQL);
  await harness.erp("insert into erp.staged_items values (1, 'K1', 'One', 1), (2, 'K2', 'Two', 2), (3, 'K3', 'Three', 3), (4, 'K4', 'Four', 4)");
});

afterAll(async () => {
  await harness?.close();
});

async function keyState(key: string): Promise<{ owned: boolean; delete_sent_run_id: string | null } | undefined> {
  return (await harness.state(STATE_TABLES.keyState).where({ sync: SYNC, key }).first('owned', 'delete_sent_run_id')) as
    | { owned: boolean; delete_sent_run_id: string | null }
    | undefined;
}

function kiboCodes(): string[] {
  return harness.emulator.listRecords('Products').map((record) => record.ProductCode!).sort();
}

async function runOnce(): Promise<NonNullable<Awaited<ReturnType<SyncHarness['run']>>[number]>> {
  const [summary] = await harness.run([SYNC]);
  expect(summary?.status, summary?.error).toBe('succeeded');
  return summary!;
}

describe('deletes sent by a snapshot', () => {
  it('stay owned until an export lacks them; one Kibo kept is deleted again, then a record made later under that key survives', async () => {
    expect((await runOnce()).counts).toMatchObject({ added: 4 });

    await harness.erp("delete from erp.staged_items where sku = 'K4'");
    const deleting = await runOnce();
    expect(deleting).toMatchObject({ planAction: 'snapshot', counts: { removed: 1, deleted: 1 } });
    expect(kiboCodes()).toEqual(['K1', 'K2', 'K3']);
    expect(await keyState(K4)).toEqual({ owned: true, delete_sent_run_id: String(deleting.runId) });
    expect((await loadSyncStatus(harness.state, { sync: SYNC, limit: 1 }))[0]?.deletesAwaitingConfirmation).toBe(1);

    // Kibo completed the job but the record is there again (as if it had not deleted it): still ours.
    expect((await harness.importIntoKibo({ resource: 'Products', fileName: 'products.csv', csv: K4_CSV })).status).toBe('complete');
    const again = await runOnce();
    expect(again).toMatchObject({ planAction: 'snapshot', counts: { removed: 1, deleted: 1 } });
    expect(kiboCodes()).toEqual(['K1', 'K2', 'K3']);
    expect(await keyState(K4)).toEqual({ owned: true, delete_sent_run_id: String(again.runId) });

    // This export lacks K4: the delete is confirmed and the key is no longer this sync's.
    expect(await runOnce()).toMatchObject({ planAction: 'nothing', counts: { removed: 0, deleted: 0 } });
    expect(await keyState(K4)).toBeUndefined();

    // A person creates K4 in Kibo now: not ours, so the snapshot K3's deletion needs carries it unchanged.
    expect((await harness.importIntoKibo({ resource: 'Products', fileName: 'products.csv', csv: K4_CSV })).status).toBe('complete');
    await harness.erp("delete from erp.staged_items where sku = 'K3'");
    expect(await runOnce()).toMatchObject({ planAction: 'snapshot', counts: { removed: 2, deleted: 1 } });
    expect(kiboCodes()).toEqual(['K1', 'K2', 'K4']);
  });

  it('a key sent again (back in the ERP) is live: no longer awaiting a delete', async () => {
    await harness.erp("insert into erp.staged_items values (3, 'K3', 'Three again', 3)");
    expect(await keyState(encodeKey([STAGED_MASTER_CATALOG, 'K3']))).toMatchObject({ owned: true, delete_sent_run_id: expect.any(String) });
    expect((await runOnce()).counts).toMatchObject({ added: 1 });
    expect(await keyState(encodeKey([STAGED_MASTER_CATALOG, 'K3']))).toEqual({ owned: true, delete_sent_run_id: null });
  });
});
