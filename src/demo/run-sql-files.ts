// Loads SQL scripts (the sample ERP's schema.sql, data.sql, changes.sql) into a database, each file as one
// multi-statement simple query, so a failing statement is reported with its file and line.
import { readFile } from 'node:fs/promises';
import pg from 'pg';

/** Runs each file in order on one connection; stops at the first failing file. */
export async function runSqlFiles(connectionString: string, files: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString, application_name: 'kibo-sync demo loader' });
  await client.connect();
  try {
    for (const file of files) await runSqlFile(client, file);
  } finally {
    await client.end();
  }
}

async function runSqlFile(client: pg.Client, file: string): Promise<void> {
  const sql = await readFile(file, 'utf8');
  try {
    await client.query(sql);
  } catch (error) {
    const line = lineOfPosition(sql, (error as { position?: string }).position);
    throw new Error(
      `${file}${line === undefined ? '' : `:${line}`}: ${error instanceof Error ? error.message : String(error)}. ` +
        'Fix the statement there and load the files again into a fresh database.',
      { cause: error },
    );
  }
}

/** Postgres reports a failing statement's position as a 1-based character offset into the query text. */
function lineOfPosition(sql: string, position: string | undefined): number | undefined {
  const offset = Number(position);
  if (!Number.isInteger(offset) || offset < 1) return undefined;
  return [...sql].slice(0, offset - 1).filter((char) => char === '\n').length + 1;
}
