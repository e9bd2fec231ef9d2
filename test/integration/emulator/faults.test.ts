// Injected faults, each observed the way a client meets it: through the SDK, or raw fetch where the SDK
// hides the status (a 429 with an empty body makes the SDK's JSON.parse throw a SyntaxError).
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { createManualClock } from '../../../src/support/clock.ts';
import { buildZip, readZip } from '../../helpers/kibo-zip-fixtures.ts';
import {
  createSdkClients,
  exportZip,
  fetchApi,
  issueAccessToken,
  runExport,
  runImport,
  startTestEmulator,
  uploadZip,
  type SdkClients,
} from './emulator-sdk-harness.ts';

const PRODUCTS_CSV =
  'MasterCatalogName,ProductCode,ProductType,ProductUsage,ProductName,Price,VariationPricingMethod,PackageWeight,PackageLength,PackageWidth,PackageHeight\r\n' +
  'Default,F-1,Base,Standard,Fault product,10,Differential,1,1,1,1';
const PRODUCTS = [{ resource: 'Products', deleteOmitted: false }];

interface ResponseErrorLike {
  name?: string;
  response?: { status?: number };
}

const started: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(started.map((emulator) => emulator.close()));
});

async function start(options: Parameters<typeof startTestEmulator>[0] = {}): Promise<{ emulator: RunningEmulator; clients: SdkClients }> {
  const emulator = await startTestEmulator(options);
  started.push(emulator);
  return { emulator, clients: createSdkClients(emulator) };
}

async function statusesOf(emulator: RunningEmulator, token: string, calls: number): Promise<Response[]> {
  const responses: Response[] = [];
  for (let call = 0; call < calls; call += 1) responses.push(await fetchApi(emulator, '/platform/data/import', token));
  return responses;
}

/** Indexes of the responses with the given status; they must be exactly `every` apart. */
function indexesWith(responses: readonly Response[], status: number): number[] {
  return responses.flatMap((response, index) => (response.status === status ? [index] : []));
}

async function firstRejection(call: () => Promise<unknown>, attempts: number): Promise<unknown> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const failure = await call().then(
      () => undefined,
      (error: unknown) => error ?? new Error('rejected with nothing'),
    );
    if (failure !== undefined) return failure;
  }
  return undefined;
}

