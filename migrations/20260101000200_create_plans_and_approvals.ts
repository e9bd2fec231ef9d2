// Plans for guarded full snapshots (what a blocked run would have done) and the one-time approvals that release them.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table kibo_sync.plans (
      id text primary key,
      run_id bigint not null references kibo_sync.runs (id) on delete cascade,
      sync text not null,
      plan_hash text not null,
      action text not null,
      violations jsonb not null default '[]'::jsonb,
      sample_keys jsonb not null default '[]'::jsonb,
      counts jsonb not null default '{}'::jsonb,
      created_at timestamptz not null
    )`);
  await knex.raw('create index plans_sync_created_idx on kibo_sync.plans (sync, created_at desc)');
  await knex.raw('create index plans_run_idx on kibo_sync.plans (run_id)');

  // One approval per plan; consuming it fills consumed_* exactly once (see consumeApproval).
  await knex.raw(`
    create table kibo_sync.approvals (
      plan_id text primary key references kibo_sync.plans (id) on delete cascade,
      approved_at timestamptz not null,
      consumed_by_run_id bigint references kibo_sync.runs (id) on delete set null,
      consumed_at timestamptz,
      -- the run id may later be cleared when old runs are pruned, but never set without consumed_at
      check (consumed_by_run_id is null or consumed_at is not null)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists kibo_sync.approvals');
  await knex.raw('drop table if exists kibo_sync.plans');
}
