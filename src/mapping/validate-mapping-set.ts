// Rules across mapping files: sync names are unique, `after:` names existing syncs, and the
// `after:` graph has no cycles (the scheduler runs a cycle's syncs in dependency order).
import { findClosestName } from './closest-name.ts';
import { buildProblem } from './mapping-problems.ts';
import type { MappingProblem, SyncMapping } from './mapping-types.ts';

export interface MappingSetOptions {
  /** Syncs whose files exist but did not parse: `after:` naming them is not also reported as missing. */
  readonly knownSyncNames?: readonly string[];
}

export function validateMappingSet(parsed: readonly SyncMapping[], options: MappingSetOptions = {}): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const byName = new Map<string, SyncMapping>();
  for (const mapping of parsed) {
    const first = byName.get(mapping.sync);
    if (first === undefined) {
      byName.set(mapping.sync, mapping);
      continue;
    }
    const where = first.lines['sync'] === undefined ? first.file : `${first.file}:${first.lines['sync']}`;
    problems.push(buildProblem(mapping.file, 'sync', `sync name ${mapping.sync} is already used by ${where}`,
      'give every mapping file its own sync name (it also names the sync\'s lock and state)', mapping.lines['sync']));
  }
  const known = new Set([...byName.keys(), ...(options.knownSyncNames ?? [])]);
  for (const mapping of parsed) problems.push(...checkAfter(mapping, known));
  problems.push(...findCycles([...byName.values()], byName));
  return problems;
}

function checkAfter(mapping: SyncMapping, known: ReadonlySet<string>): MappingProblem[] {
  const problems: MappingProblem[] = [];
  mapping.after.forEach((name, index) => {
    if (known.has(name)) return;
    const closest = findClosestName(name, known);
    problems.push(buildProblem(mapping.file, `after.${index}`, `after names ${name}, but no mapping file defines that sync`,
      closest === undefined ? 'remove it from after, or add a mapping file with that sync name' : `did you mean \`${closest}\`?`,
      mapping.lines[`after.${index}`] ?? mapping.lines['after']));
  });
  return problems;
}

/** Depth-first search; each cycle is reported once, on the first of its syncs met in file order. */
function findCycles(mappings: readonly SyncMapping[], byName: ReadonlyMap<string, SyncMapping>): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    const onStack = stack.indexOf(name);
    if (onStack !== -1) {
      const cycle = [...stack.slice(onStack), name];
      const mapping = byName.get(name);
      if (mapping !== undefined) {
        problems.push(buildProblem(mapping.file, 'after', `dependency cycle: ${cycle.join(' → ')}`,
          'remove one of these `after:` entries so the syncs can run in order', mapping.lines['after']));
      }
      return;
    }
    if (done.has(name)) return;
    const mapping = byName.get(name);
    if (mapping === undefined) return;
    stack.push(name);
    for (const next of mapping.after) visit(next);
    stack.pop();
    done.add(name);
  };
  for (const mapping of mappings) visit(mapping.sync);
  return problems;
}
