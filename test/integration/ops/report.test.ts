import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_CODES, type CliContext, type ExitCode } from '../../../src/cli/cli-context.ts';
import { registerReportCommand } from '../../../src/cli/report-command.ts';
import { loadReportData } from '../../../src/report/load-report-data.ts';
import { renderRunReport } from '../../../src/report/render-run-report.ts';
import {
  approvePlan,
  closeStateDb,
  createStateDb,
  finishRun,
  recordRejectedRows,
  savePlan,
  startRun,
  type FinishRunUpdate,
} from '../../../src/state/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.ts';
import { createMigratedStateDb, type StateTestDb } from '../state/state-test-db.ts';

const HOSTILE = `<script>alert("pwn")</script> & 'quoted'`;

async function recordRun(state: StateTestDb, sync: string, minute: number, update: Omit<FinishRunUpdate, 'finishedAt'>): Promise<number> {
  const run = await startRun(state.db, {
    sync,
    trigger: 'schedule',
    resync: false,
    dryRun: false,
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)),
  });
  await finishRun(state.db, run.id, { ...update, finishedAt: new Date(Date.UTC(2026, 0, 1, 0, minute, 30)) });
  return run.id;
}

function captureStream(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    }),
    text: () => chunks.join(''),
  };
}

async function runReportCommand(args: readonly string[]): Promise<{ code: ExitCode | undefined; stdout: string }> {
  const stdout = captureStream();
  let code: ExitCode | undefined;
  const context: CliContext = {
    stdout: stdout.stream,
    stderr: captureStream().stream,
    setExitCode: (value) => {
      code = value;
    },
    shutdownSignal: new AbortController().signal,
  };
  const program = new Command('kibo-sync').exitOverride();
  registerReportCommand(program, context);
  await program.parseAsync(['node', 'kibo-sync', 'report', ...args]);
  return { code, stdout: stdout.text() };
}

