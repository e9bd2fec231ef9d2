// Reads the mapping directory: every *.yaml / *.yml file is parsed, then the set is validated as a
// whole, so one run reports every problem in every file.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { MappingProblem, SyncMapping } from '../mapping/mapping-types.ts';
import { parseMapping } from '../mapping/parse-mapping.ts';
import { validateMappingSet } from '../mapping/validate-mapping-set.ts';

const MAPPING_FILE_PATTERN = /\.ya?ml$/i;

export async function loadMappingFiles(dir: string): Promise<{ mappings: readonly SyncMapping[]; problems: MappingProblem[] }> {
  const listed = await listMappingFiles(dir);
  if (!Array.isArray(listed)) return { mappings: [], problems: [listed] };
  const mappings: SyncMapping[] = [];
  const problems: MappingProblem[] = [];
  const unparsedSyncNames: string[] = [];
  for (const name of listed) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      problems.push({ file, path: '', message: `cannot read the file: ${(error as Error).message}`, fix: 'check its permissions' });
      continue;
    }
    const result = parseMapping(text, file);
    problems.push(...result.problems);
    if (result.mapping !== undefined) mappings.push(result.mapping);
    else unparsedSyncNames.push(...readSyncName(text));
  }
  problems.push(...validateMappingSet(mappings, { knownSyncNames: unparsedSyncNames }));
  return { mappings: Object.freeze(mappings), problems };
}

async function listMappingFiles(dir: string): Promise<string[] | MappingProblem> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${(error as Error).message})`;
    return { file: dir, path: '', message: `the mapping directory ${reason}`, fix: 'set MAPPINGS_DIR to the directory that holds the *.yaml mapping files' };
  }
  const names = entries.filter((entry) => entry.isFile() && MAPPING_FILE_PATTERN.test(entry.name)).map((entry) => entry.name).sort();
  if (names.length > 0) return names;
  return { file: dir, path: '', message: 'the mapping directory holds no *.yaml or *.yml files', fix: 'add one mapping file per sync (see mappings/products.yaml), or point MAPPINGS_DIR elsewhere' };
}

/** A file that failed to parse may still name its sync; others' `after:` should not call it missing. */
function readSyncName(text: string): string[] {
  try {
    const sync: unknown = parseDocument(text).get('sync');
    return typeof sync === 'string' ? [sync] : [];
  } catch {
    // Unreadable YAML names no sync; its own problems are already reported.
    return [];
  }
}
