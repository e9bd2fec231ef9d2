// Assembles one emulated tenant from its settings and (optionally) a restored state file: data store,
// files, tokens, faults, jobs, the state saver, and the seed zips for a fresh tenant.
import type { Clock } from '../../support/clock.ts';
import type { Logger } from '../../support/logger.ts';
import { createTenantStore, type TenantStore } from './tenant-store.ts';
import type { EmulatorSettings } from './emulator-context.ts';
import { createFaultController, type EmulatorFaults, type FaultController } from './emulator-faults.ts';
import { createFileRegistry, type FileRegistry } from './emulator-files.ts';
import { createJobEngine, type JobEngine } from './emulator-jobs.ts';
import { createTokenRegistry, type TokenRegistry } from './emulator-tokens.ts';
import { createStateSaver, loadEmulatorState, type EmulatorStateData, type StateSaver } from './emulator-state-file.ts';
import { applySeedZips } from './emulator-seed.ts';

/** The background timer that advances jobs nobody polls; lazy advancement on requests stays exact. */
const MIN_ADVANCE_INTERVAL_MS = 10;
const MAX_ADVANCE_INTERVAL_MS = 100;

export interface EmulatorTenantOptions {
  readonly settings: EmulatorSettings;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stateFile?: string;
  readonly seedZips?: readonly string[];
  readonly faults?: Partial<EmulatorFaults>;
  readonly exportOverrides?: Readonly<Record<string, string>>;
}

export interface EmulatorTenant {
  readonly store: TenantStore;
  readonly files: FileRegistry;
  readonly tokens: TokenRegistry;
  readonly faults: FaultController;
  readonly jobs: JobEngine;
  /** Schedules a debounced state-file save (no-op without a state file). */
  markChanged(): void;
  /** Saves the state file now (no-op without one); the file is written even when nothing changed. */
  flushState(): Promise<void>;
}

export async function assembleEmulatorTenant(options: EmulatorTenantOptions): Promise<EmulatorTenant> {
  const { settings, clock, logger, stateFile } = options;
  const restored = stateFile === undefined ? undefined : await loadEmulatorState(stateFile);
  if (restored !== undefined && restored.tenantId !== settings.tenantId) {
    logger.warn({ stateFile, stored: restored.tenantId, tenantId: settings.tenantId }, 'state file was written for another tenant id; serving its data as this tenant');
  }
  const store = createTenantStore(restored?.store, { clock });
  const files = createFileRegistry(restored?.files);
  const tokens = createTokenRegistry(clock, restored?.tokens);
  const faults = createFaultController(options.faults);
  let saver: StateSaver | undefined;
  const markChanged = (): void => saver?.markChanged();
  const jobs = createJobEngine(
    { clock, logger, store, files, faults, tenantId: settings.tenantId, defaultJobStepMs: settings.jobStepMs, exportFilesDelayMs: settings.exportFilesDelayMs, onChange: markChanged,
      ...(options.exportOverrides === undefined ? {} : { exportOverrides: options.exportOverrides }) },
    restored?.jobs,
  );
  if (stateFile !== undefined) {
    const collect = (): EmulatorStateData => ({
      version: 1,
      tenantId: settings.tenantId,
      store: store.snapshot(),
      files: files.snapshot(),
      jobs: jobs.snapshot(),
      tokens: tokens.snapshot(),
    });
    saver = createStateSaver(stateFile, collect, logger);
  }
  await applySeedsToFreshTenant(options, store, restored !== undefined, markChanged);
  const flushState = async (): Promise<void> => {
    saver?.markChanged();
    await saver?.flush();
  };
  return { store, files, tokens, faults, jobs, markChanged, flushState };
}

/**
 * Seeds build a fresh tenant; re-applying them over a restored state would undo the deletions and
 * edits that state recorded, so with a state file they apply only on the first start.
 */
async function applySeedsToFreshTenant(
  options: EmulatorTenantOptions,
  store: TenantStore,
  restored: boolean,
  markChanged: () => void,
): Promise<void> {
  if (options.seedZips === undefined || options.seedZips.length === 0) return;
  if (restored) {
    options.logger.info({ stateFile: options.stateFile }, 'state restored; seed zips not re-applied');
    return;
  }
  await applySeedZips(store, options.seedZips, options.logger);
  markChanged();
}

/** Advances jobs in the background so an import applies even if nobody polls; returns the stopper. */
export function startJobTimer(jobs: JobEngine, jobStepMs: number): () => void {
  const intervalMs = Math.max(MIN_ADVANCE_INTERVAL_MS, Math.min(MAX_ADVANCE_INTERVAL_MS, Math.floor(jobStepMs / 2)));
  let passRunning = false;
  const timer = setInterval(() => {
    // One background pass at a time: a long import must not pile up a queue of timer passes behind it.
    if (passRunning) return;
    passRunning = true;
    void jobs.advance().finally(() => {
      passRunning = false;
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
