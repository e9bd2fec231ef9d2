// The benchmark at 10k rows: every figure is produced and the engine's diff counts are exactly the
// generator's (timings are measured, never asserted). Real Postgres, real emulator over HTTP, real
// engine in a child process, real psql and unzip for the floor.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { computeRssGrowth, formatBenchTable, MAX_RSS_GROWTH_OVER_100K, type BenchResult } from '../../../bench/bench-report.ts';
import { computeBenchCounts } from '../../../bench/bench-data-model.ts';
import { runBench } from '../../../bench/run-bench.ts';

const ROWS = 10_000;
const SEED = 7;

describe('computeRssGrowth', () => {
  const reference = { file: 'results/bench-100000.json', peakRssMedianMb: 160, cpuModel: 'CPU A' };
  it('compares with the 100k run of the same CPU model only', () => {
    expect(computeRssGrowth(240, 'CPU A', reference)).toBe(1.5);
    expect(computeRssGrowth(241, 'CPU A', reference)).toBeGreaterThan(MAX_RSS_GROWTH_OVER_100K);
    expect(computeRssGrowth(240, 'CPU B', reference)).toBeUndefined();
    expect(computeRssGrowth(240, 'CPU A', undefined)).toBeUndefined();
  });
});

describe('npm run bench at 10k rows', () => {
  let dir: string;
  let result: BenchResult;
  const databaseName = `kst_bench_smoke_${process.pid}`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bench-smoke-'));
    result = await runBench({
      rows: ROWS, runs: 1, seed: SEED, adminDatabaseUrl: inject('adminDatabaseUrl'), workDir: path.join(dir, 'work'),
      databaseName, resultsDir: path.join(dir, 'results'), log: () => undefined,
    });
  }, 240_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await client.connect();
    await client.query(`drop database if exists "${databaseName}" with (force)`);
    await client.end();
  });

  it('finds exactly the changed, added and removed rows the generator made, and nothing in the no-change run', () => {
    const generated = computeBenchCounts(ROWS, SEED);
    expect(result.generated).toEqual(generated);
    expect(generated.changed).toBeGreaterThan(50);
    expect(generated.removed).toBeGreaterThan(20);
    expect(generated.added).toBe(50);
    expect(result.changed.counts).toMatchObject({
      exported: ROWS, source: generated.erpRows, changed: generated.changed, added: generated.added, removed: generated.removed,
      unchanged: ROWS - generated.changed - generated.removed, rejectedByUs: 0,
    });
    expect(result.noChange.counts).toMatchObject({ exported: generated.erpRows, changed: 0, added: 0, removed: 0, unchanged: generated.erpRows });
    expect(result.countsExact).toBe(true);
  });

  it('uploads the delta in the changed run and nothing in the no-change run', () => {
    expect(result.changed).toMatchObject({ status: 'succeeded', planAction: 'delta' });
    expect(result.changed.bytesUploaded).toBeGreaterThan(0);
    expect(result.changed.deltaZipBytes).toBe(result.changed.bytesUploaded);
    expect(result.noChange).toMatchObject({ status: 'succeeded', planAction: 'nothing', bytesUploaded: 0, deltaZipBytes: 0 });
    expect(result.snapshotZipBytes).toBeGreaterThan(result.changed.deltaZipBytes * 10);
  });

  it('produces every figure: stages, total, rows/s, peak RSS, floor, ratios and the machine', () => {
    for (const scenario of [result.changed, result.noChange]) {
      for (const stage of ['export', 'read-kibo', 'read-erp', 'plan']) expect(scenario.stageMedianMs[stage]).toBeGreaterThanOrEqual(0);
      expect(scenario.totalMedianMs).toBeGreaterThan(0);
      expect(scenario.rowsPerSecond).toBeGreaterThan(0);
      // At 10k rows loading the modules can be the peak: the run's peak is at least the baseline.
      expect(scenario.peakRssMedianMb).toBeGreaterThanOrEqual(scenario.baselineRssMedianMb);
      expect(scenario.baselineRssMedianMb).toBeGreaterThan(0);
    }
    expect(result.changed.stageMedianMs.import).toBeGreaterThan(0);
    expect(result.floor.erpCopyMedianMs).toBeGreaterThan(0);
    expect(result.floor.unzipMedianMs).toBeGreaterThan(0);
    // Each figure is rounded to whole ms on its own: the sum may differ from the total by 1.
    expect(Math.abs(result.floor.totalMedianMs - result.floor.erpCopyMedianMs - result.floor.unzipMedianMs)).toBeLessThanOrEqual(1);
    for (const value of Object.values(result.ratios)) expect(Number.isFinite(value) && value > 0).toBe(true);
    expect(result.ratios.deltaOverSnapshot).toBeLessThan(0.03);
    expect(result.machine).toMatchObject({ cores: expect.any(Number), cpuModel: expect.any(String), node: process.version });
    expect(String(result.machine.postgres)).toMatch(/^PostgreSQL \d+/);
    expect(Object.keys(result.targets)).toEqual(['totalWithin3xFloor', 'peakRssWithin256Mb', 'peakRssWithin1_5xThe100kRun', 'deltaZipWithin3PercentOfSnapshot', 'noChangeUploadsNothing', 'noChangeNoSlower']);
    // Below 1M rows there is nothing to compare with the 100k run.
    expect(result.targets.peakRssWithin1_5xThe100kRun).toBeNull();
    expect(result.commit).toMatch(/^([0-9a-f]{7,}(\+dirty)?|unknown)$/);
    expect(Date.parse(result.measuredAt)).toBeGreaterThan(Date.parse('2026-01-01'));
  });

  it('writes the results JSON and prints the table', async () => {
    const written = JSON.parse(await readFile(path.join(dir, 'results', `bench-${ROWS}.json`), 'utf8')) as BenchResult;
    expect(written).toEqual(JSON.parse(JSON.stringify(result)));
    const table = formatBenchTable(result);
    expect(table).toContain(`${ROWS} Kibo rows`);
    expect(table).toMatch(/total \/ floor\s+\d/);
    expect(table).toMatch(/diff counts exact\s+true/);
  });
});
