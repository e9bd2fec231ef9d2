// The Kibo Import/Export emulator ("LocalStack for Kibo"): the real service's paths and JSON shapes over
// real HTTP, so a sync proven against it works against Kibo. startEmulator is the contract that tests,
// the CLI command and the lead's tooling code against.
import { createHash } from 'node:crypto';
import type { Clock } from '../../support/clock.ts';
import { createSystemClock } from '../../support/clock.ts';
import type { Logger } from '../../support/logger.ts';
import { createSilentLogger } from '../../support/logger.ts';
import { createTenantStore } from './tenant-store.ts';
import type { EmulatorContext, EmulatorSettings } from './emulator-context.ts';
import { createFaultController, type EmulatorFaults } from './emulator-faults.ts';
import { createFileRegistry } from './emulator-files.ts';
import { createJobEngine } from './emulator-jobs.ts';
import { createTokenRegistry } from './emulator-tokens.ts';
import { createStateSaver, loadEmulatorState, type EmulatorStateData, type StateSaver } from './emulator-state-file.ts';
import { applySeedZips } from './emulator-seed.ts';
import { buildEmulatorServer } from './emulator-server.ts';

export type { EmulatorFaults } from './emulator-faults.ts';

export const EMULATOR_DEFAULTS = {
  tenantId: 100000,
  siteId: 100001,
  masterCatalogId: 1,
  catalogId: 1,
  clientId: 'KiboSync.Emulator.1.0.0.Release',
  sharedSecret: 'emulator-shared-secret',
  tokenTtlSeconds: 3600,
  jobStepMs: 500,
  exportFilesDelayMs: 0,
} as const;

const DEFAULT_HOST = '127.0.0.1';
/** The background timer that advances jobs nobody polls; lazy advancement on requests stays exact. */
const MIN_ADVANCE_INTERVAL_MS = 10;
const MAX_ADVANCE_INTERVAL_MS = 100;

export interface EmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = a free port (tests). */
  port?: number;
  tenantId?: number;
  siteId?: number;
  masterCatalogId?: number;
  catalogId?: number;
  clientId?: string;
  sharedSecret?: string;
  tokenTtlSeconds?: number;
  jobStepMs?: number;
  exportFilesDelayMs?: number;
  /** Kibo-format zips imported into the tenant at start (every CSV in them, deleteOmitted false). */
  seedZips?: readonly string[];
  /** JSON file: data, files and jobs survive restarts (written atomically). */
  stateFile?: string;
  faults?: Partial<EmulatorFaults>;
  clock?: Clock;
  logger?: Logger;
}

