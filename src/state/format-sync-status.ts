// Renders loadSyncStatus' result as a plain-text table for the terminal. Pure: no I/O, no clock.
import type { RunRecord, SyncStatus } from './state-types.ts';

const NOTE_MAX_CHARS = 60;
const COLUMN_GAP = '  ';
const INDENT = '  ';
const HEADERS = [
  'RUN',
  'STATUS',
  'TRIGGER',
  'STARTED',
  'TOOK',
  'SOURCE',
  'ADDED',
  'CHANGED',
  'REMOVED',
  'DELETED',
  'REJECTED',
  'NOTE',
] as const;
// Counts and durations read best right-aligned, like a spreadsheet.
const RIGHT_ALIGNED = new Set<string>(['RUN', 'TOOK', 'SOURCE', 'ADDED', 'CHANGED', 'REMOVED', 'DELETED', 'REJECTED']);
const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatSyncStatus(status: readonly SyncStatus[]): string {
  if (status.length === 0) return 'No runs recorded yet.\n';
  return status.map(formatOneSync).join('\n');
}

function formatOneSync(sync: SyncStatus): string {
  const lines = [`${sync.sync}: ${formatSummary(sync)}`];
  if (sync.recentRuns.length === 0) {
    lines.push(`${INDENT}(no runs yet)`);
  } else {
    lines.push(...formatTable(sync.recentRuns.map(formatRunCells)).map((line) => INDENT + line));
  }
  return `${lines.join('\n')}\n`;
}

function formatSummary(sync: SyncStatus): string {
  const lastGood = sync.lastGoodRun;
  const parts = [
    lastGood === undefined
      ? 'no successful run yet'
      : `last good run ${lastGood.id} finished ${formatTimestamp(lastGood.finishedAt)} (source ${formatCount(lastGood.counts.source)})`,
    `keys ${formatCount(sync.trackedKeys)} tracked, ${formatCount(sync.ownedKeys)} owned`,
    `open import jobs ${sync.openImportJobs}`,
  ];
  if (sync.unfinishedRuns > 0) parts.push(`unfinished runs ${sync.unfinishedRuns}`);
  if (sync.deletesAwaitingConfirmation > 0) parts.push(`deletes sent, not yet confirmed by an export ${formatCount(sync.deletesAwaitingConfirmation)}`);
  return parts.join('; ');
}

function formatRunCells(run: RunRecord): string[] {
  const rejected =
    run.counts.rejectedByUs === undefined && run.counts.rejectedByKibo === undefined
      ? undefined
      : (run.counts.rejectedByUs ?? 0) + (run.counts.rejectedByKibo ?? 0);
  return [
    String(run.id),
    run.status,
    run.trigger,
    formatTimestamp(run.startedAt),
    run.finishedAt === undefined ? '-' : formatDuration(run.finishedAt.getTime() - run.startedAt.getTime()),
    formatCount(run.counts.source),
    formatCount(run.counts.added),
    formatCount(run.counts.changed),
    formatCount(run.counts.removed),
    formatCount(run.counts.deleted),
    formatCount(rejected),
    formatNote(run),
  ];
}

function formatNote(run: RunRecord): string {
  const notes: string[] = [];
  if (run.resync) notes.push('resync');
  if (run.dryRun) notes.push('dry run');
  if (run.planId !== undefined) notes.push(`plan ${run.planId}`);
  if (run.filesRemovedAt !== undefined) notes.push(`files removed ${formatTimestamp(run.filesRemovedAt)}`);
  if (run.error !== undefined) notes.push(run.error.split('\n')[0] ?? '');
  const note = notes.join('; ');
  const chars = Array.from(note);
  return chars.length <= NOTE_MAX_CHARS ? note : `${chars.slice(0, NOTE_MAX_CHARS - 1).join('')}…`;
}

function formatTable(rows: readonly string[][]): string[] {
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => Array.from(row[column] ?? '').length)),
  );
  const render = (cells: readonly string[]): string =>
    HEADERS.map((header, column) => {
      const cell = cells[column] ?? '';
      const width = widths[column] ?? 0;
      return RIGHT_ALIGNED.has(header) ? cell.padStart(width) : cell.padEnd(width);
    })
      .join(COLUMN_GAP)
      .trimEnd();
  return [render(HEADERS), ...rows.map(render)];
}

export function formatTimestamp(date: Date | undefined): string {
  if (date === undefined) return '-';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function formatDuration(ms: number): string {
  if (ms < 0) return '-';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.floor(ms / 1_000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(totalMinutes / 60)}h ${String(totalMinutes % 60).padStart(2, '0')}m`;
}

function formatCount(value: number | undefined): string {
  return value === undefined ? '-' : integerFormat.format(value);
}
