// What an import carried, read back from the CSV that was uploaded: each data row's key (normalized like
// the diff's) and the hash of its cell texts. A run in progress and a restarted daemon finishing a run
// both record Kibo's outcome from this file, so the two paths cannot drift apart, and no run keeps a
// million keys in memory to do it.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readKiboCsvBatches } from '../csv/kibo-csv-reader.ts';
import { formatHash64 } from '../diff/hash-64.ts';
import type { ImportLogRow } from '../kibo/import-log.ts';
import { matchHeader } from '../kibo/resources/resource-registry.ts';
import type { SyncMapping } from '../mapping/index.ts';
import { markDeletesSent, recordRejectedRows, upsertKeyStates, type KeyHash, type RunRecord } from '../state/index.ts';
import type { Clock } from '../support/clock.ts';
import type { Knex } from 'knex';
import { UPLOAD_MANIFEST_FILE, type UploadManifest } from './import-prepared-runs.ts';
import { createKeyEncoder } from './sync-keys.ts';
import { resolveRunDirectory } from './run-directory.ts';

export const RUN_PLAN_FILE = 'plan.json';

export interface UploadedRow {
  /** CSV row number (header = 1). */
  readonly rowNumber: number;
  /** undefined when a key cell is blank. */
  readonly key: string | undefined;
  readonly hash: string;
  /** A Kibo row carried unchanged in a snapshot: sent, but not this sync's, so never its state. */
  readonly carried: boolean;
}

/** The hash recorded per key: of the cell texts as written, joined by U+001F. */
function hashCellTexts(texts: readonly string[]): string {
  return formatHash64(texts.join('\u001f'));
}

/** The run's directory as recorded, else where createRunDirectory puts it. */
export function resolveRunDataDir(dataDir: string, run: Pick<RunRecord, 'id' | 'sync' | 'dataDir'>): string {
  return run.dataDir ?? resolveRunDirectory(dataDir, run.sync, run.id);
}

export async function readUploadManifest(runDir: string): Promise<UploadManifest> {
  const file = path.join(runDir, UPLOAD_MANIFEST_FILE);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as UploadManifest;
  } catch (error) {
    throw new Error(`cannot read ${file}, which the run wrote before its upload: ${(error as Error).message}. The run's key state cannot be advanced; the next run re-sends what Kibo lacks.`, { cause: error });
  }
}

/** The owned keys a snapshot run planned to delete (plan.json beside the manifest). */
export async function readPlanDeleteKeys(runDir: string): Promise<readonly string[]> {
  const file = path.join(runDir, RUN_PLAN_FILE);
  const plan = JSON.parse(await readFile(file, 'utf8')) as { deleteKeys?: unknown };
  if (!Array.isArray(plan.deleteKeys) || !plan.deleteKeys.every((key) => typeof key === 'string')) {
    throw new Error(`${file} has no deleteKeys list of strings; the deleted keys' state is left as it was`);
  }
  return plan.deleteKeys as string[];
}

/**
 * Streams the uploaded CSV's data rows. Key columns are found by header (Kibo spellings), so a mapping whose
 * fields were reordered since still reads an older file right.
 */
export async function* streamUploadedRows(csvPath: string, erpRows: number, mapping: SyncMapping): AsyncGenerator<UploadedRow> {
  const encodeKey = createKeyEncoder(mapping);
  let keyColumns: number[] | undefined;
  for await (const batch of readKiboCsvBatches(createReadStream(csvPath), { source: csvPath })) {
    for (const record of batch) {
      if (keyColumns === undefined) {
        keyColumns = findKeyColumns(mapping, record.values, csvPath);
        continue;
      }
      const columns = keyColumns;
      yield {
        rowNumber: record.rowNumber,
        key: encodeKey(columns.map((column) => record.values[column])),
        hash: hashCellTexts(record.values),
        carried: record.rowNumber - 1 > erpRows,
      };
    }
  }
  if (keyColumns === undefined) throw new Error(`${csvPath} is empty; an uploaded CSV always has a header`);
}

