// Every number or choice option of every command, given a bad value, is a usage error: exit 2 and a message
// naming the option, never a crash (exit 1) or a silent default. The CLI runs as a subprocess, with no
// database or Kibo settings, so each case must fail on the option before connecting to anything.
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/cli-context.ts';
import { runCliProcess } from '../../helpers/sync-harness.ts';

interface UsageCase {
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** What stderr must say. */
  readonly says: RegExp;
}

const CASES: readonly UsageCase[] = [
  { args: ['demo', '--log-level', 'bogus'], says: /LOG_LEVEL is invalid: must be one of trace, debug, info, warn, error, fatal, silent/ },
  { args: ['demo'], env: { LOG_LEVEL: 'loud' }, says: /LOG_LEVEL is invalid/ },
  { args: ['emulator', '--port', '0', '--log-level', 'bogus'], says: /--log-level must be one of trace, debug/ },
  { args: ['emulator', '--port', 'abc'], says: /--port must be a whole number from 0 to 65535, got "abc"/ },
  { args: ['emulator', '--port', '0', '--job-step-ms', '-5'], says: /--job-step-ms must be a whole number/ },
  { args: ['status', '--limit', 'abc'], says: /--limit must be a whole number from 1 to 1000, got "abc"/ },
  { args: ['status', '--limit', '0'], says: /--limit must be a whole number from 1 to 1000, got "0"/ },
  { args: ['status', '--limit', '10abc'], says: /--limit must be a whole number/ },
  { args: ['status', '--log-level', 'bogus'], says: /LOG_LEVEL is invalid/ },
  { args: ['report', '--limit', '1e3'], says: /--limit must be a whole number from 1 to 1000, got "1e3"/ },
  { args: ['run', '--kibo-tenant-id', '12x'], says: /KIBO_TENANT_ID is invalid: must be a whole number/ },
  { args: ['daemon', '--port', '70000'], says: /PORT is invalid/ },
  { args: ['validate', '--offline', '--port', 'http'], says: /PORT is invalid/ },
  { args: ['migrate', '--all'], says: /--all only goes with --down/ },
];

describe('usage errors exit 2', () => {
  it.each(CASES.map((usage) => [usage.args.join(' ') + (usage.env ? ` (${Object.entries(usage.env).map(([k, v]) => `${k}=${v}`).join(' ')})` : ''), usage] as const))(
    'kibo-sync %s',
    async (_name, usage) => {
      const result = await runCliProcess(usage.args, usage.env ?? {});
      expect(result.stderr).toMatch(usage.says);
      expect(result.code, result.stderr).toBe(EXIT_CODES.configuration);
    },
  );
});
