// No Docker engine here, so the Dockerfile and docker-compose.yml are checked against the code instead:
// env names the settings know, the ops port, CLI commands that exist, files that exist, no src/ at runtime.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_HTTP_PORT, ENV_DESCRIPTIONS, loadSettings } from '../../../src/config/load-settings.ts';
import { parseCopy, parseDockerfile, parseEnvNames, parseExecForm, type DockerStage } from './parse-dockerfile.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const OUR_ENV_NAMES = new Set(Object.keys(ENV_DESCRIPTIONS));
/** Names read by Node itself or by the official postgres image, not by kibo-sync. */
const NODE_ENV_NAMES = new Set(['NODE_ENV', 'NODE_OPTIONS']);
const POSTGRES_IMAGE_ENV_NAMES = new Set([
  'POSTGRES_USER',
  'POSTGRES_PASSWORD',
  'POSTGRES_DB',
  'POSTGRES_INITDB_ARGS',
  'POSTGRES_HOST_AUTH_METHOD',
  'PGDATA',
]);

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  configs?: { source: string; target: string }[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  configs?: Record<string, { content?: string }>;
}

/** Top-level command names from commander's help text (wrapped description lines are indented further). */
async function listHelpEntries(args: readonly string[], section: 'Commands' | 'Options'): Promise<string[]> {
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'bin/kibo-sync.js'), ...args], { cwd: ROOT });
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`${section}:`));
  const entries: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || /^\S/.test(line)) break;
    const match = /^ {2}(\S+)/.exec(line);
    if (match?.[1]) entries.push(match[1].replace(/,$/, ''));
  }
  return entries;
}

function stage(stages: readonly DockerStage[], name: string): DockerStage {
  const found = stages.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`Dockerfile has no stage "${name}"`);
  return found;
}

function kiboSyncCommandOf(service: ComposeService | undefined): string | undefined {
  const command = service?.command ?? [];
  return command[0] === 'node' && command[1] === 'bin/kibo-sync.js' ? command[2] : undefined;
}

