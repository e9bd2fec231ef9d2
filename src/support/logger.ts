// One logger factory; everything else receives a Logger. Secrets are redacted twice: known fields by
// path (structured, before serialising), then every finished line by value and by pattern, so a secret
// inside a message, an error's message, stack or cause, or a header of any spelling never gets out.
import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { redactSecrets, type RedactText } from './redact-secrets.ts';

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
  /** Masks secrets in each finished line; defaults to the patterns alone (createSecretRedactor adds known values). */
  redact?: RedactText;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: options.base ?? {},
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const destination = (options.destination ?? process.stderr) as DestinationStream;
  const redact = options.redact ?? redactSecrets;
  if (options.pretty) {
    const pretty = PinoPretty({ destination, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,sync,runId,stage,durationMs', singleLine: true, sync: true });
    return pino(pinoOptions, redactLines(pretty, redact));
  }
  return pino(pinoOptions, redactLines(destination, redact));
}

/** Each JSON line pino writes, masked before it reaches the stream (or the pretty printer). */
function redactLines(target: DestinationStream, redact: RedactText): DestinationStream {
  const flushable = target as DestinationStream & { flush?: (callback: (error?: Error) => void) => void; flushSync?: () => void };
  return Object.assign(
    { write: (line: string) => target.write(redact(line)) },
    // logger.flush() reaches the real stream (a pino.destination or the pretty printer) through us
    flushable.flush ? { flush: (callback: (error?: Error) => void) => flushable.flush!(callback) } : {},
    flushable.flushSync ? { flushSync: () => flushable.flushSync!() } : {},
  );
}

/** A logger that drops everything: for tests that do not look at logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Whether a person is reading this stream (JSON lines stay the default for pipes and containers). */
export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as NodeJS.WriteStream).isTTY === true;
}
