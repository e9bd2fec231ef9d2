// Prints where a V8 CPU profile (node --cpu-prof; `npm run bench -- --cpu-prof-dir DIR`) spent its
// time: self time per function and per source file, so engine hot paths can be named with figures.
//   npx tsx bench/summarize-cpu-profile.ts DIR/CPU.*.cpuprofile [--top 25]
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  const nodeModules = url.lastIndexOf('node_modules/');
  if (nodeModules !== -1) return url.slice(nodeModules + 'node_modules/'.length);
  return path.relative(process.cwd(), url.replace(/^file:\/\//, ''));
}

function addTo(map: Map<string, number>, key: string, micros: number): void {
  map.set(key, (map.get(key) ?? 0) + micros);
}

function formatTop(map: Map<string, number>, totalMicros: number, top: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, micros]) => `${(micros / 1000).toFixed(0).padStart(8)} ms ${((100 * micros) / totalMicros).toFixed(1).padStart(5)}%  ${name}`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  const file = positionals[0];
  if (file === undefined) throw new Error('usage: summarize-cpu-profile.ts FILE.cpuprofile [--top N]');
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalMicros = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) return;
    totalMicros += micros;
    const where = shortUrl(frame.url);
    addTo(byFunction, `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`, micros);
    addTo(byFile, where, micros);
  });
  const top = Number(values.top);
  console.log(`total sampled: ${(totalMicros / 1000).toFixed(0)} ms\n\nself time by function:`);
  console.log(formatTop(byFunction, totalMicros, top).join('\n'));
  console.log('\nself time by file:');
  console.log(formatTop(byFile, totalMicros, top).join('\n'));
}

await main();
