// Reads CSV as Kibo exports it (and as people re-save it): optional UTF-8 BOM, CRLF or LF record
// ends (mixed too), newlines inside quoted fields kept exactly, `""` escapes. Structure only; values
// stay strings.
//
// Why a scanner of our own: Kibo exports run to hundreds of MB, and parsing them was the sync's hot spot.
// Measured on the bench's 432 MB products.csv (bench/measure-csv-parsers.ts, medians of 3, 2 cores):
// csv-parse 43 MB/s (our former reader), csv-parser 41, papaparse 182, udsv 193, this scanner 179 in
// batches (138 one record at a time). udsv silently truncates an unclosed quote, rewrites `"2"x` to `x`,
// drops a `""` record and fails on mixed CRLF/LF files; papaparse merges records of mixed-ending files
// and drops `""` records. This scanner gives csv-parse's records and errors (same lines) on the dialect
// above; test/unit/csv/kibo-csv-reader-differential.test.ts checks that against csv-parse.

export interface CsvRecord {
  readonly values: readonly string[];
  /** 1-based record index; the header is row 1, so the first data row is 2 (spreadsheet numbering). */
  readonly rowNumber: number;
  /** 1-based physical line (LF-terminated) where the record starts. */
  readonly line: number;
}

export interface ReadKiboCsvOptions {
  /** Names the input in error messages (file or zip entry name). */
  readonly source?: string;
}

/** A stream, or chunks of bytes or text (an array of them too). */
export type CsvInput = NodeJS.ReadableStream | AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

const DEFAULT_SOURCE = 'CSV input';
const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const BOM = '\uFEFF';
/**
 * Input is decoded and scanned in pieces this big, however big its chunks (zip entries come in 64 KiB
 * ones): a piece's records then stay small enough to die young. Records of a 1 MiB chunk outlived the
 * young generation, and GC then cost more than the parsing (3.4 s vs 1.9 s per 432 MB).
 */
const SCAN_PIECE_BYTES = 16 * 1024;
const SCAN_PIECE_CHARS = SCAN_PIECE_BYTES;

/** The structural fault in a record; wrapped (as `cause`) by an error naming source and line. */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
}

/** Where the scanner is in the input: carried from one chunk to the next. */
interface ScanState {
  line: number;
  rowNumber: number;
  expectedColumns: number | undefined;
}

/** Outcome of scanning one record at `start`: its end, or `undefined` when more input is needed. */
interface ScannedRecord {
  readonly values: string[];
  readonly next: number;
  readonly lineFeeds: number;
}

function syntaxError(message: string): CsvSyntaxError {
  return new CsvSyntaxError(message);
}

/**
 * Scans a quoted field whose opening quote is at `start`. Returns the value and the index just past the
 * closing quote, or undefined when the text ends first (more input may close it).
 */
function scanQuoted(text: string, start: number, final: boolean): { value: string; end: number } | undefined {
  let close = text.indexOf('"', start + 1);
  let escaped = false;
  while (close !== -1 && text.charCodeAt(close + 1) === QUOTE) {
    escaped = true;
    close = text.indexOf('"', close + 2);
  }
  if (close === -1) {
    if (final) throw syntaxError('Quote Not Closed: the input ends inside a quoted field');
    return undefined;
  }
  // A quote as the very last character may be the first half of `""`: wait for the next chunk.
  if (close + 1 === text.length && !final) return undefined;
  const raw = text.slice(start + 1, close);
  return { value: escaped ? raw.replaceAll('""', '"') : raw, end: close + 1 };
}

function countLineFeeds(value: string): number {
  let count = 0;
  for (let index = value.indexOf('\n'); index !== -1; index = value.indexOf('\n', index + 1)) count += 1;
  return count;
}

