// Everything the HTML report shows, read from the state tables in one go so rendering stays pure.
import type { Knex } from 'knex';
import {
  findPlan,
  listRejectedRows,
  loadSyncStatus,
  type RejectedRowRecord,
  type RunRecord,
} from '../state/index.ts';

export const DEFAULT_REJECTED_ROWS_PER_RUN = 100;

export interface ReportViolation {
  readonly guard: string;
  readonly message: string;
}

export interface ReportPlan {
  readonly id: string;
  readonly action: string;
  readonly violations: readonly ReportViolation[];
  readonly approved: boolean;
}

export interface ReportRun {
  readonly run: RunRecord;
  readonly plan?: ReportPlan;
  /** Oldest first, at most `rejectedRowsPerRun`. */
  readonly rejectedRows: readonly RejectedRowRecord[];
  /** More rejected rows are stored than shown. */
  readonly rejectedRowsTruncated: boolean;
}

export interface SyncReport {
  readonly sync: string;
  /** Newest first. */
  readonly runs: readonly ReportRun[];
  readonly lastGoodRun?: RunRecord;
  readonly trackedKeys: number;
  readonly openImportJobs: number;
}

export interface ReportData {
  /** Sorted by sync name. */
  readonly syncs: readonly SyncReport[];
}

export interface LoadReportDataOptions {
  /** Recent runs shown per sync. */
  readonly limitPerSync: number;
  readonly rejectedRowsPerRun?: number;
}

export async function loadReportData(db: Knex, options: LoadReportDataOptions): Promise<ReportData> {
  const rejectedLimit = options.rejectedRowsPerRun ?? DEFAULT_REJECTED_ROWS_PER_RUN;
  const statuses = await loadSyncStatus(db, { limit: options.limitPerSync });
  const syncs: SyncReport[] = [];
  for (const status of statuses) {
    const runs: ReportRun[] = [];
    for (const run of status.recentRuns) runs.push(await loadReportRun(db, run, rejectedLimit));
    syncs.push({
      sync: status.sync,
      runs,
      ...(status.lastGoodRun === undefined ? {} : { lastGoodRun: status.lastGoodRun }),
      trackedKeys: status.trackedKeys,
      openImportJobs: status.openImportJobs,
    });
  }
  return { syncs };
}

async function loadReportRun(db: Knex, run: RunRecord, rejectedLimit: number): Promise<ReportRun> {
  // One extra row tells whether the list was cut without counting every row.
  const rows = await listRejectedRows(db, { runId: run.id, limit: rejectedLimit + 1 });
  const plan = run.planId === undefined ? undefined : await findPlan(db, run.planId);
  return {
    run,
    ...(plan === undefined
      ? {}
      : {
          plan: {
            id: plan.id,
            action: plan.action,
            violations: plan.violations.map(parseViolation),
            approved: plan.approval !== undefined,
          },
        }),
    rejectedRows: rows.slice(0, rejectedLimit),
    rejectedRowsTruncated: rows.length > rejectedLimit,
  };
}

/** Plans store violations as JSON the planner wrote; anything unexpected is shown as its JSON. */
function parseViolation(value: unknown): ReportViolation {
  if (typeof value === 'object' && value !== null) {
    const { guard, message } = value as Record<string, unknown>;
    if (typeof guard === 'string' && typeof message === 'string') return { guard, message };
  }
  return { guard: 'unknown', message: JSON.stringify(value) ?? String(value) };
}
