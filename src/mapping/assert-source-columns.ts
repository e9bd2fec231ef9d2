// After the engine asks Postgres which columns the source query returns: every mapped column must be
// among them (exactly, as Postgres spells it: unquoted identifiers come back lowercase).
import { findClosestName } from './closest-name.ts';
import { buildProblem } from './mapping-problems.ts';
import type { MappingProblem, SyncMapping } from './mapping-types.ts';

export function assertSourceColumns(mapping: SyncMapping, columns: readonly string[]): MappingProblem[] {
  const counts = new Map<string, number>();
  for (const column of columns) counts.set(column, (counts.get(column) ?? 0) + 1);
  const problems: MappingProblem[] = [];
  for (const field of mapping.fields) {
    if (field.column === undefined) continue;
    const path = mapping.lines[`${field.path}.column`] === undefined ? field.path : `${field.path}.column`;
    const line = mapping.lines[path] ?? mapping.lines[field.path];
    const count = counts.get(field.column) ?? 0;
    if (count === 1) continue;
    if (count > 1) {
      problems.push(buildProblem(mapping.file, path, `the source returns column ${field.column} ${count} times, so ${field.name} is ambiguous`,
        'give the columns distinct names in the query (`select a.x as a_x, b.x as b_x …`)', line));
      continue;
    }
    const closest = findClosestName(field.column, columns);
    problems.push(buildProblem(mapping.file, path, `${field.name} reads column ${field.column}, which the source does not return (it returns ${columns.join(', ') || 'no columns'})`,
      closest === undefined ? `add ${field.column} to the query's select list, or map another column` : `did you mean \`${closest}\`?`, line));
  }
  return problems;
}
