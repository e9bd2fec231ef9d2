// Error texts leave the process in alerts and reports. They can quote a connection URL or an HTTP
// header, so anything that looks like a credential is masked before it goes out.
const REDACTED = '[redacted]';

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // user:password@ in any URL (postgres://, https://)
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:@/\s]+):[^@/\s]*@/gi, `$1:${REDACTED}@`],
  // Authorization: Bearer/Basic <token>
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // key=value or "key": "value" for the names Kibo and OAuth use
  [
    /\b(access_token|refresh_token|client_secret|sharedSecret|shared_secret|clientSecret|password|apikey|api_key|x-vol-app-claims|x-vol-user-claims)("?\s*[:=]\s*"?)[^\s",&;]+/gi,
    `$1$2${REDACTED}`,
  ],
];

export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}
