// A fresh Postgres database per test file with the state schema migrated, plus a knex handle on it.
import type { Knex } from 'knex';
import { closeStateDb, createStateDb, migrateState } from '../../../src/state/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.ts';

export interface StateTestDb {
  readonly database: TestDatabase;
  readonly db: Knex;
  close(): Promise<void>;
}

export async function createMigratedStateDb(label: string): Promise<StateTestDb> {
  const database = await createTestDatabase(label);
  const db = createStateDb(database.url);
  await migrateState(db);
  return {
    database,
    db,
    close: async () => {
      await closeStateDb(db);
      await database.drop();
    },
  };
}
