// `kibo-sync run [SYNC…]`: one cycle now, in the foreground. Exit 0 ok, 1 failed, 2 config, 3 blocked.
import type { Command } from 'commander';
import { runSyncCycle } from '../sync/run-sync-cycle.ts';
import { DEFAULT_SYNC_TIMINGS, EMULATOR_SYNC_TIMINGS } from '../sync/sync-deps.ts';
import { ConfigurationError } from '../support/errors.ts';
import type { CliContext } from './cli-context.ts';
import { openCommandRuntime } from './command-runtime.ts';
import { exitCodeOfRuns, formatRunSummaries } from './format-run-summaries.ts';
import { loadMappingsOrFail, selectMappings } from './load-mappings-or-fail.ts';
import { addSettingsOptions, readSettingsOverrides } from './settings-options.ts';

interface RunFlags extends Record<string, unknown> {
  resync?: boolean;
  dryRun?: boolean;
  approve?: string;
  json?: boolean;
}

export function registerRunCommand(program: Command, context: CliContext): void {
  const command = program
    .command('run')
    .description('Run syncs once now (all of them when none is named)')
    .argument('[sync...]', 'sync names (the `sync:` of mapping files)')
    .option('--resync', 'send every ERP row, changed or not (guards stay on)')
    .option('--dry-run', 'write the plan and files to DATA_DIR, import nothing')
    .option('--approve <planId>', 'approve a blocked plan once and run it (one sync only)')
    .option('--json', 'print the runs as JSON on stdout');
  addSettingsOptions(command).action(async (names: string[], flags: RunFlags) => {
    if (flags.approve !== undefined && names.length !== 1) {
      throw new ConfigurationError('--approve needs exactly one sync: kibo-sync run SYNC --approve PLAN_ID');
    }
    const runtime = await openCommandRuntime(context, readSettingsOverrides(flags));
    try {
      const allMappings = await loadMappingsOrFail(runtime.settings.mappingsDir);
      const mappings = selectMappings(allMappings, names);
      const summaries = await runSyncCycle(
        {
          db: runtime.db, erpPool: runtime.erpPool, kibo: runtime.kibo, clock: runtime.clock, logger: runtime.logger,
          dataDir: runtime.settings.dataDir, runFilesRetentionDays: runtime.settings.runFilesRetentionDays, timings: runtime.settings.kibo.emulatorUrl ? EMULATOR_SYNC_TIMINGS : DEFAULT_SYNC_TIMINGS, signal: context.shutdownSignal,
          lockDatabaseUrl: runtime.settings.stateDatabaseUrl, redact: runtime.redact, mappings: allMappings,
        },
        mappings,
        {
          trigger: flags.resync ? 'resync' : 'manual',
          resync: flags.resync === true,
          dryRun: flags.dryRun === true,
          ...(flags.approve !== undefined ? { approvePlanId: flags.approve } : {}),
        },
      );
      context.stdout.write(flags.json ? `${JSON.stringify({ runs: summaries }, null, 2)}\n` : formatRunSummaries(summaries));
      context.setExitCode(exitCodeOfRuns(summaries));
    } finally {
      await runtime.close();
    }
  });
}
