// Turns measured runs into the benchmark's figures (medians, ratios, targets) and prints them.
import os from 'node:os';
import type { BenchCounts } from './bench-data-model.ts';
import type { FloorTiming } from './measure-floor.ts';

export const ENGINE_STAGES = ['export', 'read-kibo', 'read-erp', 'plan', 'write', 'upload', 'import', 'record'] as const;

export interface MeasuredRun {
  readonly cycleMs: number;
  readonly maxRssBytes: number;
  readonly baselineRssBytes: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly stageDurationsMs: Readonly<Record<string, number>>;
  readonly status: string;
  readonly planAction?: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly bytesUploaded: number;
  readonly deltaZipBytes: number;
}

export interface ScenarioFigures {
  readonly runs: number;
  readonly stageMedianMs: Readonly<Record<string, number>>;
  readonly totalMedianMs: number;
  readonly rowsPerSecond: number;
  readonly peakRssMedianMb: number;
  /** Peak RSS before the cycle started (runtime, loader, modules). */
  readonly baselineRssMedianMb: number;
  readonly cpuMedianMs: number;
  readonly bytesUploaded: number;
  readonly deltaZipBytes: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly status: string;
  readonly planAction?: string;
  readonly allRuns: readonly MeasuredRun[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarizeRuns(runs: readonly MeasuredRun[], erpRows: number): ScenarioFigures {
  const stageMedianMs: Record<string, number> = {};
  for (const stage of ENGINE_STAGES) {
    const values = runs.map((run) => run.stageDurationsMs[stage]).filter((value): value is number => value !== undefined);
    if (values.length > 0) stageMedianMs[stage] = Math.round(median(values));
  }
  const totalMedianMs = Math.round(median(runs.map((run) => run.cycleMs)));
  const last = runs.at(-1)!;
  return {
    runs: runs.length, stageMedianMs, totalMedianMs,
    rowsPerSecond: Math.round(erpRows / (totalMedianMs / 1000)),
    peakRssMedianMb: Number((median(runs.map((run) => run.maxRssBytes)) / 1024 ** 2).toFixed(1)),
    baselineRssMedianMb: Number((median(runs.map((run) => run.baselineRssBytes)) / 1024 ** 2).toFixed(1)),
    cpuMedianMs: Math.round(median(runs.map((run) => run.cpuUserMs + run.cpuSystemMs))),
    bytesUploaded: last.bytesUploaded, deltaZipBytes: last.deltaZipBytes, counts: last.counts, status: last.status,
    ...(last.planAction ? { planAction: last.planAction } : {}), allRuns: runs,
  };
}

export interface FloorFigures {
  readonly erpCopyMedianMs: number;
  readonly unzipMedianMs: number;
  readonly totalMedianMs: number;
  readonly all: readonly FloorTiming[];
}

export function summarizeFloor(timings: readonly FloorTiming[]): FloorFigures {
  return {
    erpCopyMedianMs: Math.round(median(timings.map((timing) => timing.erpCopyMs))),
    unzipMedianMs: Math.round(median(timings.map((timing) => timing.unzipMs))),
    totalMedianMs: Math.round(median(timings.map((timing) => timing.totalMs))),
    all: timings,
  };
}

export interface BenchResult {
  readonly rows: number;
  readonly seed: number;
  readonly generated: BenchCounts;
  readonly machine: Readonly<Record<string, unknown>>;
  readonly floor: FloorFigures;
  readonly changed: ScenarioFigures;
  readonly noChange: ScenarioFigures;
  readonly snapshotZipBytes: number;
  readonly ratios: Readonly<Record<string, number>>;
  readonly countsExact: boolean;
  readonly targets: Readonly<Record<string, boolean | null>>;
  readonly notes: readonly string[];
  /** When and from which commit (`+dirty`: with uncommitted changes to the engine or the bench). */
  readonly measuredAt: string;
  readonly commit: string;
  /** The 100k run a 1M run's peak RSS was compared with (bench-100000.json), if any. */
  readonly rssReference?: RssReference;
}

/** Issue 5: a 1M run's peak RSS may be at most 1.5x the 100k run's; both must come from one machine. */
export interface RssReference {
  readonly file: string;
  readonly peakRssMedianMb: number;
  readonly cpuModel: string;
  readonly measuredAt?: string;
  readonly commit?: string;
}

export const MAX_RSS_GROWTH_OVER_100K = 1.5;

/** The 1M run's peak over the 100k run's; undefined when there is no reference from the same CPU model. */
export function computeRssGrowth(peakRssMb: number, cpuModel: string, reference: RssReference | undefined): number | undefined {
  if (reference === undefined || reference.cpuModel !== cpuModel) return undefined;
  return Number((peakRssMb / reference.peakRssMedianMb).toFixed(3));
}

export function describeMachine(postgresVersion: string, loadBefore: readonly number[]): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryMb: Math.round(os.totalmem() / 1024 ** 2),
    os: `${os.type()} ${os.release()} ${os.arch()}`, node: process.version, postgres: postgresVersion,
    loadAverageBefore: loadBefore.map((value) => Number(value.toFixed(2))),
    loadAverageAfter: os.loadavg().map((value) => Number(value.toFixed(2))),
  };
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1000).toFixed(2));

