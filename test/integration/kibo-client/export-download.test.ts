// runExport and readImportJobLog download through the real SDK and client from the emulator, via a
// small real HTTP proxy that can misbehave on file downloads the way networks do (cut mid-body, no
// Content-Length): caps refuse cleanly, a retried download yields the right file.
import { access, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { MAX_IMPORT_LOG_DOWNLOAD_BYTES } from '../../../src/kibo/import-log.ts';
import { downloadImportJobLog, findExportFile, findLogFile, readImportJobLog, runExport, waitForJob } from '../../../src/kibo/kibo-jobs.ts';
import { findZipEntry } from '../../../src/kibo/kibo-zip.ts';
import { writeZip } from '../../../src/kibo/write-zip.ts';
import type { ExportJobRequest } from '../../../src/kibo/wire-types.ts';
import { WAIT, createHarness, createTempDir, importProducts, productRow, startTestEmulator, type Harness } from './client-harness.ts';

const EXPORT_REQUEST: ExportJobRequest = { name: 'export products', domain: 'catalog', resources: [{ resource: 'Products', fields: ['*'] }] };

type ContentMode = 'pass' | 'cut-mid-body' | 'no-content-length';

interface DownloadProxy {
  readonly url: string;
  /** How the next file-content answers are sent, one mode per answer; then 'pass'. */
  readonly modes: ContentMode[];
  readonly contentRequests: string[];
}

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

/** Forwards everything to the emulator; file contents go out as `modes` says. */
async function startDownloadProxy(emulator: RunningEmulator): Promise<DownloadProxy> {
  const proxy: DownloadProxy = { url: '', modes: [], contentRequests: [] };
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    void forward(emulator, proxy, request, response).catch((error: unknown) => response.destroy(error as Error));
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { ...proxy, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function forward(emulator: RunningEmulator, proxy: DownloadProxy, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name)));
  const method = request.method ?? 'GET';
  const answer = await fetch(`${emulator.url}${request.url ?? '/'}`, {
    method,
    headers: headers as Record<string, string>,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
  });
  const body = Buffer.from(await answer.arrayBuffer());
  const isContent = /\/api\/platform\/data\/files\/[^/]+\/content$/.test(request.url ?? '');
  const mode = isContent ? (proxy.modes.shift() ?? 'pass') : 'pass';
  if (isContent) proxy.contentRequests.push(mode);
  const type = answer.headers.get('content-type');
  const sent = { ...(type === null ? {} : { 'content-type': type }), ...(mode === 'no-content-length' ? {} : { 'content-length': String(body.length) }) };
  response.writeHead(answer.status, sent);
  if (mode === 'cut-mid-body') {
    response.write(body.subarray(0, Math.floor(body.length / 2)), () => response.socket?.destroy());
    return;
  }
  response.end(body);
}

