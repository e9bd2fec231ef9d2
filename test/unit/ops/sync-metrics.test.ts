import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createSyncMetrics } from '../../../src/ops/sync-metrics.ts';
import type { SyncRunSummary } from '../../../src/sync/sync-summary.ts';

function summary(overrides: Partial<SyncRunSummary> = {}): SyncRunSummary {
  return {
    sync: 'products',
    resource: 'ProductCatalog',
    runId: 7,
    status: 'succeeded',
    counts: {},
    bytesUploaded: 0,
    stageDurationsMs: {},
    violations: [],
    files: {},
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:05:00.000Z',
    ...overrides,
  };
}

/** The sample lines of one metric family in Prometheus text, e.g. `kibo_sync_runs_total{...} 1`. */
function sampleLines(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('createSyncMetrics', () => {
  it('counts runs by sync and status, and rows by class in snake_case', async () => {
    const registry = new Registry();
    const metrics = createSyncMetrics(registry);
    metrics.runFinished(summary({ counts: { source: 10, added: 3, changed: 2, unchanged: 5, rejectedByUs: 1, rejectedByKibo: 4 } }));
    metrics.runFinished(summary({ counts: { source: 12, added: 1 } }));
    metrics.runFinished(summary({ sync: 'prices', status: 'failed', error: 'boom' }));
    metrics.runFinished(summary({ sync: 'prices', status: 'locked', runId: undefined }));
    const text = await registry.metrics();
    expect(sampleLines(text, 'kibo_sync_runs_total').sort()).toEqual([
      'kibo_sync_runs_total{sync="prices",status="failed"} 1',
      'kibo_sync_runs_total{sync="prices",status="locked"} 1',
      'kibo_sync_runs_total{sync="products",status="succeeded"} 2',
    ]);
    expect(sampleLines(text, 'kibo_sync_rows_total').sort()).toEqual([
      'kibo_sync_rows_total{sync="products",class="added"} 4',
      'kibo_sync_rows_total{sync="products",class="changed"} 2',
      'kibo_sync_rows_total{sync="products",class="rejected_by_kibo"} 4',
      'kibo_sync_rows_total{sync="products",class="rejected_by_us"} 1',
      'kibo_sync_rows_total{sync="products",class="source"} 22',
      'kibo_sync_rows_total{sync="products",class="unchanged"} 5',
    ]);
  });

  it('sets the last success time only from succeeded runs, in Unix seconds', async () => {
    const registry = new Registry();
    const metrics = createSyncMetrics(registry);
    metrics.runFinished(summary({ finishedAt: '2026-01-01T00:05:00.000Z' }));
    metrics.runFinished(summary({ status: 'failed', finishedAt: '2026-01-01T01:00:00.000Z' }));
    const text = await registry.metrics();
    const expectedSeconds = Date.UTC(2026, 0, 1, 0, 5) / 1000;
    expect(sampleLines(text, 'kibo_sync_last_success_timestamp_seconds')).toEqual([
      `kibo_sync_last_success_timestamp_seconds{sync="products"} ${expectedSeconds}`,
    ]);
  });

  it('records stage durations in seconds in a histogram', async () => {
    const registry = new Registry();
    const metrics = createSyncMetrics(registry);
    metrics.stageFinished('products', 'export', 2_000);
    metrics.stageFinished('products', 'export', 400);
    metrics.stageFinished('products', 'upload', 20_000);
    const text = await registry.metrics();
    expect(text).toContain('kibo_sync_stage_duration_seconds_count{sync="products",stage="export"} 2');
    expect(text).toContain('kibo_sync_stage_duration_seconds_sum{sync="products",stage="export"} 2.4');
    expect(text).toContain('kibo_sync_stage_duration_seconds_bucket{le="1",sync="products",stage="export"} 1');
    expect(text).toContain('kibo_sync_stage_duration_seconds_bucket{le="5",sync="products",stage="export"} 2');
    expect(text).toContain('kibo_sync_stage_duration_seconds_bucket{le="15",sync="products",stage="upload"} 0');
    expect(text).toContain('kibo_sync_stage_duration_seconds_bucket{le="60",sync="products",stage="upload"} 1');
    expect(text).toContain('# TYPE kibo_sync_stage_duration_seconds histogram');
  });

  it('counts Kibo retries by reason, failures by operation and status, and uploaded bytes', async () => {
    const registry = new Registry();
    const metrics = createSyncMetrics(registry);
    metrics.kiboCallRetried({ reason: '429', status: 429 });
    metrics.kiboCallRetried({ reason: '429', status: 429 });
    metrics.kiboCallRetried({ reason: 'timeout' });
    metrics.kiboCallFailed({ operation: 'createImport', status: 500 });
    metrics.kiboCallFailed({ operation: 'uploadFile' });
    metrics.runFinished(summary({ bytesUploaded: 1_500 }));
    metrics.runFinished(summary({ bytesUploaded: 500 }));
    const text = await registry.metrics();
    expect(sampleLines(text, 'kibo_sync_kibo_retries_total').sort()).toEqual([
      'kibo_sync_kibo_retries_total{reason="429"} 2',
      'kibo_sync_kibo_retries_total{reason="timeout"} 1',
    ]);
    expect(sampleLines(text, 'kibo_sync_kibo_errors_total').sort()).toEqual([
      'kibo_sync_kibo_errors_total{operation="createImport",status="500"} 1',
      'kibo_sync_kibo_errors_total{operation="uploadFile",status="none"} 1',
    ]);
    expect(sampleLines(text, 'kibo_sync_uploaded_bytes_total')).toEqual(['kibo_sync_uploaded_bytes_total{sync="products"} 2000']);
  });

  it('starts the run series of declared syncs at zero', async () => {
    const registry = new Registry();
    const metrics = createSyncMetrics(registry);
    metrics.declareSyncs(['products']);
    metrics.runFinished(summary({ status: 'failed' }));
    const lines = sampleLines(await registry.metrics(), 'kibo_sync_runs_total');
    expect(lines).toContain('kibo_sync_runs_total{sync="products",status="succeeded"} 0');
    expect(lines).toContain('kibo_sync_runs_total{sync="products",status="locked"} 0');
    expect(lines).toContain('kibo_sync_runs_total{sync="products",status="failed"} 1');
    expect(lines.some((line) => line.includes('status="running"'))).toBe(false);
    expect(lines).toHaveLength(8);
  });

  it('puts process metrics on the registry passed in, not on the global one', async () => {
    const { register: globalRegistry } = await import('prom-client');
    const before = await globalRegistry.metrics();
    const registry = new Registry();
    createSyncMetrics(registry);
    expect(await registry.metrics()).toContain('process_cpu_user_seconds_total');
    expect(await globalRegistry.metrics()).toBe(before);
    // A second daemon in the same process gets its own registry without name clashes.
    expect(() => createSyncMetrics(new Registry())).not.toThrow();
  });
});
