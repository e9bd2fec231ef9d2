// Collecting and printing mapping problems: every problem names the file, the path inside it, the
// line when known, what is wrong and how to fix it.
import type { MappingProblem } from './mapping-types.ts';
import type { LineLookup } from './yaml-lines.ts';

export type ProblemPath = readonly (string | number)[];

export interface ProblemSink {
  readonly problems: MappingProblem[];
  add(path: ProblemPath, message: string, fix?: string): void;
  lineOf(path: ProblemPath, exact?: boolean): number | undefined;
}

export function createProblemSink(file: string, lineOf: LineLookup): ProblemSink {
  const problems: MappingProblem[] = [];
  return {
    problems,
    lineOf,
    add(path, message, fix) {
      const line = lineOf(path);
      problems.push(buildProblem(file, path.join('.'), message, fix, line));
    },
  };
}

export function buildProblem(file: string, path: string, message: string, fix?: string, line?: number): MappingProblem {
  return {
    file,
    path,
    message,
    ...(line === undefined ? {} : { line }),
    ...(fix === undefined ? {} : { fix }),
  };
}

/** One line per problem: `file:line path: message (fix: …)`, sorted by file and line. */
export function formatMappingProblems(problems: readonly MappingProblem[]): string {
  const sorted = [...problems].sort(
    (left, right) => left.file.localeCompare(right.file) || (left.line ?? 0) - (right.line ?? 0),
  );
  return sorted
    .map((problem) => {
      const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
      const path = problem.path.length > 0 ? ` ${problem.path}` : '';
      const fix = problem.fix === undefined ? '' : ` (fix: ${problem.fix})`;
      return `${where}${path}: ${problem.message}${fix}`;
    })
    .join('\n');
}

/** Renders a value for a message: short, on one line. */
export function quoteForMessage(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
