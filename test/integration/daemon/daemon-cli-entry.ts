// The daemon command as its own CLI, for the subprocess tests until src/main.ts registers it: the same
// signal handling as main.ts (first SIGTERM/SIGINT aborts the shutdown signal, a second exits at once)
// and the same exit-code mapping. Once main.ts lists registerDaemonCommand the tests use bin/kibo-sync.js.
import { Command, CommanderError } from 'commander';
import { EXIT_CODES, type CliContext, type ExitCode } from '../../../src/cli/cli-context.ts';
import { registerDaemonCommand } from '../../../src/cli/daemon-command.ts';
import { ConfigurationError, describeError } from '../../../src/support/errors.ts';

async function main(argv: readonly string[]): Promise<number> {
  let exitCode: ExitCode = EXIT_CODES.ok;
  const shutdown = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shutdown.signal.aborted) process.exit(130);
    shutdown.abort(new Error(`received ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const context: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    setExitCode: (code) => {
      exitCode = code;
    },
    shutdownSignal: shutdown.signal,
  };
  const program = new Command('kibo-sync').exitOverride();
  registerDaemonCommand(program, context);
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.configuration;
    if (error instanceof ConfigurationError) {
      context.stderr.write(`${error.message}\n`);
      return EXIT_CODES.configuration;
    }
    context.stderr.write(`kibo-sync: ${describeError(error)}\n`);
    return EXIT_CODES.failed;
  }
}

process.exitCode = await main(process.argv);
