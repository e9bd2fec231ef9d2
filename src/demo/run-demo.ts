// `npm run demo`: the whole product on embedded defaults. An ERP (the given Postgres, else an embedded
// one), the bundled Kibo emulator in-process, the sample ERP, every shipped mapping run once, a few ERP
// edits, and a second run that shows a delta. Nothing here is demo-only logic: it drives the real engine.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { loadMappingFiles } from '../config/load-mapping-files.ts';
import { createErpPool } from '../erp/read-erp-rows.ts';
import { createKiboClient } from '../kibo/kibo-client.ts';
import { startEmulator, type RunningEmulator } from '../kibo/emulator/kibo-emulator.ts';
import { formatMappingProblems, type SyncMapping } from '../mapping/index.ts';
import { closeStateDb, createStateDb, migrateState } from '../state/index.ts';
import type { Clock } from '../support/clock.ts';
import { ConfigurationError } from '../support/errors.ts';
import type { Logger } from '../support/logger.ts';
import { createSecretRedactor } from '../support/redact-secrets.ts';
import { runSyncCycle } from '../sync/run-sync-cycle.ts';
import { EMULATOR_SYNC_TIMINGS } from '../sync/sync-deps.ts';
import type { SyncObserver, SyncRunSummary } from '../sync/sync-summary.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';
import { runSqlFiles } from './run-sql-files.ts';

export const DEMO_DATABASE_NAME = 'kibo_sync_demo';

export interface DemoOptions {
  /** A Postgres server to use (a database `kibo_sync_demo` is created there); embedded when absent. */
  readonly erpDatabaseUrl?: string;
  readonly projectDir: string;
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly observer?: SyncObserver;
  readonly print: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface DemoResult {
  readonly databaseUrl: string;
  readonly embedded: boolean;
  readonly firstRun: readonly SyncRunSummary[];
  readonly secondRun: readonly SyncRunSummary[];
  readonly dataDir: string;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const sample = (name: string): string => path.join(options.projectDir, 'sample-erp', name);
  const mappings = await loadShippedMappings(path.join(options.projectDir, 'mappings'));
  const database = await openDemoDatabase(options);
  let emulator: RunningEmulator | undefined;
  try {
    options.print(`ERP and state database: ${database.embedded ? 'embedded Postgres (PGlite)' : 'database kibo_sync_demo on ERP_DATABASE_URL'}`);
    await runSqlFiles(database.url, [sample('schema.sql'), sample('data.sql')]);
    emulator = await startEmulator({ port: 0, jobStepMs: 50, clock: options.clock, logger: options.logger });
    options.print(`Kibo emulator: ${emulator.url} (tenant ${emulator.tenantId})`);
    await mkdir(options.dataDir, { recursive: true });
    const cycle = await createCycleRunner(options, database, emulator);
    try {
      options.print('\n1) First sync of the sample ERP into an empty Kibo tenant');
      const firstRun = await cycle(mappings);
      options.print('\n2) ERP edits (sample-erp/changes.sql: three price changes, one cleared sale price, two new products), then sync again');
      await runSqlFiles(database.url, [sample('changes.sql')]);
      const secondRun = await cycle(mappings);
      return { databaseUrl: database.url, embedded: database.embedded, firstRun, secondRun, dataDir: options.dataDir };
    } finally {
      await cycle.close();
    }
  } finally {
    await emulator?.close();
    await database.close();
  }
}

async function loadShippedMappings(dir: string): Promise<readonly SyncMapping[]> {
  const { mappings, problems } = await loadMappingFiles(dir);
  if (problems.length > 0) throw new ConfigurationError(`the shipped mappings in ${dir} do not validate:\n${formatMappingProblems(problems)}`);
  return mappings;
}

type CycleRunner = ((mappings: readonly SyncMapping[]) => Promise<SyncRunSummary[]>) & { close(): Promise<void> };

async function createCycleRunner(options: DemoOptions, database: DemoDatabase, emulator: RunningEmulator): Promise<CycleRunner> {
  const db = createStateDb(database.stateUrl, { applicationName: 'kibo-sync demo state' });
  const erpPool = createErpPool(database.url, 'kibo-sync demo erp');
  await migrateState(db);
  const kibo = createKiboClient(
    { tenantId: emulator.tenantId, siteId: emulator.siteId, masterCatalogId: emulator.masterCatalogId, catalogId: emulator.catalogId,
      clientId: emulator.clientId, sharedSecret: emulator.sharedSecret, authHost: 'home.kibo-emulator.local', emulatorUrl: emulator.url },
    { clock: options.clock, logger: options.logger },
  );
  const deps = {
    db, erpPool, kibo, clock: options.clock, logger: options.logger, dataDir: options.dataDir, timings: EMULATOR_SYNC_TIMINGS,
    lockDatabaseUrl: database.stateUrl, redact: createSecretRedactor([emulator.sharedSecret]),
    ...(options.observer ? { observer: options.observer } : {}), ...(options.signal ? { signal: options.signal } : {}),
  };
  const run = (mappings: readonly SyncMapping[]): Promise<SyncRunSummary[]> => runSyncCycle(deps, mappings, { trigger: 'manual', resync: false, dryRun: false });
  return Object.assign(run, {
    close: async () => {
      await Promise.allSettled([closeStateDb(db), erpPool.end()]);
    },
  });
}

interface DemoDatabase {
  /** The sample ERP. */
  readonly url: string;
  /** kibo-sync's own state (and its locks). */
  readonly stateUrl: string;
  readonly embedded: boolean;
  close(): Promise<void>;
}

async function openDemoDatabase(options: DemoOptions): Promise<DemoDatabase> {
  if (options.erpDatabaseUrl === undefined) {
    // Two embedded servers: PGlite is one session, so a state write made while the ERP read holds its
    // snapshot would wait behind it; separate servers keep the engine's real access pattern working.
    const [erp, state]: EmbeddedPostgres[] = await Promise.all([
      startEmbeddedPostgres({ logger: options.logger }),
      startEmbeddedPostgres({ logger: options.logger }),
    ]);
    return {
      url: erp!.url,
      stateUrl: state!.url,
      embedded: true,
      close: async () => {
        await Promise.all([erp!.close(), state!.close()]);
      },
    };
  }
  // A database of its own on the given server: the demo never touches the user's existing schemas.
  const admin = new pg.Client({ connectionString: options.erpDatabaseUrl, application_name: 'kibo-sync demo' });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${DEMO_DATABASE_NAME} with (force)`);
    await admin.query(`create database ${DEMO_DATABASE_NAME}`);
  } catch (error) {
    throw new Error(`the demo needs to (re)create database ${DEMO_DATABASE_NAME} on ERP_DATABASE_URL's server: ${(error as Error).message}. Unset ERP_DATABASE_URL to use the embedded Postgres instead.`, { cause: error });
  } finally {
    await admin.end();
  }
  const url = new URL(options.erpDatabaseUrl);
  url.pathname = `/${DEMO_DATABASE_NAME}`;
  return { url: url.toString(), stateUrl: url.toString(), embedded: false, close: async () => undefined };
}
