// Secrets must never reach a log line, a state table or an alert, whatever carried them there: a
// driver's error quoting a connection URL, an SDK error holding request headers, a message built from
// a response body. Text is masked two ways: by value (the secrets this process was configured with,
// in every spelling they can take in text) and by pattern (credentials whose value we never knew:
// bearer tokens Kibo handed out, URL passwords, `client_secret=…`).
export const REDACTED = '[redacted]';

/**
 * A secret shorter than this is masked by pattern only: replacing every `abc` in a log would make it
 * unreadable, and a secret that short is no secret.
 */
export const MIN_REDACTED_SECRET_CHARS = 4;

/** Names whose value is a credential in `name=value`, `name: value` and `"name": "value"` forms. */
const SECRET_NAMES =
  'access_?token|refresh_?token|id_?token|client_?secret|shared_?secret|app_?secret|password|passwd|api_?key|x-api-key|' +
  'x-vol-app-claims|x-vol-user-claims|secret';

/** Between a name and its value: optional quotes (also JSON-escaped ones, inside a log line's string). */
const SEPARATOR = String.raw`(\\?["']?\s*[:=]\s*\\?["']?)`;
/** A value runs to the next space, quote, separator or escape. */
const VALUE = String.raw`[^\s"'\\,;&}]+`;

export type RedactText = (text: string) => string;

const SECRET_PATTERNS: readonly [RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
  // user:password@ in any URL (postgres://, https://)
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:@/\s"'\\]+):[^@/\s"'\\]*@/gi, `$1:${REDACTED}@`],
  // Authorization / Proxy-Authorization headers, with or without a scheme word
  [
    new RegExp(String.raw`\b((?:proxy-)?authorization)${SEPARATOR}(?:(bearer|basic|digest|token)\s+)?${VALUE}`, 'gi'),
    (_match, name, separator, scheme) => `${name}${separator}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  ],
  // a bearer or basic credential anywhere else (a header quoted in a message); "basic" only before
  // something base64-like, so "basic settings" stays as it is
  [/\b(bearer)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b(basic)\s+(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{6,}=*/gi, `$1 ${REDACTED}`],
  // name=value and "name": "value"
  [new RegExp(String.raw`\b(${SECRET_NAMES})${SEPARATOR}(?!\[redacted\])${VALUE}`, 'gi'), `$1$2${REDACTED}`],
  // a bare JSON Web Token
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, REDACTED],
];

/** Masks credentials recognisable by their shape; keeps the rest of the message as it was. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) {
    result = typeof replacement === 'string' ? result.replace(pattern, replacement) : result.replace(pattern, replacement);
  }
  return result;
}

/**
 * A redactor for the secrets this process knows (the Kibo shared secret, database passwords, …): each is
 * masked as written, percent-encoded (in a URL) and JSON-escaped (inside a JSON log line), then the
 * patterns of redactSecrets apply. Undefined and too-short values are skipped.
 */
export function createSecretRedactor(secrets: Iterable<string | undefined>): RedactText {
  const spellings = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_REDACTED_SECRET_CHARS) continue;
    for (const spelling of spellingsOf(secret)) spellings.add(spelling);
  }
  // Longest first, so a secret containing another is masked whole.
  const ordered = [...spellings].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const spelling of ordered) {
      if (result.includes(spelling)) result = result.split(spelling).join(REDACTED);
    }
    return redactSecrets(result);
  };
}

function spellingsOf(secret: string): string[] {
  const spellings = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  try {
    spellings.push(decodeURIComponent(secret));
  } catch {
    // not percent-encoded: nothing more to mask
  }
  // A JSON log line of a message that itself holds JSON escapes the secret twice.
  spellings.push(JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1));
  return spellings.filter((spelling) => spelling.length >= MIN_REDACTED_SECRET_CHARS);
}
