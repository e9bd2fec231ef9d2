// The Kibo Import/Export emulator ("LocalStack for Kibo"): the real service's paths and JSON shapes over
// real HTTP, so a sync proven against it works against Kibo. startEmulator is the contract that tests,
// the CLI command and the lead's tooling code against.
import { createHash } from 'node:crypto';
import type { Clock } from '../../support/clock.ts';
import { createSystemClock } from '../../support/clock.ts';
import type { Logger } from '../../support/logger.ts';
import { createSilentLogger } from '../../support/logger.ts';
import type { EmulatorContext, EmulatorSettings } from './emulator-context.ts';
import { EMULATOR_DEFAULT_CREDENTIALS } from '../../config/load-settings.ts';
import type { EmulatorFaults } from './emulator-faults.ts';
import { assembleEmulatorTenant, startJobTimer, type EmulatorTenant } from './emulator-tenant.ts';
import { buildEmulatorServer } from './emulator-server.ts';

export type { EmulatorFaults } from './emulator-faults.ts';

/** The documented credentials (README) come from config, so kibo-sync and its emulator always agree. */
export const EMULATOR_DEFAULTS = {
  ...EMULATOR_DEFAULT_CREDENTIALS,
  tokenTtlSeconds: 3600,
  jobStepMs: 500,
  exportFilesDelayMs: 0,
} as const;

const DEFAULT_HOST = '127.0.0.1';

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
  /**
   * Resource name (case-insensitive) → path of a Kibo-format zip: an export job whose resources are all
   * overridden returns that file's bytes as its export file, read when the job finishes. For benchmarks:
   * a million-row export is served without loading it into the emulator's store.
   */
  exportOverrides?: Readonly<Record<string, string>>;
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
  const tenant = await assembleEmulatorTenant({
    settings, clock, logger,
    ...(options.stateFile === undefined ? {} : { stateFile: options.stateFile }),
    ...(options.seedZips === undefined ? {} : { seedZips: options.seedZips }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.exportOverrides === undefined ? {} : { exportOverrides: options.exportOverrides }),
  });
  let requestCount = 0;
  let baseUrl = '';
  const context: EmulatorContext = {
    ...tenant, settings, clock, logger,
    requester: createHash('sha256').update(settings.clientId).digest('hex').slice(0, 32),
    baseUrl: () => baseUrl,
    countApiCall: () => {
      requestCount += 1;
    },
  };
  const app = await buildEmulatorServer(context);
  await app.listen({ host: settings.host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  baseUrl = `http://${formatUrlHost(settings.host)}:${port}`;
  const stopJobTimer = startJobTimer(tenant.jobs, settings.jobStepMs);
  logger.info({ url: baseUrl, tenantId: settings.tenantId, stateFile: options.stateFile }, 'kibo emulator listening');

  const close = async (): Promise<void> => {
    stopJobTimer();
    await app.close();
    await tenant.jobs.advance(); // waits for a job being applied right now
    await tenant.flushState();
  };
  return formatRunningEmulator(settings, baseUrl, port, tenant, () => requestCount, close);
}

function formatRunningEmulator(
  settings: EmulatorSettings,
  url: string,
  port: number,
  tenant: EmulatorTenant,
  readRequestCount: () => number,
  close: () => Promise<void>,
): RunningEmulator {
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    tenantId: settings.tenantId,
    siteId: settings.siteId,
    masterCatalogId: settings.masterCatalogId,
    catalogId: settings.catalogId,
    clientId: settings.clientId,
    sharedSecret: settings.sharedSecret,
    setFaults: (update) => tenant.faults.set(update),
    getFaults: () => tenant.faults.get(),
    expireAllTokens: () => {
      tenant.tokens.expireAllAccessTokens();
      tenant.markChanged();
    },
    listRecords: (resource) => tenant.store.listRecords(resource),
    listJobs: (kind) => tenant.jobs.list(kind, { startIndex: 0, pageSize: Number.MAX_SAFE_INTEGER }),
    get requestCount() {
      return readRequestCount();
    },
    close: () => {
      closing ??= close();
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
