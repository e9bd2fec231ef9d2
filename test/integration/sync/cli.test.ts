// The CLI as an operator uses it, as a subprocess: `run --json`, `--dry-run`, `--resync`, `validate` on a
// broken mappings directory, missing settings, and `status` / `status --json`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/cli-context.ts';
import { runCliProcess, startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';

interface JsonRun {
  sync: string;
  resource: string;
  runId: number;
  status: string;
  counts: Record<string, number>;
  bytesUploaded: number;
  stageDurationsMs: Record<string, number>;
  planId?: string;
  planAction?: string;
  violations: unknown[];
  importJobId?: string;
  files: Record<string, string>;
  startedAt: string;
  finishedAt: string;
}

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'sync_cli' });
});

afterAll(async () => {
  await harness?.close();
});

function parseRuns(stdout: string): JsonRun[] {
  return (JSON.parse(stdout) as { runs: JsonRun[] }).runs;
}

function csvDataRows(text: string): string[][] {
  return (parse(text) as string[][]).slice(1);
}

describe('kibo-sync CLI', () => {
  it('run --json prints every run with status, counts per class, plan id, job id and file paths', async () => {
    const result = await harness.runCli(['run', 'categories', 'pricelists', '--json']);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    const runs = parseRuns(result.stdout);
    expect(runs.map((run) => run.sync)).toEqual(['categories', 'pricelists']);
    for (const run of runs) {
      expect(run).toMatchObject({ status: 'succeeded', planAction: 'delta', violations: [] });
      expect(Object.keys(run.counts).sort()).toEqual(['added', 'changed', 'deleted', 'exported', 'rejectedByKibo', 'rejectedByUs', 'removed', 'source', 'unchanged']);
      expect(run.counts.added).toBe(run.counts.source);
      expect(run.runId).toBeGreaterThan(0);
      expect(run.planId).toMatch(/^plan_\d+_/);
      expect(run.importJobId).toEqual(expect.any(String));
      expect(run.bytesUploaded).toBeGreaterThan(0);
      expect(Object.keys(run.stageDurationsMs)).toEqual(expect.arrayContaining(['export', 'read-kibo', 'read-erp', 'plan', 'write', 'upload', 'import', 'record']));
      for (const role of ['kiboExport', 'plan', 'deltaCsv', 'uploadZip', 'kiboLog']) {
        expect(run.files[role], role).toContain(harness.dataDir);
        await expect(readFile(run.files[role]!), role).resolves.toBeInstanceOf(Buffer);
      }
      expect(Date.parse(run.finishedAt)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
    }
    // Same domain, same level, no context: one import job carries both.
    expect(runs[0]?.importJobId).toBe(runs[1]?.importJobId);
  });

  it('--dry-run writes the plan and the CSV to DATA_DIR and imports nothing', async () => {
    await harness.erp("update erp.categories set name = 'Kitchen and Dining' where code = 'KITCHEN'");
    const importJobs = harness.emulator.listJobs('import').length;
    const result = await harness.runCli(['run', 'categories', '--dry-run', '--json']);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    const [run] = parseRuns(result.stdout);
    expect(run).toMatchObject({ status: 'dry_run', counts: { changed: 1 }, bytesUploaded: 0 });
    expect(run?.importJobId).toBeUndefined();
    expect(run?.files.uploadZip).toBeUndefined();
    const plan = JSON.parse(await readFile(run!.files.plan!, 'utf8')) as { planId: string; action: string };
    expect(plan).toMatchObject({ planId: run?.planId, action: 'delta' });
    const rows = csvDataRows(await readFile(run!.files.deltaCsv!, 'utf8'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('Kitchen and Dining');
    expect(harness.emulator.listJobs('import')).toHaveLength(importJobs);
    expect(harness.emulator.listRecords('Categories').find((record) => record.CategoryCode === 'KITCHEN')?.CategoryName).toBe('Kitchen & Dining');
  });

  it('--resync sends every ERP row although nothing changed', async () => {
    await harness.erp("update erp.categories set name = 'Kitchen & Dining' where code = 'KITCHEN'");
    const importJobs = harness.emulator.listJobs('import').length;
    const result = await harness.runCli(['run', 'pricelists', '--resync', '--json']);
    expect(result.code, result.stderr).toBe(EXIT_CODES.ok);
    const [run] = parseRuns(result.stdout);
    expect(run).toMatchObject({ status: 'succeeded', counts: { added: 0, changed: 0, unchanged: 3 } });
    expect(run?.bytesUploaded).toBeGreaterThan(0);
    expect(csvDataRows(await readFile(run!.files.deltaCsv!, 'utf8'))).toHaveLength(3);
    expect(harness.emulator.listJobs('import')).toHaveLength(importJobs + 1);
  });

  it('status and status --json show the runs with their counts', async () => {
    const text = await harness.runCli(['status']);
    expect(text.code, text.stderr).toBe(EXIT_CODES.ok);
    for (const sync of ['categories', 'pricelists']) expect(text.stdout).toContain(sync);
    expect(text.stdout).toMatch(/dry_run|dry run/);

    const json = await harness.runCli(['status', 'pricelists', '--json']);
    expect(json.code, json.stderr).toBe(EXIT_CODES.ok);
    const status = JSON.parse(json.stdout) as { sync: string; recentRuns: { id: number | string; status: string; counts: Record<string, number> }[] }[];
    expect(status.map((entry) => entry.sync)).toEqual(['pricelists']);
    const runs = status[0]!.recentRuns;
    expect(runs).toHaveLength(2);
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    expect(runs.map((run) => run.counts.unchanged)).toEqual([3, 0]);
  });

  it('validate exits 2 and lists every problem of a broken mappings dir with file and path', async () => {
    const dir = path.join(harness.tempDir, 'broken-mappings');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'first.yaml'), [
      'sync: first',
      'resource: Products',
      'source: { table: erp.items }',
      'fields:',
      '  MasterCatalogName: { const: Main Master Catalog }',
      '  ProductCode: sku',
      '  ProductNmae: title',
      '  Price: { column: list_price, type: boolean }',
      'deletes: sometimes',
      '',
    ].join('\n'));
    await writeFile(path.join(dir, 'second.yaml'), ['sync: second', 'resource: NoSuchResource', 'source: { table: erp.items }', 'fields: {}', ''].join('\n'));
    const result = await harness.runCli(['validate', '--offline'], { MAPPINGS_DIR: dir });
    expect(result.code).toBe(EXIT_CODES.configuration);
    const lines = result.stderr.split('\n');
    const expectProblem = (file: string, pathText: string): void => {
      expect(lines.some((line) => line.includes(file) && line.includes(pathText)), `${file} ${pathText} in:\n${result.stderr}`).toBe(true);
    };
    expectProblem('first.yaml', 'fields.ProductNmae');
    expectProblem('first.yaml', 'fields.Price.type');
    expectProblem('first.yaml', 'deletes');
    expectProblem('second.yaml', 'resource');

    const shipped = await harness.runCli(['validate']);
    expect(shipped.code, shipped.stderr).toBe(EXIT_CODES.ok);
    expect(shipped.stdout).toContain('10 mapping(s)');
  });

  it('missing settings: exit 2 and one message naming every missing setting', async () => {
    const result = await runCliProcess(['run'], { DATA_DIR: harness.dataDir, MAPPINGS_DIR: harness.mappingsDir });
    expect(result.code).toBe(EXIT_CODES.configuration);
    for (const name of ['ERP_DATABASE_URL', 'KIBO_TENANT_ID', 'KIBO_SITE_ID', 'KIBO_CLIENT_ID', 'KIBO_SHARED_SECRET']) {
      expect(result.stderr).toContain(name);
    }
    expect(result.stdout).toBe('');
  });
});
