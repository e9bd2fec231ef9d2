import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

describe('test database harness', () => {
  let first: TestDatabase;
  let second: TestDatabase;
  beforeAll(async () => {
    first = await createTestDatabase('harness a');
    second = await createTestDatabase('harness b');
  });
  afterAll(async () => {
    await first.drop();
    await second.drop();
  });

  it('gives each caller an isolated database', async () => {
    expect(first.url).not.toBe(second.url);
    const a = new pg.Client({ connectionString: first.url });
    const b = new pg.Client({ connectionString: second.url });
    await a.connect();
    await b.connect();
    try {
      await a.query('create table marker (id int)');
      const seen = await b.query("select count(*)::int as n from information_schema.tables where table_name = 'marker'");
      expect(seen.rows[0].n).toBe(0);
      const own = await a.query('select current_database() as db');
      expect(own.rows[0].db).toBe(first.name);
    } finally {
      await a.end();
      await b.end();
    }
  });
});
