// Wires the CLI: builds the program, registers one command per file in cli/, maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { registerDaemonCommand } from './cli/daemon-command.ts';
import { registerDemoCommand } from './cli/demo-command.ts';
import { registerEmulatorCommand } from './cli/emulator-command.ts';
import { registerMigrateCommand } from './cli/migrate-command.ts';
import { registerReportCommand } from './cli/report-command.ts';
import { registerRunCommand } from './cli/run-command.ts';
import { registerStatusCommand } from './cli/status-command.ts';
import { registerValidateCommand } from './cli/validate-command.ts';
import { EXIT_CODES, type CliContext, type CommandRegistrar, type ExitCode } from './cli/cli-context.ts';
import { ConfigurationError, describeError } from './support/errors.ts';
import { redactSecrets } from './support/redact-secrets.ts';

const COMMANDS: readonly CommandRegistrar[] = [
  registerRunCommand,
  registerDaemonCommand,
  registerValidateCommand,
  registerStatusCommand,
  registerMigrateCommand,
  registerReportCommand,
  registerEmulatorCommand,
  registerDemoCommand,
];

export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: ExitCode = EXIT_CODES.ok;
  const shutdown = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shutdown.signal.aborted) process.exit(130); // second signal: leave at once
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
  const program = new Command('kibo-sync')
    .description('Keeps a Kibo Commerce tenant in step with an ERP Postgres database')
    .exitOverride()
    .showHelpAfterError();
  for (const register of COMMANDS) register(program, context);
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.configuration;
    }
    // Settings may not have loaded this far, so only patterns (URL passwords, tokens, client secrets) are masked.
    if (error instanceof ConfigurationError) {
      context.stderr.write(`${redactSecrets(error.message)}\n`);
      return EXIT_CODES.configuration;
    }
    context.stderr.write(`kibo-sync: ${redactSecrets(describeError(error))}\n`);
    return EXIT_CODES.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
