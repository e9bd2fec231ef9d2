// `kibo-sync demo` (npm run demo): the product end to end on embedded defaults, then a short report.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { listUrlSecrets, loadDemoSettings } from '../config/load-settings.ts';
import { runDemo, type DemoResult } from '../demo/run-demo.ts';
import { createSystemClock } from '../support/clock.ts';
import { createLogger } from '../support/logger.ts';
import { createSecretRedactor } from '../support/redact-secrets.ts';
import type { SyncRunSummary } from '../sync/sync-summary.ts';
import { exitCodeOfRuns } from './format-run-summaries.ts';
import type { CliContext } from './cli-context.ts';
import { addSettingsOptions, readSettingsOverrides } from './settings-options.ts';
import { createTerminalProgress } from './terminal-progress.ts';

export function registerDemoCommand(program: Command, context: CliContext): void {
  const command = program
    .command('demo')
    .description('Run the whole sync on the sample ERP against the bundled emulator (embedded Postgres unless ERP_DATABASE_URL is set)')
    .option('--quiet', 'no per-stage progress');
  addSettingsOptions(command).action(async (flags: Record<string, unknown>) => {
    const settings = loadDemoSettings(readSettingsOverrides(flags));
    const print = (line: string): void => void context.stdout.write(`${line}\n`);
    const clock = createSystemClock();
    const dataDir = path.resolve(settings.dataDir, 'demo', new Date(clock.now()).toISOString().replace(/[:.]/g, '-'));
    const result = await runDemo({
      ...(settings.erpDatabaseUrl ? { erpDatabaseUrl: settings.erpDatabaseUrl } : {}),
      projectDir: findProjectDir(),
      dataDir,
      clock,
      logger: createLogger({ level: settings.logLevel, destination: context.stderr, redact: createSecretRedactor(listUrlSecrets(settings.erpDatabaseUrl ?? '')) }),
      ...(flags.quiet === true ? {} : { observer: createTerminalProgress(print) }),
      print,
      signal: context.shutdownSignal,
    });
    print(formatDemoReport(result));
    context.setExitCode(exitCodeOfRuns([...result.firstRun, ...result.secondRun]));
  });
}

/** The folder holding mappings/ and sample-erp/ (the repository, or the container's app dir). */
function findProjectDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'sample-erp', 'schema.sql'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find sample-erp/schema.sql above the program; run the demo from the kibo-erp-sync folder');
    dir = parent;
  }
  return dir;
}

export function formatDemoReport(result: DemoResult): string {
  const lines = ['', 'Demo report', '', `${'sync'.padEnd(24)} ${'first run'.padEnd(30)} second run (after ERP edits)`];
  for (const first of result.firstRun) {
    const second = result.secondRun.find((summary) => summary.sync === first.sync);
    lines.push(`${first.sync.padEnd(24)} ${describe(first).padEnd(30)} ${second ? describe(second) : '-'}`);
  }
  const products = result.secondRun.find((summary) => summary.sync === 'products');
  lines.push(
    '',
    `Every run's files are under ${result.dataDir}/runs/<sync>/<run id>/:`,
    '  kibo-export.zip (what Kibo had), upload-delta.csv (what was sent), upload.zip, plan.json, kibo-import-log.zip',
    ...(products?.files.deltaCsv ? [`Look at the products delta of the second run:  cat "${products.files.deltaCsv}"`] : []),
    'Second-run rows sent: only the edited ones; `~delete~` marks the cleared sale price.',
    'Next: point ERP_DATABASE_URL at your ERP, write mappings (see mappings/), and run `npx kibo-sync run --dry-run`.',
  );
  return lines.join('\n');
}

function describe(summary: SyncRunSummary): string {
  const c = summary.counts;
  if (summary.status !== 'succeeded') return `${summary.status}${summary.error ? `: ${summary.error.slice(0, 60)}` : ''}`;
  const sent = (c.added ?? 0) + (c.changed ?? 0);
  return `${sent} sent (+${c.added ?? 0} ~${c.changed ?? 0} =${c.unchanged ?? 0})`;
}
