// What every command receives: where to write, and how to report. Commands never call process.exit;
// they return an exit code (see EXIT_CODES) so they can be tested in-process and as a subprocess.
import type { Command } from 'commander';

export const EXIT_CODES = {
  ok: 0,
  failed: 1,
  configuration: 2,
  blocked: 3,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export interface CliContext {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Set by a command's action: the code the process exits with. */
  setExitCode(code: ExitCode): void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running commands await it. */
  readonly shutdownSignal: AbortSignal;
}

export type CommandRegistrar = (program: Command, context: CliContext) => void;
