// Postgres array output text ('{a,b,"c d","say \"hi\"",NULL}') to its elements. One dimension only:
// Kibo list fields are flat.

/** Elements (null for an unquoted NULL), or an Error saying what is malformed. */
export function parsePgArrayText(text: string): (string | null)[] | Error {
  if (!text.startsWith('{') || !text.endsWith('}')) return new Error('not a Postgres array literal');
  const body = text.slice(1, -1);
  const elements: (string | null)[] = [];
  if (body.length === 0) return elements;
  let index = 0;
  while (index <= body.length) {
    if (body[index] === '{') return new Error('nested arrays are not supported for a list field');
    let value: string | null;
    if (body[index] === '"') {
      const quoted = readQuoted(body, index + 1);
      if (quoted instanceof Error) return quoted;
      value = quoted.value;
      index = quoted.end;
    } else {
      let end = body.indexOf(',', index);
      if (end === -1) end = body.length;
      const raw = body.slice(index, end).trim();
      value = raw.toUpperCase() === 'NULL' ? null : raw.replace(/\\(.)/g, '$1');
      index = end;
    }
    elements.push(value);
    if (index === body.length) break;
    if (body[index] !== ',') return new Error(`unexpected '${body[index] ?? ''}' after an array element`);
    index += 1;
  }
  return elements;
}

function readQuoted(body: string, start: number): { value: string; end: number } | Error {
  let value = '';
  for (let index = start; index < body.length; index += 1) {
    const char = body[index];
    if (char === '\\') {
      value += body[index + 1] ?? '';
      index += 1;
    } else if (char === '"') {
      return { value, end: index + 1 };
    } else {
      value += char;
    }
  }
  return new Error('unterminated quoted array element');
}

const CHAR_COMMA = 44;
const CHAR_QUOTE = 34;
const CHAR_BACKSLASH = 92;
const CHAR_OPEN = 123;
const CHAR_CLOSE = 125;
/** Printable ASCII other than space: an element that starts and ends with these has nothing to trim. */
const FIRST_PLAIN_CHAR = 0x21;
const LAST_PLAIN_CHAR = 0x7e;

/**
 * The common shape of a Postgres text[] ('{DirectShip,InStorePickup}': no quotes, escapes, NULLs, empty
 * or padded elements) joined with `separator` in one scan, as parsePgArrayText + join would give it;
 * '' for '{}'. Undefined for any other text, including an element that holds the separator, so the
 * general path decides (and words the failure).
 */
export function joinPlainPgArrayText(text: string, separator: string): string | undefined {
  const end = text.length - 1;
  if (end < 1 || text.charCodeAt(0) !== CHAR_OPEN || text.charCodeAt(end) !== CHAR_CLOSE || separator.length !== 1) return undefined;
  if (end === 1) return ''; // '{}'
  const separatorCode = separator.charCodeAt(0);
  let joined: string | undefined;
  let elementStart = 1;
  for (let index = 1; index <= end; index += 1) {
    const code = index === end ? CHAR_COMMA : text.charCodeAt(index);
    if (code === CHAR_COMMA) {
      if (!isPlainElement(text, elementStart, index)) return undefined;
      // Slices and '+' (not replaceAll, which costs several times more on short texts).
      joined = joined === undefined ? text.slice(elementStart, index) : joined + separator + text.slice(elementStart, index);
      elementStart = index + 1;
    } else if (code === CHAR_QUOTE || code === CHAR_BACKSLASH || code === CHAR_OPEN || code === CHAR_CLOSE || code === separatorCode) {
      return undefined;
    }
  }
  return joined;
}

function isPlainElement(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  const first = text.charCodeAt(start);
  const last = text.charCodeAt(end - 1);
  if (first < FIRST_PLAIN_CHAR || first > LAST_PLAIN_CHAR || last < FIRST_PLAIN_CHAR || last > LAST_PLAIN_CHAR) return false;
  // Upper-casing never shortens text, so only an element of at most 4 units can read as NULL.
  return end - start > 4 || text.slice(start, end).toUpperCase() !== 'NULL';
}