describe('report from a real state database', () => {
  let state: StateTestDb;
  let workDir: string;
  let blockedRunId: number;
  let failedRunId: number;

  beforeAll(async () => {
    state = await createMigratedStateDb('ops report');
    workDir = await mkdtemp(path.join(tmpdir(), 'kibo-report-'));
    await recordRun(state, 'products', 1, { status: 'succeeded', counts: { source: 10, added: 10 } });
    failedRunId = await recordRun(state, 'products', 2, {
      status: 'failed',
      error: `Kibo rejected the import: ${HOSTILE}`,
      counts: { source: 10, rejectedByUs: 2 },
    });
    await recordRejectedRows(state.db, failedRunId, 'products', [
      { source: 'erp', file: 'products.csv', rowNumber: 3, key: HOSTILE, field: 'Price', reason: 'not a decimal', value: HOSTILE },
      { source: 'kibo', file: 'ProductCatalog.csv', rowNumber: 4, key: 'SKU-4', reason: 'unknown category', value: 'x'.repeat(500) },
    ]);
    blockedRunId = await recordRun(state, 'products', 3, { status: 'blocked', planId: 'plan-1', counts: { source: 1, deleted: 9 } });
    await savePlan(state.db, {
      id: 'plan-1',
      runId: blockedRunId,
      sync: 'products',
      planHash: 'hash-1',
      action: 'snapshot',
      violations: [{ guard: 'maxDeleteFraction', message: `would delete 9 of 10 rows ${HOSTILE}` }],
      sampleKeys: ['SKU-1'],
      counts: { deleted: 9 },
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 3)),
    });
    await approvePlan(state.db, 'plan-1', new Date(Date.UTC(2026, 0, 1, 1)));
    await recordRun(state, 'customers', 1, { status: 'succeeded', counts: { source: 3, changed: 1 } });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
    await state.close();
  });

  it('loads runs newest first with their plans and rejected rows', async () => {
    const data = await loadReportData(state.db, { limitPerSync: 10, rejectedRowsPerRun: 1 });
    expect(data.syncs.map((sync) => [sync.sync, sync.runs.map((entry) => entry.run.status)])).toEqual([
      ['customers', ['succeeded']],
      ['products', ['blocked', 'failed', 'succeeded']],
    ]);
    const products = data.syncs[1];
    const blocked = products?.runs[0];
    expect(blocked?.plan).toEqual({
      id: 'plan-1',
      action: 'snapshot',
      approved: true,
      violations: [{ guard: 'maxDeleteFraction', message: `would delete 9 of 10 rows ${HOSTILE}` }],
    });
    const failed = products?.runs[1];
    expect(failed?.rejectedRows.map((row) => row.key)).toEqual([HOSTILE]);
    expect(failed?.rejectedRowsTruncated).toBe(true);
    expect(products?.lastGoodRun?.counts).toEqual({ source: 10, added: 10 });
  });

  it('limits the runs per sync', async () => {
    const data = await loadReportData(state.db, { limitPerSync: 1 });
    expect(data.syncs.map((sync) => sync.runs.map((entry) => entry.run.id))).toEqual([[expect.any(Number)], [blockedRunId]]);
  });

  it('renders what the database holds, escaped', async () => {
    const page = renderRunReport(await loadReportData(state.db, { limitPerSync: 10 }), { generatedAt: new Date(0) });
    expect(page).not.toContain('<script');
    expect(page).toContain('&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;');
    expect(page).toContain('<td>products.csv</td><td class="num">3</td>');
    // Stored excerpts are cut to 200 characters by the state repository.
    expect(page).toContain(`<code>${'x'.repeat(199)}…</code>`);
    expect(page).toContain('<code>plan-1</code> snapshot <span class="note">(approved)</span>');
  });

  it('the report command writes the page and prints its path', async () => {
    vi.stubEnv('ERP_DATABASE_URL', state.database.url);
    vi.stubEnv('STATE_DATABASE_URL', '');
    const out = path.join(workDir, 'nested', 'report.html');
    const result = await runReportCommand(['--out', out, '--limit', '2']);
    expect(result).toEqual({ code: EXIT_CODES.ok, stdout: `${out}\n` });
    const page = await readFile(out, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<h2>products</h2>');
    expect(page).toContain('<h2>customers</h2>');
    // Status badges: two in the overview, one customers run, and --limit 2 leaves products' oldest run out.
    expect(page.match(/<span class="status [a-z]+">/g)?.length).toBe(2 + 1 + 2);
    expect(page).toContain('<span class="status bad">failed</span>');
    expect(page).toContain(`<td class="num">${failedRunId}</td>`);
  });

  it('the report command writes ./kibo-sync-report.html by default', async () => {
    vi.stubEnv('ERP_DATABASE_URL', state.database.url);
    const cwd = process.cwd();
    process.chdir(workDir);
    try {
      const result = await runReportCommand([]);
      expect(result.stdout).toBe(`${path.join(workDir, 'kibo-sync-report.html')}\n`);
      expect(await readFile(path.join(workDir, 'kibo-sync-report.html'), 'utf8')).toContain('<h2>products</h2>');
    } finally {
      process.chdir(cwd);
    }
  });

  it('the report command rejects a bad --limit as a configuration error', async () => {
    await expect(runReportCommand(['--limit', 'many'])).rejects.toThrow('--limit must be a whole number from 1 to 1000, got "many"');
  });
});

describe('report command on a database without state tables', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('ops report empty');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await database.drop();
  });

  it('says there is nothing to report yet and what to do', async () => {
    vi.stubEnv('ERP_DATABASE_URL', database.url);
    await expect(runReportCommand(['--out', path.join(tmpdir(), 'never-written.html')])).rejects.toThrow(
      /no kibo_sync tables yet.*Run a sync \(or start the daemon\) first/,
    );
  });

  it('reads the state database only: an empty but migrated one gives an empty report', async () => {
    const db = createStateDb(database.url);
    try {
      const { migrateState } = await import('../../../src/state/index.ts');
      await migrateState(db);
      expect(await loadReportData(db, { limitPerSync: 5 })).toEqual({ syncs: [] });
    } finally {
      await closeStateDb(db);
    }
  });
});
