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

/** Installs a missing command's Debian package with apt-get (the bench's machines run it as root). */
function ensureInstalled(command: string, aptPackage: string, log: (message: string) => void): void {
  if (hasCommand(command)) return;
  log(`${command} is missing: installing ${aptPackage} with apt-get`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', aptPackage], { stdio: 'inherit' });
  if (!hasCommand(command)) {
    throw new Error(`${command} could not be installed; install it (apt-get install ${aptPackage}) and run the bench again`);
  }
}

/** unzip and psql measure the floor; both are installed when missing. */
export function ensureFloorToolsInstalled(log: (message: string) => void): void {
  ensureInstalled('unzip', 'unzip', log);
  ensureInstalled('psql', 'postgresql-client', log);
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
