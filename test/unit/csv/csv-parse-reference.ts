// The reader as it was with csv-parse (before the hand-tuned scanner), kept as the reference the
// scanner must match record for record and error for error (kibo-csv-reader-differential.test.ts).
import { Readable, pipeline } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import type { CsvRecord, ReadKiboCsvOptions } from '../../../src/csv/kibo-csv-reader.ts';

const DEFAULT_SOURCE = 'CSV input';

function countLineFeeds(values: readonly string[]): number {
  let count = 0;
  for (const value of values) {
    for (let index = value.indexOf('\n'); index !== -1; index = value.indexOf('\n', index + 1)) count += 1;
  }
  return count;
}

function toReadable(input: NodeJS.ReadableStream | AsyncIterable<Buffer | string> | Iterable<Buffer | string>): Readable {
  if (input instanceof Readable) return input;
  return Readable.from(input as AsyncIterable<Buffer | string>, { objectMode: false });
}

function wrapParseError(error: CsvError, source: string, line: number): Error {
  return new Error(
    `Malformed CSV in ${source} at line ${line}: ${error.message}. ` +
      'Check the quoting of that record (a field containing quotes, commas or line breaks must be ' +
      'enclosed in double quotes, with inner quotes doubled).',
    { cause: error },
  );
}

/**
 * Yields every record, the header first. Blank lines are skipped (Excel and editors leave them at the
 * end); a deliberate empty one-column value is written `""` by our writer and is kept.
 */
export async function* readKiboCsvWithCsvParse(
  input: NodeJS.ReadableStream | AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  options: ReadKiboCsvOptions = {},
): AsyncGenerator<CsvRecord> {
  const source = options.source ?? DEFAULT_SOURCE;
  // Physical lines used by the records parsed so far (their embedded LFs plus their terminators).
  // Counted as the parser produces records, not as we consume them: the parser reads ahead, and a
  // parse error must name the line of the record that failed.
  let linesParsed = 0;
  // Start lines of parsed records not yet consumed, in order (short: the parser buffers few records).
  const pendingStartLines: number[] = [];
  const parser = parse({
    bom: true,
    record_delimiter: ['\r\n', '\n'],
    skip_empty_lines: true,
    // Column counts are checked below so the error can name the expected and actual counts.
    relax_column_count: true,
    on_record: (values: string[], context) => {
      pendingStartLines.push(1 + linesParsed + context.empty_lines);
      linesParsed += countLineFeeds(values) + 1;
      return values;
    },
  });
  // pipeline (not pipe) so a failing input stream fails the parser instead of leaving it waiting.
  pipeline(toReadable(input), parser, (error) => {
    if (error) parser.destroy(error);
  });
  let rowNumber = 0;
  let expectedColumns: number | undefined;
  try {
    for await (const values of parser as AsyncIterable<string[]>) {
      const line = pendingStartLines.shift() ?? 0;
      rowNumber += 1;
      expectedColumns ??= values.length;
      if (values.length !== expectedColumns) {
        throw new Error(
          `CSV ${source}, line ${line} (row ${rowNumber}): expected ${expectedColumns} columns as in the ` +
            `header, found ${values.length}. Quote fields that contain commas, or fix the row.`,
        );
      }
      yield { values, rowNumber, line };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const emptyLines = typeof error['empty_lines'] === 'number' ? error['empty_lines'] : 0;
      throw wrapParseError(error, source, 1 + linesParsed + emptyLines);
    }
    throw error;
  } finally {
    parser.destroy();
  }
}
