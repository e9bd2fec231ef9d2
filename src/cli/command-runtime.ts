// What the commands that touch databases and Kibo share: settings, logger, clock, the state DB
// (migrated), the ERP pool and the Kibo client, opened once and closed together.
import type { Knex } from 'knex';
import type pg from 'pg';
import { listSettingSecrets, loadSettings, type Settings, type SettingsOverrides } from '../config/load-settings.ts';
import { createErpPool } from '../erp/read-erp-rows.ts';
import { createKiboClient, type KiboClient } from '../kibo/kibo-client.ts';
import { closeStateDb, createStateDb, migrateState } from '../state/index.ts';
import { createSystemClock, type Clock } from '../support/clock.ts';
import { createLogger, isTerminal, type Logger } from '../support/logger.ts';
import { createSecretRedactor, type RedactText } from '../support/redact-secrets.ts';
import type { SyncObserver } from '../sync/sync-summary.ts';
import type { CliContext } from './cli-context.ts';

export interface CommandRuntime {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly db: Knex;
  readonly erpPool: pg.Pool;
  readonly kibo: KiboClient;
  /** Masks this process's secrets (by value) and credential-shaped text: for logs and stored errors. */
  readonly redact: RedactText;
  /** Sends the Kibo client's retries and failures to this observer from now on (metrics). */
  observeKiboCalls(observer: SyncObserver): void;
  close(): Promise<void>;
}

export async function openCommandRuntime(context: CliContext, overrides: SettingsOverrides): Promise<CommandRuntime> {
  const settings = loadSettings(overrides);
  const redact = createSecretRedactor(listSettingSecrets(settings));
  const logger = createLogger({ level: settings.logLevel, destination: context.stderr, pretty: isTerminal(context.stderr), redact });
  const clock = createSystemClock();
  const db = createStateDb(settings.stateDatabaseUrl, { applicationName: 'kibo-sync state' });
  const erpPool = createErpPool(settings.erpDatabaseUrl);
  try {
    await migrateState(db);
  } catch (error) {
    await Promise.allSettled([closeStateDb(db), erpPool.end()]);
    throw new Error(`cannot prepare the state schema kibo_sync on STATE_DATABASE_URL: ${(error as Error).message}`, { cause: error });
  }
  // The observer (metrics) is built after the runtime opens, so the client reports through this late-bound slot.
  let kiboObserver: SyncObserver | undefined;
  const kibo = createKiboClient({ ...settings.kibo }, {
    clock,
    logger,
    onRetry: (info) => kiboObserver?.kiboCallRetried?.({ reason: info.reason, ...(info.status === undefined ? {} : { status: info.status }) }),
    onCallFailed: (info) => kiboObserver?.kiboCallFailed?.(info),
  });
  return {
    settings, logger, clock, db, erpPool, kibo, redact,
    observeKiboCalls: (observer) => {
      kiboObserver = observer;
    },
    close: async () => {
      await Promise.allSettled([closeStateDb(db), erpPool.end()]);
      logger.flush();
    },
  };
}
