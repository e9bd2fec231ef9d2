// The machine's floor for the bytes a sync reads: Postgres sending the mapping's query result
// (`psql \copy (query) to /dev/null`) plus inflating Kibo's export (`unzip -p export.zip > /dev/null`).
// No JavaScript involved: what any implementation must at least pay on this machine.
import { execFileSync, spawn } from 'node:child_process';
import { open } from 'node:fs/promises';

export interface FloorTiming {
  readonly erpCopyMs: number;
  readonly unzipMs: number;
  readonly totalMs: number;
}

/** Installs unzip through apt when it is missing (the bench runs as root on its machines). */
export function ensureUnzipInstalled(log: (message: string) => void): void {
  if (hasCommand('unzip')) return;
  log('unzip is missing: installing it with apt-get');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'unzip'], { stdio: 'inherit' });
  if (!hasCommand('unzip')) throw new Error('unzip could not be installed; install it (apt-get install unzip) and run the bench again');
}

export function assertPsqlInstalled(): void {
  if (!hasCommand('psql')) throw new Error('psql is missing: install the Postgres client (apt-get install postgresql-client) to measure the floor');
}

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false; // `command -v` exits non-zero when the command is absent: that is the answer
  }
}

async function timeCommand(command: string, args: readonly string[]): Promise<number> {
  const devNull = await open('/dev/null', 'w');
  try {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', devNull.fd, 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
    });
    return performance.now() - started;
  } finally {
    await devNull.close();
  }
}

/** One measurement of both parts, one after the other (the engine may overlap them; the floor does not). */
export async function measureFloor(erpDatabaseUrl: string, query: string, exportZip: string): Promise<FloorTiming> {
  const oneLineQuery = query.replace(/\s+/g, ' ').trim().replace(/;$/, '');
  const erpCopyMs = await timeCommand('psql', [erpDatabaseUrl, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy (${oneLineQuery}) to /dev/null`]);
  const unzipMs = await timeCommand('unzip', ['-p', exportZip]);
  return { erpCopyMs, unzipMs, totalMs: erpCopyMs + unzipMs };
}
