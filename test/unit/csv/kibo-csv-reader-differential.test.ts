import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readKiboCsv, type CsvRecord } from '../../../src/csv/kibo-csv-reader.ts';
import { readKiboCsvWithCsvParse } from './csv-parse-reference.ts';

type Outcome = { records: CsvRecord[] } | { error: string };

async function collect(records: AsyncGenerator<CsvRecord>): Promise<Outcome> {
  const collected: CsvRecord[] = [];
  try {
    for await (const record of records) collected.push(record);
    return { records: collected };
  } catch (error) {
    // Compare where it failed (source and line / row), not the parser's own wording after the colon.
    return { error: (error as Error).message.replace(/(at line \d+):.*/su, '$1') };
  }
}

function errorLine(message: string): { kind: 'syntax' | 'columns'; line: number } {
  const syntax = /^Malformed CSV in x\.csv at line (\d+)$/u.exec(message);
  if (syntax) return { kind: 'syntax', line: Number(syntax[1]) };
  const columns = /^CSV x\.csv, line (\d+) \(row \d+\): expected \d+ columns/u.exec(message);
  if (columns) return { kind: 'columns', line: Number(columns[1]) };
  throw new Error(`unexpected error message: ${message}`);
}

/**
 * Same records, or both failing at the same place. One difference is allowed: csv-parse reads ahead, so
 * when a record has the wrong column count and a LATER record is malformed, it reported the later one;
 * the scanner reports the first problem in file order.
 */
function expectSameOutcome(actual: Outcome, expected: Outcome): void {
  if ('records' in expected || 'records' in actual) {
    expect(actual).toEqual(expected);
    return;
  }
  const ours = errorLine(actual.error);
  const theirs = errorLine(expected.error);
  if (ours.kind === theirs.kind) expect(actual).toEqual(expected);
  else {
    expect(ours.kind).toBe('columns');
    expect(ours.line).toBeLessThanOrEqual(theirs.line);
  }
}

/** The text's bytes cut at the given points (anywhere, also inside a UTF-8 sequence or a CRLF). */
function splitBytes(text: string, cuts: readonly number[]): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return chunks.filter((chunk) => chunk.length > 0);
}

// Structure-heavy text: quotes, separators, both record ends, bare CR, blank lines, a BOM, non-ASCII.
const csvText = fc.string({
  unit: fc.constantFrom('a', 'b', ',', '"', '""', '\r\n', '\n', '\r', '\uFEFF', 'é', '😀', ' ', '"x"', ',"', '",'),
  maxLength: 40,
});
const cuts = fc.array(fc.nat(), { maxLength: 6 });

describe('readKiboCsv against the csv-parse reader it replaced', () => {
  it('gives the same records, row numbers and lines, or fails at the same line, however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, cuts, async (text, points) => {
        const expected = await collect(readKiboCsvWithCsvParse([Buffer.from(text, 'utf8')], { source: 'x.csv' }));
        const actual = await collect(readKiboCsv(splitBytes(text, points), { source: 'x.csv' }));
        expectSameOutcome(actual, expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('matches on well-formed Kibo exports with long quoted multi-line fields split into tiny chunks', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r\n', 'ü'), maxLength: 30 });
    const table = fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(table, cuts, async (rows, points) => {
        const text = rows.map((row) => row.map((value) => `"${value.replaceAll('"', '""')}"`).join(',')).join('\r\n');
        const expected = await collect(readKiboCsvWithCsvParse([text]));
        const actual = await collect(readKiboCsv(splitBytes(text, points)));
        expect(actual).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('matches on one big chunk (scanned in pieces) with records, multi-byte text and a 200 KB quoted field across piece boundaries', async () => {
    const rows = ['Code,Description,Price'];
    for (let index = 0; index < 3000; index += 1) {
      const description = index % 7 === 0 ? `"line one, ""quoted""\nline ${index}\r\nend"` : `plain tëxt 😀 ${index}`;
      rows.push(`P-${index},${description},${index}.5000`);
      if (index === 1500) rows.push(`BIG,"${'x,"\n'.replaceAll('"', '""').repeat(50_000)}",1.0000`);
    }
    const text = rows.join('\r\n');
    expect(text.length).toBeGreaterThan(3 * 64 * 1024);
    const expected = await collect(readKiboCsvWithCsvParse([text]));
    expect(await collect(readKiboCsv([text]))).toEqual(expected);
    expect(await collect(readKiboCsv([Buffer.from(text, 'utf8')]))).toEqual(expected);
    expect(await collect(readKiboCsv(splitBytes(text, [70_000, 140_001, 300_000])))).toEqual(expected);
    expect('records' in expected && expected.records.length).toBe(3002);
  });
});