async function proxiedHarness(products = 200): Promise<{ harness: Harness; proxy: DownloadProxy }> {
  const emulator = await startTestEmulator();
  const proxy = await startDownloadProxy(emulator);
  const harness = createHarness(emulator, { emulatorUrl: proxy.url });
  const rows = Array.from({ length: products }, (_, index) => productRow(`DL-${index}`, `Product ${index}`, `${index}.5`));
  const { jobId } = await importProducts(harness.client, rows);
  await waitForJob(harness.client, 'import', jobId, WAIT);
  return { harness, proxy };
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

describe('export download to disk', () => {
  it('a download cut mid-body is retried and the file on disk is exactly the export', async () => {
    const { harness, proxy } = await proxiedHarness();
    proxy.modes.push('cut-mid-body');
    const destination = path.join(await createTempDir(), 'kibo-export.zip');
    const exported = await runExport(harness.client, EXPORT_REQUEST, { ...WAIT, destination });
    expect(proxy.contentRequests).toEqual(['cut-mid-body', 'pass']);
    expect(harness.retries.filter((retry) => retry.target.endsWith('/content')).map((retry) => retry.reason)).toEqual(['network-error']);
    const file = findExportFile(exported.job);
    const clean = await harness.client.downloadFile(file?.id ?? '');
    const onDisk = await readFile(destination);
    expect(onDisk.equals(clean)).toBe(true);
    expect(exported.bytes).toBe(clean.length);
    expect((await findZipEntry(exported, 'products.csv'))?.toString('utf8')).toContain('DL-199');
  });

  it('an export over the cap fails at once, naming job, file id, the cap and what to do, and keeps no file', async () => {
    const { harness, proxy } = await proxiedHarness();
    const destination = path.join(await createTempDir(), 'kibo-export.zip');
    const error = (await runExport(harness.client, EXPORT_REQUEST, { ...WAIT, destination, maxDownloadBytes: 1_000 }).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(Error);
    const [job] = await harness.client.listExportJobs();
    const fileId = findExportFile(job!)?.id ?? 'missing';
    expect(error.message).toContain(`Kibo export job ${job?.id} file`);
    expect(error.message).toContain(`(id ${fileId}) is larger than the export download cap of 1000 bytes (MAX_EXPORT_DOWNLOAD_BYTES)`);
    expect(error.message).toMatch(/Content-Length.*raise MAX_EXPORT_DOWNLOAD_BYTES/);
    expect(error.cause).toMatchObject({ name: 'DownloadTooLargeError', declared: true });
    expect(proxy.contentRequests).toEqual(['pass']); // refused, not retried
    expect(await exists(destination)).toBe(false);
  });

  it('an export without Content-Length is counted and stopped at the cap, and keeps no partial file', async () => {
    const { harness, proxy } = await proxiedHarness();
    proxy.modes.push('no-content-length');
    const destination = path.join(await createTempDir(), 'kibo-export.zip');
    const error = (await runExport(harness.client, EXPORT_REQUEST, { ...WAIT, destination, maxDownloadBytes: 1_000 }).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/is larger than the export download cap of 1000 bytes .*went past the cap of 1000 bytes/);
    expect(error.cause).toMatchObject({ name: 'DownloadTooLargeError', declared: false });
    expect(proxy.contentRequests).toEqual(['no-content-length']);
    expect(await exists(destination)).toBe(false);
  });
});

describe('import log download', () => {
  it('refuses a log file over the log download cap with a clear error, and reads a normal one', async () => {
    const emulator = await startTestEmulator();
    // Through the proxy, whose connections close with it: a refused body that had already arrived whole
    // leaves a keep-alive connection that would hold the emulator's close for a minute.
    const { client } = createHarness(emulator, { emulatorUrl: (await startDownloadProxy(emulator)).url });
    const { jobId } = await importProducts(client, [productRow('G-1', 'Good', '1'), productRow('B-1', 'Bad', 'abc')]);
    const { job } = await waitForJob(client, 'import', jobId, WAIT);
    expect(await readImportJobLog(client, job)).toMatchObject([{ resource: 'Products', rowNumber: 3 }]);
    const kept = await downloadImportJobLog(client, job);
    expect(kept?.rows).toEqual(await readImportJobLog(client, job));
    expect(kept?.bytes.equals(await client.downloadFile(findLogFile(job)?.id ?? ''))).toBe(true);
    // The same job, its log file swapped for a real file on the emulator that is over the log's cap.
    const text = 'Resource,Row,Key,Field,Message\r\n' + 'Products,2,X,Price,bad\r\n'.repeat(Math.ceil(MAX_IMPORT_LOG_DOWNLOAD_BYTES / 24) + 10);
    const huge = await client.uploadFile('huge-log.csv', Buffer.from(text));
    const logFile = findLogFile(job)!;
    const swapped = { ...job, files: job.files.map((file) => (file === logFile ? { ...file, id: huge.id } : file)) };
    const error = (await readImportJobLog(client, swapped).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain(`Kibo import job ${job.id} log ${logFile.fileName ?? huge.id} (id ${huge.id}) is larger than the import log download cap of ${MAX_IMPORT_LOG_DOWNLOAD_BYTES} bytes`);
    expect(error.message).toMatch(/open the job in Kibo/);
  });

  it('refuses a small zipped log that inflates past the log limits, naming the job and the limit', async () => {
    const emulator = await startTestEmulator();
    const { client } = createHarness(emulator);
    const { jobId } = await importProducts(client, [productRow('G-2', 'Good', '1')]);
    const { job } = await waitForJob(client, 'import', jobId, WAIT);
    const lines = Array.from({ length: 900_000 }, (_, index) => `Products,${index + 2},SKU-${index},Price,not a number`);
    const zip = await writeZip([{ name: 'import_log.csv', content: ['Resource,Row,Key,Field,Message', ...lines].join('\r\n') }]);
    const uploaded = await client.uploadFile('inflating-log.zip', zip);
    const withLog = { ...job, files: [...job.files.filter((file) => file.fileType !== 'log'), { ...uploaded, fileType: 'log' }] };
    const error = (await readImportJobLog(client, withLog).catch((caught: unknown) => caught)) as Error;
    expect(zip.length).toBeLessThan(MAX_IMPORT_LOG_DOWNLOAD_BYTES);
    expect(error.message).toMatch(new RegExp(`^Kibo import job ${job.id} log inflating-log\\.zip \\(id ${uploaded.id}\\) was refused: Zip entry "import_log\\.csv" .*\\(maxEntryBytes\\)`));
  });
});