/** Scans the record starting at `start` (not a blank line). */
function scanRecord(text: string, start: number, final: boolean, next: NextPositions): ScannedRecord | undefined {
  const values: string[] = [];
  let lineFeeds = 0;
  let position = start;
  for (;;) {
    let end: number;
    if (text.charCodeAt(position) === QUOTE) {
      const quoted = scanQuoted(text, position, final);
      if (quoted === undefined) return undefined;
      values.push(quoted.value);
      next.lineFeed = nextOf(text, '\n', position, next.lineFeed);
      if (next.lineFeed < quoted.end) lineFeeds += countLineFeeds(quoted.value);
      end = quoted.end;
      const after = text.charCodeAt(end);
      const endsRecord = after === LF || (after === CR && text.charCodeAt(end + 1) === LF) || end === text.length;
      if (after === CR && end + 1 === text.length && !final) return undefined;
      if (after !== COMMA && !endsRecord) {
        throw syntaxError(`Invalid Closing Quote: got "${text[end]}" after a closing quote; expected a comma or the end of the record`);
      }
    } else {
      next.comma = nextOf(text, ',', position, next.comma);
      next.lineFeed = nextOf(text, '\n', position, next.lineFeed);
      end = next.comma < next.lineFeed ? next.comma : next.lineFeed;
      if (end === text.length && !final) return undefined;
      next.quote = nextOf(text, '"', position, next.quote);
      if (next.quote < end) throw syntaxError('Invalid Opening Quote: a quote is found inside an unquoted field');
      const valueEnd = text.charCodeAt(end) === LF && end > position && text.charCodeAt(end - 1) === CR ? end - 1 : end;
      values.push(text.slice(position, valueEnd));
    }
    const delimiter = text.charCodeAt(end);
    if (delimiter === COMMA) {
      position = end + 1;
      continue;
    }
    if (end === text.length) return { values, next: end, lineFeeds };
    return { values, next: delimiter === CR ? end + 2 : end + 1, lineFeeds: lineFeeds + 1 };
  }
}

/**
 * Next positions of comma, LF and quote at or after the scan position, found with indexOf and reused
 * until passed: each character of a chunk is searched for each of them once, not once per field.
 */
interface NextPositions {
  comma: number;
  lineFeed: number;
  quote: number;
}

function createNextPositions(): NextPositions {
  return { comma: -2, lineFeed: -2, quote: -2 };
}

/** indexOf with a remembered answer; -1 is stored as text.length ("none until the end"). */
function nextOf(text: string, character: string, from: number, known: number): number {
  if (known >= from) return known;
  const found = text.indexOf(character, from);
  return found === -1 ? text.length : found;
}

/** Length of the blank line at `start` (LF or CRLF), 0 when the line is not blank, -1 when unsure yet. */
function blankLineLength(text: string, start: number, final: boolean): number {
  const code = text.charCodeAt(start);
  if (code === LF) return 1;
  if (code !== CR) return 0;
  if (start + 1 === text.length) return final ? 0 : -1;
  return text.charCodeAt(start + 1) === LF ? 2 : 0;
}

/** Every complete record in `text`; `rest` is where the unfinished tail begins. */
function scanRecords(text: string, state: ScanState, final: boolean, source: string): { records: CsvRecord[]; rest: number } {
  const records: CsvRecord[] = [];
  const next = createNextPositions();
  let position = 0;
  while (position < text.length) {
    const blank = blankLineLength(text, position, final);
    if (blank === -1) break;
    if (blank > 0) {
      position += blank;
      state.line += 1;
      continue;
    }
    let scanned: ScannedRecord | undefined;
    try {
      scanned = scanRecord(text, position, final, next);
    } catch (error) {
      throw wrapParseError(error as CsvSyntaxError, source, state.line);
    }
    if (scanned === undefined) break;
    records.push(checkColumns(scanned.values, state, source));
    state.line += scanned.lineFeeds;
    position = scanned.next;
  }
  return { records, rest: position };
}

/**
 * Scans `pending + text` without building that string: the record cut at the chunk boundary is finished
 * on a small string (pending plus the text's first line), then the chunk is scanned as it is. Joining
 * first would copy every chunk into a new flat string, which cost more than the parsing itself.
 */
function scanChunk(pending: string, text: string, state: ScanState, source: string): { records: CsvRecord[]; pending: string } {
  let records: CsvRecord[] = [];
  let body = text;
  if (pending.length > 0) {
    const lineEnd = text.indexOf('\n');
    const headEnd = lineEnd === -1 ? text.length : lineEnd + 1;
    const head = pending + text.slice(0, headEnd);
    const scanned = scanRecords(head, state, false, source);
    records = scanned.records;
    // Rarely the cut record goes on (a quoted line break): then its rest is joined with the chunk.
    body = scanned.rest === head.length ? text.slice(headEnd) : head.slice(scanned.rest) + text.slice(headEnd);
  }
  const scanned = scanRecords(body, state, false, source);
  if (records.length === 0) records = scanned.records;
  else for (const record of scanned.records) records.push(record);
  return { records, pending: body.slice(scanned.rest) };
}

