// What one sync run needs from the outside world, passed in (no singletons): the state and ERP
// databases, the Kibo client, time, logging, where audit files go, and how long to wait for Kibo.
import type { Knex } from 'knex';
import type pg from 'pg';
import type { KiboClient } from '../kibo/kibo-client.ts';
import type { RunTrigger } from '../state/index.ts';
import type { Clock } from '../support/clock.ts';
import type { Logger } from '../support/logger.ts';
import type { SyncObserver } from './sync-summary.ts';

export interface SyncTimings {
  readonly pollIntervalMs: number;
  readonly maxPollIntervalMs: number;
  /** An import still running after this long marks the run `stuck` (it is never resubmitted). */
  readonly jobDeadlineMs: number;
  readonly exportFilesTimeoutMs: number;
}

export const DEFAULT_SYNC_TIMINGS: SyncTimings = Object.freeze({
  pollIntervalMs: 2_000,
  maxPollIntervalMs: 30_000,
  jobDeadlineMs: 2 * 60 * 60 * 1000,
  exportFilesTimeoutMs: 60_000,
});

/** The bundled emulator finishes jobs in about a second: poll it often so local runs stay quick. */
export const EMULATOR_SYNC_TIMINGS: SyncTimings = Object.freeze({
  pollIntervalMs: 100,
  maxPollIntervalMs: 1_000,
  jobDeadlineMs: 10 * 60 * 1000,
  exportFilesTimeoutMs: 60_000,
});

export interface SyncDeps {
  readonly db: Knex;
  readonly erpPool: pg.Pool;
  readonly kibo: KiboClient;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Each run's CSVs, zips, plan and Kibo log are kept below this directory for audit. */
  readonly dataDir: string;
  /**
   * A finished run's files are removed this many days after it ended (remove-expired-run-files.ts);
   * undefined or 0 keeps them forever.
   */
  readonly runFilesRetentionDays?: number;
  readonly timings: SyncTimings;
  /** Aborts at the next safe point (shutdown). */
  readonly signal?: AbortSignal;
  readonly observer?: SyncObserver;
  /** Exports of at least this many bytes are hashed on a worker thread (default KIBO_WORKER_MIN_EXPORT_BYTES). */
  readonly kiboWorkerMinExportBytes?: number;
}

export interface RunOptions {
  readonly trigger: RunTrigger;
  /** Send every ERP row, changed or not (guards stay on). */
  readonly resync: boolean;
  /** Write the plan and files, import nothing. */
  readonly dryRun: boolean;
  /** A blocked plan the user approved (`kibo-sync run SYNC --approve PLAN_ID`). */
  readonly approvePlanId?: string;
}

/** Called before every Kibo call: throws when the run must stop (lost lock, shutdown). */
export type AssertCanContinue = () => void;