export function formatBenchTable(result: BenchResult): string {
  const { changed, noChange, floor } = result;
  const lines: string[] = [];
  const row = (label: string, a: string, b: string): void => void lines.push(`${label.padEnd(34)}${a.padStart(16)}${b.padStart(16)}`);
  lines.push(`kibo-erp-sync bench: ${result.rows} Kibo rows, seed ${result.seed}, medians of ${changed.runs} runs, commit ${result.commit}, ${result.measuredAt}`);
  lines.push(`machine: ${String(result.machine.cpuModel)}, ${String(result.machine.cores)} cores, load before ${JSON.stringify(result.machine.loadAverageBefore)} after ${JSON.stringify(result.machine.loadAverageAfter)}`);
  row('', '1% changed', 'no change');
  for (const stage of ENGINE_STAGES) row(`  ${stage} (s)`, seconds(changed.stageMedianMs[stage]), seconds(noChange.stageMedianMs[stage]));
  row('total, runSyncCycle wall (s)', seconds(changed.totalMedianMs), seconds(noChange.totalMedianMs));
  row('rows/s (ERP rows / total)', String(changed.rowsPerSecond), String(noChange.rowsPerSecond));
  row('peak RSS (MB)', String(changed.peakRssMedianMb), String(noChange.peakRssMedianMb));
  if (result.ratios.peakRssOver100kRun !== undefined) row('peak RSS / 100k run\'s', String(result.ratios.peakRssOver100kRun), '');
  row('  of which before the cycle (MB)', String(changed.baselineRssMedianMb), String(noChange.baselineRssMedianMb));
  row('CPU user+sys (s)', seconds(changed.cpuMedianMs), seconds(noChange.cpuMedianMs));
  row('plan / status', `${changed.planAction ?? '-'}/${changed.status}`, `${noChange.planAction ?? '-'}/${noChange.status}`);
  row('bytes uploaded', String(changed.bytesUploaded), String(noChange.bytesUploaded));
  row('delta zip / snapshot zip (bytes)', `${changed.deltaZipBytes}/${result.snapshotZipBytes}`, '');
  row('floor: psql \\copy + unzip -p (s)', `${seconds(floor.erpCopyMedianMs)}+${seconds(floor.unzipMedianMs)}`, '');
  row('total / floor', String(result.ratios.totalOverFloor), String(result.ratios.noChangeTotalOverFloor));
  row('delta zip / snapshot zip', String(result.ratios.deltaOverSnapshot), '');
  row('diff counts exact', String(result.countsExact), '');
  lines.push(`targets: ${Object.entries(result.targets).map(([name, met]) => `${name}=${met === null ? 'n/a' : met ? 'met' : 'MISSED'}`).join(', ')}`);
  return lines.join('\n');
}
