// `kibo-sync emulator`: runs the Kibo Import/Export emulator until the process is asked to stop.
import type { Command } from 'commander';
import { EXIT_CODES, type CliContext } from './cli-context.ts';
import { parseLogLevel } from '../config/load-settings.ts';
import { ConfigurationError } from '../support/errors.ts';
import { createLogger } from '../support/logger.ts';
import { createSecretRedactor } from '../support/redact-secrets.ts';
import { parseWholeNumber } from './parse-whole-number.ts';
import { startEmulator, type EmulatorOptions } from '../kibo/emulator/kibo-emulator.ts';

interface EmulatorCommandFlags {
  port?: string;
  host?: string;
  tenant?: string;
  clientId?: string;
  sharedSecret?: string;
  seed?: string[];
  state?: string;
  tokenTtl?: string;
  jobStepMs?: string;
  exportFilesDelayMs?: string;
  rateLimitEvery?: string;
  serverErrorEvery?: string;
  logLevel?: string;
}

export function registerEmulatorCommand(program: Command, context: CliContext): void {
  program
    .command('emulator')
    .description('Run a local Kibo Import/Export emulator (binds to 127.0.0.1; admin routes under /_emulator need no auth)')
    .option('--port <n>', 'port to listen on (0 = any free port)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--tenant <id>', 'tenant id')
    .option('--client-id <id>', 'OAuth client id the emulator accepts')
    .option('--shared-secret <secret>', 'OAuth shared secret the emulator accepts')
    .option('--seed <zip...>', 'Kibo-format zips imported at start (only when no state was restored)')
    .option('--state <file>', 'JSON file that keeps data, files and jobs across restarts')
    .option('--token-ttl <seconds>', 'access token lifetime')
    .option('--job-step-ms <ms>', 'time a job spends pending, then processing')
    .option('--export-files-delay-ms <ms>', 'how long an export job stays complete without files')
    .option('--rate-limit-every <n>', 'answer every Nth /api call with 429 (0 = never)')
    .option('--server-error-every <n>', 'answer every Nth /api call with 503 (0 = never)')
    .option('--log-level <level>', 'log level of the JSON logs on stderr', 'info')
    .action(async (flags: EmulatorCommandFlags) => {
      const options = parseEmulatorFlags(flags);
      const logger = createLogger({
        destination: context.stderr,
        level: parseLogLevel(flags.logLevel ?? 'info', '--log-level'),
        redact: createSecretRedactor([flags.sharedSecret]),
      });
      const emulator = await startEmulator({ ...options, logger });
      context.stdout.write(`kibo emulator listening on ${emulator.url}\n`);
      await waitForAbort(context.shutdownSignal);
      await emulator.close();
      context.setExitCode(EXIT_CODES.ok);
    });
}

/** Turns the command's flags into startEmulator options; a bad or missing flag is a ConfigurationError. */
export function parseEmulatorFlags(flags: EmulatorCommandFlags): EmulatorOptions {
  if (flags.port === undefined) {
    throw new ConfigurationError('The emulator needs --port <n> (0 picks any free port and prints it)');
  }
  if ((flags.clientId === undefined) !== (flags.sharedSecret === undefined)) {
    throw new ConfigurationError('Give --client-id and --shared-secret together (or neither, for the emulator defaults)');
  }
  const rateLimitEveryN = parseInteger(flags.rateLimitEvery, '--rate-limit-every', 0);
  const serverErrorEveryN = parseInteger(flags.serverErrorEvery, '--server-error-every', 0);
  const options: EmulatorOptions = {
    port: parseInteger(flags.port, '--port', 0, 65_535) ?? 0,
    host: flags.host ?? '127.0.0.1',
    ...optional('tenantId', parseInteger(flags.tenant, '--tenant', 1)),
    ...optional('clientId', flags.clientId),
    ...optional('sharedSecret', flags.sharedSecret),
    ...optional('seedZips', flags.seed),
    ...optional('stateFile', flags.state),
    ...optional('tokenTtlSeconds', parseInteger(flags.tokenTtl, '--token-ttl', 1)),
    ...optional('jobStepMs', parseInteger(flags.jobStepMs, '--job-step-ms', 0)),
    ...optional('exportFilesDelayMs', parseInteger(flags.exportFilesDelayMs, '--export-files-delay-ms', 0)),
  };
  const faults = {
    ...optional('rateLimitEveryN', rateLimitEveryN),
    ...optional('serverErrorEveryN', serverErrorEveryN),
  };
  return Object.keys(faults).length > 0 ? { ...options, faults } : options;
}

function parseInteger(value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  return value === undefined ? undefined : parseWholeNumber(value, flag, min, max);
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, V>>);
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
