// What went into an import CSV, row by row: the key and a hash of the texts sent. The import log names
// rejected rows by row number, so this is how a Kibo rejection finds its key, and how per-key state
// advances only for rows Kibo accepted.
import { formatHash64 } from '../diff/hash-64.ts';
import { CLEAR, SKIP, type CellValue } from '../mapping/index.ts';
import type { CsvFileWriter } from './csv-file-writer.ts';

export const DELETE_SENTINEL = '~delete~';

export interface WrittenRows {
  readonly writer: CsvFileWriter;
  /** keys[i] and hashes[i] belong to data row i (CSV row number i + 2). */
  readonly keys: string[];
  readonly hashes: string[];
  /** Rows carried unchanged from Kibo in a snapshot: sent, but not ours, so never state. */
  readonly carried: boolean[];
}

export function createWrittenRows(writer: CsvFileWriter): WrittenRows {
  return { writer, keys: [], hashes: [], carried: [] };
}

export async function appendWrittenRow(rows: WrittenRows, key: string, texts: readonly string[], carried = false): Promise<void> {
  await rows.writer.writeRecord(texts);
  rows.keys.push(key);
  rows.hashes.push(formatHash64(texts.join('\u001f')));
  rows.carried.push(carried);
}

/** The key of the data row a log line points at (header = row 1), if any. */
export function keyAtRowNumber(rows: WrittenRows, rowNumber: number | undefined): string | undefined {
  if (rowNumber === undefined) return undefined;
  return rows.keys[rowNumber - 2];
}

/**
 * The CSV texts of one ERP row: SKIP is a blank cell (Kibo keeps its value); CLEAR is `~delete~` only
 * where Kibo still has a value (clearedFields), blank otherwise, so nothing is cleared twice.
 */
export function formatCellTexts(
  cells: readonly CellValue[],
  fieldNames: readonly string[],
  clearedFields: readonly string[],
): string[] {
  return cells.map((cell, index) => {
    if (cell === SKIP) return '';
    if (cell === CLEAR) return clearedFields.includes(fieldNames[index]!) ? DELETE_SENTINEL : '';
    return cell;
  });
}
