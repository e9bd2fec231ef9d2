// Progress per stage for interactive commands: one short line per finished stage and run.
import type { SyncObserver } from '../sync/sync-summary.ts';

export function createTerminalProgress(print: (line: string) => void): SyncObserver {
  return {
    stageFinished: (sync, stage, durationMs) => print(`   ${sync.padEnd(24)} ${stage.padEnd(10)} ${String(Math.round(durationMs)).padStart(6)} ms`),
    runFinished: (summary) => print(`   ${summary.sync.padEnd(24)} → ${summary.status}`),
  };
}
