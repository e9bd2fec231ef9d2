// Mapping files are validated once, all problems reported together (exit 2), then frozen.
import { loadMappingFiles } from '../config/load-mapping-files.ts';
import { formatMappingProblems, type SyncMapping } from '../mapping/index.ts';
import { ConfigurationError } from '../support/errors.ts';

export async function loadMappingsOrFail(dir: string): Promise<readonly SyncMapping[]> {
  const { mappings, problems } = await loadMappingFiles(dir);
  if (problems.length > 0) {
    throw new ConfigurationError(`mapping files in ${dir} have ${problems.length} problem(s):\n${formatMappingProblems(problems)}`);
  }
  return mappings;
}

/** The named syncs (all when none are named); an unknown name is a configuration error. */
export function selectMappings(mappings: readonly SyncMapping[], names: readonly string[]): SyncMapping[] {
  if (names.length === 0) return [...mappings];
  const known = new Map(mappings.map((mapping) => [mapping.sync, mapping]));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ConfigurationError(`unknown sync ${unknown.map((name) => `"${name}"`).join(', ')}; known syncs: ${[...known.keys()].join(', ')}`);
  }
  return names.map((name) => known.get(name)!);
}