describe('faults', () => {
  it('answers every Nth /api call with 429, an empty body, Content-Length 0 and Retry-After; the SDK throws a SyntaxError', async () => {
    const { emulator, clients } = await start();
    const token = await issueAccessToken(emulator);
    await clients.imports.list({}); // authenticate and look the tenant up before the fault is on
    emulator.setFaults({ rateLimitEveryN: 3, retryAfterSeconds: 7 });

    const responses = await statusesOf(emulator, token, 9);
    const limited = indexesWith(responses, 429);
    expect(limited).toHaveLength(3);
    expect(limited[1]! - limited[0]!).toBe(3);
    expect(limited[2]! - limited[1]!).toBe(3);
    const sample = responses[limited[0]!]!;
    expect(sample.headers.get('content-length')).toBe('0');
    expect(sample.headers.get('retry-after')).toBe('7');
    expect(await sample.text()).toBe('');
    expect(responses.filter((response) => response.status !== 429).every((response) => response.status === 200)).toBe(true);

    const failure = await firstRejection(() => clients.imports.list({}), 3);
    expect(failure).toBeInstanceOf(SyntaxError);
  });

  it('answers every Nth /api call with the configured 5xx and a JSON error; the SDK rejects with that status', async () => {
    const { emulator, clients } = await start();
    const token = await issueAccessToken(emulator);
    await clients.imports.list({});
    emulator.setFaults({ serverErrorEveryN: 2, serverErrorStatus: 502 });

    const responses = await statusesOf(emulator, token, 6);
    const failed = indexesWith(responses, 502);
    expect(failed).toHaveLength(3);
    expect(failed[1]! - failed[0]!).toBe(2);
    const body = (await responses[failed[0]!]!.json()) as { message?: unknown };
    expect(body.message).toEqual(expect.any(String));

    const failure = (await firstRejection(() => clients.imports.list({}), 2)) as ResponseErrorLike | undefined;
    expect(failure?.name).toBe('ResponseError');
    expect(failure?.response?.status).toBe(502);
    emulator.setFaults({ serverErrorEveryN: 0 });
    expect((await statusesOf(emulator, token, 4)).every((response) => response.status === 200)).toBe(true);
  });

  it('slows jobs down with the jobStepMs fault', async () => {
    const clock = createManualClock(Date.now());
    const { emulator, clients } = await start({ clock, jobStepMs: 20 });
    emulator.setFaults({ jobStepMs: 1_000 });
    const file = await uploadZip(clients, await buildZip({ 'products.csv': PRODUCTS_CSV }));
    const created = await clients.imports.create({ importJob: { domain: 'catalog', resources: PRODUCTS, files: [file] } });
    const id = created.id ?? '';
    clock.advance(500);
    expect((await clients.imports.get({ id })).status).toBe('pending');
    clock.advance(600);
    expect((await clients.imports.get({ id })).status).toBe('processing');
    clock.advance(1_000);
    expect(await clients.imports.get({ id })).toMatchObject({ status: 'complete', isComplete: true });
  });

  it('failNextJob errors exactly the next job with that statusMessage and applies nothing', async () => {
    const { emulator, clients } = await start();
    emulator.setFaults({ failNextJob: 'Simulated Kibo outage' });
    const zip = await buildZip({ 'products.csv': PRODUCTS_CSV });
    const failed = await runImport(clients, zip, PRODUCTS);
    expect(failed).toMatchObject({ isComplete: true, status: 'errored', statusMessage: 'Simulated Kibo outage' });
    expect(emulator.listRecords('Products')).toEqual([]);
    expect(emulator.getFaults().failNextJob).toBeNull();

    const next = await runImport(clients, zip, PRODUCTS);
    expect(next.status).toBe('complete');
    expect(emulator.listRecords('Products')).toHaveLength(1);
  });

  it('failNextJob errors an export job too', async () => {
    const { emulator, clients } = await start();
    emulator.setFaults({ failNextJob: 'Export store unavailable' });
    const job = await runExport(clients, [{ resource: 'Products' }]);
    expect(job).toMatchObject({ isComplete: true, status: 'errored', statusMessage: 'Export store unavailable' });
  });

  it('corruptNextExport serves the next export file as bytes that are not a zip, then recovers', async () => {
    const { emulator, clients } = await start();
    emulator.setFaults({ corruptNextExport: true });
    const corrupt = await exportZip(clients, [{ resource: 'Products' }]);
    expect(corrupt.length).toBeGreaterThan(0);
    await expect(readZip(corrupt)).rejects.toThrow();
    const healthy = await exportZip(clients, [{ resource: 'Products' }]);
    expect(Object.keys(await readZip(healthy))).toEqual(['products.csv']);
  });

  it('tokenTtlSeconds makes tokens issued from then on expire early; earlier tokens keep their TTL', async () => {
    const clock = createManualClock(Date.now());
    const { emulator } = await start({ clock });
    const earlier = await issueAccessToken(emulator);
    emulator.setFaults({ tokenTtlSeconds: 2 });
    const response = await fetch(`${emulator.url}/api/platform/applications/authtickets/oauth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: emulator.clientId, client_secret: emulator.sharedSecret, grant_type: 'client_credentials' }),
    });
    const ticket = (await response.json()) as { access_token: string; expires_in: number };
    expect(ticket.expires_in).toBe(2);
    expect((await fetchApi(emulator, '/platform/data/import', ticket.access_token)).status).toBe(200);
    clock.advance(2_500);
    expect((await fetchApi(emulator, '/platform/data/import', ticket.access_token)).status).toBe(401);
    expect((await fetchApi(emulator, '/platform/data/import', earlier)).status).toBe(200);
  });

  it('reads and partially updates the faults over the admin HTTP routes', async () => {
    const { emulator } = await start();
    const put = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimitEveryN: 5 }),
    });
    expect(put.status).toBe(200);
    const read = (await (await fetch(`${emulator.url}/_emulator/faults`)).json()) as Record<string, unknown>;
    expect(read).toMatchObject({ rateLimitEveryN: 5, serverErrorEveryN: 0, failNextJob: null, corruptNextExport: false });
    expect(emulator.getFaults().rateLimitEveryN).toBe(5);
  });
});