export interface RunningEmulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly tenantId: number;
  readonly siteId: number;
  readonly masterCatalogId: number;
  readonly catalogId: number;
  readonly clientId: string;
  readonly sharedSecret: string;
  setFaults(faults: Partial<EmulatorFaults>): void;
  getFaults(): EmulatorFaults;
  expireAllTokens(): void;
  listRecords(resource: string): Record<string, string>[];
  /** The job JSON as served, newest first. */
  listJobs(kind: 'import' | 'export'): readonly unknown[];
  /** /api calls received (faulted ones included). */
  readonly requestCount: number;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const settings = resolveSettings(options);
  const clock = options.clock ?? createSystemClock();
  const logger = options.logger ?? createSilentLogger();
  const restored = options.stateFile === undefined ? undefined : await loadEmulatorState(options.stateFile);
  if (restored !== undefined && restored.tenantId !== settings.tenantId) {
    logger.warn({ stateFile: options.stateFile, stored: restored.tenantId, tenantId: settings.tenantId }, 'state file belongs to another tenant id; serving its data as this tenant');
  }

  const store = createTenantStore(restored?.store, { clock });
  const files = createFileRegistry(restored?.files);
  const tokens = createTokenRegistry(clock, restored?.tokens);
  const faults = createFaultController(options.faults);
  let saver: StateSaver | undefined;
  const markChanged = (): void => saver?.markChanged();
  const jobs = createJobEngine(
    { clock, logger, store, files, faults, tenantId: settings.tenantId, defaultJobStepMs: settings.jobStepMs, exportFilesDelayMs: settings.exportFilesDelayMs, onChange: markChanged },
    restored?.jobs,
  );
  if (options.stateFile !== undefined) {
    const collect = (): EmulatorStateData => ({
      version: 1,
      tenantId: settings.tenantId,
      store: store.snapshot(),
      files: files.snapshot(),
      jobs: jobs.snapshot(),
      tokens: tokens.snapshot(),
    });
    saver = createStateSaver(options.stateFile, collect, logger);
  }

  // Seeds build a fresh tenant; re-applying them over a restored state would undo the deletions and
  // edits that state recorded, so with a state file they apply only on the first start.
  if (options.seedZips !== undefined && options.seedZips.length > 0) {
    if (restored === undefined) {
      await applySeedZips(store, options.seedZips, logger);
      markChanged();
    } else {
      logger.info({ stateFile: options.stateFile }, 'state restored; seed zips not re-applied');
    }
  }

  let requestCount = 0;
  let baseUrl = '';
  const context: EmulatorContext = {
    settings, clock, logger, store, files, tokens, faults, jobs,
    requester: createHash('sha256').update(settings.clientId).digest('hex').slice(0, 32),
    baseUrl: () => baseUrl,
    markChanged,
    countApiCall: () => {
      requestCount += 1;
    },
  };
  const app = await buildEmulatorServer(context);
  await app.listen({ host: settings.host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  baseUrl = `http://${formatUrlHost(settings.host)}:${port}`;

  const advanceIntervalMs = Math.max(MIN_ADVANCE_INTERVAL_MS, Math.min(MAX_ADVANCE_INTERVAL_MS, Math.floor(settings.jobStepMs / 2)));
  const timer = setInterval(() => void jobs.advance(), advanceIntervalMs);
  timer.unref();
  logger.info({ url: baseUrl, tenantId: settings.tenantId, stateFile: options.stateFile }, 'kibo emulator listening');

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    tenantId: settings.tenantId,
    siteId: settings.siteId,
    masterCatalogId: settings.masterCatalogId,
    catalogId: settings.catalogId,
    clientId: settings.clientId,
    sharedSecret: settings.sharedSecret,
    setFaults: (update) => faults.set(update),
    getFaults: () => faults.get(),
    expireAllTokens: () => {
      tokens.expireAllAccessTokens();
      markChanged();
    },
    listRecords: (resource) => store.listRecords(resource),
    listJobs: (kind) => jobs.list(kind, { startIndex: 0, pageSize: Number.MAX_SAFE_INTEGER }),
    get requestCount() {
      return requestCount;
    },
    close: () => {
      closing ??= (async () => {
        clearInterval(timer);
        await app.close();
        await jobs.advance(); // waits for a job being applied right now
        await saver?.flush();
      })();
      return closing;
    },
  };
}

function resolveSettings(options: EmulatorOptions): EmulatorSettings {
  return {
    host: options.host ?? DEFAULT_HOST,
    tenantId: options.tenantId ?? EMULATOR_DEFAULTS.tenantId,
    siteId: options.siteId ?? EMULATOR_DEFAULTS.siteId,
    masterCatalogId: options.masterCatalogId ?? EMULATOR_DEFAULTS.masterCatalogId,
    catalogId: options.catalogId ?? EMULATOR_DEFAULTS.catalogId,
    clientId: options.clientId ?? EMULATOR_DEFAULTS.clientId,
    sharedSecret: options.sharedSecret ?? EMULATOR_DEFAULTS.sharedSecret,
    tokenTtlSeconds: options.tokenTtlSeconds ?? EMULATOR_DEFAULTS.tokenTtlSeconds,
    jobStepMs: options.jobStepMs ?? EMULATOR_DEFAULTS.jobStepMs,
    exportFilesDelayMs: options.exportFilesDelayMs ?? EMULATOR_DEFAULTS.exportFilesDelayMs,
  };
}

/** A wildcard bind is reached through loopback; IPv6 literals need brackets in a URL. */
function formatUrlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
