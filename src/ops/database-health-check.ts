// What /healthz asks: can we still reach the databases the daemon cannot work without?
import type { Knex } from 'knex';
import { describeError } from '../support/errors.ts';
import type { HealthCheckResult } from './ops-server.ts';

export interface NamedPing {
  /** Shown in the health detail, e.g. "state database". */
  readonly name: string;
  readonly ping: () => Promise<unknown>;
}

/** A ping for a knex handle (the state database). */
export function pingKnex(name: string, db: Knex): NamedPing {
  return { name, ping: () => db.raw('select 1') };
}

/** Runs every ping at once; healthy only when all answer. The detail names each failure and its reason. */
export function createDatabaseHealthCheck(pings: readonly NamedPing[]): () => Promise<HealthCheckResult> {
  return async () => {
    const results = await Promise.allSettled(pings.map((entry) => entry.ping()));
    const failures = results.flatMap((result, index) =>
      result.status === 'rejected' ? [`${pings[index]?.name ?? 'database'} unreachable: ${describeError(result.reason)}`] : [],
    );
    if (failures.length > 0) return { ok: false, detail: failures.join('; ') };
    return { ok: true, detail: `${pings.map((entry) => entry.name).join(', ') || 'nothing to check'} reachable` };
  };
}
