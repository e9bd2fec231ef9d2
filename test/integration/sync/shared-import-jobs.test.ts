// Syncs of one domain due together share one import job, their CSVs in the registry's import order, and
// each run still gets only its own Kibo rejections; `after:` holds: a child is skipped when its parent
// failed or was blocked in the same cycle.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIBO_RESOURCES } from '../../../src/kibo/resources/resource-registry.ts';
import { encodeKey } from '../../../src/mapping/index.ts';
import { STATE_TABLES } from '../../../src/state/index.ts';
import { readZip } from '../../helpers/kibo-zip-fixtures.ts';
import { SHIPPED_MAPPINGS_DIR, startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';

interface JobView {
  id: string;
  resources: { resource: string }[];
}

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'sync_shared_jobs' });
});

afterAll(async () => {
  await harness?.close();
});

/** Copies shipped mapping files into a directory of their own, each text changed by `edit`. */
async function writeMappingsDir(name: string, files: Record<string, (yaml: string) => string>): Promise<string> {
  const dir = path.join(harness.tempDir, name);
  await mkdir(dir, { recursive: true });
  for (const [file, edit] of Object.entries(files)) {
    await writeFile(path.join(dir, file), edit(await readFile(path.join(SHIPPED_MAPPINGS_DIR, file), 'utf8')));
  }
  return dir;
}

function withoutAfter(yaml: string): string {
  return yaml.replace(/^after:.*\n/m, '');
}

function registryPosition(resource: string): number {
  return KIBO_RESOURCES.findIndex((spec) => spec.name.toLowerCase() === resource.toLowerCase());
}

describe('syncs of one domain in one cycle', () => {
  it('share one import job with their CSVs in registry order, and each run keeps only its own Kibo rejections', async () => {
    await harness.useMappingsDir(await writeMappingsDir('same-level', {
      'products.yaml': (yaml) => withoutAfter(yaml).replace('  ProductName: title\n', '  ProductName: { column: title, type: string, onNull: clear }\n'),
      'product-catalog.yaml': withoutAfter,
      'location-inventory.yaml': withoutAfter,
    }));
    // A product Kibo already has, whose required name the ERP clears: the import refuses `~delete~` on a
    // required field, so Kibo rejects that one row of products.csv.
    await harness.importIntoKibo({
      resource: 'Products',
      fileName: 'products.csv',
      csv: 'MasterCatalogName,ProductCode,ProductType,ProductUsage,ProductName,Price,VariationPricingMethod,PackageWeight,PackageLength,PackageWidth,PackageHeight\r\n' +
        'Main Master Catalog,000125,Base,Standard,Tea Set,89.90,Differential,2.1,25,25,15',
    });
    await harness.erp('alter table erp.items alter column title drop not null');
    await harness.erp("update erp.items set title = null where sku = '000125'");
    const jobsBefore = harness.emulator.listJobs('import').length;

    const summaries = await harness.run(['location-inventory', 'product-catalog', 'products']);
    for (const summary of summaries) expect(summary.status, `${summary.sync}: ${summary.error ?? ''}`).toBe('succeeded');
    const jobs = harness.emulator.listJobs('import') as JobView[];
    expect(jobs).toHaveLength(jobsBefore + 1);
    const job = jobs[0]!;
    expect(new Set(summaries.map((summary) => summary.importJobId))).toEqual(new Set([job.id]));
    const resources = job.resources.map((entry) => entry.resource);
    expect([...resources].sort()).toEqual(['LocationInventory', 'ProductCatalog', 'Products']);
    expect(resources).toEqual([...resources].sort((left, right) => registryPosition(left) - registryPosition(right)));
    expect(Object.keys(await readZip(await readFile(summaries[0]!.files.uploadZip!))).sort()).toEqual(['locationinventory.csv', 'productcatalog.csv', 'products.csv']);

    const bySync = new Map(summaries.map((summary) => [summary.sync, summary]));
    expect(bySync.get('products')?.counts.rejectedByKibo).toBe(1);
    expect(bySync.get('product-catalog')?.counts.rejectedByKibo).toBe(0);
    expect(bySync.get('location-inventory')?.counts.rejectedByKibo).toBe(0);
    const rejected = await harness.state(STATE_TABLES.rejectedRows).whereIn('run_id', summaries.map((summary) => summary.runId!)).select('sync', 'source', 'key', 'field');
    expect(rejected).toEqual([{ sync: 'products', source: 'kibo', key: encodeKey(['Main Master Catalog', '000125']), field: 'ProductName' }]);
    const keyCounts = await harness.erp<{ sync: string; keys: number }>(`select sync, count(*)::int as keys from ${STATE_TABLES.keyState} group by sync`);
    const keysBySync = Object.fromEntries(keyCounts.map((row) => [row.sync, row.keys]));
    expect(keysBySync).toEqual({
      products: bySync.get('products')!.counts.source! - 1,
      'product-catalog': bySync.get('product-catalog')!.counts.source,
      'location-inventory': bySync.get('location-inventory')!.counts.source,
    });
  });

  it('after: a child is skipped when its parent fails, and when its parent is blocked', async () => {
    await harness.useMappingsDir(await writeMappingsDir('failing-parent', {
      'products.yaml': (yaml) => yaml.replace(/from erp.items\n/, 'from erp.items_that_do_not_exist\n'),
      'location-inventory.yaml': (yaml) => yaml,
    }));
    const exportsBefore = harness.emulator.listJobs('export').length;
    const failed = await harness.run();
    expect(failed.map((summary) => [summary.sync, summary.status])).toEqual([['products', 'failed'], ['location-inventory', 'skipped']]);
    expect(failed[0]?.error).toMatch(/items_that_do_not_exist/);
    expect(failed[1]?.error).toMatch(/products/);
    expect(harness.emulator.listJobs('export')).toHaveLength(exportsBefore);

    await harness.useMappingsDir(await writeMappingsDir('parent-read-fails', {
      // Fails on one row while streaming: the source is partial, so the parent is blocked (sourceFailed).
      'products.yaml': (yaml) => yaml.replace('where sellable', "where sellable and 1 / (case when sku = '001001' then 0 else 1 end) = 1"),
      'location-inventory.yaml': (yaml) => yaml,
    }));
    const blocked = await harness.run();
    expect(blocked.map((summary) => [summary.sync, summary.status])).toEqual([['products', 'blocked'], ['location-inventory', 'skipped']]);
    expect(blocked[0]?.violations.map((violation) => violation.guard)).toContain('sourceFailed');
    const skippedRuns = await harness.state(STATE_TABLES.runs).where({ sync: 'location-inventory', status: 'skipped' }).count({ runs: '*' });
    expect(Number(skippedRuns[0]?.runs)).toBe(2);
  });

  it('after: in a dry run, a parent that ran dry lets its children run dry too (nothing is imported)', async () => {
    await harness.useMappingsDir(await writeMappingsDir('dry-run', {
      'products.yaml': (yaml) => yaml,
      'location-inventory.yaml': (yaml) => yaml,
    }));
    const importsBefore = harness.emulator.listJobs('import').length;
    const summaries = await harness.run(undefined, { dryRun: true });
    expect(summaries.map((summary) => [summary.sync, summary.status])).toEqual([['products', 'dry_run'], ['location-inventory', 'dry_run']]);
    expect(harness.emulator.listJobs('import')).toHaveLength(importsBefore);
  });
});
