// Every run keeps its evidence on disk: the export it diffed against, the CSV and zip it uploaded,
// its plan and Kibo's log. Paths are stable and sortable: DATA_DIR/runs/<sync>/<run id>/.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files a run writes only while it diffs, and deletes after: the Kibo rows' hashes and keys (~150 MB per
 * million rows), and the deferred ERP rows' COPY text. A process killed mid-diff leaves them behind.
 */
export const KIBO_ROWS_SPILL = 'kibo-rows.bin';
export const ERP_ROWS_SPILL = 'erp-rows.copy';
const SPILL_FILES = [KIBO_ROWS_SPILL, ERP_ROWS_SPILL] as const;

export interface RunDirectory {
  readonly path: string;
  /** Absolute path of a file in this run's directory. */
  file(name: string): string;
  writeJson(name: string, value: unknown): Promise<string>;
  writeBytes(name: string, bytes: Buffer | string): Promise<string>;
}

/** DATA_DIR/runs/<sync>: the sync's run directories, and nothing else. */
export function resolveSyncRunsRoot(dataDir: string, sync: string): string {
  return path.resolve(dataDir, 'runs', sync);
}

/** DATA_DIR/runs/<sync>/<run id>, the id zero-padded so directories sort by run. */
export function resolveRunDirectory(dataDir: string, sync: string, runId: number): string {
  return path.join(resolveSyncRunsRoot(dataDir, sync), String(runId).padStart(8, '0'));
}

export async function createRunDirectory(dataDir: string, sync: string, runId: number): Promise<RunDirectory> {
  const directory = resolveRunDirectory(dataDir, sync, runId);
  await mkdir(directory, { recursive: true });
  const file = (name: string): string => path.join(directory, name);
  return {
    path: directory,
    file,
    writeJson: async (name, value) => {
      await writeFile(file(name), `${JSON.stringify(value, null, 2)}\n`);
      return file(name);
    },
    writeBytes: async (name, bytes) => {
      await writeFile(file(name), bytes);
      return file(name);
    },
  };
}

/**
 * Every run sweeps the ones before it, so a spill file can only be in the last few directories (the killed
 * run's, or a few if sweeps failed); a sync that runs every 15 minutes has ~35,000 directories a year.
 */
const SWEPT_RUN_DIRECTORIES = 20;

/**
 * Deletes the spill files left in the sync's latest other run directories, and returns their paths and
 * bytes. Call it holding the sync's lock: then no other run of the sync is diffing, so any spill file there
 * is an orphan of a process that was killed mid-diff. Other syncs' directories are never touched.
 */
export async function removeOrphanedSpillFiles(dataDir: string, sync: string, currentRunId: number): Promise<{ paths: string[]; bytes: number }> {
  const syncDirectory = resolveSyncRunsRoot(dataDir, sync);
  const earlier = (await readdir(syncDirectory))
    .filter((name) => /^\d+$/.test(name) && Number(name) < currentRunId)
    .sort((a, b) => Number(a) - Number(b))
    .slice(-SWEPT_RUN_DIRECTORIES);
  const removed = { paths: [] as string[], bytes: 0 };
  for (const runName of earlier) {
    for (const name of SPILL_FILES) {
      const filePath = path.join(syncDirectory, runName, name);
      const size = await stat(filePath).then((found) => found.size, () => undefined);
      if (size === undefined) continue;
      await rm(filePath, { force: true });
      removed.paths.push(filePath);
      removed.bytes += size;
    }
  }
  return removed;
}

/**
 * Deletes one run's directory and returns the bytes its files held. Refuses any path that is not a run
 * directory right under `runsRoot` (a number-named directory): a recorded path must never lead the engine
 * to delete anything else.
 */
export async function removeRunDirectory(runsRoot: string, directory: string): Promise<number> {
  const resolved = path.resolve(directory);
  if (path.dirname(resolved) !== path.resolve(runsRoot) || !/^\d+$/.test(path.basename(resolved))) {
    throw new Error(`refusing to remove ${directory}: not a run directory under ${runsRoot}`);
  }
  const bytes = await sumFileBytes(resolved);
  await rm(resolved, { recursive: true, force: true });
  return bytes;
}

async function sumFileBytes(directory: string): Promise<number> {
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []; // already gone: nothing to count, nothing to remove
    throw error;
  });
  let bytes = 0;
  for (const entry of entries) {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) bytes += await sumFileBytes(entryPath);
    else if (entry.isFile()) bytes += (await stat(entryPath)).size;
  }
  return bytes;
}
