// A restarted daemon finishes a run from what the run left on disk: the upload manifest, the CSV it sent
// and its plan. The keys and hashes are recomputed exactly as the engine recorded them while writing
// (written-rows.ts: key from the key columns, hash of the cell texts joined by U+001F).
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readKiboCsv } from '../csv/kibo-csv-reader.ts';
import { formatHash64 } from '../diff/hash-64.ts';
import { matchHeader } from '../kibo/resources/resource-registry.ts';
import type { SyncMapping } from '../mapping/index.ts';
import type { RunRecord } from '../state/index.ts';
import { UPLOAD_MANIFEST_FILE, type UploadManifest } from '../sync/import-prepared-runs.ts';
import { createKeyEncoder } from '../sync/sync-keys.ts';

export const RUN_PLAN_FILE = 'plan.json';

export interface UploadedRows {
  /** keys[i], hashes[i], carried[i] belong to data row i (CSV row number i + 2); a key is undefined when blank. */
  readonly keys: (string | undefined)[];
  readonly hashes: string[];
  readonly carried: boolean[];
}

/** The run's directory as recorded, else where createRunDirectory puts it. */
export function resolveRunDataDir(dataDir: string, run: Pick<RunRecord, 'id' | 'sync' | 'dataDir'>): string {
  return run.dataDir ?? path.resolve(dataDir, 'runs', run.sync, String(run.id).padStart(8, '0'));
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
 * Re-reads the uploaded CSV. The mapping gives the key fields and how to normalize them; its columns are
 * found by header (Kibo spellings) so a reordered mapping still reads an older file right.
 */
export async function readUploadedRows(manifest: UploadManifest, mapping: SyncMapping): Promise<UploadedRows> {
  const encodeKey = createKeyEncoder(mapping);
  const rows: UploadedRows = { keys: [], hashes: [], carried: [] };
  let keyColumns: number[] | undefined;
  for await (const record of readKiboCsv(createReadStream(manifest.csvPath), { source: manifest.csvPath })) {
    if (keyColumns === undefined) {
      keyColumns = findKeyColumns(mapping, record.values, manifest.csvPath);
      continue;
    }
    const index = rows.keys.length;
    rows.keys.push(encodeKey(keyColumns.map((column) => record.values[column])));
    rows.hashes.push(formatHash64(record.values.join('\u001f')));
    rows.carried.push(index >= manifest.erpRows);
  }
  if (keyColumns === undefined) throw new Error(`${manifest.csvPath} is empty; an uploaded CSV always has a header`);
  return rows;
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
