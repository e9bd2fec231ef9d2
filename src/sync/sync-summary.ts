// What a run tells the outside world: the CLI's --json output, logs, metrics, alerts and reports
// all read this one shape.
import type { GuardViolation } from '../diff/evaluate-guards.ts';
import type { RunCounts, RunStatus } from '../state/index.ts';

/** `locked`: another process holds the sync's lock, so nothing ran (no run row is written). */
export type SyncOutcome = RunStatus | 'locked';

export interface SyncRunSummary {
  readonly sync: string;
  readonly resource: string;
  readonly runId?: number;
  readonly status: SyncOutcome;
  readonly counts: Partial<RunCounts>;
  readonly bytesUploaded: number;
  readonly stageDurationsMs: Readonly<Record<string, number>>;
  readonly planId?: string;
  readonly planAction?: string;
  readonly violations: readonly GuardViolation[];
  readonly importJobId?: string;
  /** Audit files of this run (export zip, upload CSV and zip, plan, Kibo log). */
  readonly files: Readonly<Record<string, string>>;
  readonly error?: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
}

/** Hooks for metrics and alerts; every method is optional and must not throw. */
export interface SyncObserver {
  stageFinished?(sync: string, stage: SyncStage, durationMs: number): void;
  runFinished?(summary: SyncRunSummary): void;
  kiboCallRetried?(info: { readonly reason: string; readonly status?: number }): void;
  kiboCallFailed?(info: { readonly operation: string; readonly status?: number }): void;
}

export const SYNC_STAGES = ['export', 'read-kibo', 'read-erp', 'plan', 'write', 'upload', 'import', 'record'] as const;
export type SyncStage = (typeof SYNC_STAGES)[number];
