// Every table is named with its schema, so nothing depends on the connection's search_path.
export const STATE_SCHEMA = 'kibo_sync';

export const STATE_TABLES = {
  runs: `${STATE_SCHEMA}.runs`,
  runResources: `${STATE_SCHEMA}.run_resources`,
  kiboJobs: `${STATE_SCHEMA}.kibo_jobs`,
  keyState: `${STATE_SCHEMA}.key_state`,
  rejectedRows: `${STATE_SCHEMA}.rejected_rows`,
  plans: `${STATE_SCHEMA}.plans`,
  approvals: `${STATE_SCHEMA}.approvals`,
} as const;
