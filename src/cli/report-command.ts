// `kibo-sync report [--out FILE]`: writes one self-contained HTML page of recent runs, plans and rejected
// rows from the state database, for people who do not read logs or Grafana.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT_CODES, type CliContext } from './cli-context.ts';
import { loadStateDatabaseUrl } from '../config/load-settings.ts';
import { addSettingsOptions, readSettingsOverrides } from './settings-options.ts';
import { loadReportData, type ReportData } from '../report/load-report-data.ts';
import { renderRunReport } from '../report/render-run-report.ts';
import { closeStateDb, createStateDb, STATE_SCHEMA } from '../state/index.ts';
import { createSystemClock } from '../support/clock.ts';
import { describeError } from '../support/errors.ts';
import { parseWholeNumber } from './parse-whole-number.ts';

export const DEFAULT_REPORT_FILE = './kibo-sync-report.html';
export const DEFAULT_REPORT_RUNS_PER_SYNC = 20;
const MAX_REPORT_RUNS_PER_SYNC = 1_000;
const UNDEFINED_TABLE_SQLSTATE = '42P01';

interface ReportCommandFlags extends Record<string, unknown> {
  out: string;
  limit: string;
}

export function registerReportCommand(program: Command, context: CliContext): void {
  const command = program
    .command('report')
    .description('Write an HTML report of recent runs, plans and rejected rows (reads the state database)')
    .option('--out <file>', 'where to write the report', DEFAULT_REPORT_FILE)
    .option('--limit <n>', 'recent runs shown per sync', String(DEFAULT_REPORT_RUNS_PER_SYNC));
  addSettingsOptions(command).action(async (flags: ReportCommandFlags) => {
      const limitPerSync = parseLimit(flags.limit);
      const data = await loadReportDataFrom(loadStateDatabaseUrl(readSettingsOverrides(flags)), limitPerSync);
      const page = renderRunReport(data, { generatedAt: new Date(createSystemClock().now()) });
      const file = path.resolve(flags.out);
      await writeReportFile(file, page);
      context.stdout.write(`${file}\n`);
      context.setExitCode(EXIT_CODES.ok);
    });
}

async function loadReportDataFrom(stateDatabaseUrl: string, limitPerSync: number): Promise<ReportData> {
  const db = createStateDb(stateDatabaseUrl, { applicationName: 'kibo-sync report', poolMax: 2 });
  try {
    return await loadReportData(db, { limitPerSync });
  } catch (error) {
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE_SQLSTATE) {
      throw new Error(
        `The state database has no ${STATE_SCHEMA} tables yet, so there is nothing to report. ` +
          'Run a sync (or start the daemon) first, or check STATE_DATABASE_URL.',
        { cause: error },
      );
    }
    throw new Error(`Could not read the state database for the report: ${describeError(error)}`, { cause: error });
  } finally {
    await closeStateDb(db);
  }
}

async function writeReportFile(file: string, page: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, page, 'utf8');
  } catch (error) {
    throw new Error(`Could not write the report to ${file}: ${describeError(error)}. Choose another --out.`, {
      cause: error,
    });
  }
}

function parseLimit(value: string): number {
  return parseWholeNumber(value, '--limit', 1, MAX_REPORT_RUNS_PER_SYNC);
}