describe('container files agree with the code', () => {
  let stages: DockerStage[];
  let compose: ComposeFile;
  let cliCommands: string[];
  let emulatorOptions: string[];

  beforeAll(async () => {
    stages = parseDockerfile(await readFile(path.join(ROOT, 'Dockerfile'), 'utf8'));
    // merge: Compose resolves YAML merge keys (<<), which YAML 1.2 leaves out by default.
    compose = parseYaml(await readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
    [cliCommands, emulatorOptions] = await Promise.all([
      listHelpEntries(['--help'], 'Commands'),
      listHelpEntries(['emulator', '--help'], 'Options'),
    ]);
  });

  describe('Dockerfile', () => {
    it('builds in one stage and runs from a slim Node 20 image in the last', () => {
      expect(stages.map((entry) => entry.name)).toEqual(['build', 'runtime']);
      expect(stage(stages, 'runtime').base).toMatch(/^node:20-(slim|alpine)$/);
      const buildRuns = stage(stages, 'build').instructions.filter((entry) => entry.keyword === 'RUN').map((entry) => entry.args);
      expect(buildRuns.some((args) => /\bnpm ci\b/.test(args) && !args.includes('--omit=dev'))).toBe(true);
      expect(buildRuns.some((args) => args.includes('npm run build'))).toBe(true);
      const runtimeRuns = stage(stages, 'runtime').instructions.filter((entry) => entry.keyword === 'RUN').map((entry) => entry.args);
      expect(runtimeRuns.some((args) => /\bnpm ci --omit=dev\b/.test(args))).toBe(true);
    });

    it('builds with the package build script, whose config emits dist/src and dist/migrations', async () => {
      const packageJson = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      expect(packageJson.scripts.build).toBe('tsc -p tsconfig.build.json');
      const buildConfig = JSON.parse(await readFile(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
        compilerOptions: Record<string, unknown>;
        include: string[];
      };
      expect(buildConfig.compilerOptions.noEmit).toBe(false);
      expect(buildConfig.compilerOptions.rootDir).toBe('.');
      expect(buildConfig.include).toEqual(expect.arrayContaining(['src', 'migrations']));
      const bin = await readFile(path.join(ROOT, 'bin/kibo-sync.js'), 'utf8');
      expect(bin).toContain("'../dist/src/main.js'");
    });

    it('copies only files that exist, and no src/ into the runtime stage', () => {
      for (const entry of stages) {
        for (const copy of entry.instructions.filter((instruction) => instruction.keyword === 'COPY').map((instruction) => parseCopy(instruction.args))) {
          if (copy.from !== undefined) {
            expect(stages.map((candidate) => candidate.name)).toContain(copy.from);
            continue;
          }
          for (const source of copy.sources) expect(existsSync(path.join(ROOT, source)), `${entry.name}: COPY ${source}`).toBe(true);
        }
      }
      const runtimeCopies = stage(stages, 'runtime')
        .instructions.filter((instruction) => instruction.keyword === 'COPY')
        .map((instruction) => parseCopy(instruction.args));
      const sources = runtimeCopies.flatMap((copy) => copy.sources.map((source) => source.replace(/^\/app\//, '').replace(/^\.\//, '')));
      expect(sources.filter((source) => source === 'src' || source.startsWith('src/') || source === '.')).toEqual([]);
      expect(runtimeCopies).toContainEqual({ from: 'build', sources: ['/app/dist'], destination: './dist' });
      expect(sources).toEqual(expect.arrayContaining(['bin', 'mappings', 'sample-erp']));
    });

    it('runs as a non-root user under tini', () => {
      const runtime = stage(stages, 'runtime').instructions;
      const users = runtime.filter((entry) => entry.keyword === 'USER').map((entry) => entry.args);
      expect(users.length).toBeGreaterThan(0);
      expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
      const entrypoint = runtime.find((entry) => entry.keyword === 'ENTRYPOINT');
      expect(parseExecForm(entrypoint?.args ?? 'null')).toEqual(['tini', '--']);
      expect(runtime.some((entry) => entry.keyword === 'RUN' && /apt-get install .*\btini\b/.test(entry.args))).toBe(true);
    });

    it('exposes the ops port and health-checks /healthz on it with node (slim images have no curl)', () => {
      const runtime = stage(stages, 'runtime').instructions;
      expect(runtime.filter((entry) => entry.keyword === 'EXPOSE').map((entry) => entry.args)).toEqual([String(DEFAULT_HTTP_PORT)]);
      const healthcheck = runtime.find((entry) => entry.keyword === 'HEALTHCHECK');
      const command = parseExecForm(healthcheck?.args.replace(/^(--\S+\s+)*CMD\s+/, '') ?? 'null');
      expect(command[0]).toBe('node');
      expect(command.join(' ')).toContain(`/healthz`);
      expect(command.join(' ')).toContain(`|| ${DEFAULT_HTTP_PORT})`);
      expect(command.join(' ')).not.toMatch(/\b(curl|wget)\b/);
    });

    it('sets only environment names the settings know (or Node’s own), with the default port', () => {
      const envs = stages.flatMap((entry) => entry.instructions.filter((instruction) => instruction.keyword === 'ENV'));
      const names = envs.flatMap((entry) => parseEnvNames(entry.args));
      expect(names.filter((name) => !OUR_ENV_NAMES.has(name) && !NODE_ENV_NAMES.has(name))).toEqual([]);
      expect(envs.map((entry) => entry.args).join(' ')).toMatch(new RegExp(`\\bPORT=${DEFAULT_HTTP_PORT}\\b`));
    });

    it('starts the daemon by default', () => {
      const cmd = stage(stages, 'runtime').instructions.find((entry) => entry.keyword === 'CMD');
      expect(parseExecForm(cmd?.args ?? 'null')).toEqual(['node', 'bin/kibo-sync.js', 'daemon']);
    });

    it('names a daemon command the CLI really has', () => {
      expect(cliCommands).toContain('daemon');
    });
  });

  describe('docker-compose.yml', () => {
    it('has the ERP database, the emulator and the daemon', () => {
      expect(Object.keys(compose.services).sort()).toEqual(['erp-db', 'kibo-emulator', 'kibo-sync']);
      expect(compose.services['erp-db']?.image).toBe('postgres:16');
    });

    it('loads the sample ERP schema, then its data, into the init directory from files that exist', () => {
      const mounts = (compose.services['erp-db']?.volumes ?? [])
        .map((volume) => volume.split(':'))
        .filter(([source]) => source?.startsWith('./'));
      for (const [source] of mounts) expect(existsSync(path.join(ROOT, source ?? '')), String(source)).toBe(true);
      const init = mounts
        .filter(([, target]) => target?.startsWith('/docker-entrypoint-initdb.d/'))
        .sort((a, b) => String(a[1]).localeCompare(String(b[1])))
        .map(([source]) => source);
      expect(init).toEqual(['./sample-erp/schema.sql', './sample-erp/data.sql']);
    });

    it('uses only environment names kibo-sync or Postgres knows', () => {
      for (const [name, service] of Object.entries(compose.services)) {
        const known = name === 'erp-db' ? POSTGRES_IMAGE_ENV_NAMES : OUR_ENV_NAMES;
        expect(Object.keys(service.environment ?? {}).filter((env) => !known.has(env)), name).toEqual([]);
      }
    });

    it('gives the daemon settings that load, pointing at the other services', () => {
      const env = compose.services['kibo-sync']?.environment ?? {};
      const settings = loadSettings({}, env);
      const erpDb = compose.services['erp-db']?.environment ?? {};
      const erpUrl = new URL(settings.erpDatabaseUrl);
      const stateUrl = new URL(settings.stateDatabaseUrl);
      expect([erpUrl.hostname, erpUrl.port, erpUrl.pathname]).toEqual(['erp-db', '5432', `/${erpDb.POSTGRES_DB}`]);
      expect([stateUrl.hostname, stateUrl.username, stateUrl.password]).toEqual(['erp-db', erpDb.POSTGRES_USER, erpDb.POSTGRES_PASSWORD]);
      expect(settings.kibo.emulatorUrl).toBe('http://kibo-emulator:8199');
      expect(settings.httpPort).toBe(DEFAULT_HTTP_PORT);
      expect(compose.services['kibo-sync']?.ports).toEqual([`127.0.0.1:${DEFAULT_HTTP_PORT}:${DEFAULT_HTTP_PORT}`]);
    });

    it('creates the read-only ERP login the daemon connects with', () => {
      const erpUrl = new URL(compose.services['kibo-sync']?.environment?.ERP_DATABASE_URL ?? '');
      const erpDb = compose.services['erp-db'];
      const config = erpDb?.configs?.find((entry) => entry.target.startsWith('/docker-entrypoint-initdb.d/'));
      const sql = compose.configs?.[config?.source ?? '']?.content ?? '';
      expect(sql).toContain(`create role ${erpUrl.username} login password '${erpUrl.password}'`);
      expect(sql).toContain(`grant select on all tables in schema erp to ${erpUrl.username}`);
      expect(sql).not.toMatch(/grant (insert|update|delete|all)/i);
      // Runs after schema and data, so the grant covers the tables they create.
      expect(config?.target.localeCompare('/docker-entrypoint-initdb.d/20-data.sql')).toBe(1);
    });

    it('runs CLI commands and emulator flags the program really has, on the port the daemon is told', () => {
      expect(kiboSyncCommandOf(compose.services['kibo-emulator'])).toBe('emulator');
      expect(cliCommands).toContain('emulator');
      const emulatorCommand = compose.services['kibo-emulator']?.command ?? [];
      const flags = emulatorCommand.filter((word) => word.startsWith('--'));
      expect(flags.filter((flag) => !emulatorOptions.includes(flag))).toEqual([]);
      expect(emulatorCommand[emulatorCommand.indexOf('--port') + 1]).toBe('8199');
      expect(emulatorCommand[emulatorCommand.indexOf('--host') + 1]).toBe('0.0.0.0');
      expect(kiboSyncCommandOf(compose.services['kibo-sync'])).toBe('daemon');
    });

    it('starts the daemon only after its dependencies are healthy, and each has a health check', () => {
      const dependsOn = compose.services['kibo-sync']?.depends_on ?? {};
      expect(Object.keys(dependsOn).sort()).toEqual(['erp-db', 'kibo-emulator']);
      for (const [name, dependency] of Object.entries(dependsOn)) {
        expect(dependency.condition, name).toBe('service_healthy');
        expect(compose.services[name]?.healthcheck?.test.length, name).toBeGreaterThan(1);
      }
      expect(compose.services['kibo-emulator']?.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:8199/_emulator/health');
    });

    it('builds the one image both kibo-sync services run', () => {
      const images = ['kibo-emulator', 'kibo-sync'].map((name) => [compose.services[name]?.image, compose.services[name]?.build]);
      expect(images).toEqual([
        ['kibo-erp-sync:local', '.'],
        ['kibo-erp-sync:local', '.'],
      ]);
    });
  });
});
