import { describe, expect, it } from 'vitest';
import { createSecretRedactor, redactSecrets } from '../../../src/support/redact-secrets.ts';

describe('redactSecrets (by pattern)', () => {
  it('masks Authorization headers of any spelling, with or without a scheme, and keeps the header name', () => {
    expect(redactSecrets('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets('{"AUTHORIZATION":"tok-123"}')).toBe('{"AUTHORIZATION":"[redacted]"}');
    expect(redactSecrets('proxy-authorization=Basic dXNlcjpwYXNz')).toBe('proxy-authorization=Basic [redacted]');
  });

  it('masks bearer tokens, JWTs and secrets named in JSON, also inside an escaped JSON string', () => {
    expect(redactSecrets('sent bearer x1')).toBe('sent bearer [redacted]');
    expect(redactSecrets('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl')).toBe('token [redacted]');
    expect(redactSecrets(JSON.stringify({ msg: 'body {"client_secret":"xyz","refresh_token":"r1"}' }))).toBe(
      '{"msg":"body {\\"client_secret\\":\\"[redacted]\\",\\"refresh_token\\":\\"[redacted]\\"}"}',
    );
    expect(redactSecrets('https://u:p%40ss@example.com/x')).toBe('https://u:[redacted]@example.com/x');
  });

  it('leaves ordinary messages alone', () => {
    for (const text of ['password authentication failed for user "kibo"', 'basic settings', 'import job 42: 3 rows rejected']) {
      expect(redactSecrets(text)).toBe(text);
    }
  });
});

describe('createSecretRedactor (by value)', () => {
  it('masks each known secret as written, percent-encoded and JSON-escaped, longest first', () => {
    const redact = createSecretRedactor(['p@ss word"1', 'abc', undefined, 'shared-secret', 'shared-secret-2']);
    const line = JSON.stringify({ msg: 'p@ss word"1 p%40ss%20word%221 shared-secret-2 shared-secret abc', nested: JSON.stringify({ v: 'p@ss word"1' }) });
    const masked = redact(line);
    expect(masked).toBe(JSON.stringify({ msg: '[redacted] [redacted] [redacted] [redacted] abc', nested: JSON.stringify({ v: '[redacted]' }) }));
  });

  it('also applies the patterns', () => {
    expect(createSecretRedactor([])('Authorization: Bearer t0ken')).toBe('Authorization: Bearer [redacted]');
  });
});
