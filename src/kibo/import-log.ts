// Reads an import job's log file. Kibo does not publish the log's columns, so headers are matched by
// meaning (case, spaces and punctuation ignored) and anything we do not recognise is kept in the
// message: a log row is evidence of a rejected record and must never be dropped.
import { parseKiboCsvText, type CsvRecord } from '../csv/kibo-csv-reader.ts';
import { formatKiboCsvRecord } from '../csv/kibo-csv-writer.ts';
import { DEFAULT_ZIP_LIMITS, readZipEntries, readStreamToBuffer, type ZipLimits } from './kibo-zip.ts';

/**
 * A log holds one line per rejected record (~100-200 bytes). 32 MiB of text is ~200k rejected rows:
 * twice Kibo's recommended batch of 100k records rejected whole. Beyond that the import failed
 * wholesale and the job's status says so; reading such a log would cost several times its size in row
 * objects (more than the engine's memory budget), so it is refused with a clear error instead.
 */
export const MAX_IMPORT_LOG_UNCOMPRESSED_BYTES = 32 * 1024 ** 2;
/** The zipped log is smaller than its text; a stored (uncompressed) zip still fits. */
export const MAX_IMPORT_LOG_DOWNLOAD_BYTES = MAX_IMPORT_LOG_UNCOMPRESSED_BYTES + 1024 ** 2;
/** One CSV per imported resource (Kibo's largest import, customers, has 9). */
export const MAX_IMPORT_LOG_ENTRIES = 50;

export const IMPORT_LOG_ZIP_LIMITS: ZipLimits = Object.freeze({
  ...DEFAULT_ZIP_LIMITS,
  maxEntries: MAX_IMPORT_LOG_ENTRIES,
  maxEntryBytes: MAX_IMPORT_LOG_UNCOMPRESSED_BYTES,
  maxTotalBytes: MAX_IMPORT_LOG_UNCOMPRESSED_BYTES,
});

export interface ParseImportLogOptions {
  /** Defaults to IMPORT_LOG_ZIP_LIMITS. */
  readonly limits?: Partial<ZipLimits>;
  /** Names the log in errors (job and file id). */
  readonly source?: string;
}

export interface ImportLogRow {
  readonly resource: string;
  /** The CSV row the log points at (header = 1), when the log gives one that is a number. */
  readonly rowNumber: number | undefined;
  readonly key: string;
  readonly field: string;
  readonly message: string;
}

type LogColumn = 'resource' | 'rowNumber' | 'key' | 'field' | 'message';

/** Header spellings (normalised) we take to mean each column; first match wins. */
const HEADER_ALIASES: Readonly<Record<LogColumn, readonly string[]>> = {
  resource: ['resource', 'resourcename', 'resourcetype', 'entity', 'sheet', 'filename', 'file'],
  rowNumber: ['row', 'rownumber', 'rowno', 'rowindex', 'line', 'linenumber', 'recordnumber'],
  key: ['key', 'recordkey', 'itemkey', 'identifier', 'recordid', 'id'],
  field: ['field', 'fieldname', 'column', 'columnname', 'property', 'attribute'],
  message: ['message', 'errormessage', 'error', 'errors', 'description', 'details', 'detail', 'reason', 'statusmessage'],
};

const ZIP_SIGNATURES: readonly string[] = ['PK\u0003\u0004', 'PK\u0005\u0006'];

/** A zipped or plain CSV log; refused (with `source` and the limit named) when over the log's limits. */
export async function parseImportLog(bytes: Buffer, options: ParseImportLogOptions = {}): Promise<ImportLogRow[]> {
  const limits: ZipLimits = { ...IMPORT_LOG_ZIP_LIMITS, ...options.limits };
  const source = options.source ?? "Kibo's import log";
  try {
    const signature = bytes.subarray(0, 4).toString('latin1');
    if (!ZIP_SIGNATURES.includes(signature)) {
      if (bytes.length > limits.maxTotalBytes) {
        throw new Error(`it is a plain file of ${bytes.length} bytes, more than the limit of ${limits.maxTotalBytes} (maxTotalBytes)`);
      }
      return await parseImportLogCsv(bytes.toString('utf8'), 'import log');
    }
    const rows: ImportLogRow[] = [];
    for await (const entry of readZipEntries(bytes, limits)) {
      const text = (await readStreamToBuffer(entry.stream)).toString('utf8');
      rows.push(...(await parseImportLogCsv(text, `import log ${entry.name}`)));
    }
    return rows;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${source} was refused: ${reason}. Import logs are read within their own limits (IMPORT_LOG_ZIP_LIMITS); ` +
        'a log this large or malformed means the import went wrong wholesale: open the import job in Kibo, ' +
        'fix the cause in the ERP data or the mapping, and run again.',
      { cause: error },
    );
  }
}

export async function parseImportLogCsv(text: string, source: string): Promise<ImportLogRow[]> {
  if (text.replace(/^\uFEFF/, '').trim() === '') return [];
  let parsed: { header: string[]; rows: CsvRecord[] };
  try {
    parsed = await parseKiboCsvText(text, { source });
  } catch {
    // Not CSV we can read (ragged rows, stray quotes): keep every line verbatim instead of failing.
    return rawLineRows(text);
  }
  const columns = matchLogColumns(parsed.header);
  return parsed.rows.map((record) => toLogRow(record.values, parsed.header, columns));
}

function normalizeLogHeader(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function matchLogColumns(header: readonly string[]): Partial<Record<LogColumn, number>> {
  const normalized = header.map(normalizeLogHeader);
  const columns: Partial<Record<LogColumn, number>> = {};
  const taken = new Set<number>();
  for (const column of Object.keys(HEADER_ALIASES) as LogColumn[]) {
    for (const alias of HEADER_ALIASES[column]) {
      const index = normalized.findIndex((name, position) => name === alias && !taken.has(position));
      if (index !== -1) {
        columns[column] = index;
        taken.add(index);
        break;
      }
    }
  }
  return columns;
}

function toLogRow(values: readonly string[], header: readonly string[], columns: Partial<Record<LogColumn, number>>): ImportLogRow {
  const read = (column: LogColumn): string => {
    const index = columns[column];
    return index === undefined ? '' : (values[index] ?? '');
  };
  if (columns.message === undefined) {
    // No message column we recognise: the whole record is the message.
    return { resource: read('resource'), rowNumber: parseRowNumber(read('rowNumber')), key: read('key'), field: read('field'), message: formatKiboCsvRecord(values) };
  }
  const used = new Set(Object.values(columns));
  const extras = header
    .map((name, index) => ({ name, value: values[index] ?? '' }))
    .filter((column, index) => !used.has(index) && column.value.trim() !== '')
    .map((column) => `${column.name}: ${column.value}`);
  const message = extras.length === 0 ? read('message') : `${read('message')} (${extras.join('; ')})`;
  return { resource: read('resource'), rowNumber: parseRowNumber(read('rowNumber')), key: read('key'), field: read('field'), message };
}

function parseRowNumber(value: string): number | undefined {
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

function rawLineRows(text: string): ImportLogRow[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const first = lines[0];
  const firstIsHeader = first !== undefined && looksLikeHeader(first);
  return lines.slice(firstIsHeader ? 1 : 0).map((line) => ({ resource: '', rowNumber: undefined, key: '', field: '', message: line }));
}

function looksLikeHeader(line: string): boolean {
  const cells = line.split(',').map(normalizeLogHeader);
  return cells.some((cell) => HEADER_ALIASES.message.includes(cell) || HEADER_ALIASES.rowNumber.includes(cell));
}
