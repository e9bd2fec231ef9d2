// The report's only stylesheet, inlined so the page is one file that opens anywhere (mail, ticket, browser).
export const REPORT_CSS = `
:root { color-scheme: light; --ok: #1a7f37; --bad: #cf222e; --warn: #bf8700; --busy: #0969da; --muted: #6e7781; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px; color: #1f2328; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.meta { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; margin: 4px 0 12px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; vertical-align: top; text-align: left; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; padding: 1px 6px; border-radius: 10px; color: #fff; white-space: nowrap; }
.status.ok { background: var(--ok); } .status.bad { background: var(--bad); } .status.warn { background: var(--warn); }
.status.busy { background: var(--busy); } .status.muted { background: var(--muted); }
svg.chart rect.ok { fill: var(--ok); } svg.chart rect.bad { fill: var(--bad); } svg.chart rect.warn { fill: var(--warn); }
svg.chart rect.busy { fill: var(--busy); } svg.chart rect.muted { fill: var(--muted); }
svg.chart .axis { font-size: 10px; fill: var(--muted); } svg.chart .axis-line { stroke: #d0d7de; }
pre.error { white-space: pre-wrap; word-break: break-word; max-width: 60ch; max-height: 12em; overflow: auto; margin: 0; font-size: 12px; color: var(--bad); }
code { font-size: 12px; background: #f6f8fa; padding: 0 3px; word-break: break-all; }
ul.violations { margin: 4px 0 0; padding-left: 18px; }
.note { color: var(--muted); font-size: 12px; }
`;