function findKeyColumns(mapping: SyncMapping, header: readonly string[], file: string): number[] {
  const match = matchHeader(mapping.resource, header);
  return mapping.key.map((name) => {
    const column = match.columns.find((candidate) => candidate.field?.name === name);
    if (column === undefined) {
      throw new Error(`${file} has no column for key field ${name} of sync ${mapping.sync} (header: ${header.join(', ')}); was the mapping's key changed since the upload?`);
    }
    return column.index;
  });
}

export interface UploadOutcomeInput {
  readonly mapping: SyncMapping;
  readonly runId: number;
  readonly csvPath: string;
  readonly erpRows: number;
  /** This run's rows of Kibo's import log. */
  readonly logRows: readonly ImportLogRow[];
  /** Kibo completed the resource and this run's outcome is current: advance key state. */
  readonly advanceKeyState: boolean;
  /** Owned keys the snapshot deleted (empty for a delta): they stay owned until an export confirms it. */
  readonly deleteKeys: () => Promise<readonly string[]>;
}

export interface RecordedOutcome {
  readonly rejectedByKibo: number;
  readonly deleted: number;
  readonly notes: readonly string[];
}

/** Kibo's rejections with their keys; then key state for accepted ERP rows and the snapshot's deletes. */
export async function recordUploadOutcome(deps: { readonly db: Knex; readonly clock: Clock }, input: UploadOutcomeInput): Promise<RecordedOutcome> {
  const { mapping, runId, logRows } = input;
  const rejectedRows = new Set(logRows.flatMap((row) => (row.rowNumber === undefined ? [] : [row.rowNumber])));
  const keyOfRejected = new Map<number, string | undefined>();
  for await (const row of streamUploadedRows(input.csvPath, input.erpRows, mapping)) {
    if (rejectedRows.has(row.rowNumber)) keyOfRejected.set(row.rowNumber, row.key);
  }
  let unplaced = 0;
  await recordRejectedRows(deps.db, runId, mapping.sync, logRows.map((row) => {
    const key = row.rowNumber === undefined ? undefined : keyOfRejected.get(row.rowNumber);
    if (key === undefined) unplaced += 1;
    return { source: 'kibo' as const, file: mapping.resource.fileName, rowNumber: row.rowNumber, key: key ?? (row.key || undefined), field: row.field || undefined, reason: row.message || 'rejected by Kibo' };
  }));
  const notes: string[] = [];
  if (!input.advanceKeyState) return { rejectedByKibo: logRows.length, deleted: 0, notes };
  const now = new Date(deps.clock.now());
  if (unplaced > 0) {
    // A rejection we cannot tie to a row could be any row: claim none of them rather than the wrong one.
    notes.push(`${unplaced} Kibo log row(s) name no row of the upload; key state not advanced`);
  } else {
    await upsertKeyStates(deps.db, mapping.sync, acceptedRows(input, rejectedRows), { runId, sentAt: now, confirmedAt: now, owned: true });
  }
  // A completed job is no proof that Kibo deleted every omitted row: the keys stay owned (so a run that
  // still finds them deletes them again) until an export without them confirms it (confirmSentDeletes).
  const deleteKeys = await input.deleteKeys();
  if (deleteKeys.length > 0) await markDeletesSent(deps.db, mapping.sync, deleteKeys, { runId, sentAt: now });
  return { rejectedByKibo: logRows.length, deleted: deleteKeys.length, notes };
}

async function* acceptedRows(input: UploadOutcomeInput, rejectedRows: ReadonlySet<number>): AsyncGenerator<KeyHash> {
  for await (const row of streamUploadedRows(input.csvPath, input.erpRows, input.mapping)) {
    if (row.key !== undefined && !row.carried && !rejectedRows.has(row.rowNumber)) yield { key: row.key, hash: row.hash };
  }
}
