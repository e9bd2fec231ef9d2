import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../../../src/support/clock.ts';
import { startEmulator, type RunningEmulator } from '../../../src/kibo/emulator/kibo-emulator.ts';
import { buildZip } from '../../helpers/kibo-zip-fixtures.ts';
import { SEGMENTS_CSV, authenticate, createApiClient, type ApiClient, type DropLocationJson } from './emulator-http-helpers.ts';

describe('emulator files and presigned links', () => {
  let clock: ManualClock;
  let emulator: RunningEmulator;
  let api: ApiClient;
  let zip: Buffer;

  beforeEach(async () => {
    clock = createManualClock();
    emulator = await startEmulator({ port: 0, clock, jobStepMs: 20 });
    api = createApiClient(emulator, await authenticate(emulator));
    zip = await buildZip({ 'CustomerSegments.csv': SEGMENTS_CSV });
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('stores the raw bytes whatever the content type (octet-stream, zip, none) and serves them back', async () => {
    const contentTypes: (string | undefined)[] = ['application/octet-stream', 'application/zip', undefined];
    for (const contentType of contentTypes) {
      const response = await api.call('/api/platform/data/files?fileType=import&fileName=segments.zip', {
        method: 'POST',
        headers: contentType === undefined ? {} : { 'content-type': contentType },
        body: new Blob([zip]),
      });
      expect(response.status, String(contentType)).toBe(200);
      const location = (await response.json()) as DropLocationJson;
      expect(location).toEqual({ id: expect.any(String), locationType: 'internal', fileName: 'segments.zip', fileType: 'import' });
      expect(await api.json(`/api/platform/data/files/${location.id}`)).toEqual(location);
      const content = await api.call(`/api/platform/data/files/${location.id}/content`);
      expect(content.headers.get('content-type')).toBe('application/zip');
      expect(Buffer.from(await content.arrayBuffer()).equals(zip)).toBe(true);
    }
  });

  it('keeps a JSON-encoded upload as the text that was sent (so the import fails like on Kibo)', async () => {
    const sent = JSON.stringify({ 0: 80, 1: 75 });
    const response = await api.call('/api/platform/data/files?fileType=import&fileName=bad.zip', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: sent,
    });
    const location = (await response.json()) as DropLocationJson;
    expect((await api.download(location.id)).toString('utf8')).toBe(sent);
  });

  it('404s unknown files with a Kibo JSON error', async () => {
    const response = await api.call('/api/platform/data/files/no-such-file');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errorCode: 'FILE_NOT_FOUND', applicationName: 'ImportExport' });
    expect((await api.call('/api/platform/data/files/no-such-file/content')).status).toBe(404);
  });

  it('generates a JSON-string link that works without Kibo auth until it expires; tampering gives 403', async () => {
    const location = await api.upload(zip);
    const linkResponse = await api.call(`/api/platform/data/files/${location.id}/generatelink?hourDuration=1`, { method: 'POST' });
    expect(linkResponse.status).toBe(200);
    const text = await linkResponse.text();
    expect(text.startsWith('"') && text.endsWith('"')).toBe(true);
    const link = JSON.parse(text) as string;
    expect(link.startsWith(`${emulator.url}/_public/files/${location.id}?expires=`)).toBe(true);

    const download = await fetch(link);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(zip)).toBe(true);

    const url = new URL(link);
    const signature = url.searchParams.get('signature')!;
    url.searchParams.set('signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    expect((await fetch(url)).status).toBe(403);
    const longer = new URL(link);
    longer.searchParams.set('expires', String(Number(longer.searchParams.get('expires')) + 3_600_000));
    expect((await fetch(longer)).status).toBe(403);
    const otherFile = await api.upload(zip);
    expect((await fetch(link.replace(location.id, otherFile.id))).status).toBe(403);

    clock.advance(3_600_000 - 1);
    expect((await fetch(link)).status).toBe(200);
    clock.advance(1);
    const expired = await fetch(link);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { message: string }).message).toContain('expired');
  });

  it('refuses a nonsensical hourDuration', async () => {
    const location = await api.upload(zip);
    const response = await api.call(`/api/platform/data/files/${location.id}/generatelink?hourDuration=-2`, { method: 'POST' });
    expect(response.status).toBe(400);
  });
});
