// One logger factory; everything else receives a Logger. Secrets are redacted by path and by value.
import { pino, type Logger as PinoLogger, type LoggerOptions } from 'pino';

export type Logger = PinoLogger;

export const REDACTED_LOG_PATHS: readonly string[] = [
  'sharedSecret',
  'clientSecret',
  'client_secret',
  'accessToken',
  'access_token',
  'refresh_token',
  'password',
  'authorization',
  '*.sharedSecret',
  '*.clientSecret',
  '*.client_secret',
  '*.accessToken',
  '*.access_token',
  '*.refresh_token',
  '*.password',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
];

export interface CreateLoggerOptions {
  level?: string;
  /** Where JSON lines go; defaults to stderr so stdout stays free for `--json` output. */
  destination?: NodeJS.WritableStream;
  base?: Record<string, unknown>;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: options.base ?? {},
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(pinoOptions, (options.destination ?? process.stderr) as pino.DestinationStream);
}

/** A logger that drops everything: for tests that do not look at logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
