// The `emulator` command run in-process through commander (src/main.ts wires it; the SDK suite in
// test/integration/emulator/ runs it as a subprocess through bin/kibo-sync.js).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerEmulatorCommand } from '../../../src/cli/emulator-command.ts';
import type { CliContext, ExitCode } from '../../../src/cli/cli-context.ts';
import { ConfigurationError } from '../../../src/support/errors.ts';
import { OAUTH_PATH, waitFor } from './emulator-http-helpers.ts';

interface CommandRun {
  readonly done: Promise<void>;
  readonly stop: () => void;
  readonly stdout: () => string;
  readonly exitCode: () => ExitCode | undefined;
}

function runEmulatorCommand(args: readonly string[]): CommandRun {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let written = '';
  stdout.on('data', (chunk: Buffer) => {
    written += chunk.toString('utf8');
  });
  stderr.resume();
  const shutdown = new AbortController();
  let exitCode: ExitCode | undefined;
  const context: CliContext = {
    stdout,
    stderr,
    setExitCode: (code) => {
      exitCode = code;
    },
    shutdownSignal: shutdown.signal,
  };
  const program = new Command('kibo-sync').exitOverride();
  registerEmulatorCommand(program, context);
  const done = program.parseAsync(['node', 'kibo-sync', 'emulator', ...args]).then(() => undefined);
  return { done, stop: () => shutdown.abort(new Error('test stop')), stdout: () => written, exitCode: () => exitCode };
}

describe('kibo-sync emulator command', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'kibo-emulator-cli-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('prints exactly one listening line, serves until shutdown, saves state and exits 0', async () => {
    const stateFile = join(directory, 'state.json');
    const run = runEmulatorCommand([
      '--port', '0', '--tenant', '424242', '--client-id', 'Cli.Test.1.0.0.Release', '--shared-secret', 's3cret',
      '--state', stateFile, '--job-step-ms', '10', '--token-ttl', '120',
    ]);
    await waitFor(() => run.stdout().includes('\n'), 10_000);
    expect(run.stdout()).toMatch(/^kibo emulator listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const url = run.stdout().trim().split(' ').at(-1)!;

    const oauth = await fetch(`${url}${OAUTH_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'Cli.Test.1.0.0.Release', client_secret: 's3cret', grant_type: 'client_credentials' }),
    });
    const ticket = (await oauth.json()) as { access_token: string; expires_in: number };
    expect(ticket.expires_in).toBe(120);
    const tenant = await fetch(`${url}/api/platform/tenants/424242`, { headers: { authorization: `Bearer ${ticket.access_token}` } });
    expect(tenant.status).toBe(200);

    expect(run.exitCode()).toBeUndefined();
    run.stop();
    await run.done;
    expect(run.exitCode()).toBe(0);
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toMatchObject({ version: 1, tenantId: 424242 });
    await expect(fetch(`${url}/_emulator/health`)).rejects.toThrow();
  });

  it('turns fault flags into faults', async () => {
    const run = runEmulatorCommand(['--port', '0', '--rate-limit-every', '1']);
    await waitFor(() => run.stdout().includes('\n'), 10_000);
    const url = run.stdout().trim().split(' ').at(-1)!;
    try {
      const faults = (await (await fetch(`${url}/_emulator/faults`)).json()) as { rateLimitEveryN: number };
      expect(faults.rateLimitEveryN).toBe(1);
      expect((await fetch(`${url}/api/platform/data/import`)).status).toBe(429);
    } finally {
      run.stop();
      await run.done;
    }
  });

  it.each([
    [['--port', 'abc'], '--port'],
    [['--port', '70000'], '--port'],
    [[], '--port'],
    [['--port', '0', '--client-id', 'only-the-id'], '--shared-secret'],
    [['--port', '0', '--tenant', '0'], '--tenant'],
    [['--port', '0', '--job-step-ms', '-5'], '--job-step-ms'],
    [['--port', '0', '--server-error-every', 'x'], '--server-error-every'],
  ])('refuses bad flags %j with a ConfigurationError naming %s', async (args, flag) => {
    const run = runEmulatorCommand(args);
    const failure = await run.done.then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as Error).message).toContain(flag);
    expect(run.stdout()).toBe('');
  });
});
