// One run of a sync at a time, across replicas and manual `kibo-sync run`s: a session-level Postgres
// advisory lock held on a dedicated connection. If that connection dies the lock is gone, so the
// holder must stop before its next Kibo call (assertHeld).
import pg from 'pg';

/** First half of the two-key advisory lock: keeps our locks apart from any other application's. */
export const SYNC_LOCK_NAMESPACE = 0x4b53; // 'KS'

export class SyncLockLostError extends Error {
  override readonly name = 'SyncLockLostError';
  constructor(readonly sync: string, options?: ErrorOptions) {
    super(
      `the lock of sync "${sync}" was lost (its database connection closed); stopping before the next Kibo call. ` +
        'The next run resumes from the recorded state.',
      options,
    );
  }
}

export interface SyncLock {
  readonly sync: string;
  /** Throws SyncLockLostError when the lock's connection is gone. */
  assertHeld(): void;
  release(): Promise<void>;
}

/** Tries to take the lock of `sync`; undefined when another process holds it. */
export async function tryAcquireSyncLock(connectionString: string, sync: string): Promise<SyncLock | undefined> {
  const client = new pg.Client({ connectionString, application_name: `kibo-sync lock ${sync}` });
  let lostCause: unknown;
  let lost = false;
  client.on('error', (error) => {
    lost = true;
    lostCause = error;
  });
  client.on('end', () => {
    lost = true;
  });
  await client.connect();
  const result = await client.query<{ locked: boolean }>(
    'select pg_try_advisory_lock($1::int, hashtext($2)) as locked',
    [SYNC_LOCK_NAMESPACE, sync],
  );
  if (!result.rows[0]?.locked) {
    await client.end();
    return undefined;
  }
  let released = false;
  return {
    sync,
    assertHeld: () => {
      if (lost && !released) throw new SyncLockLostError(sync, { cause: lostCause });
    },
    release: async () => {
      if (released) return;
      released = true;
      if (lost) return; // the server dropped the session, and the lock with it
      await client.query('select pg_advisory_unlock($1::int, hashtext($2))', [SYNC_LOCK_NAMESPACE, sync]);
      await client.end();
    },
  };
}
