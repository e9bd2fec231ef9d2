// Reads an import job's log file. Kibo does not publish the log's columns, so headers are matched by
// meaning (case, spaces and punctuation ignored) and anything we do not recognise is kept in the
// message: a log row is evidence of a rejected record and must never be dropped.
import { parseKiboCsvText, type CsvRecord } from '../csv/kibo-csv-reader.ts';
import { formatKiboCsvRecord } from '../csv/kibo-csv-writer.ts';
import { readZipEntries, readStreamToBuffer, type ZipLimits } from './kibo-zip.ts';

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

export async function parseImportLog(bytes: Buffer, limits: Partial<ZipLimits> = {}): Promise<ImportLogRow[]> {
  const signature = bytes.subarray(0, 4).toString('latin1');
  if (!ZIP_SIGNATURES.includes(signature)) return parseImportLogCsv(bytes.toString('utf8'), 'import log');
  const rows: ImportLogRow[] = [];
  for await (const entry of readZipEntries(bytes, limits)) {
    const text = (await readStreamToBuffer(entry.stream)).toString('utf8');
    rows.push(...(await parseImportLogCsv(text, `import log ${entry.name}`)));
  }
  return rows;
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
