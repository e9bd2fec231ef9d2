// Renders loadReportData's result as one self-contained HTML page: inline CSS and SVG, no script, no
// external assets. Pure: no I/O, no clock (the caller says when the report was made).
import { formatDuration, formatTimestamp, type RejectedRowRecord, type RunRecord, type RunStatus } from '../state/index.ts';
import { html, SafeHtml } from './html.ts';
import type { ReportData, ReportPlan, ReportRun, SyncReport } from './load-report-data.ts';
import { renderBarChart } from './render-bar-chart.ts';
import { REPORT_CSS } from './report-styles.ts';

export interface RenderRunReportOptions {
  readonly generatedAt: Date;
  readonly title?: string;
}

const STATUS_CLASSES: Readonly<Record<RunStatus, string>> = {
  succeeded: 'ok',
  failed: 'bad',
  stuck: 'bad',
  aborted: 'bad',
  blocked: 'warn',
  running: 'busy',
  skipped: 'muted',
  dry_run: 'muted',
};

// Belt and braces: even if a value slipped past escaping, the page may not run script or load anything.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
// Our own constant, not data: passed through unescaped so CSS quotes stay quotes.
const STYLESHEET = new SafeHtml(REPORT_CSS);
const COUNT_COLUMNS = ['source', 'exported', 'added', 'changed', 'removed', 'deleted'] as const;

export function renderRunReport(data: ReportData, options: RenderRunReportOptions): string {
  const title = options.title ?? 'kibo-sync report';
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLESHEET}</style>
</head>
<body>
<h1>${title}</h1>
<p class="meta">Generated ${formatTimestamp(options.generatedAt)} from the kibo_sync state tables.</p>
${data.syncs.length === 0 ? html`<p>No runs recorded yet.</p>` : renderOverview(data.syncs)}
${data.syncs.map((sync, index) => renderSync(sync, index))}
</body>
</html>
`.text;
}

function renderOverview(syncs: readonly SyncReport[]): SafeHtml {
  const rows = syncs.map((sync, index) => {
    const last = sync.runs[0]?.run;
    return html`<tr><td><a href="#sync-${index}">${sync.sync}</a></td><td>${last ? renderStatus(last.status) : '-'}</td><td>${formatTimestamp(last?.startedAt)}</td><td>${formatTimestamp(sync.lastGoodRun?.finishedAt)}</td><td class="num">${formatCount(sync.trackedKeys)}</td><td class="num">${sync.openImportJobs}</td></tr>`;
  });
  return html`<table class="overview">
<tr><th>Sync</th><th>Last run</th><th>Started</th><th>Last good run finished</th><th>Tracked keys</th><th>Open import jobs</th></tr>
${rows}
</table>`;
}

function renderSync(sync: SyncReport, index: number): SafeHtml {
  const oldestFirst = [...sync.runs].reverse();
  const chart = renderBarChart(
    `Rows changed (added + changed + deleted) per run of ${sync.sync}`,
    oldestFirst.map(({ run }) => ({
      label: `Run ${run.id} (${run.status})`,
      value: (run.counts.added ?? 0) + (run.counts.changed ?? 0) + (run.counts.deleted ?? 0),
      className: statusClass(run.status),
    })),
  );
  return html`<section id="sync-${index}">
