// A small inline SVG bar chart (no script, no external assets): one bar per run, oldest on the left.
import { html, type SafeHtml } from './html.ts';

export interface ChartBar {
  readonly label: string;
  readonly value: number;
  /** A CSS class from the report's stylesheet (the run's status colour). */
  readonly className: string;
}

const CHART_HEIGHT = 120;
const PLOT_TOP = 16;
const PLOT_BOTTOM = 100;
const BAR_WIDTH = 18;
const BAR_GAP = 6;
const AXIS_LEFT = 48;

export function renderBarChart(title: string, bars: readonly ChartBar[]): SafeHtml {
  if (bars.length === 0) return html``;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const width = AXIS_LEFT + bars.length * (BAR_WIDTH + BAR_GAP) + BAR_GAP;
  const plotHeight = PLOT_BOTTOM - PLOT_TOP;
  const rects = bars.map((bar, index) => {
    const height = bar.value <= 0 ? 0 : Math.max(1, Math.round((bar.value / max) * plotHeight));
    const x = AXIS_LEFT + BAR_GAP + index * (BAR_WIDTH + BAR_GAP);
    return html`<rect class="${bar.className}" x="${x}" y="${PLOT_BOTTOM - height}" width="${BAR_WIDTH}" height="${height}"><title>${bar.label}: ${bar.value.toLocaleString('en-US')}</title></rect>`;
  });
  return html`<svg class="chart" role="img" width="${width}" height="${CHART_HEIGHT}" viewBox="0 0 ${width} ${CHART_HEIGHT}" xmlns="http://www.w3.org/2000/svg"><title>${title}</title>
<text class="axis" x="${AXIS_LEFT - 4}" y="${PLOT_TOP + 4}" text-anchor="end">${max.toLocaleString('en-US')}</text>
<text class="axis" x="${AXIS_LEFT - 4}" y="${PLOT_BOTTOM}" text-anchor="end">0</text>
<line class="axis-line" x1="${AXIS_LEFT}" y1="${PLOT_BOTTOM}" x2="${width}" y2="${PLOT_BOTTOM}"/>
${rects}
<text class="axis" x="${AXIS_LEFT + BAR_GAP}" y="${CHART_HEIGHT - 4}">older</text>
<text class="axis" x="${width - BAR_GAP}" y="${CHART_HEIGHT - 4}" text-anchor="end">newer</text>
</svg>`;
}
