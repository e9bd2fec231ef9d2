// `kibo-sync emulator` as a user runs it: a subprocess that announces its URL, serves the SDK flow, loads
// seed zips, keeps its state across restarts, and exits 0 on SIGTERM.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_DEFAULTS } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { buildZip } from '../../helpers/kibo-zip-fixtures.ts';
import {
  SHARED_SECRET,
  createSdkClients,
  createUniqueIdentity,
  exportZip,
  exportedCsv,
  rowsByNormalizedHeader,
  runImport,
  type EmulatorEndpoint,
} from './emulator-sdk-harness.ts';

const BIN = fileURLToPath(new URL('../../../bin/kibo-sync.js', import.meta.url));
const LISTENING = /^kibo emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/m;
const START_TIMEOUT_MS = 20_000;
const PRODUCTS_CSV =
  'MasterCatalogName,ProductCode,ProductType,ProductUsage,ProductName,Price,VariationPricingMethod,PackageWeight,PackageLength,PackageWidth,PackageHeight\r\n';

interface CliEmulator {
  readonly process: ChildProcessWithoutNullStreams;
  readonly endpoint: EmulatorEndpoint;
  readonly stdout: () => string;
  readonly stderr: () => string;
  stop(): Promise<number | null>;
}

const running = new Set<CliEmulator>();
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'kibo-emulator-cli-'));
});

afterAll(async () => {
  for (const emulator of running) emulator.process.kill('SIGKILL');
  await rm(workDir, { recursive: true, force: true });
});

function productRow(code: string, name: string): string {
  return `Default,${code},Base,Standard,${name},10,Differential,1,1,1,1`;
}

async function startCli(args: readonly string[], identity = createUniqueIdentity()): Promise<CliEmulator> {
  const child = spawn(
    process.execPath,
    [BIN, 'emulator', '--port', '0', '--tenant', String(identity.tenantId), '--client-id', identity.clientId,
      '--shared-secret', SHARED_SECRET, '--job-step-ms', '20', ...args],
    { stdio: 'pipe' },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within ${START_TIMEOUT_MS} ms; stdout: ${stdout} stderr: ${stderr}`)), START_TIMEOUT_MS);
    const check = (): void => {
      const match = LISTENING.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code} before listening; stdout: ${stdout} stderr: ${stderr}`));
    });
  });
  const emulator: CliEmulator = {
    process: child,
    endpoint: {
      url,
      tenantId: identity.tenantId,
      siteId: EMULATOR_DEFAULTS.siteId,
      masterCatalogId: EMULATOR_DEFAULTS.masterCatalogId,
      catalogId: EMULATOR_DEFAULTS.catalogId,
      clientId: identity.clientId,
      sharedSecret: SHARED_SECRET,
    },
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      const code = await exited;
      running.delete(emulator);
      return code;
    },
  };
  running.add(emulator);
  return emulator;
}

async function exportedProductCodes(endpoint: EmulatorEndpoint): Promise<string[]> {
  const csv = await exportedCsv(await exportZip(createSdkClients(endpoint), [{ resource: 'Products' }]), 'products.csv');
  return rowsByNormalizedHeader(csv).map((row) => row.productcode ?? '');
}

describe('kibo-sync emulator (subprocess)', () => {
  it('prints exactly its listening line, serves the SDK flow, and exits 0 on SIGTERM', async () => {
    const emulator = await startCli([]);
    expect(emulator.stdout().split('\n').filter((line) => line !== '')).toEqual([`kibo emulator listening on ${emulator.endpoint.url}`]);
    const clients = createSdkClients(emulator.endpoint);
    const job = await runImport(clients, await buildZip({ 'products.csv': PRODUCTS_CSV + productRow('CLI-1', 'From CLI') }), [
      { resource: 'Products', deleteOmitted: false },
    ]);
    expect(job.status).toBe('complete');
    expect(await exportedProductCodes(emulator.endpoint)).toEqual(['CLI-1']);
    expect(await emulator.stop()).toBe(0);
  });

  it('--seed pre-loads a Kibo zip', async () => {
    const seed = join(workDir, `seed-${randomUUID()}.zip`);
    await writeFile(seed, await buildZip({ 'Products.csv': PRODUCTS_CSV + productRow('SEED-1', 'Seeded') + '\r\n' + productRow('SEED-2', 'Seeded too') }));
    const emulator = await startCli(['--seed', seed]);
    expect((await exportedProductCodes(emulator.endpoint)).sort()).toEqual(['SEED-1', 'SEED-2']);
    expect(await emulator.stop()).toBe(0);
  });

  it('--state keeps data across a restart', async () => {
    const stateFile = join(workDir, `state-${randomUUID()}.json`);
    const identity = createUniqueIdentity();
    const first = await startCli(['--state', stateFile], identity);
    const job = await runImport(
      createSdkClients(first.endpoint),
      await buildZip({ 'products.csv': PRODUCTS_CSV + productRow('KEPT-1', 'Kept') }),
      [{ resource: 'Products', deleteOmitted: false }],
    );
    expect(job.status).toBe('complete');
    expect(await first.stop()).toBe(0);

    // A new client id: the SDK caches tickets per client id and the old process's tokens may be gone.
    const second = await startCli(['--state', stateFile], { ...identity, clientId: `${identity.clientId}.restarted` });
    expect(await exportedProductCodes(second.endpoint)).toEqual(['KEPT-1']);
    expect(await second.stop()).toBe(0);
  });

  it('exits 2 with a message on a bad flag value', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--port', 'not-a-port'], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('not-a-port');
  });
});
