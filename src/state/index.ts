// The state repository's public surface: import from here rather than from the individual files.
export { STATE_SCHEMA, STATE_TABLES } from './state-schema.ts';
export { createStateDb, closeStateDb, type StateDbOptions } from './state-db.ts';
export { migrateState, rollbackState, listStateMigrationNames } from './state-migrations.ts';
export {
  startRun,
  finishRun,
  recordRunDataDir,
  recordRunResource,
  listRunResources,
  findRun,
  findUnfinishedRuns,
  findLastGoodRun,
  listRecentRuns,
  type StartRunInput,
  type FinishRunUpdate,
} from './run-repository.ts';
export {
  recordKiboJob,
  updateKiboJob,
  findKiboJob,
  listRunIdsOfJob,
  findImportJobsOfRuns,
  listKiboJobs,
  findOpenImportJobs,
  assertNoSecrets,
  type RecordKiboJobInput,
  type UpdateKiboJobInput,
} from './kibo-job-repository.ts';
export {
  KEY_STATE_BATCH_SIZE,
  streamKeyStates,
  loadKeyHashes,
  findOwnedKeys,
  upsertKeyStates,
  deleteKeyStates,
  markDeletesSent,
  listSentDeletes,
  clearSentDeletes,
  countKeyStates,
  type KeyHash,
  type UpsertKeyStatesOptions,
} from './key-state-repository.ts';
export {
  VALUE_EXCERPT_MAX_CHARS,
  recordRejectedRows,
  listRejectedRows,
  formatValueExcerpt,
} from './rejected-row-repository.ts';
export { savePlan, findPlan, approvePlan, consumeApproval } from './plan-repository.ts';
export { listExpiredRunFiles, recordRunFilesRemoved, type ExpiredRunFiles, type ExpiredRunFilesQuery } from './run-files-repository.ts';
export { loadSyncStatus } from './sync-status.ts';
export { formatSyncStatus, formatTimestamp, formatDuration } from './format-sync-status.ts';
export * from './state-types.ts';
