// Start-up, restarts from a data directory, ports, and shutdown of the embedded Postgres: close() must leave
// nothing behind that keeps node alive. Prints the measured start-up time and memory (not asserted tightly).
// No server at 127.0.0.1:5432 is used here.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../../src/demo/embedded-postgres.ts';

const MB = 1024 * 1024;
const EXIT_AFTER_CLOSE_MAX_MS = 3_000;

async function queryOnce<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('embedded Postgres lifecycle', () => {
  it('starts in memory and answers its first query (median of 3 starts printed)', async () => {
    const rssBefore = process.memoryUsage().rss;
    const startMs: number[] = [];
    const rssMb: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const server = await startEmbeddedPostgres();
      expect(await queryOnce(server.url, 'select 1 as one')).toEqual([{ one: 1 }]);
      startMs.push(performance.now() - started);
      rssMb.push(process.memoryUsage().rss / MB);
      await server.close();
    }
    console.log(
      `embedded Postgres start-up to first answer: median ${median(startMs).toFixed(0)} ms ` +
        `(runs: ${startMs.map((ms) => ms.toFixed(0)).join(', ')}); process RSS before ${(rssBefore / MB).toFixed(0)} MB, ` +
        `with one server up ${rssMb.map((mb) => mb.toFixed(0)).join(', ')} MB`,
    );
    expect(median(startMs)).toBeLessThan(30_000);
  });

  it('keeps its data in a data directory across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kibo-embedded-pg-'));
    try {
      const first = await startEmbeddedPostgres({ dataDir });
      await queryOnce(first.url, "create table kept (v text); insert into kept values ('survives a restart')");
      await first.close();
      const reopened = performance.now();
      const second = await startEmbeddedPostgres({ dataDir });
      const reopenMs = performance.now() - reopened;
      expect(await queryOnce(second.url, 'select v from kept')).toEqual([{ v: 'survives a restart' }]);
      await second.close();
      console.log(`embedded Postgres reopen of an existing data directory: ${reopenMs.toFixed(0)} ms`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('listens on the port it is given and explains a port already in use', async () => {
    const port = await freePort();
    const server = await startEmbeddedPostgres({ port });
    try {
      expect(server.url).toBe(`postgres://postgres@127.0.0.1:${port}/postgres`);
      await expect(startEmbeddedPostgres({ port })).rejects.toThrow(
        new RegExp(`could not listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*Choose another port`),
      );
    } finally {
      await server.close();
    }
  });

  it('closes with clients connected (one inside a transaction), only once, and then refuses connections', async () => {
    const server = await startEmbeddedPostgres();
    const client = new pg.Client({ connectionString: server.url });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    await client.query('begin');
    await client.query('select 1');
    const ended = new Promise((resolve) => client.once('end', resolve));
    await Promise.all([server.close(), server.close()]);
    await ended;
    // the server's own session reset (a rollback) must not reach the client as a stray reply
    expect(errors.map((error) => error.message)).toEqual(['Connection terminated unexpectedly']);
    await expect(queryOnce(server.url, 'select 1')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('lets a process that started, used and closed it exit by itself', async () => {
    const child = fileURLToPath(new URL('./fixtures/embedded-postgres-child.ts', import.meta.url));
    const run = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    run.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => {
      const killer = setTimeout(() => run.kill('SIGKILL'), 45_000);
      run.on('exit', (code) => {
        clearTimeout(killer);
        resolve(code);
      });
    });
    const exitedAt = Date.now();
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { at: number; rows: number; sum: number };
    expect(report).toMatchObject({ event: 'closed', rows: 25, sum: 55, locked: true });
    console.log(`child process exited ${exitedAt - report.at} ms after close() resolved`);
    expect(exitedAt - report.at).toBeLessThan(EXIT_AFTER_CLOSE_MAX_MS);
  });
});
