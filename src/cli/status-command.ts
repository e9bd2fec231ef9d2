// `kibo-sync status [SYNC]`: recent runs and their counts per sync (`--json` for machines).
import type { Command } from 'commander';
import { loadStateDatabaseUrl } from '../config/load-settings.ts';
import { closeStateDb, createStateDb, formatSyncStatus, loadSyncStatus, migrateState } from '../state/index.ts';
import type { CliContext } from './cli-context.ts';
import { parseWholeNumber } from './parse-whole-number.ts';
import { addSettingsOptions, readSettingsOverrides } from './settings-options.ts';

const DEFAULT_STATUS_RUNS_PER_SYNC = 10;
const MAX_STATUS_RUNS_PER_SYNC = 1_000;

export function registerStatusCommand(program: Command, context: CliContext): void {
  const command = program
    .command('status')
    .description('Show recent runs per sync, with counts, open Kibo jobs and tracked keys')
    .argument('[sync]', 'only this sync')
    .option('--limit <n>', 'runs per sync', String(DEFAULT_STATUS_RUNS_PER_SYNC))
    .option('--json', 'print as JSON');
  addSettingsOptions(command).action(async (sync: string | undefined, flags: Record<string, unknown>) => {
    const limit = parseWholeNumber(String(flags.limit), '--limit', 1, MAX_STATUS_RUNS_PER_SYNC);
    const db = createStateDb(loadStateDatabaseUrl(readSettingsOverrides(flags)), { applicationName: 'kibo-sync status' });
    try {
      await migrateState(db);
      const status = await loadSyncStatus(db, { ...(sync ? { sync } : {}), limit });
      context.stdout.write(flags.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatSyncStatus(status)}\n`);
    } finally {
      await closeStateDb(db);
    }
  });
}
