// The state database handle: a knex instance over pg. Callers create it once and pass it to every state function.
import knexModule from 'knex';
import type { Knex } from 'knex';

const DEFAULT_POOL_MAX = 5;
const DEFAULT_APPLICATION_NAME = 'kibo-sync';

export interface StateDbOptions {
  /** Upper bound of pooled connections (default 5). */
  readonly poolMax?: number;
  /** Shown in pg_stat_activity so operators can tell our sessions apart. */
  readonly applicationName?: string;
}

export function createStateDb(url: string, options: StateDbOptions = {}): Knex {
  return knexModule.knex({
    client: 'pg',
    connection: {
      connectionString: url,
      application_name: options.applicationName ?? DEFAULT_APPLICATION_NAME,
    },
    // min 0: an idle daemon between scheduled runs holds no connections open.
    pool: { min: 0, max: options.poolMax ?? DEFAULT_POOL_MAX },
  });
}

export async function closeStateDb(db: Knex): Promise<void> {
  await db.destroy();
}
