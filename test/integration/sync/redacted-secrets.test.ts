// Secrets never reach the state tables or the logs, however a failure quotes them. A real `kibo-sync run`
// (subprocess, debug logs) fails on an ERP query whose Postgres error message quotes canary secrets: the
// Kibo shared secret and the ERP database password (known values: masked by value), a bearer token and
// a client secret nobody configured (masked by their shape). None may appear in stdout, stderr or any
// row of any table of the kibo_sync schema, while the stored error still says what failed.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/cli-context.ts';
import { STATE_SCHEMA, STATE_TABLES } from '../../../src/state/index.ts';
import { CREATE_STAGED_ITEMS_SQL, STAGED_PRODUCTS_MAPPING } from '../../helpers/staged-products.ts';
import { startSyncHarness, type SyncHarness } from '../../helpers/sync-harness.ts';

const DB_PASSWORD = 'canary-db-pw-5150';
const BEARER_TOKEN = 'canary-bearer-77x';
const CLIENT_SECRET = 'canary-client-secret-88';

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ label: 'redacted secrets' });
  await harness.erp(CREATE_STAGED_ITEMS_SQL);
  await harness.erp("insert into erp.staged_items values (1, 'K1', 'One', 1)");
});

afterAll(async () => {
  await harness?.close();
});

/** A mapping whose query fails with a Postgres error that quotes `message` (invalid integer input). */
async function writeLeakingMapping(message: string): Promise<string> {
  const dir = path.join(harness.tempDir, 'leaking-mappings');
  await mkdir(dir, { recursive: true });
  const query = `select sku, title, price from erp.staged_items where position > ('${message}')::int order by position`;
  const mapping = STAGED_PRODUCTS_MAPPING.replace(/ {2}query: .*\n/, `  query: "${query.replace(/"/g, '\\"')}"\n`);
  expect(mapping).toContain('::int');
  await writeFile(path.join(dir, 'staged-products.yaml'), mapping);
  return dir;
}

/** Every row of every table in the state schema, as JSON text. */
async function dumpStateTables(): Promise<string> {
  const tables = (await harness.state('information_schema.tables').where({ table_schema: STATE_SCHEMA }).select('table_name')) as { table_name: string }[];
  expect(tables.length).toBeGreaterThanOrEqual(Object.keys(STATE_TABLES).length);
  const texts: string[] = [];
  for (const { table_name: table } of tables) {
    const rows = (await harness.state.raw(`select to_jsonb(t)::text as row from ${STATE_SCHEMA}."${table}" t`)) as { rows: { row: string }[] };
    texts.push(...rows.rows.map((row) => row.row));
  }
  return texts.join('\n');
}

describe('secrets in a failing run', () => {
  it('reach neither the state tables nor the logs; the stored error still says what failed', async () => {
    const sharedSecret = harness.emulator.sharedSecret;
    const erpUrl = new URL(harness.database.url);
    erpUrl.password = DB_PASSWORD; // the local server trusts the login: the password is carried, never checked
    const canaries = [sharedSecret, DB_PASSWORD, BEARER_TOKEN, CLIENT_SECRET];
    const message = `secret ${sharedSecret} at postgres://kibo:${DB_PASSWORD}@erp/x, Authorization: Bearer ${BEARER_TOKEN}, {"client_secret": "${CLIENT_SECRET}"}`;
    const mappingsDir = await writeLeakingMapping(message);

    const result = await harness.runCli(['run', 'staged-products'], {
      ERP_DATABASE_URL: erpUrl.toString(), MAPPINGS_DIR: mappingsDir, LOG_LEVEL: 'debug',
    });

    expect(result.code, result.stderr).toBe(EXIT_CODES.failed);
    expect(result.stderr).toMatch(/invalid input syntax for type integer/); // the failure is logged…
    const [run] = (await harness.state(STATE_TABLES.runs).where({ sync: 'staged-products' }).select('status', 'error')) as { status: string; error: string }[];
    expect(run?.status).toBe('failed');
    expect(run?.error).toMatch(/invalid input syntax for type integer: "secret \[redacted\] at postgres:\/\/kibo:\[redacted\]@erp/);
    const output = `${result.stdout}\n${result.stderr}`;
    const state = await dumpStateTables();
    for (const canary of canaries) {
      expect(output, `log output leaks ${canary}`).not.toContain(canary);
      expect(state, `state tables leak ${canary}`).not.toContain(canary);
    }
  });
});
