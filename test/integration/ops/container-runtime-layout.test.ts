// The image's runtime stage holds bin/, dist/ (from `npm run build`), package.json and production
// dependencies, and no src/. This builds that layout in a temp directory and runs the CLI from it.
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const EMULATOR_START_TIMEOUT_MS = 15_000;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Bare package names imported by compiled JS. */
function importedPackages(code: string): string[] {
  // TypeScript's pre-processor finds static and dynamic imports without being fooled by comments or strings.
  const specifiers = ts.preProcessFile(code, true, true).importedFiles.map((file) => file.fileName);
  return specifiers
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !builtinModules.includes(specifier))
    .map((specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '')));
}

describe('runtime image layout (bin + dist, no src)', () => {
  let appDir: string;

  beforeAll(async () => {
    appDir = await mkdtemp(path.join(tmpdir(), 'kibo-runtime-'));
    // `npm run build` with its own config, emitting into the temp app; --noCheck so other work in progress
    // cannot fail this test on types (the project typecheck covers those), only on what the build emits.
    await run(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--outDir', path.join(appDir, 'dist'), '--noCheck'], { cwd: ROOT });
    await cp(path.join(ROOT, 'bin'), path.join(appDir, 'bin'), { recursive: true });
    await cp(path.join(ROOT, 'package.json'), path.join(appDir, 'package.json'));
    await symlink(path.join(ROOT, 'node_modules'), path.join(appDir, 'node_modules'));
  }, 120_000);
  afterAll(async () => {
    await rm(appDir, { recursive: true, force: true });
  });

  it('emits dist/src/main.js and the migrations as JS, and nothing outside dist/src and dist/migrations', async () => {
    const files = (await listFiles(path.join(appDir, 'dist'))).map((file) => path.relative(appDir, file));
    expect(files).toContain(path.join('dist', 'src', 'main.js'));
    expect(files.filter((file) => file.startsWith(path.join('dist', 'migrations')) && file.endsWith('.js')).length).toBeGreaterThan(0);
    expect(files.filter((file) => !/^dist\/(src|migrations)\//.test(file))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.ts'))).toEqual([]);
  });

  it('imports only production dependencies (the image runs `npm ci --omit=dev`)', async () => {
    const packageJson = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const production = new Set(Object.keys(packageJson.dependencies));
    const jsFiles = (await listFiles(path.join(appDir, 'dist'))).filter((file) => file.endsWith('.js'));
    const imported = new Set<string>();
    for (const file of jsFiles) for (const name of importedPackages(await readFile(file, 'utf8'))) imported.add(name);
    expect(imported.size).toBeGreaterThan(3);
    expect([...imported].filter((name) => !production.has(name)).sort()).toEqual([]);
  });

  it('runs the CLI from dist/ when there is no src/', async () => {
    const { stdout } = await run(process.execPath, ['bin/kibo-sync.js', '--help'], { cwd: appDir });
    expect(stdout).toContain('Usage: kibo-sync');
    expect(stdout).toMatch(/^ {2}emulator\b/m);
  });

  it('runs the emulator the way docker-compose does, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/kibo-sync.js', 'emulator', '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`emulator did not start: ${output}`)), EMULATOR_START_TIMEOUT_MS);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${output}`)));
      });
      const response = await fetch(`${url}/_emulator/health`);
      expect(response.status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
