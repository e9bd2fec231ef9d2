// Several pg connections on the one PGlite session: each exchange, transaction or cursor read gets the
// session to itself, waiting clients are served afterwards (or refused with a FATAL error instead of hanging),
// and a client that leaves mid-transaction is rolled back. No server at 127.0.0.1:5432 is used here.
import pg from 'pg';
import Cursor from 'pg-cursor';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/demo/embedded-postgres.ts';

const MAX_CONNECTIONS = 8;
const SESSION_WAIT_TIMEOUT_MS = 1_500;

describe('connections to the embedded Postgres', () => {
  let server: EmbeddedPostgres;
  const clients: pg.Client[] = [];

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: server.url });
    client.on('error', () => undefined); // refused or dropped clients are asserted through their queries
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    server = await startEmbeddedPostgres({ maxConnections: MAX_CONNECTIONS, sessionWaitTimeoutMs: SESSION_WAIT_TIMEOUT_MS });
    const setup = await connect();
    await setup.query('create table counters (id int primary key, n int not null); insert into counters values (1, 0), (2, 0)');
    await setup.end();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined))); // some were dropped on purpose
    await new Promise((resolve) => setTimeout(resolve, 50)); // the server sees the closes a moment later
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves pg.Client at the url it reports', async () => {
    expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const client = await connect();
    const { rows } = await client.query<{ version: string; db: string }>('select version(), current_database() as db');
    expect(rows[0]?.version).toMatch(/PGlite/);
    expect(rows[0]?.db).toBe('postgres');
    await client.end();
  });

  it('gives each of 4 pooled connections its own answers under concurrent load, large parameters included', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 4 });
    const large = 'x'.repeat(200_000); // spans several TCP reads, so a Bind arrives in pieces
    const answers = await Promise.all(
      Array.from({ length: 240 }, (_, i) =>
        i % 10 === 0
          ? pool.query('select length($1::text) as n, $2::text as tag', [large, `big ${i}`])
          : pool.query('select $1::int as n, $2::text as tag', [i, `small ${i}`]),
      ),
    );
    expect(pool.totalCount).toBe(4);
    answers.forEach((result, i) => {
      expect(result.rows).toEqual([i % 10 === 0 ? { n: 200_000, tag: `big ${i}` } : { n: i, tag: `small ${i}` }]);
    });
    await pool.end();
  });

  it('runs a transaction alone: another connection waits for the commit, then sees it', async () => {
    const [writer, reader] = [await connect(), await connect()];
    await writer.query('begin');
    await writer.query('update counters set n = n + 1 where id = 1');
    let seen: number | undefined;
    const read = reader.query<{ n: number }>('select n from counters where id = 1').then((r) => (seen = r.rows[0]?.n));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toBeUndefined();
    await writer.query('update counters set n = n + 1 where id = 1');
    await writer.query('commit');
    await read;
    expect(seen).toBe(2);
  });

  it('keeps a cursor read outside a transaction intact while another connection waits', async () => {
    const [streaming, other] = [await connect(), await connect()];
    const cursor = streaming.query(new Cursor<{ g: number }>('select g from generate_series(1, 50) as g'));
    expect((await cursor.read(20)).map((row) => row.g)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    let otherDone = false;
    const otherQuery = other.query('select 1 as one').then(() => (otherDone = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(otherDone).toBe(false);
    expect((await cursor.read(100)).map((row) => row.g)).toEqual(Array.from({ length: 30 }, (_, i) => i + 21));
    await cursor.close();
    await otherQuery;
    expect(otherDone).toBe(true);
  });

  it('refuses a connection that waits too long for a held session, instead of deadlocking', async () => {
    const [holder, waiter] = [await connect(), await connect()];
    await holder.query('begin');
    await holder.query('update counters set n = 100 where id = 1');
    const started = Date.now();
    await expect(waiter.query('select n from counters')).rejects.toThrow(/serves one session at a time/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SESSION_WAIT_TIMEOUT_MS - 100);
    await holder.query('rollback');
    const fresh = await connect();
    expect((await fresh.query('select n from counters where id = 1')).rows).toEqual([{ n: 2 }]);
  });

  it('rolls back a client that vanishes inside a transaction and frees the session', async () => {
    const [leaving, staying] = [await connect(), await connect()];
    await leaving.query('begin');
    await leaving.query('update counters set n = -1 where id = 1');
    const ended = new Promise((resolve) => leaving.once('end', resolve));
    (leaving as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await ended;
    expect((await staying.query('select n from counters where id = 1')).rows).toEqual([{ n: 2 }]);
  });

  it('rolls back a pooled client that ends inside a transaction, without writing to any client', async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    const errors: Error[] = [];
    pool.on('error', (error) => errors.push(error));
    const leaving = await pool.connect();
    await leaving.query('update counters set n = 77 where id = 2'); // the last exchange before the reset is its own
    await leaving.query('begin');
    await leaving.query('update counters set n = -5 where id = 2');
    leaving.release();
    await pool.end();
    const after = await connect();
    expect((await after.query('select n from counters where id = 2')).rows).toEqual([{ n: 77 }]);
    expect(errors).toEqual([]);
  });

  it('keeps serving after SQL errors, inside and outside transactions', async () => {
    const [first, second] = [await connect(), await connect()];
    await expect(first.query('select * from no_such_table')).rejects.toThrow(/no_such_table/);
    await first.query('begin');
    await expect(first.query('select 1 / 0')).rejects.toThrow(/division by zero/);
    await expect(first.query('select 1')).rejects.toThrow(/current transaction is aborted/);
    await first.query('rollback');
    expect((await second.query('select $1::int + 1 as n', [41])).rows).toEqual([{ n: 42 }]);
    expect((await first.query('select 2 as n')).rows).toEqual([{ n: 2 }]);
  });

  it('refuses connections beyond its limit with the Postgres error', async () => {
    await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => connect()));
    await expect(connect()).rejects.toThrow(/too many clients already/);
    await Promise.all(clients.splice(0).map((client) => client.end()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await (await connect()).query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('shares session state between connections (PGlite has one session): settings and advisory locks', async () => {
    const [first, second] = [await connect(), await connect()];
    await first.query("set statement_timeout = '4321ms'");
    expect((await second.query('show statement_timeout')).rows).toEqual([{ statement_timeout: '4321ms' }]);
    await first.query('reset statement_timeout');
    // On a real server the second try fails; here both "connections" are the same session, which re-enters.
    expect((await first.query('select pg_try_advisory_lock(7, 7) as locked')).rows).toEqual([{ locked: true }]);
    expect((await second.query('select pg_try_advisory_lock(7, 7) as locked')).rows).toEqual([{ locked: true }]);
    await first.query('select pg_advisory_unlock_all()');
  });
});
