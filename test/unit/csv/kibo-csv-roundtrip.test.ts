import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKiboCsvText } from '../../../src/csv/kibo-csv-reader.ts';
import { createKiboCsvStream, formatKiboCsv } from '../../../src/csv/kibo-csv-writer.ts';

// Any Unicode code point (no lone surrogates: they cannot be encoded as UTF-8), weighted towards the
// characters that matter to CSV structure.
const csvCharacter = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('"', ',', '\r', '\n', ' ', '\t', '\uFEFF') },
  { weight: 5, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const csvValue = fc.string({ unit: csvCharacter, maxLength: 12 });

const csvTable = fc.integer({ min: 1, max: 5 }).chain((columns) =>
  fc.record({
    header: fc.array(csvValue, { minLength: columns, maxLength: columns }),
    rows: fc.array(fc.array(csvValue, { minLength: columns, maxLength: columns }), { maxLength: 6 }),
  }),
);

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('Kibo CSV round trip', () => {
  it('parse(format(x)) equals x for arbitrary unicode tables', async () => {
    await fc.assert(
      fc.asyncProperty(csvTable, async ({ header, rows }) => {
        const parsed = await parseKiboCsvText(formatKiboCsv(header, rows));
        expect(parsed.header).toEqual(header);
        expect(parsed.rows.map((row) => row.values)).toEqual(rows);
        expect(parsed.rows.map((row) => row.rowNumber)).toEqual(rows.map((_, index) => index + 2));
      }),
      { numRuns: 300 },
    );
  });

  it('streaming output equals formatKiboCsv byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(csvTable, async ({ header, rows }) => {
        const streamed = await streamToBuffer(createKiboCsvStream(header, rows));
        expect(streamed.equals(Buffer.from(formatKiboCsv(header, rows), 'utf8'))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
