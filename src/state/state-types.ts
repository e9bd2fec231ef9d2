// Records the state repository reads and writes. Database nulls become undefined; bigint ids become numbers
// (bigserial values stay far below 2^53).

export const RUN_STATUSES = [
  'running',
  'succeeded',
  'failed',
  'blocked',
  'aborted',
  'stuck',
  'skipped',
  'dry_run',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Every status but running: what finishRun may set. */
export type FinishedRunStatus = Exclude<RunStatus, 'running'>;

export const RUN_TRIGGERS = ['manual', 'schedule', 'resync', 'catchup'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** Row counts of a run (or of one resource within it). */
export interface RunCounts {
  readonly source: number;
  readonly exported: number;
  readonly added: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly removed: number;
  readonly deleted: number;
  readonly rejectedByUs: number;
  readonly rejectedByKibo: number;
}

export const RUN_COUNT_NAMES = [
  'source',
  'exported',
  'added',
  'changed',
  'unchanged',
  'removed',
  'deleted',
  'rejectedByUs',
  'rejectedByKibo',
] as const satisfies readonly (keyof RunCounts)[];

/** Each count's snake_case name: its column and jsonb key in state, and its label in metrics. */
export const RUN_COUNT_SNAKE_NAMES: Readonly<Record<keyof RunCounts, string>> = Object.freeze({
  source: 'source',
  exported: 'exported',
  added: 'added',
  changed: 'changed',
  unchanged: 'unchanged',
  removed: 'removed',
  deleted: 'deleted',
  rejectedByUs: 'rejected_by_us',
  rejectedByKibo: 'rejected_by_kibo',
});

export interface RunRecord {
  readonly id: number;
  readonly sync: string;
  readonly status: RunStatus;
  readonly trigger: RunTrigger;
  readonly resync: boolean;
  readonly dryRun: boolean;
  readonly startedAt: Date;
  readonly finishedAt?: Date | undefined;
  readonly error?: string | undefined;
  /** Only the counts the run got as far as measuring. */
  readonly counts: Partial<RunCounts>;
  readonly bytesUploaded?: number | undefined;
  readonly stageDurationsMs: Readonly<Record<string, number>>;
  readonly planId?: string | undefined;
  readonly dataDir?: string | undefined;
  /** When the run's files were removed (RUN_FILES_RETENTION_DAYS); the record itself stays. */
  readonly filesRemovedAt?: Date | undefined;
}

export interface RunResourceRecord extends RunCounts {
  readonly runId: number;
  readonly resource: string;
}

export type KiboJobKind = 'import' | 'export';

export interface KiboJobRecord {
  /** Kibo's job id. */
  readonly id: string;
  readonly runId: number;
  /** The sync of the run that created the job. */
  readonly sync: string;
  readonly kind: KiboJobKind;
  readonly status: string;
  readonly uploadFileId?: string | undefined;
  readonly logFileId?: string | undefined;
  /** The job body we sent Kibo (never credentials). */
  readonly request: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly finishedAt?: Date | undefined;
  readonly lastPolledAt?: Date | undefined;
}

export interface KeyStateEntry {
  readonly key: string;
  readonly hash: string;
  readonly owned: boolean;
}

export type RejectedRowSource = 'erp' | 'kibo';

export interface RejectedRow {
  readonly source: RejectedRowSource;
  readonly file?: string | undefined;
  /** 1-based data row number in `file`, as the user would count it. */
  readonly rowNumber?: number | undefined;
  readonly key?: string | undefined;
  readonly field?: string | undefined;
  readonly reason: string;
  /** The offending value; stored cut to its first 200 characters. */
  readonly value?: string | undefined;
}

export interface RejectedRowRecord {
  readonly id: number;
  readonly runId: number;
  readonly sync: string;
  readonly source: RejectedRowSource;
  readonly file?: string | undefined;
  readonly rowNumber?: number | undefined;
  readonly key?: string | undefined;
  readonly field?: string | undefined;
  readonly reason: string;
  readonly valueExcerpt?: string | undefined;
}

export interface PlanApproval {
  readonly approvedAt: Date;
  readonly consumedByRunId?: number | undefined;
  readonly consumedAt?: Date | undefined;
}

export interface SavePlanInput {
  readonly id: string;
  readonly runId: number;
  readonly sync: string;
  readonly planHash: string;
  readonly action: string;
  /** Guard violations as the planner describes them (stored as JSON). */
  readonly violations: readonly unknown[];
  readonly sampleKeys: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  readonly createdAt: Date;
}

export interface PlanRecord extends SavePlanInput {
  readonly approval?: PlanApproval | undefined;
}

export interface SyncStatus {
  readonly sync: string;
  /** Newest first. */
  readonly recentRuns: readonly RunRecord[];
  readonly lastGoodRun?: RunRecord | undefined;
  readonly unfinishedRuns: number;
  readonly openImportJobs: number;
  readonly trackedKeys: number;
  readonly ownedKeys: number;
  /** Owned keys whose delete a snapshot sent, kept owned until an export shows Kibo no longer has them. */
  readonly deletesAwaitingConfirmation: number;
}