function checkColumns(values: string[], state: ScanState, source: string): CsvRecord {
  state.rowNumber += 1;
  state.expectedColumns ??= values.length;
  if (values.length !== state.expectedColumns) {
    throw new Error(
      `CSV ${source}, line ${state.line} (row ${state.rowNumber}): expected ${state.expectedColumns} columns as in the ` +
        `header, found ${values.length}. Quote fields that contain commas, or fix the row.`,
    );
  }
  return { values, rowNumber: state.rowNumber, line: state.line };
}

function wrapParseError(error: CsvSyntaxError, source: string, line: number): Error {
  return new Error(
    `Malformed CSV in ${source} at line ${line}: ${error.message}. ` +
      'Check the quoting of that record (a field containing quotes, commas or line breaks must be ' +
      'enclosed in double quotes, with inner quotes doubled).',
    { cause: error },
  );
}

/** Piece `index` of a chunk cut in `pieceCount`, as text (bytes are decoded as a stream across pieces and chunks). */
function readPiece(chunk: Buffer | string, index: number, pieceCount: number, decoder: InstanceType<typeof TextDecoder>): string {
  if (typeof chunk === 'string') return pieceCount === 1 ? chunk : chunk.slice(index * SCAN_PIECE_CHARS, (index + 1) * SCAN_PIECE_CHARS);
  const bytes = pieceCount === 1 ? chunk : chunk.subarray(index * SCAN_PIECE_BYTES, (index + 1) * SCAN_PIECE_BYTES);
  return decoder.decode(bytes, { stream: true });
}

/**
 * Yields the records parsed from each chunk of input, the header first: a batch API for readers of big
 * files, where one await per record costs more than the parsing. Blank lines are skipped (Excel and
 * editors leave them at the end) but counted in line numbers; a `""` record is one empty value.
 */
export async function* readKiboCsvBatches(input: CsvInput, options: ReadKiboCsvOptions = {}): AsyncGenerator<CsvRecord[]> {
  const source = options.source ?? DEFAULT_SOURCE;
  const state: ScanState = { line: 1, rowNumber: 0, expectedColumns: undefined };
  // Decodes UTF-8 across chunk boundaries; the BOM is kept here and dropped below, for string input too.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let pending = '';
  let started = false;
  // After an unfinished record, rescan only once the buffer has doubled: a huge quoted field costs
  // linear time, not one rescan per chunk.
  let rescanAt = 0;
  for await (const chunk of input as AsyncIterable<Buffer | string> | Iterable<Buffer | string>) {
    const pieceCount = Math.ceil(chunk.length / SCAN_PIECE_BYTES);
    for (let index = 0; index < pieceCount; index += 1) {
      let piece = readPiece(chunk, index, pieceCount, decoder);
      if (!started && piece.length > 0) {
        started = true;
        if (piece.startsWith(BOM)) piece = piece.slice(1);
      }
      if (pending.length + piece.length < rescanAt) {
        pending += piece;
        continue;
      }
      const scanned = scanChunk(pending, piece, state, source);
      pending = scanned.pending;
      rescanAt = scanned.records.length === 0 ? pending.length * 2 : 0;
      if (scanned.records.length > 0) yield scanned.records;
    }
  }
  pending += decoder.decode();
  if (pending.length > 0) {
    const { records } = scanRecords(pending, state, true, source);
    if (records.length > 0) yield records;
  }
}

/** Yields every record, the header first (see readKiboCsvBatches). */
export async function* readKiboCsv(input: CsvInput, options: ReadKiboCsvOptions = {}): AsyncGenerator<CsvRecord> {
  for await (const batch of readKiboCsvBatches(input, options)) yield* batch;
}

export async function parseKiboCsvText(
  text: string,
  options: ReadKiboCsvOptions = {},
): Promise<{ header: string[]; rows: CsvRecord[] }> {
  let header: string[] | undefined;
  const rows: CsvRecord[] = [];
  for await (const batch of readKiboCsvBatches([text], options)) {
    for (const record of batch) {
      if (header === undefined) header = [...record.values];
      else rows.push(record);
    }
  }
  if (header === undefined) {
    throw new Error(`CSV ${options.source ?? DEFAULT_SOURCE} is empty: expected at least a header line.`);
  }
  return { header, rows };
}
