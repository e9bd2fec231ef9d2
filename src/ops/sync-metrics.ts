// Prometheus metrics fed by the sync engine's observer hooks. Everything registers on the Registry passed
// in (never prom-client's global one), so tests and several daemons in one process never share counters.
import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';
import { RUN_COUNT_NAMES, RUN_COUNT_SNAKE_NAMES, RUN_STATUSES, type RunCounts } from '../state/index.ts';
import type { SyncObserver, SyncRunSummary, SyncStage } from '../sync/sync-summary.ts';

/** Row classes as they appear in the `class` label (snake_case, Prometheus style, as state stores them). */
export const ROW_CLASS_LABELS: Readonly<Record<keyof RunCounts, string>> = RUN_COUNT_SNAKE_NAMES;

// Stages range from milliseconds (plan) to hours (a large Kibo import), so the buckets span both.
export const STAGE_DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.05, 0.25, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200,
];

/** Status label of a Kibo error that never got an HTTP answer (timeout, connection refused). */
export const NO_HTTP_STATUS_LABEL = 'none';

export interface SyncMetrics extends SyncObserver {
  readonly registry: Registry;
  /**
   * Starts every run-status series of these syncs at 0, so `increase(...)` sees the very first failure
   * (a series that appears with value 1 has no increase). Call once at start with the configured syncs.
   */
  declareSyncs(syncs: readonly string[]): void;
  stageFinished(sync: string, stage: SyncStage, durationMs: number): void;
  runFinished(summary: SyncRunSummary): void;
  kiboCallRetried(info: { readonly reason: string; readonly status?: number }): void;
  kiboCallFailed(info: { readonly operation: string; readonly status?: number }): void;
}

export function createSyncMetrics(registry: Registry): SyncMetrics {
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const runs = new Counter({
    name: 'kibo_sync_runs_total',
    help: 'Sync runs by how they ended (status "locked": another process held the sync lock)',
    labelNames: ['sync', 'status'] as const,
    registers,
  });
  const rows = new Counter({
    name: 'kibo_sync_rows_total',
    help: 'Rows seen by finished runs, by class (source, exported, added, changed, ... rejected_by_kibo)',
    labelNames: ['sync', 'class'] as const,
    registers,
  });
  const lastSuccess = new Gauge({
    name: 'kibo_sync_last_success_timestamp_seconds',
    help: 'When the last successful run of the sync finished (Unix seconds)',
    labelNames: ['sync'] as const,
    registers,
  });
  const stageDuration = new Histogram({
    name: 'kibo_sync_stage_duration_seconds',
    help: 'How long each stage of a run took',
    labelNames: ['sync', 'stage'] as const,
    buckets: [...STAGE_DURATION_BUCKETS_SECONDS],
    registers,
  });
  const kiboRetries = new Counter({
    name: 'kibo_sync_kibo_retries_total',
    help: 'Kibo calls retried, by reason (e.g. 429, 503, timeout)',
    labelNames: ['reason'] as const,
    registers,
  });
  const kiboErrors = new Counter({
    name: 'kibo_sync_kibo_errors_total',
    help: `Kibo calls that failed for good, by operation and HTTP status ("${NO_HTTP_STATUS_LABEL}": no answer)`,
    labelNames: ['operation', 'status'] as const,
    registers,
  });
  const bytesUploaded = new Counter({
    name: 'kibo_sync_uploaded_bytes_total',
    help: 'Bytes of import zips uploaded to Kibo',
    labelNames: ['sync'] as const,
    registers,
  });

  return {
    registry,
    declareSyncs(syncs) {
      for (const sync of syncs) {
        for (const status of [...RUN_STATUSES, 'locked'] as const) {
          if (status !== 'running') runs.inc({ sync, status }, 0);
        }
      }
    },
    stageFinished(sync, stage, durationMs) {
      stageDuration.observe({ sync, stage }, Math.max(0, durationMs) / 1000);
    },
    runFinished(summary) {
      runs.inc({ sync: summary.sync, status: summary.status });
      for (const name of RUN_COUNT_NAMES) {
        const count = summary.counts[name];
        if (count !== undefined && count > 0) rows.inc({ sync: summary.sync, class: ROW_CLASS_LABELS[name] }, count);
      }
      if (summary.bytesUploaded > 0) bytesUploaded.inc({ sync: summary.sync }, summary.bytesUploaded);
      if (summary.status === 'succeeded') {
        const finishedMs = Date.parse(summary.finishedAt ?? summary.startedAt);
        if (Number.isFinite(finishedMs)) lastSuccess.set({ sync: summary.sync }, finishedMs / 1000);
      }
    },
    kiboCallRetried(info) {
      kiboRetries.inc({ reason: info.reason });
    },
    kiboCallFailed(info) {
      kiboErrors.inc({ operation: info.operation, status: info.status === undefined ? NO_HTTP_STATUS_LABEL : String(info.status) });
    },
  };
}
