// Every run keeps its evidence on disk: the export it diffed against, the CSV and zip it uploaded,
// its plan and Kibo's log. Paths are stable and sortable: DATA_DIR/runs/<sync>/<run id>/.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface RunDirectory {
  readonly path: string;
  /** Absolute path of a file in this run's directory. */
  file(name: string): string;
  writeJson(name: string, value: unknown): Promise<string>;
  writeBytes(name: string, bytes: Buffer | string): Promise<string>;
}

export async function createRunDirectory(dataDir: string, sync: string, runId: number): Promise<RunDirectory> {
  const directory = path.resolve(dataDir, 'runs', sync, String(runId).padStart(8, '0'));
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
