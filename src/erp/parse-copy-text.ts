// Parses PostgreSQL's COPY text format (`COPY (query) TO STDOUT`): one row per line, columns separated
// by tabs, `\N` for NULL, and backslash escapes for backslash and control characters. COPY TO emits
// only `\\ \b \f \n \r \t \v` (never octal or hex escapes), so a value without a backslash is its own
// text and is sliced as is: the common case costs one indexOf and one slice per value.

const TAB = '\t';
const LF = '\n';
const BACKSLASH = '\\';
const NULL_MARKER = '\\N';

const ESCAPED: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export interface CopyTextParser {
  /** Parses every complete line of `text` (appended to what was left over); returns their rows. */
  push(text: string): (string | null)[][];
  /** The input is complete: throws when it ends inside a line (COPY's output always ends with LF). */
  end(): void;
}

export function createCopyTextParser(columnCount: number): CopyTextParser {
  let pending = '';
  let lineNumber = 0;

  function parseLine(text: string, start: number, end: number): (string | null)[] {
    lineNumber += 1;
    const values: (string | null)[] = [];
    let position = start;
    for (;;) {
      let stop = text.indexOf(TAB, position);
      if (stop === -1 || stop > end) stop = end;
      values.push(decodeValue(text.slice(position, stop)));
      if (stop === end) break;
      position = stop + 1;
    }
    if (values.length !== columnCount) {
      throw new Error(
        `COPY output line ${lineNumber} has ${values.length} values where the query has ${columnCount} columns; ` +
          'the ERP query result could not be read (report this with the query).',
      );
    }
    return values;
  }

  return {
    push(chunk) {
      const text = pending.length === 0 ? chunk : pending + chunk;
      const rows: (string | null)[][] = [];
      let start = 0;
      for (let end = text.indexOf(LF); end !== -1; end = text.indexOf(LF, start)) {
        rows.push(parseLine(text, start, end));
        start = end + 1;
      }
      pending = start === 0 ? text : text.slice(start);
      return rows;
    },
    end() {
      if (pending.length > 0) {
        throw new Error(`COPY output ended inside line ${lineNumber + 1} (no line feed after ${pending.length} characters); the read was cut short.`);
      }
    },
  };
}

/** One COPY text value: NULL, itself, or unescaped. */
export function decodeValue(raw: string): string | null {
  if (raw.indexOf(BACKSLASH) === -1) return raw;
  if (raw === NULL_MARKER) return null;
  let decoded = '';
  let from = 0;
  for (let at = raw.indexOf(BACKSLASH); at !== -1 && at + 1 < raw.length; at = raw.indexOf(BACKSLASH, from)) {
    const next = raw[at + 1]!;
    decoded += raw.slice(from, at) + (ESCAPED[next] ?? next);
    from = at + 2;
  }
  return decoded + raw.slice(from);
}
