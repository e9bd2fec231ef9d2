// `npm run demo` must work on a machine with no Postgres server at all: run the CLI as a subprocess
// with every libpq default pointing at a closed port and no ERP_DATABASE_URL.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLOSED_PORT = '1';

describe('kibo-sync demo', () => {
  let dataDir: string | undefined;
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('syncs the sample ERP, then a five-row delta, with no Postgres server reachable', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'kibo-sync-demo-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PGHOST: '127.0.0.1',
      PGPORT: CLOSED_PORT,
      LOG_LEVEL: 'warn',
    };
    const { stdout } = await run(process.execPath, ['bin/kibo-sync.js', 'demo', '--quiet'], { env, timeout: 120_000, maxBuffer: 10 * 1024 * 1024 });
    expect(stdout).toContain('embedded Postgres (PGlite)');
    expect(stdout).toMatch(/products\s+39 sent \(\+39 ~0 =0\)\s+5 sent \(\+2 ~3 =36\)/);
    for (const sync of ['categories', 'customer-accounts', 'pricelists', 'b2b-accounts', 'customer-contacts', 'location-inventory', 'pricelist-entries', 'product-catalog', 'pricelist-entry-prices']) {
      expect(stdout).toMatch(new RegExp(`${sync}\\s+\\d+ sent \\(\\+\\d+ ~0 =0\\)\\s+0 sent \\(\\+0 ~0 =\\d+\\)`));
    }
    const deltaPath = /cat "([^"]+upload-delta\.csv)"/.exec(stdout)?.[1];
    expect(deltaPath).toBeDefined();
    const delta = (await readFile(deltaPath!, 'utf8')).split('\r\n');
    expect(delta).toHaveLength(6); // header + the five edited products
    expect(delta.filter((line) => line.includes('~delete~'))).toHaveLength(1);
    expect(delta.find((line) => line.includes('~delete~'))).toContain(',000123,');
  }, 150_000);
});
