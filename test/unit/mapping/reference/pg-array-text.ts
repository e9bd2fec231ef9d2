// Reference copy (verbatim, only import paths changed) of src/mapping as of 6d2215c, before the fast paths:
// the oracle of reference-transform.test.ts. Never edit it to match new behaviour.
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
