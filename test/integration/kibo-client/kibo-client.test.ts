// The project's Kibo client against the real emulator over real HTTP: real SDK, real OAuth and tenant
// lookup (routed to the emulator), real zips.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseImportLog } from '../../../src/kibo/import-log.ts';
import { createKiboClient } from '../../../src/kibo/kibo-client.ts';
import {
  JobDeadlineError,
  KiboJobFailedError,
  classifyJob,
  findLogFile,
  readImportJobLog,
  runExport,
  waitForExportFiles,
  waitForJob,
} from '../../../src/kibo/kibo-jobs.ts';
import { findZipEntry, readZipToBuffers } from '../../../src/kibo/kibo-zip.ts';
import { writeZip } from '../../../src/kibo/write-zip.ts';
import { KiboApiError } from '../../../src/support/errors.ts';
import { createLogger, createSilentLogger } from '../../../src/support/logger.ts';
import { PRODUCTS_HEADER, WAIT, clock, createHarness, createTempDir, importProducts, productRow, settingsFor, startTestEmulator } from './client-harness.ts';

describe('Kibo client against the emulator', () => {
  it('uploads, imports, waits and reads the log of rejected rows', async () => {
    const emulator = await startTestEmulator();
    const { client } = createHarness(emulator);
    const { jobId } = await importProducts(client, [productRow('P-1', 'Chair', '10'), productRow('P-2', 'Lamp', 'abc')]);
    const polled: string[] = [];
    const { job, state } = await waitForJob(client, 'import', jobId, { ...WAIT, onPoll: (_job, jobState) => polled.push(jobState) });
    expect(state).toBe('complete');
    expect(polled.at(-1)).toBe('complete');
    expect(job.resources).toMatchObject([{ resource: 'Products', isComplete: true, status: 'complete' }]);
    expect(emulator.listRecords('Products').map((record) => record.ProductCode ?? record.productcode)).toEqual(['P-1']);
    const log = await readImportJobLog(client, job);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ resource: 'Products', rowNumber: 3 });
    expect(log[0]?.message).toMatch(/abc/);
    // The same log through the file API and a public link fetched without Kibo headers.
    const logFile = findLogFile(job);
    expect(logFile).toBeDefined();
    expect(await client.getFile(logFile?.id ?? '')).toMatchObject({ id: logFile?.id, fileType: 'log' });
    const link = await client.createPublicLink(logFile?.id ?? '', 1);
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(await parseImportLog(await client.fetchPublicLink(link))).toEqual(log);
  });

  it('lists and deletes jobs', async () => {
    const emulator = await startTestEmulator();
    const { client } = createHarness(emulator);
    const { jobId } = await importProducts(client, [productRow('L-1', 'Desk', '5')], 'to be deleted');
    expect((await client.listImportJobs({ pageSize: 10 })).map((job) => job.id)).toEqual([jobId]);
    await client.deleteImportJob(jobId);
    expect(await client.listImportJobs()).toEqual([]);
    const error = await client.getImportJob(jobId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KiboApiError);
    expect(error).toMatchObject({ status: 404, operation: `get import job ${jobId}` });
  });

  it('reports a call that failed for good with a stable operation name (no ids) and its status', async () => {
    const emulator = await startTestEmulator();
    const failures: { operation: string; status?: number }[] = [];
    const client = createKiboClient(settingsFor(emulator), { clock, logger: createSilentLogger(), onCallFailed: (info) => failures.push(info) });
    await expect(client.getImportJob('no-such-job')).rejects.toBeInstanceOf(KiboApiError);
    await expect(client.getFile('no-such-file')).rejects.toBeInstanceOf(KiboApiError);
    await client.listImportJobs();
    expect(failures).toEqual([
      { operation: 'get import job', status: 404 },
      { operation: 'get file', status: 404 },
    ]);
  });

  it('runs an export and downloads its zip, holding the requested resource, to the given file', async () => {
    const emulator = await startTestEmulator({ exportFilesDelayMs: 60 });
    const { client } = createHarness(emulator);
    const { jobId } = await importProducts(client, [productRow('E-1', 'Sofa', '170')]);
    await waitForJob(client, 'import', jobId, WAIT);
    const destination = path.join(await createTempDir(), 'export.zip');
    const exported = await runExport(
      client,
      { name: 'export products', domain: 'catalog', resources: [{ resource: 'Products', fields: ['*'] }] },
      { ...WAIT, destination, exportFilesPollMs: 10 },
    );
    expect(exported).toMatchObject({ path: destination, bytes: (await stat(destination)).size });
    expect(exported.bytes).toBeGreaterThan(0);
    const products = (await findZipEntry(exported, 'Products.csv'))?.toString('utf8') ?? '';
    expect(products.split('\r\n')[0]).toContain('ProductCode');
    expect(products).toContain('E-1');
    expect(products).toContain('170.0000');
    expect((await client.listExportJobs()).map((job) => classifyJob(job))).toEqual(['complete']);
  });

  it('completes a whole flow through a 429 storm (every 2nd call rate-limited)', async () => {
    const emulator = await startTestEmulator({ faults: { rateLimitEveryN: 2, retryAfterSeconds: 1 } });
    const { client, retries } = createHarness(emulator);
    const { jobId } = await importProducts(client, [productRow('R-1', 'Rug', '3')]);
    const { state } = await waitForJob(client, 'import', jobId, WAIT);
    expect(state).toBe('complete');
    expect(retries.filter((retry) => retry.reason === 'rate-limited').length).toBeGreaterThan(2);
    expect(retries.every((retry) => retry.delayMs <= 20)).toBe(true); // Retry-After: 1 honoured, capped by maxRetryAfterMs
    expect(emulator.listJobs('import')).toHaveLength(1); // the retried POSTs created one job, not several
  });

  it('refreshes the token transparently when every token is expired mid-flow', async () => {
    const emulator = await startTestEmulator();
    const { client, retries, sent } = createHarness(emulator);
    const { jobId } = await importProducts(client, [productRow('T-1', 'Table', '8')]);
    const oauthBefore = sent.filter((line) => line.endsWith('/authtickets/oauth')).length;
    emulator.expireAllTokens();
    const { state } = await waitForJob(client, 'import', jobId, WAIT);
    expect(state).toBe('complete');
    expect(retries.map((retry) => retry.reason)).toContain('unauthorized');
    expect(sent.filter((line) => line.endsWith('/authtickets/oauth')).length).toBe(oauthBefore + 1);
  });

  it('retries GETs that hit 5xx faults', async () => {
    const emulator = await startTestEmulator();
    const { client, retries } = createHarness(emulator);
    const { jobId } = await importProducts(client, [productRow('S-1', 'Stool', '2')]);
    emulator.setFaults({ serverErrorEveryN: 2 });
    const { state } = await waitForJob(client, 'import', jobId, WAIT);
    expect(state).toBe('complete');
    expect(retries.some((retry) => retry.reason === 'server-error' && retry.method === 'GET' && retry.status === 503)).toBe(true);
  });

  it('does not retry a POST that got a 503: exactly one create reached the emulator', async () => {
    const emulator = await startTestEmulator();
    const { client, retries, sent } = createHarness(emulator);
    const zip = await writeZip([{ name: 'products.csv', content: [PRODUCTS_HEADER, productRow('N-1', 'Nope', '1')].join('\r\n') }]);
    const file = await client.uploadFile('products.zip', zip);
    emulator.setFaults({ serverErrorEveryN: 1 });
    const countBefore = emulator.requestCount;
    const error = await client
      .createImportJob({ name: 'n', domain: 'catalog', resources: [{ resource: 'Products', deleteOmitted: false }], files: [file] })
      .catch((caught: unknown) => caught);
    emulator.setFaults({ serverErrorEveryN: 0 });
    expect(error).toBeInstanceOf(KiboApiError);
    expect(error).toMatchObject({ status: 503, operation: 'create import job "n"' });
    expect(emulator.requestCount - countBefore).toBe(1);
    expect(sent.filter((line) => line === 'POST /api/platform/data/import')).toHaveLength(1);
    expect(retries).toEqual([]);
    expect(emulator.listJobs('import')).toHaveLength(0);
  });

  it('reports a corrupt export file clearly', async () => {
    const emulator = await startTestEmulator({ faults: { corruptNextExport: true } });
    const { client } = createHarness(emulator);
    const destination = path.join(await createTempDir(), 'export.zip');
    const error = await runExport(client, { name: 'x', domain: 'catalog', resources: [{ resource: 'Products' }] }, { ...WAIT, destination }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toMatch(/^Kibo export job [\w-]+ file catalog_export\.zip \(id [\w-]+\) is not a readable zip: Not a readable zip/);
  });

  it('classifies a failed job as errored and runExport throws KiboJobFailedError', async () => {
    const emulator = await startTestEmulator({ faults: { failNextJob: 'Simulated failure for the test' } });
    const { client } = createHarness(emulator);
    const { jobId } = await importProducts(client, [productRow('F-1', 'Fail', '1')]);
    const { job, state } = await waitForJob(client, 'import', jobId, WAIT);
    expect(state).toBe('errored');
    expect(job.statusMessage).toBe('Simulated failure for the test');
    emulator.setFaults({ failNextJob: 'export broke' });
    const destination = path.join(await createTempDir(), 'export.zip');
    const error = await runExport(client, { name: 'x', domain: 'catalog', resources: [{ resource: 'Products' }] }, { ...WAIT, destination }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KiboJobFailedError);
    expect((error as Error).message).toContain('export broke');
  });

  it('gives up at the deadline with a JobDeadlineError carrying the last job (never resubmits)', async () => {
    const emulator = await startTestEmulator({ faults: { jobStepMs: 60_000 } });
    const { client, sent } = createHarness(emulator);
    const { jobId } = await importProducts(client, [productRow('D-1', 'Slow', '1')]);
    const error = await waitForJob(client, 'import', jobId, { ...WAIT, deadlineMs: 150 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JobDeadlineError);
    expect(error).toMatchObject({ kind: 'import', jobId, deadlineMs: 150, lastJob: { id: jobId, isComplete: false } });
    expect((error as Error).message).toMatch(/do not resubmit/);
    expect(sent.filter((line) => line === 'POST /api/platform/data/import')).toHaveLength(1);
  });

  it('waits for export files that appear after isComplete, and gives up clearly when they never do', async () => {
    const emulator = await startTestEmulator({ exportFilesDelayMs: 30_000 });
    const { client } = createHarness(emulator);
    const created = await client.createExportJob({ name: 'lagging', domain: 'catalog', resources: [{ resource: 'Products' }] });
    const { job } = await waitForJob(client, 'export', created.id, WAIT);
    expect(job.isComplete).toBe(true);
    expect(job.files).toEqual([]);
    await expect(waitForExportFiles(client, job, { clock, timeoutMs: 100, pollIntervalMs: 20 })).rejects.toThrow(
      `Kibo export job ${job.id} is complete but listed no export file within 100 ms`,
    );
  });

  it('keeps waiting for export files through a 429 that outlasted the fetch retries', async () => {
    const emulator = await startTestEmulator({ exportFilesDelayMs: 300 });
    const { client } = createHarness(emulator, { maxAttempts: 1 });
    const created = await client.createExportJob({ name: 'lagging under load', domain: 'catalog', resources: [{ resource: 'Products' }] });
    const { job } = await waitForJob(client, 'export', created.id, WAIT);
    emulator.setFaults({ rateLimitEveryN: 2 });
    const withFiles = await waitForExportFiles(client, job, { clock, timeoutMs: 10_000, pollIntervalMs: 20 });
    emulator.setFaults({ rateLimitEveryN: 0 });
    expect(withFiles.files.some((file) => file.fileType === 'export')).toBe(true);
  });

  it('keeps the shared secret and tokens out of logs', async () => {
    const emulator = await startTestEmulator({ faults: { rateLimitEveryN: 2 } });
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    });
    const logger = createLogger({ level: 'debug', destination });
    const settings = { ...settingsFor(emulator), sharedSecret: emulator.sharedSecret };
    const client = createKiboClient(settings, { clock, logger });
    const { jobId } = await importProducts(client, [productRow('K-1', 'Key', '1')]);
    emulator.expireAllTokens();
    await waitForJob(client, 'import', jobId, WAIT);
    const bad = createKiboClient({ ...settings, clientId: `${emulator.clientId}.bad`, sharedSecret: 'bad-secret-x' }, { clock, logger });
    await bad.listImportJobs().catch(() => undefined); // the failure itself is not what this test checks
    const output = lines.join('');
    expect(output).toContain('rate-limited'); // something was logged
    expect(output).not.toContain(emulator.sharedSecret);
    expect(output).not.toContain('bad-secret-x');
    expect(output).not.toMatch(/Bearer\s+\S/);
  });

  it('rejects a wrong shared secret with a KiboApiError that does not echo the secret', async () => {
    const emulator = await startTestEmulator();
    const { client } = createHarness(emulator, { clientId: emulator.clientId, sharedSecret: 'wrong-secret-value' });
    const error = await client.listImportJobs().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KiboApiError);
    expect((error as Error).message).toMatch(/^Kibo list import jobs failed/);
    expect((error as Error).message).not.toContain('wrong-secret-value');
    expect(JSON.stringify(error)).not.toContain('wrong-secret-value');
  });

  it('uploads zips byte for byte (Buffer body) and downloads them back', async () => {
    const emulator = await startTestEmulator();
    const { client } = createHarness(emulator);
    const zip = await writeZip([{ name: 'products.csv', content: PRODUCTS_HEADER }]);
    const file = await client.uploadFile('header-only.zip', zip);
    expect(file).toMatchObject({ fileName: 'header-only.zip', fileType: 'import', locationType: 'internal' });
    const downloaded = await client.downloadFile(file.id);
    expect(downloaded.equals(zip)).toBe(true);
    expect([...(await readZipToBuffers(downloaded)).keys()]).toEqual(['products.csv']);
  });
});
