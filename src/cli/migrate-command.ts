// `kibo-sync migrate`: applies (or with --down rolls back) the state schema kibo_sync.
import type { Command } from 'commander';
import { loadStateDatabaseUrl } from '../config/load-settings.ts';
import { closeStateDb, createStateDb, migrateState, rollbackState } from '../state/index.ts';
import { ConfigurationError } from '../support/errors.ts';
import type { CliContext } from './cli-context.ts';
import { addSettingsOptions, readSettingsOverrides } from './settings-options.ts';

export function registerMigrateCommand(program: Command, context: CliContext): void {
  const command = program
    .command('migrate')
    .description('Create or upgrade the state schema kibo_sync (the daemon also does this at start)')
    .option('--down', 'roll back the last batch of migrations')
    .option('--all', 'with --down: roll back every migration (drops all state tables)');
  addSettingsOptions(command).action(async (flags: Record<string, unknown>) => {
    if (flags.all === true && flags.down !== true) {
      throw new ConfigurationError('--all only goes with --down (kibo-sync migrate --down --all rolls back every migration)');
    }
    const db = createStateDb(loadStateDatabaseUrl(readSettingsOverrides(flags)), { applicationName: 'kibo-sync migrate' });
    try {
      if (flags.down === true) {
        await rollbackState(db, flags.all === true);
        context.stdout.write(`rolled back ${flags.all === true ? 'every migration' : 'the last batch'} of kibo_sync\n`);
      } else {
        const { applied } = await migrateState(db);
        context.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'kibo_sync is up to date\n');
      }
    } finally {
      await closeStateDb(db);
    }
  });
}
