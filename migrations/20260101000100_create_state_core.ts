// Runs, per-resource counts, Kibo jobs, per-key state and rejected rows: what the engine did and what it sent.
// Raw DDL because the checks, partial indexes and fillfactor are Postgres features the schema builder hides.
// The schema name is written out (not imported) so this migration never changes after it has shipped.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create schema if not exists kibo_sync');
  await knex.raw(`
    create table kibo_sync.runs (
      id bigserial primary key,
      sync text not null,
      status text not null check (status in
        ('running', 'succeeded', 'failed', 'blocked', 'aborted', 'stuck', 'skipped', 'dry_run')),
      trigger text not null check (trigger in ('manual', 'schedule', 'resync', 'catchup')),
      resync boolean not null default false,
      dry_run boolean not null default false,
      started_at timestamptz not null,
      finished_at timestamptz,
      error text,
      counts jsonb not null default '{}'::jsonb,
      bytes_uploaded bigint,
      stage_durations_ms jsonb not null default '{}'::jsonb,
      plan_id text,
      data_dir text,
      created_at timestamptz not null default now()
    )`);
  await knex.raw('create index runs_sync_started_idx on kibo_sync.runs (sync, started_at desc, id desc)');
  // Crash resume and "last good run" read small slices of a table that only grows; partial indexes keep them cheap.
  await knex.raw("create index runs_running_idx on kibo_sync.runs (sync, started_at) where status = 'running'");
  await knex.raw(
    "create index runs_succeeded_idx on kibo_sync.runs (sync, finished_at desc, id desc) where status = 'succeeded'",
  );

  await knex.raw(`
    create table kibo_sync.run_resources (
      run_id bigint not null references kibo_sync.runs (id) on delete cascade,
      resource text not null,
      source integer not null default 0,
      exported integer not null default 0,
      added integer not null default 0,
      changed integer not null default 0,
      unchanged integer not null default 0,
      removed integer not null default 0,
      deleted integer not null default 0,
      rejected_by_us integer not null default 0,
      rejected_by_kibo integer not null default 0,
      primary key (run_id, resource)
    )`);

  await knex.raw(`
    create table kibo_sync.kibo_jobs (
      id text not null,
      run_id bigint not null references kibo_sync.runs (id) on delete cascade,
      kind text not null check (kind in ('import', 'export')),
      status text not null,
      upload_file_id text,
      log_file_id text,
      request jsonb not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      finished_at timestamptz,
      last_polled_at timestamptz,
      -- one import job may carry the CSVs of several runs (syncs of one domain due together)
      primary key (id, run_id)
    )`);
  await knex.raw('create index kibo_jobs_run_idx on kibo_sync.kibo_jobs (run_id)');
  await knex.raw('create index kibo_jobs_open_idx on kibo_sync.kibo_jobs (kind, created_at) where finished_at is null');

  // Millions of rows per sync, rewritten every run: the primary key is the only index, and a lower fillfactor
  // leaves room on each page for HOT updates of hash and timestamps.
  await knex.raw(`
    create table kibo_sync.key_state (
      sync text not null,
      key text not null,
      hash text not null,
      owned boolean not null default true,
      last_sent_at timestamptz,
      last_confirmed_at timestamptz,
      last_run_id bigint,
      primary key (sync, key)
    ) with (fillfactor = 85)`);

  await knex.raw(`
    create table kibo_sync.rejected_rows (
      id bigserial primary key,
      run_id bigint not null references kibo_sync.runs (id) on delete cascade,
      sync text not null,
      source text not null check (source in ('erp', 'kibo')),
      file text,
      row_number integer,
      key text,
      field text,
      reason text not null,
      value_excerpt text check (char_length(value_excerpt) <= 200)
    )`);
  await knex.raw('create index rejected_rows_run_idx on kibo_sync.rejected_rows (run_id, id)');
  await knex.raw('create index rejected_rows_sync_idx on kibo_sync.rejected_rows (sync, id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists kibo_sync.rejected_rows');
  await knex.raw('drop table if exists kibo_sync.key_state');
  await knex.raw('drop table if exists kibo_sync.kibo_jobs');
  await knex.raw('drop table if exists kibo_sync.run_resources');
  await knex.raw('drop table if exists kibo_sync.runs');
}
