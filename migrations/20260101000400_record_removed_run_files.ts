// Runs' files (CSVs, zips, plans, Kibo logs) are removed after RUN_FILES_RETENTION_DAYS; the run's row stays,
// and files_removed_at says when its files went, so a missing directory is explained. The partial index finds
// the runs whose files are still kept, oldest first, without scanning a table that only grows. Written out
// in full (no imports) so it never changes after shipping.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table kibo_sync.runs add column files_removed_at timestamptz');
  await knex.raw("create index runs_files_kept_idx on kibo_sync.runs (sync, finished_at, id) where files_removed_at is null and status <> 'running'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists kibo_sync.runs_files_kept_idx');
  await knex.raw('alter table kibo_sync.runs drop column if exists files_removed_at');
}
