// Two replicas fire the same cron tick at nearly the same moment. The per-sync run lock alone cannot
// stop both from running it: a sync with nothing to do can finish before the slower replica asks for
// the lock, which it then gets. So a replica first claims the tick: it holds a second advisory lock per
// sync (its own namespace, so it never blocks a manual `kibo-sync run`) while it checks that no run of
// the sync started since the tick, and keeps it until its cycle ends, so the other replica either finds
// the claim taken or finds the run row.
import type { Knex } from 'knex';
import pg from 'pg';
import { STATE_TABLES } from '../state/index.ts';

/** Advisory-lock namespace of tick claims ('KT'); sync locks use SYNC_LOCK_NAMESPACE ('KS'). */
export const TICK_CLAIM_NAMESPACE = 0x4b54;
/** Key (in the claim namespace) held while one replica claims its set: sets are claimed whole. */
const CLAIMING_KEY = 0;
/** Claiming takes a few short queries; a wait longer than this means the database is in trouble. */
const CLAIM_STATEMENT_TIMEOUT_MS = 10_000;

export interface TickToClaim {
  readonly sync: string;
  /** The tick's due time: a run of the sync started at or after it means the tick was served. */
  readonly dueAt: Date;
}

export interface TickClaims {
  /** Syncs this process may run for the tick, in the order asked. */
  readonly claimed: readonly string[];
  /** Syncs another replica is serving (claim held) or already served (run row found). */
  readonly servedElsewhere: readonly string[];
  release(): Promise<void>;
}

export async function claimTicks(connectionString: string, db: Knex, ticks: readonly TickToClaim[]): Promise<TickClaims> {
  const client = new pg.Client({ connectionString, application_name: 'kibo-sync tick claims', statement_timeout: CLAIM_STATEMENT_TIMEOUT_MS });
  // A claim connection that dies mid-cycle only weakens the claim; the run lock still guards the run.
  client.on('error', () => undefined);
  await client.connect();
  const claimed: string[] = [];
  const servedElsewhere: string[] = [];
  try {
    // Without this, two replicas claiming {a, b} at once could each win one, and the syncs that should
    // share an import job would import apart.
    await client.query('select pg_advisory_lock($1::int, $2::int)', [TICK_CLAIM_NAMESPACE, CLAIMING_KEY]);
    for (const tick of ticks) {
      const result = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1::int, hashtext($2)) as locked', [TICK_CLAIM_NAMESPACE, tick.sync]);
      if (!result.rows[0]?.locked) {
        servedElsewhere.push(tick.sync);
        continue;
      }
      if (await hasRunSince(db, tick)) {
        await client.query('select pg_advisory_unlock($1::int, hashtext($2))', [TICK_CLAIM_NAMESPACE, tick.sync]);
        servedElsewhere.push(tick.sync);
        continue;
      }
      claimed.push(tick.sync);
    }
    await client.query('select pg_advisory_unlock($1::int, $2::int)', [TICK_CLAIM_NAMESPACE, CLAIMING_KEY]);
  } catch (error) {
    await client.end().catch(() => undefined); // the claim query failed first; that error is the one to report
    throw new Error(`could not claim the tick of ${ticks.map((tick) => tick.sync).join(', ')} in the state database: ${(error as Error).message}`, { cause: error });
  }
  let released = false;
  return {
    claimed,
    servedElsewhere,
    release: async () => {
      if (released) return;
      released = true;
      // Ending the session frees every advisory lock it holds.
      await client.end();
    },
  };
}

async function hasRunSince(db: Knex, tick: TickToClaim): Promise<boolean> {
  const row = (await db(STATE_TABLES.runs).where({ sync: tick.sync }).andWhere('started_at', '>=', tick.dueAt).first('id')) as { id: unknown } | undefined;
  return row !== undefined;
}
