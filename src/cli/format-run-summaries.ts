// The terminal view of a cycle's runs, and the exit code they add up to.
import type { SyncRunSummary } from '../sync/sync-summary.ts';
import { EXIT_CODES, type ExitCode } from './cli-context.ts';

/** `locked`: another process holds the sync's lock, so the run asked for did not happen (like `flock -n`). */
const FAILED_STATUSES = new Set(['failed', 'aborted', 'stuck', 'locked']);

/** A run skipped because an earlier import job is still open did not happen either: like `locked`. */
function heldByOpenImport(summary: SyncRunSummary): boolean {
  return summary.status === 'skipped' && summary.importJobId !== undefined;
}

export function exitCodeOfRuns(summaries: readonly SyncRunSummary[]): ExitCode {
  if (summaries.some((summary) => FAILED_STATUSES.has(summary.status) || heldByOpenImport(summary))) return EXIT_CODES.failed;
  if (summaries.some((summary) => summary.status === 'blocked')) return EXIT_CODES.blocked;
  return EXIT_CODES.ok;
}

export function formatRunSummaries(summaries: readonly SyncRunSummary[]): string {
  const lines: string[] = [];
  for (const summary of summaries) {
    const c = summary.counts;
    const counts = summary.counts.source === undefined ? '' :
      ` source ${c.source}, kibo ${c.exported}: +${c.added} added, ~${c.changed} changed, =${c.unchanged} unchanged, ` +
      `-${c.removed} removed, ${c.deleted} deleted, rejected ${c.rejectedByUs} by us / ${c.rejectedByKibo} by Kibo`;
    lines.push(`${summary.sync} (${summary.resource}) run ${summary.runId ?? '-'}: ${summary.status}.${counts}`);
    if (summary.bytesUploaded > 0) lines.push(`  uploaded ${summary.bytesUploaded} bytes in Kibo import job ${summary.importJobId}`);
    for (const violation of summary.violations) lines.push(`  guard ${violation.guard}: ${violation.message}`);
    if (summary.status === 'blocked' && summary.planId) {
      lines.push(`  review ${summary.files.plan ?? 'the plan'}, then approve with: kibo-sync run ${summary.sync} --approve ${summary.planId}`);
    }
    if (summary.error && summary.status !== 'blocked') lines.push(`  error: ${summary.error}`);
    const directory = summary.files.plan ?? summary.files.kiboExport;
    if (directory) lines.push(`  files: ${directory.replace(/\/[^/]+$/, '/')}`);
  }
  return `${lines.join('\n')}\n`;
}
