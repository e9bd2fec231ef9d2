// Per-key state: the hash of the values last sent to Kibo and whether the key is ours to delete.
// Sized for millions of keys per sync: writes go out as unnest() arrays a few thousand keys per statement,
// reads stream through a server-side cursor instead of loading one huge result.
import type { Knex } from 'knex';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import { STATE_TABLES } from './state-schema.ts';
import { batchRows } from './state-batches.ts';
import type { KeyStateEntry } from './state-types.ts';

export const KEY_STATE_BATCH_SIZE = 5_000;

export interface UpsertKeyStatesOptions {
  readonly runId: number;
  readonly sentAt: Date;
  /** When Kibo confirmed the import; left unchanged when not given. */
  readonly confirmedAt?: Date | undefined;
  /** Keys we created are ours to delete later (default true). */
  readonly owned?: boolean | undefined;
  readonly batchSize?: number | undefined;
}

export interface KeyHash {
  readonly key: string;
  readonly hash: string;
}

/**
 * Streams a sync's key state in arrays of up to `batchSize` entries, in no particular order, through one
 * server-side cursor: memory stays bounded however many keys there are, and the scan is a single query.
 * The cursor holds one pooled connection (or the transaction's, when `db` is a transaction) until the loop
 * ends or is left early.
 */
export async function* streamKeyStates(
  db: Knex,
  sync: string,
  options: { batchSize?: number; ownedOnly?: boolean } = {},
): AsyncGenerator<KeyStateEntry[]> {
  const batchSize = options.batchSize ?? KEY_STATE_BATCH_SIZE;
  const query = db(STATE_TABLES.keyState).select('key', 'hash', 'owned').where({ sync });
  if (options.ownedOnly === true) query.andWhere({ owned: true });
  const { sql, bindings } = query.toSQL().toNative();
  const connection = (await db.client.acquireConnection()) as pg.ClientBase;
  const cursor = connection.query(new Cursor<KeyStateEntry>(sql, [...bindings]));
  try {
    for (;;) {
      const rows = await cursor.read(batchSize);
      if (rows.length === 0) return;
      yield rows;
    }
  } finally {
    await cursor.close();
    await db.client.releaseConnection(connection);
  }
}

export async function loadKeyHashes(db: Knex, sync: string): Promise<Map<string, { hash: string; owned: boolean }>> {
  const hashes = new Map<string, { hash: string; owned: boolean }>();
  for await (const batch of streamKeyStates(db, sync)) {
    for (const entry of batch) hashes.set(entry.key, { hash: entry.hash, owned: entry.owned });
  }
  return hashes;
}

const OWNERSHIP_LOOKUP_BATCH = 5_000;

/** Which of `keys` this sync owns: looks up only those keys, so memory follows the keys asked, not the table. */
export async function findOwnedKeys(db: Knex, sync: string, keys: readonly string[]): Promise<Set<string>> {
  const owned = new Set<string>();
  for (let start = 0; start < keys.length; start += OWNERSHIP_LOOKUP_BATCH) {
    const batch = keys.slice(start, start + OWNERSHIP_LOOKUP_BATCH);
    const rows = (await db(STATE_TABLES.keyState)
      .select('key')
      .where({ sync, owned: true })
      .whereRaw('key = any(?::text[])', [batch])) as { key: string }[];
    for (const row of rows) owned.add(row.key);
  }
  return owned;
}

/**
 * Records what was sent for each key, in one transaction (all or nothing). A key repeated in the input
 * keeps its last hash. Returns the number of distinct keys written per batch, summed.
 */
export async function upsertKeyStates(
  db: Knex,
  sync: string,
  rows: Iterable<KeyHash> | AsyncIterable<KeyHash>,
  options: UpsertKeyStatesOptions,
): Promise<number> {
  return db.transaction(async (trx) => {
    let written = 0;
    for await (const batch of batchRows(rows, options.batchSize ?? KEY_STATE_BATCH_SIZE)) {
      written += await upsertKeyStateBatch(trx, sync, batch, options);
    }
    return written;
  });
}

