import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/support/logger.ts';

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