<h2>${sync.sync}</h2>
<h3>Rows changed per run</h3>
${chart}
<h3>Recent runs</h3>
${renderRunsTable(sync.runs)}
<h3>Rejected rows</h3>
${renderRejectedRows(sync.runs)}
</section>
`;
}

function renderRunsTable(runs: readonly ReportRun[]): SafeHtml {
  const header = COUNT_COLUMNS.map((name) => html`<th>${name}</th>`);
  const rows = runs.map(({ run, plan }) => {
    const counts = COUNT_COLUMNS.map((name) => html`<td class="num">${formatCount(run.counts[name])}</td>`);
    const rejected =
      run.counts.rejectedByUs === undefined && run.counts.rejectedByKibo === undefined
        ? '-'
        : `${formatCount(run.counts.rejectedByUs ?? 0)} / ${formatCount(run.counts.rejectedByKibo ?? 0)}`;
    return html`<tr><td class="num">${run.id}</td><td>${renderStatus(run.status)}</td><td>${renderTrigger(run)}</td><td>${formatTimestamp(run.startedAt)}</td><td class="num">${formatRunDuration(run)}</td>${counts}<td class="num">${rejected}</td><td>${renderPlan(plan, run.planId)}</td><td>${run.error === undefined ? '' : html`<pre class="error">${run.error}</pre>`}</td></tr>`;
  });
  return html`<table class="runs">
<tr><th>Run</th><th>Status</th><th>Trigger</th><th>Started</th><th>Took</th>${header}<th>rejected (us / Kibo)</th><th>Plan</th><th>Error</th></tr>
${rows}
</table>`;
}

function renderRejectedRows(runs: readonly ReportRun[]): SafeHtml {
  const withRows = runs.filter((entry) => entry.rejectedRows.length > 0);
  if (withRows.length === 0) return html`<p class="note">None in these runs.</p>`;
  const rows = withRows.flatMap((entry) => [
    ...entry.rejectedRows.map((row) => renderRejectedRow(row)),
    entry.rejectedRowsTruncated
      ? html`<tr><td colspan="8" class="note">Run ${entry.run.id} has more rejected rows than shown here; see its audit files.</td></tr>`
      : html``,
  ]);
  return html`<table class="rejected">
<tr><th>Run</th><th>By</th><th>File</th><th>Row</th><th>Key</th><th>Field</th><th>Reason</th><th>Value (excerpt)</th></tr>
${rows}
</table>`;
}

function renderRejectedRow(row: RejectedRowRecord): SafeHtml {
  const by = row.source === 'kibo' ? 'Kibo' : 'us (ERP row)';
  const value = row.valueExcerpt === undefined ? '' : html`<code>${row.valueExcerpt}</code>`;
  return html`<tr><td class="num">${row.runId}</td><td>${by}</td><td>${row.file ?? ''}</td><td class="num">${row.rowNumber ?? ''}</td><td>${row.key ?? ''}</td><td>${row.field ?? ''}</td><td>${row.reason}</td><td>${value}</td></tr>`;
}

function renderPlan(plan: ReportPlan | undefined, planId: string | undefined): SafeHtml {
  if (plan === undefined) return planId === undefined ? html`` : html`<code>${planId}</code>`;
  const violations = plan.violations.map((violation) => html`<li><b>${violation.guard}</b>: ${violation.message}</li>`);
  return html`<code>${plan.id}</code> ${plan.action}${plan.approved ? html` <span class="note">(approved)</span>` : ''}${
    violations.length > 0 ? html`<ul class="violations">${violations}</ul>` : ''
  }`;
}

function renderTrigger(run: RunRecord): string {
  const notes = [run.resync ? 'resync' : '', run.dryRun ? 'dry run' : ''].filter((note) => note !== '');
  return notes.length === 0 ? run.trigger : `${run.trigger} (${notes.join(', ')})`;
}

function renderStatus(status: RunStatus): SafeHtml {
  return html`<span class="status ${statusClass(status)}">${status}</span>`;
}

/** Only known classes reach the markup: the status column is checked by Postgres, but never trusted here. */
function statusClass(status: RunStatus): string {
  return Object.hasOwn(STATUS_CLASSES, status) ? STATUS_CLASSES[status] : 'muted';
}

function formatRunDuration(run: RunRecord): string {
  return run.finishedAt === undefined ? '-' : formatDuration(run.finishedAt.getTime() - run.startedAt.getTime());
}

function formatCount(value: number | undefined): string {
  return value === undefined ? '-' : value.toLocaleString('en-US');
}
