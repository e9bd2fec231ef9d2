// Runs the state migrations through knex's migrator. The migrations are imported statically (a custom
// migrationSource) so the same code works under tsx/vitest and from compiled JS, and the names recorded in
// knex_migrations never carry a .ts or .js extension.
import type { Knex } from 'knex';
import * as createStateCore from '../../migrations/20260101000100_create_state_core.ts';
import * as createPlansAndApprovals from '../../migrations/20260101000200_create_plans_and_approvals.ts';
import * as trackSentDeletes from '../../migrations/20260101000300_track_sent_deletes.ts';
import * as recordRemovedRunFiles from '../../migrations/20260101000400_record_removed_run_files.ts';
import { describeError } from '../support/errors.ts';
import { STATE_SCHEMA } from './state-schema.ts';

interface StateMigration {
  readonly name: string;
  readonly migration: Knex.Migration;
}

const STATE_MIGRATIONS: readonly StateMigration[] = [
  { name: '20260101000100_create_state_core', migration: createStateCore },
  { name: '20260101000200_create_plans_and_approvals', migration: createPlansAndApprovals },
  { name: '20260101000300_track_sent_deletes', migration: trackSentDeletes },
  { name: '20260101000400_record_removed_run_files', migration: recordRemovedRunFiles },
];

const MIGRATIONS_TABLE = 'knex_migrations';
// Serialises migrators across processes, including knex's own bookkeeping tables, which knex creates
// with an unguarded "has table? create table" that two concurrent migrators can both attempt.
const MIGRATION_LOCK_NAME = `${STATE_SCHEMA}.migrations`;

const stateMigrationSource: Knex.MigrationSource<StateMigration> = {
  getMigrations: async () => [...STATE_MIGRATIONS],
  getMigrationName: (entry) => entry.name,
  getMigration: async (entry) => entry.migration,
};

function migratorConfig(): Knex.MigratorConfig {
  return {
    schemaName: STATE_SCHEMA,
    tableName: MIGRATIONS_TABLE,
    migrationSource: stateMigrationSource as Knex.MigrationSource<unknown>,
  };
}

/** Names of every migration this build knows, oldest first. */
export function listStateMigrationNames(): string[] {
  return STATE_MIGRATIONS.map((entry) => entry.name);
}

/**
 * Brings the kibo_sync schema up to date. Safe to call on every start and from several processes at once:
 * the whole migration runs in one transaction holding an advisory lock (and knex's own lock row), so a second
 * caller waits, then finds nothing left to apply.
 */
export async function migrateState(db: Knex): Promise<{ applied: string[] }> {
  try {
    return await db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [MIGRATION_LOCK_NAME]);
      await trx.raw('create schema if not exists ??', [STATE_SCHEMA]);
      const [, applied] = (await trx.migrate.latest(migratorConfig())) as [number, string[]];
      return { applied };
    });
  } catch (error) {
    throw new Error(
      `Could not migrate the state schema "${STATE_SCHEMA}": ${describeError(error)}. ` +
        'Check that the database user may create schemas and tables in this database.',
      { cause: error },
    );
  }
}

/** Undoes the last batch of state migrations, or all of them; the schema and knex's bookkeeping tables stay. */
export async function rollbackState(db: Knex, all = false): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [MIGRATION_LOCK_NAME]);
    await trx.raw('create schema if not exists ??', [STATE_SCHEMA]);
    await trx.migrate.rollback(migratorConfig(), all);
  });
}
