// `kibo-sync daemon` as a real child process (bin/kibo-sync.js): started with a harness's environment,
// its JSON log lines collected from stderr, stopped by a real signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/sync-harness.ts';

const ENTRY_ARGS = [path.join(REPO_ROOT, 'bin', 'kibo-sync.js')];

export interface DaemonLogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface DaemonProcess {
  readonly child: ChildProcess;
  /** Every JSON log line so far (stderr). */
  readonly logs: DaemonLogLine[];
  /** stderr text that was not a JSON line (usage errors, crashes). */
  readonly otherOutput: () => string;
  /** Resolves with the exit code (null when killed by a signal) and how long after the call it came. */
  waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
  waitForLog(predicate: (line: DaemonLogLine) => boolean, timeoutMs: number): Promise<DaemonLogLine>;
  /** SIGKILLs the process if it is still there (test cleanup). */
  killHard(): void;
}

export function startDaemonProcess(env: Readonly<Record<string, string>>, args: readonly string[] = []): DaemonProcess {
  // The tests read the daemon's info lines (resume report, cycles), whatever level the harness prefers.
  const childEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), PORT: '0', ...env, LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, [...ENTRY_ARGS, 'daemon', ...args], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: DaemonLogLine[] = [];
  let other = '';
  let partial = '';
  const waiters = new Set<() => void>();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as DaemonLogLine);
      } catch {
        other += `${line}\n`; // not a log line: kept for the failure message
      }
    }
    for (const wake of waiters) wake();
  });
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    logs,
    otherOutput: () => other,
    waitForExit: async (timeoutMs) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`daemon did not exit within ${timeoutMs} ms; last logs:\n${formatTail(logs)}\n${other}`)), timeoutMs);
      });
      try {
        const result = await Promise.race([exited, timeout]);
        return { ...result, afterMs: Date.now() - started };
      } finally {
        clearTimeout(timer);
      }
    },
    waitForLog: (predicate, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = logs.find(predicate);
          if (!found) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching daemon log line within ${timeoutMs} ms; last logs:\n${formatTail(logs)}\n${other}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = (): void => void check();
        waiters.add(wake);
        check();
      }),
    killHard: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

function formatTail(logs: readonly DaemonLogLine[]): string {
  return logs.slice(-15).map((line) => JSON.stringify(line).slice(0, 400)).join('\n');
}

/** Copies shipped mapping files into `dir` with their schedule replaced (6-field cron = seconds). */
export async function writeScheduledMappings(dir: string, sourceDir: string, schedules: Readonly<Record<string, string | null>>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [file, schedule] of Object.entries(schedules)) {
    const text = await readFile(path.join(sourceDir, file), 'utf8');
    const withoutSchedule = text.replace(/^schedule: .*\n/m, '');
    const body = schedule === null ? withoutSchedule : withoutSchedule.replace(/^(sync: .*\n)/m, `$1schedule: "${schedule}"\n`);
    await writeFile(path.join(dir, file), body);
  }
  return dir;
}

/** Polls `probe` until it returns a value (not undefined) or the time is up. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > giveUpAt) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