async function upsertKeyStateBatch(
  trx: Knex.Transaction,
  sync: string,
  batch: readonly KeyHash[],
  options: UpsertKeyStatesOptions,
): Promise<number> {
  // Postgres rejects one statement touching a row twice, so a key repeated within the batch keeps its last hash.
  const latest = new Map<string, string>();
  for (const row of batch) latest.set(row.key, row.hash);
  const result = (await trx.raw(
    `insert into ${STATE_TABLES.keyState} as ks
       (sync, key, hash, owned, last_sent_at, last_confirmed_at, last_run_id)
     select ?, input.key, input.hash, ?, ?, ?, ?
       from unnest(?::text[], ?::text[]) as input(key, hash)
     on conflict (sync, key) do update set
       hash = excluded.hash,
       owned = excluded.owned,
       last_sent_at = excluded.last_sent_at,
       last_confirmed_at = coalesce(excluded.last_confirmed_at, ks.last_confirmed_at),
       last_run_id = excluded.last_run_id,
       delete_sent_run_id = null,
       delete_sent_at = null`,
    [
      sync,
      options.owned ?? true,
      options.sentAt,
      options.confirmedAt ?? null,
      options.runId,
      [...latest.keys()],
      [...latest.values()],
    ],
  )) as { rowCount: number };
  return result.rowCount;
}

/**
 * Records that a completed snapshot sent the deletion of these keys. They stay owned (a later run that
 * still finds them in Kibo deletes them again) until confirmSentDeletes sees an export without them.
 * Returns how many keys were marked.
 */
export async function markDeletesSent(
  db: Knex,
  sync: string,
  keys: Iterable<string> | AsyncIterable<string>,
  sent: { readonly runId: number; readonly sentAt: Date },
): Promise<number> {
  return db.transaction(async (trx) => {
    let marked = 0;
    for await (const batch of batchRows(keys, KEY_STATE_BATCH_SIZE)) {
      const result = (await trx.raw(
        `update ${STATE_TABLES.keyState} set delete_sent_run_id = ?, delete_sent_at = ? where sync = ? and key = any(?::text[])`,
        [sent.runId, sent.sentAt, sync, batch],
      )) as { rowCount: number };
      marked += result.rowCount;
    }
    return marked;
  });
}

/**
 * Keys whose deletion was sent and not yet confirmed. Bounded by what snapshots deleted (each one within
 * the sync's delete guards), not by the sync's size; the partial index finds them without a scan.
 */
export async function listSentDeletes(db: Knex, sync: string): Promise<string[]> {
  const rows = (await db(STATE_TABLES.keyState).select('key').where({ sync }).whereNotNull('delete_sent_run_id')) as { key: string }[];
  return rows.map((row) => row.key);
}

/** The keys are live in Kibo again (and not being deleted): they stay owned, no longer awaiting a delete. */
export async function clearSentDeletes(db: Knex, sync: string, keys: readonly string[]): Promise<number> {
  let cleared = 0;
  for (let start = 0; start < keys.length; start += KEY_STATE_BATCH_SIZE) {
    const result = (await db.raw(
      `update ${STATE_TABLES.keyState} set delete_sent_run_id = null, delete_sent_at = null where sync = ? and key = any(?::text[])`,
      [sync, keys.slice(start, start + KEY_STATE_BATCH_SIZE)],
    )) as { rowCount: number };
    cleared += result.rowCount;
  }
  return cleared;
}

/** Forgets keys (after an export showed Kibo no longer has them). Returns how many were found and removed. */
export async function deleteKeyStates(
  db: Knex,
  sync: string,
  keys: Iterable<string> | AsyncIterable<string>,
): Promise<number> {
  return db.transaction(async (trx) => {
    let deleted = 0;
    for await (const batch of batchRows(keys, KEY_STATE_BATCH_SIZE)) {
      const result = (await trx.raw(`delete from ${STATE_TABLES.keyState} where sync = ? and key = any(?::text[])`, [
        sync,
        batch,
      ])) as { rowCount: number };
      deleted += result.rowCount;
    }
    return deleted;
  });
}

export async function countKeyStates(db: Knex, sync: string): Promise<{ tracked: number; owned: number }> {
  const row = (await db(STATE_TABLES.keyState)
    .where({ sync })
    .select(db.raw('count(*)::bigint as tracked'), db.raw('count(*) filter (where owned)::bigint as owned'))
    .first()) as { tracked: string; owned: string } | undefined;
  return { tracked: Number(row?.tracked ?? 0), owned: Number(row?.owned ?? 0) };
}
