// The Kibo client against a real emulator over real HTTP, shared by the client's integration tests.
// Each emulator gets its own tenantId and clientId because the SDK caches tickets per clientId and
// tenant data per tenantId process-wide.
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { createKiboClient, type KiboClient, type KiboClientSettings } from '../../../src/kibo/kibo-client.ts';
import type { RetryInfo } from '../../../src/kibo/kibo-fetch.ts';
import { writeZip } from '../../../src/kibo/write-zip.ts';
import type { FetchLike } from '../../../src/kibo/wire-types.ts';
import { createSystemClock } from '../../../src/support/clock.ts';
import { createSilentLogger } from '../../../src/support/logger.ts';

export const clock = createSystemClock();
const JOB_STEP_MS = 20;
export const WAIT = { clock, pollIntervalMs: 10, maxPollIntervalMs: 50, deadlineMs: 10_000 };

export const PRODUCTS_HEADER =
  'MasterCatalogName,ProductCode,ProductType,ProductUsage,ProductName,Price,VariationPricingMethod,PackageWeight,PackageLength,PackageWidth,PackageHeight';
export const productRow = (code: string, name: string, price: string): string =>
  `Default,${code},Base,Standard,${name},${price},Differential,1,1,1,1`;

const started: RunningEmulator[] = [];
const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((emulator) => emulator.close()));
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh directory, removed after the file's tests. */
export async function createTempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kibo-client-test-'));
  tempDirs.push(dir);
  return dir;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({
    port: 0,
    tenantId: randomInt(200_000, 2_000_000_000),
    clientId: `KiboClientTest.${randomUUID()}.1.0.0.Release`,
    sharedSecret: 'kibo-client-test-secret',
    jobStepMs: JOB_STEP_MS,
    logger: createSilentLogger(),
    ...options,
  });
  started.push(emulator);
  return emulator;
}

export interface Harness {
  readonly client: KiboClient;
  readonly retries: RetryInfo[];
  /** Every request the client sent, after routing ("METHOD path"). */
  readonly sent: string[];
}

export function createHarness(emulator: RunningEmulator, overrides: Partial<KiboClientSettings> = {}): Harness {
  const retries: RetryInfo[] = [];
  const sent: string[] = [];
  const recordingFetch: FetchLike = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    sent.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    return fetch(input, init);
  };
  const client = createKiboClient(
    { ...settingsFor(emulator), ...overrides },
    { clock, logger: createSilentLogger(), fetch: recordingFetch, onRetry: (info) => retries.push(info) },
  );
  return { client, retries, sent };
}

export function settingsFor(emulator: RunningEmulator): KiboClientSettings {
  return {
    tenantId: emulator.tenantId,
    siteId: emulator.siteId,
    masterCatalogId: emulator.masterCatalogId,
    catalogId: emulator.catalogId,
    clientId: emulator.clientId,
    sharedSecret: emulator.sharedSecret,
    authHost: 'home.kibo-emulator.test',
    emulatorUrl: emulator.url,
    requestTimeoutMs: 5_000,
    maxAttempts: 6,
    retryBaseDelayMs: 5,
    maxRetryDelayMs: 20,
    maxRetryAfterMs: 20,
  };
}

export async function importProducts(client: KiboClient, rows: readonly string[], name = 'Products import'): Promise<{ jobId: string }> {
  const zip = await writeZip([{ name: 'products.csv', content: [PRODUCTS_HEADER, ...rows].join('\r\n') }]);
  const file = await client.uploadFile('products.zip', zip);
  const job = await client.createImportJob({
    name,
    domain: 'catalog',
    resources: [{ resource: 'Products', deleteOmitted: false }],
    files: [file],
  });
  return { jobId: job.id };
}
