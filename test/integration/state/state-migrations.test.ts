import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STATE_SCHEMA,
  closeStateDb,
  createStateDb,
  listStateMigrationNames,
  migrateState,
  rollbackState,
} from '../../../src/state/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.ts';

const STATE_TABLE_NAMES = ['approvals', 'key_state', 'kibo_jobs', 'plans', 'rejected_rows', 'run_resources', 'runs'];

async function listStateTables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = $1 and table_name not like 'knex_%' order by table_name",
      [STATE_SCHEMA],
    );
    return result.rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

describe('state migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('state migrations');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('migrates an empty database up, all the way down, and up again', async () => {
    const db = createStateDb(database.url);
    try {
      expect(await listStateTables(database.url)).toEqual([]);
      const first = await migrateState(db);
      expect(first.applied).toEqual(listStateMigrationNames());
      expect(await listStateTables(database.url)).toEqual(STATE_TABLE_NAMES);

      expect((await migrateState(db)).applied).toEqual([]);

      await rollbackState(db, true);
      expect(await listStateTables(database.url)).toEqual([]);

      const again = await migrateState(db);
      expect(again.applied).toEqual(listStateMigrationNames());
      expect(await listStateTables(database.url)).toEqual(STATE_TABLE_NAMES);

      const recorded = await db(`${STATE_SCHEMA}.knex_migrations`).select('name').orderBy('id');
      expect(recorded.map((row: { name: string }) => row.name)).toEqual(listStateMigrationNames());
    } finally {
      await closeStateDb(db);
    }
  });

  it('rolls back the last batch by default: everything one migrateState applied', async () => {
    const db = createStateDb(database.url);
    try {
      await migrateState(db);
      await rollbackState(db);
      expect(await listStateTables(database.url)).toEqual([]);
      expect(await db(`${STATE_SCHEMA}.knex_migrations`).count('* as n')).toEqual([{ n: '0' }]);
      await migrateState(db);
      expect(await listStateTables(database.url)).toEqual(STATE_TABLE_NAMES);
    } finally {
      await closeStateDb(db);
    }
  });

  it('lets several processes migrate the same empty database at once', async () => {
    const fresh = await createTestDatabase('state migrations concurrent');
    const handles = [createStateDb(fresh.url), createStateDb(fresh.url), createStateDb(fresh.url)];
    try {
      const results = await Promise.all(handles.map((handle) => migrateState(handle)));
      const applied = results.map((result) => result.applied);
      expect(applied.filter((names) => names.length > 0)).toEqual([listStateMigrationNames()]);
      expect(applied.filter((names) => names.length === 0)).toHaveLength(handles.length - 1);
      expect(await listStateTables(fresh.url)).toEqual(STATE_TABLE_NAMES);
      const lockRows = await handles[0]!(`${STATE_SCHEMA}.knex_migrations_lock`).select('is_locked');
      expect(lockRows).toEqual([{ is_locked: 0 }]);
    } finally {
      await Promise.all(handles.map((handle) => closeStateDb(handle)));
      await fresh.drop();
    }
  });
});
