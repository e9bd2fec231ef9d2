// A line-wise Dockerfile reader for the container checks (no Docker engine here): joins `\` continuations,
// drops comments and parser directives, and splits instructions into build stages.

export interface DockerInstruction {
  readonly keyword: string;
  /** Everything after the keyword, continuations joined with a space. */
  readonly args: string;
  readonly line: number;
}

export interface DockerStage {
  readonly name: string;
  readonly base: string;
  readonly instructions: readonly DockerInstruction[];
}

export function parseDockerfile(text: string): DockerStage[] {
  const stages: { name: string; base: string; instructions: DockerInstruction[] }[] = [];
  for (const instruction of readInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length), base, instructions: [] });
      continue;
    }
    const current = stages.at(-1);
    if (current === undefined) throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before FROM`);
    current.instructions.push(instruction);
  }
  return stages;
}

function readInstructions(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1).trim() : line;
    pending = pending ?? { parts: [], line: index + 1 };
    pending.parts.push(body);
    if (continued) return;
    const joined = pending.parts.join(' ');
    const match = /^(\S+)\s*(.*)$/.exec(joined);
    instructions.push({ keyword: (match?.[1] ?? '').toUpperCase(), args: match?.[2] ?? '', line: pending.line });
    pending = undefined;
  });
  return instructions;
}

/** The JSON (exec) form of CMD, ENTRYPOINT or HEALTHCHECK CMD; throws on the shell form. */
export function parseExecForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new Error(`expected the exec form ["..."], got ${args}`);
  }
  return parsed;
}

/** ENV name=value pairs (both `ENV A=1 B=2` and the legacy `ENV A 1`). */
export function parseEnvNames(args: string): string[] {
  if (!args.includes('=')) return [args.split(/\s+/)[0] ?? ''];
  return [...args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((match) => match[1] ?? '');
}

/** Sources of a COPY (flags and the destination left out). */
export function parseCopy(args: string): { from?: string; sources: string[]; destination: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { ...(from === undefined ? {} : { from }), sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
}
