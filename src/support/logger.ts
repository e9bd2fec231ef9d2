// One logger factory; everything else receives a Logger. Secrets are redacted by path and by value.
import { pino, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import { PinoPretty } from 'pino-pretty';

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
  /** Human-readable lines instead of JSON (for a person at a terminal); secrets are redacted all the same. */
  pretty?: boolean;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: options.base ?? {},
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const destination = (options.destination ?? process.stderr) as pino.DestinationStream;
  if (options.pretty) {
    return pino(pinoOptions, PinoPretty({ destination, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,sync,runId,stage,durationMs', singleLine: true, sync: true }));
  }
  return pino(pinoOptions, destination);
}

/** A logger that drops everything: for tests that do not look at logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Whether a person is reading this stream (JSON lines stay the default for pipes and containers). */
export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as NodeJS.WriteStream).isTTY === true;
}
