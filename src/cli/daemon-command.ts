// `kibo-sync daemon [--resync]`: the container's command. Migrates state, refuses to start on any mapping
// problem (exit 2), warns when the ERP login can write, serves /healthz /readyz /metrics on PORT, sends
// alerts when ALERT_WEBHOOK_URL is set, resumes what an earlier process left, then runs the schedules
// until SIGTERM/SIGINT, and exits 0 once the running stage reached a safe point.
import type { Command } from 'commander';
import { Registry } from 'prom-client';
import { checkErpWriteAccess } from '../erp/check-erp-read-only.ts';
import {
  combineObservers, createAlertNotifier, createDatabaseHealthCheck, createSyncMetrics, loadLastAlertStatus, pingKnex, startOpsServer,
  type AlertNotifier, type OpsServer,
} from '../ops/index.ts';
import { runDaemon } from '../scheduler/run-daemon.ts';
import { describeError } from '../support/errors.ts';
import type { SyncCycleDeps } from '../sync/run-sync-cycle.ts';
import { DEFAULT_SYNC_TIMINGS, EMULATOR_SYNC_TIMINGS } from '../sync/sync-deps.ts';
import type { SyncObserver } from '../sync/sync-summary.ts';
import { EXIT_CODES, type CliContext } from './cli-context.ts';
import { openCommandRuntime, type CommandRuntime } from './command-runtime.ts';
import { loadMappingsOrFail } from './load-mappings-or-fail.ts';
import { addSettingsOptions, readSettingsOverrides } from './settings-options.ts';

interface DaemonFlags extends Record<string, unknown> {
  resync?: boolean;
}

interface DaemonOps {
  readonly observer: SyncObserver;
  readonly server: OpsServer;
  readonly alerts?: AlertNotifier;
  setReady(ready: boolean): void;
}

export function registerDaemonCommand(program: Command, context: CliContext): void {
  const command = program
    .command('daemon')
    .description('Run the syncs on their schedules until SIGTERM/SIGINT (resumes unfinished imports at start)')
    .option('--resync', 'run every sync once at start sending every ERP row, then go on as scheduled');
  addSettingsOptions(command).action(async (flags: DaemonFlags) => {
    const runtime = await openCommandRuntime(context, readSettingsOverrides(flags));
    try {
      const mappings = await loadMappingsOrFail(runtime.settings.mappingsDir);
      await warnIfErpCanWrite(runtime);
      const ops = await startDaemonOps(runtime);
      try {
        await runDaemon(createDaemonDeps(runtime, ops.observer, context.shutdownSignal), mappings, {
          resync: flags.resync === true,
          onScheduled: () => ops.setReady(true),
        });
      } finally {
        ops.setReady(false);
        await ops.alerts?.whenIdle();
        await ops.server.close();
      }
      runtime.logger.info('daemon stopped');
      context.setExitCode(EXIT_CODES.ok);
    } finally {
      await runtime.close();
    }
  });
}

function createDaemonDeps(runtime: CommandRuntime, observer: SyncObserver, signal: AbortSignal): SyncCycleDeps & { signal: AbortSignal } {
  const { settings, clock, logger } = runtime;
  runtime.observeKiboCalls(observer);
  return {
    db: runtime.db, erpPool: runtime.erpPool, kibo: runtime.kibo, clock, logger, observer, signal,
    dataDir: settings.dataDir,
    runFilesRetentionDays: settings.runFilesRetentionDays,
    timings: settings.kibo.emulatorUrl ? EMULATOR_SYNC_TIMINGS : DEFAULT_SYNC_TIMINGS,
    lockDatabaseUrl: settings.stateDatabaseUrl,
    redact: runtime.redact,
  };
}

/** The daemon only reads the ERP; a login that could write is a risk the operator must hear about. */
async function warnIfErpCanWrite(runtime: CommandRuntime): Promise<void> {
  try {
    const access = await checkErpWriteAccess(runtime.erpPool);
    if (access.canWrite) {
      runtime.logger.warn({ erpWriteAccess: access.detail }, `WARNING: the ERP login can write (${access.detail}). kibo-sync only reads the ERP: give it a read-only role (GRANT SELECT only, or default_transaction_read_only = on).`);
    } else {
      runtime.logger.info({ erpWriteAccess: access.detail }, 'ERP login is read-only');
    }
  } catch (error) {
    // The runs will report an unreachable ERP themselves; the daemon still starts so /healthz can tell.
    runtime.logger.warn({ err: describeError(error) }, 'could not check whether the ERP login can write');
  }
}

async function startDaemonOps(runtime: CommandRuntime): Promise<DaemonOps> {
  const { settings, logger, clock, db } = runtime;
  const metrics = createSyncMetrics(new Registry());
  const alerts = settings.alertWebhookUrl
    ? createAlertNotifier({ url: settings.alertWebhookUrl, logger, clock, redact: runtime.redact, loadLastStatus: (sync, beforeRunId) => loadLastAlertStatus(db, sync, beforeRunId) })
    : undefined;
  let ready = false;
  const server = await startOpsServer({
    port: settings.httpPort,
    registry: metrics.registry,
    logger,
    isReady: () => ready,
    checkHealth: createDatabaseHealthCheck([
      pingKnex('state database', db),
      { name: 'ERP database', ping: () => runtime.erpPool.query('select 1') },
    ]),
  });
  return {
    observer: combineObservers(logger, alerts ? [metrics, alerts] : [metrics]),
    server,
    ...(alerts ? { alerts } : {}),
    setReady: (value) => {
      ready = value;
    },
  };
}
