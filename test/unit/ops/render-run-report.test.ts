import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../../src/report/html.ts';
import type { ReportData, ReportRun } from '../../../src/report/load-report-data.ts';
import { renderBarChart } from '../../../src/report/render-bar-chart.ts';
import { renderRunReport } from '../../../src/report/render-run-report.ts';
import type { RunRecord } from '../../../src/state/index.ts';

const HOSTILE = `<script>alert("x")</script>&'"`;
const HOSTILE_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&quot;';

function run(id: number, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    sync: 'products',
    status: 'succeeded',
    trigger: 'schedule',
    resync: false,
    dryRun: false,
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, id)),
    finishedAt: new Date(Date.UTC(2026, 0, 1, 0, id, 42)),
    counts: { source: 100, added: id, changed: 2 * id, deleted: 0 },
    stageDurationsMs: {},
    ...overrides,
  };
}

function reportRun(record: RunRecord, extra: Partial<ReportRun> = {}): ReportRun {
  return { run: record, rejectedRows: [], rejectedRowsTruncated: false, ...extra };
}

describe('html', () => {
  it('escapes every interpolated value unless it is html output itself', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${HOSTILE}">${inner}${[HOSTILE, 3]}${undefined}${null}${false}</p>`.text).toBe(
      `<p title="${HOSTILE_ESCAPED}"><b>&lt;i&gt;</b>${HOSTILE_ESCAPED}3</p>`,
    );
    expect(escapeHtml('a&b')).toBe('a&amp;b');
  });
});

describe('renderBarChart', () => {
  it('draws one bar per value, scaled to the largest, with escaped labels', () => {
    const svg = renderBarChart(HOSTILE, [
      { label: 'Run 1', value: 10, className: 'ok' },
      { label: HOSTILE, value: 40, className: 'bad' },
      { label: 'Run 3', value: 0, className: 'ok' },
    ]).text;
    const heights = [...svg.matchAll(/<rect class="(\w+)" x="\d+" y="\d+" width="\d+" height="(\d+)"/g)].map((match) => [
      match[1],
      Number(match[2]),
    ]);
    expect(heights).toEqual([
      ['ok', 21],
      ['bad', 84],
      ['ok', 0],
    ]);
    expect(svg).not.toContain('<script');
    expect(svg).toContain(`<title>${HOSTILE_ESCAPED}: 40</title>`);
  });

  it('draws nothing without runs', () => {
    expect(renderBarChart('none', []).text).toBe('');
  });
});

describe('renderRunReport', () => {
  const data: ReportData = {
    syncs: [
      {
        sync: HOSTILE,
        trackedKeys: 12_345,
        openImportJobs: 1,
        lastGoodRun: run(1),
        runs: [
          reportRun(run(3, { status: 'blocked', planId: HOSTILE, counts: { source: 5, deleted: 90 } }), {
            plan: { id: HOSTILE, action: HOSTILE, approved: true, violations: [{ guard: HOSTILE, message: HOSTILE }] },
          }),
          reportRun(run(2, { status: 'failed', error: `${HOSTILE}\nsecond line`, counts: { rejectedByUs: 1, rejectedByKibo: 2 } }), {
            rejectedRows: [
              {
                id: 1,
                runId: 2,
                sync: HOSTILE,
                source: 'erp',
                file: HOSTILE,
                rowNumber: 7,
                key: HOSTILE,
                field: HOSTILE,
                reason: HOSTILE,
                valueExcerpt: HOSTILE,
              },
            ],
            rejectedRowsTruncated: true,
          }),
          reportRun(run(1, { trigger: 'manual', resync: true })),
        ],
      },
    ],
  };
  const page = renderRunReport(data, { generatedAt: new Date(Date.UTC(2026, 4, 2, 3, 4, 5)) });

  it('escapes every value that came from data', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toContain(HOSTILE);
    // sync name (heading, overview link, chart title), plan id, action, guard and message, the error, and the
    // rejected row's file, key, field, reason and value: 13 places, each escaped.
    expect(page.split(HOSTILE_ESCAPED).length - 1).toBe(13);
    expect(page).toContain(`<h2>${HOSTILE_ESCAPED}</h2>`);
    expect(page).toContain(`<pre class="error">${HOSTILE_ESCAPED}\nsecond line</pre>`);
    expect(page).toContain(`<code>${HOSTILE_ESCAPED}</code>`);
  });

  it('is one self-contained page: inline CSS, no script, no external assets', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<style>');
    expect(page).toContain('font: 14px/1.45 system-ui, -apple-system, "Segoe UI"');
    expect(page).toContain(`content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:"`);
    expect(page).not.toMatch(/\ssrc=|<link|<img|url\(|@import/i);
    expect([...page.matchAll(/href="([^"]*)"/g)].map((match) => match[1])).toEqual(['#sync-0']);
  });

  it('shows each run with status colour, trigger, time taken, counts, plan and rejections', () => {
    expect(page).toContain('Generated 2026-05-02 03:04:05Z');
    expect(page).toContain('<span class="status warn">blocked</span>');
    expect(page).toContain('<span class="status bad">failed</span>');
    expect(page).toContain('<span class="status ok">succeeded</span>');
    expect(page).toContain('<td>manual (resync)</td><td>2026-01-01 00:01:00Z</td><td class="num">42s</td>');
    expect(page).toContain('<td class="num">1 / 2</td>');
    expect(page).toContain('<span class="note">(approved)</span>');
    expect(page).toContain(`<li><b>${HOSTILE_ESCAPED}</b>: ${HOSTILE_ESCAPED}</li>`);
    expect(page).toContain('<td class="num">12,345</td><td class="num">1</td>');
    expect(page).toContain('Run 2 has more rejected rows than shown here');
    expect(page).toContain('<td class="num">2</td><td>us (ERP row)</td>');
  });

  it('charts rows changed per run, oldest first', () => {
    const titles = [...page.matchAll(/<rect [^>]*><title>([^<]*)<\/title>/g)].map((match) => match[1]);
    expect(titles).toEqual(['Run 1 (succeeded): 3', 'Run 2 (failed): 0', 'Run 3 (blocked): 90']);
  });

  it('says so when there are no runs', () => {
    expect(renderRunReport({ syncs: [] }, { generatedAt: new Date(0) })).toContain('<p>No runs recorded yet.</p>');
  });
});
