import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/support/logger.ts';
import { createSecretRedactor } from '../../../src/support/redact-secrets.ts';

function capture(pretty: boolean): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { logger: createLogger({ destination: stream, pretty }), text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('createLogger', () => {
  it('writes JSON lines with secrets redacted by default', () => {
    const { logger, text } = capture(false);
    logger.info({ sync: 'products', sharedSecret: 's3cret', request: { headers: { authorization: 'Bearer abc' } } }, 'hello');
    const line = JSON.parse(text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'hello', sync: 'products', sharedSecret: '[redacted]' });
    expect(text()).not.toContain('s3cret');
    expect(text()).not.toContain('Bearer abc');
  });

  it('writes one readable line per entry for a terminal, secrets redacted all the same', () => {
    const { logger, text } = capture(true);
    logger.info({ sync: 'products', runId: 7, stage: 'export', durationMs: 12, sharedSecret: 's3cret' }, 'products run 7: export done in 12 ms');
    const output = text();
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toContain('products run 7: export done in 12 ms');
    expect(output).not.toContain('s3cret');
    expect(() => JSON.parse(output)).toThrow();
  });
});

describe('createLogger redaction of whole lines', () => {
  function captureWith(redactValues: readonly string[], pretty = false): { logger: ReturnType<typeof createLogger>; text: () => string } {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const logger = createLogger({ destination: stream, pretty, redact: createSecretRedactor(redactValues) });
    return { logger, text: () => Buffer.concat(chunks).toString('utf8') };
  }

  it('masks known secrets and credentials in messages, capitalised headers, and errors with their causes', () => {
    for (const pretty of [false, true]) {
      const { logger, text } = captureWith(['the-shared-secret', 'db-pass-123'], pretty);
      const cause = new Error('connect postgres://kibo:db-pass-123@db/erp refused');
      const error = Object.assign(new Error('OAuth failed for the-shared-secret', { cause }), { headers: { Authorization: 'Bearer live-token-1' } });
      logger.error({ err: error, request: { headers: { Authorization: 'Basic dXNlcjpwYXNz' } } }, 'sent Authorization: Bearer live-token-2 with the-shared-secret');
      const output = text();
      expect(output).toContain('OAuth failed for [redacted]');
      for (const secret of ['the-shared-secret', 'db-pass-123', 'live-token-1', 'live-token-2', 'dXNlcjpwYXNz']) expect(output, `${pretty}`).not.toContain(secret);
    }
  });
});
