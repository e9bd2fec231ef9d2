// Finds one Postgres server for the whole run: TEST_DATABASE_URL, else the local server, else a
// testcontainers Postgres where a Docker engine exists. Without any of them the run fails loudly:
// tests that need a database must never skip silently.
import type { TestProject } from 'vitest/node';
import pg from 'pg';

const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const CONNECT_TIMEOUT_MS = 3_000;

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

async function canConnect(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined); // closing a connection that never opened can throw; nothing to clean
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const problems: string[] = [];
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) {
    const problem = await canConnect(fromEnv);
    if (!problem) return provide(project, fromEnv);
    problems.push(`TEST_DATABASE_URL (${redactUrl(fromEnv)}): ${problem}`);
  }
  const localProblem = await canConnect(LOCAL_DATABASE_URL);
  if (!localProblem) return provide(project, LOCAL_DATABASE_URL);
  problems.push(`local server (${LOCAL_DATABASE_URL}): ${localProblem}`);
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine').start();
    project.provide('adminDatabaseUrl', container.getConnectionUri());
    return async () => {
      await container.stop();
    };
  } catch (error) {
    problems.push(`testcontainers: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  throw new Error(
    `The tests need PostgreSQL and found none:\n  - ${problems.join('\n  - ')}\n` +
      'Set TEST_DATABASE_URL to a server where this user may CREATE DATABASE, start the local server ' +
      '(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), or run where Docker is available.',
  );
}

function provide(project: TestProject, url: string): () => Promise<void> {
  project.provide('adminDatabaseUrl', url);
  return async () => undefined;
}

function redactUrl(url: string): string {
  return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
}
