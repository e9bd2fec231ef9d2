// An import CSV being written: ERP rows first, then (in a snapshot) Kibo rows carried unchanged. Only
// counts are kept: which key each row holds is read back from the file when Kibo's outcome is recorded
// (uploaded-rows.ts), so a run never holds its written keys in memory.
import { CLEAR, SKIP, type CellValue } from '../mapping/index.ts';
import type { CsvFileWriter } from './csv-file-writer.ts';

export const DELETE_SENTINEL = '~delete~';

export interface WrittenRows {
  readonly writer: CsvFileWriter;
  /** ERP rows written (they come first: data rows 1…erpRows). */
  erpRows: number;
  /** Kibo rows carried unchanged after them (snapshots only). */
  carriedRows: number;
}

export function createWrittenRows(writer: CsvFileWriter): WrittenRows {
  return { writer, erpRows: 0, carriedRows: 0 };
}

/** Appends a row; returns a promise only when the file needs to drain. ERP rows must all come before carried ones. */
export function appendWrittenRow(rows: WrittenRows, texts: readonly string[], carried = false): Promise<void> | undefined {
  if (carried) rows.carriedRows += 1;
  else if (rows.carriedRows > 0) throw new Error('an ERP row cannot follow carried Kibo rows in an import CSV');
  else rows.erpRows += 1;
  return rows.writer.writeRecord(texts);
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
