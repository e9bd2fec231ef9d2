// A key whose delete a completed snapshot sent stays owned until a later export shows Kibo no longer has
// it: delete_sent_* mark it as such, and the partial index finds the (few) marked keys of a sync without
// scanning its millions of rows. Written out in full (no imports) so it never changes after shipping.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table kibo_sync.key_state add column delete_sent_run_id bigint, add column delete_sent_at timestamptz');
  await knex.raw('create index key_state_delete_sent_idx on kibo_sync.key_state (sync) where delete_sent_run_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists kibo_sync.key_state_delete_sent_idx');
  await knex.raw('alter table kibo_sync.key_state drop column if exists delete_sent_at, drop column if exists delete_sent_run_id');
}
