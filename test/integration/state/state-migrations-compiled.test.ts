// The daemon ships as compiled JS: the migrations must run from there too, not only under tsx/vitest.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStateMigrationNames } from '../../../src/state/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.ts';

const run = promisify(execFile);
const PROJECT_ROOT = path.resolve(import.meta.dirname, '../../..');
const TSC = path.join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc');

const MIGRATE_SCRIPT = `
import { createStateDb, closeStateDb, migrateState, rollbackState } from './src/state/index.js';
const db = createStateDb(process.argv[2]);
try {
  const first = await migrateState(db);
  const second = await migrateState(db);
  await rollbackState(db, true);
  const third = await migrateState(db);
  console.log(JSON.stringify({ first: first.applied, second: second.applied, third: third.applied }));
} finally {
  await closeStateDb(db);
}
`;

describe('state migrations from compiled JS', () => {
  let database: TestDatabase;
  let outDir: string;
  beforeAll(async () => {
    database = await createTestDatabase('state compiled');
    outDir = await mkdtemp(path.join(tmpdir(), 'kibo-state-compiled-'));
    await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(outDir, 'node_modules'));
    await writeFile(path.join(outDir, 'package.json'), '{"type":"module"}\n');
    await writeFile(path.join(outDir, 'migrate.js'), MIGRATE_SCRIPT);
  });
  afterAll(async () => {
    await database.drop();
    await rm(outDir, { recursive: true, force: true });
  });

  it('compiles src/state and migrations/ with tsc and migrates up, down and up from the .js files', async () => {
    // Same compiler settings as tsconfig.build.json, limited to this module so other work in progress cannot break it.
    await run(process.execPath, [
      TSC,
      '--ignoreConfig',
      '--outDir', outDir,
      '--rootDir', PROJECT_ROOT,
      '--module', 'NodeNext',
      '--moduleResolution', 'NodeNext',
      '--target', 'ES2022',
      '--strict',
      '--skipLibCheck',
      '--noCheck', // the project typecheck covers types; this only needs the emitted JS
      '--types', 'node',
      '--allowImportingTsExtensions',
      '--rewriteRelativeImportExtensions',
      '--verbatimModuleSyntax',
      path.join(PROJECT_ROOT, 'src/state/index.ts'),
    ], { cwd: PROJECT_ROOT });

    const { stdout } = await run(process.execPath, ['migrate.js', database.url], { cwd: outDir });
    const names = listStateMigrationNames();
    expect(JSON.parse(stdout)).toEqual({ first: names, second: [], third: names });
  });
});
