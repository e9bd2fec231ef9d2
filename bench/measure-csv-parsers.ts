// Measures CSV parsers on the same products.csv: MB/s (median of N runs, each in a fresh child process
// so one parser's garbage does not slow the next) and whether each gives exactly csv-parse's records
// (the first parser listed is the reference; the project's reader used csv-parse before the scanner).
// Candidates other than the project's own are loaded from --candidates-dir, a scratch npm project:
//   mkdir /tmp/csvbench && cd /tmp/csvbench && npm init -y && npm install udsv papaparse csv-parser csv-parse
//   npx tsx bench/measure-csv-parsers.ts --csv products.csv --candidates-dir /tmp/csvbench [--runs 3] [--verify-csv small.csv]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readKiboCsv, readKiboCsvBatches } from '../src/csv/kibo-csv-reader.ts';

type RecordSink = (values: readonly string[]) => void;
type ParserRun = (file: string, sink: RecordSink, load: (name: string) => unknown) => Promise<void>;

const READ_CHUNK_BYTES = 1 << 20;

/** The slice of udsv's API used here (it is not a project dependency, so its types are not installed). */
interface UdsvParser {
  stringArrs: unknown;
  chunk(text: string, parse: unknown, onData: (row: string[]) => void): void;
  end(): void;
}
interface UdsvModule {
  inferSchema(text: string, options: object): unknown;
  initParser(schema: unknown): UdsvParser;
}

function openStream(file: string) {
  return createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
}

const PARSERS: Readonly<Record<string, ParserRun>> = {
  'csv-parse (stream, raw)': async (file, sink, load) => {
    const { parse } = load('csv-parse') as { parse: (options: object) => NodeJS.ReadWriteStream };
    const parser = openStream(file).pipe(parse({ bom: true, record_delimiter: ['\r\n', '\n'], skip_empty_lines: true, relax_column_count: true }));
    for await (const values of parser as AsyncIterable<string[]>) sink(values);
  },
  'readKiboCsv (project reader, per record)': async (file, sink) => {
    for await (const record of readKiboCsv(openStream(file))) sink(record.values);
  },
  'readKiboCsvBatches (project reader, batches)': async (file, sink) => {
    for await (const batch of readKiboCsvBatches(openStream(file))) for (const record of batch) sink(record.values);
  },
  'papaparse (stream)': async (file, sink, load) => {
    const Papa = load('papaparse') as { parse: (input: unknown, config: object) => void };
    await new Promise<void>((resolve, reject) => {
      Papa.parse(openStream(file), {
        skipEmptyLines: true,
        chunk: (results: { data: string[][]; errors: unknown[] }) => {
          if (results.errors.length > 0) reject(new Error(JSON.stringify(results.errors[0])));
          for (const row of results.data) sink(row);
        },
        complete: () => resolve(),
        error: reject,
      });
    });
  },
  'csv-parser (stream)': async (file, sink, load) => {
    const csvParser = load('csv-parser') as (options: object) => NodeJS.ReadWriteStream;
    const stream = openStream(file).pipe(csvParser({ headers: false }));
    for await (const row of stream as AsyncIterable<Record<string, string>>) sink(Object.values(row));
  },
  'udsv (chunked)': async (file, sink, load) => {
    const { inferSchema, initParser } = load('udsv') as UdsvModule;
    const decoder = new TextDecoder();
    let parser: UdsvParser | undefined;
    const onData = (row: string[]): void => sink(row);
    for await (const chunk of openStream(file)) {
      const text = decoder.decode(chunk as Buffer, { stream: true });
      parser ??= initParser(inferSchema(text, { row: '\r\n', col: ',', encl: '"' }));
      parser.chunk(text, parser.stringArrs, onData);
    }
    parser?.end();
  },
};

interface RunResult {
  readonly ms: number;
  readonly records: number;
  readonly digest?: string;
}

async function runOnce(name: string, file: string, candidatesDir: string, verify: boolean): Promise<RunResult> {
  const load = createRequire(path.join(path.resolve(candidatesDir), 'package.json'));
  const parser = PARSERS[name];
  if (!parser) throw new Error(`unknown parser ${name}`);
  let records = 0;
  const hash = verify ? createHash('sha256') : undefined;
  const sink: RecordSink = (values) => {
    records += 1;
    // \u0001 between fields, \u0002 between records: never in the data, so the digest is exact.
    hash?.update(`${values.join('\u0001')}\u0002`);
  };
  const started = performance.now();
  await parser(file, sink, load);
  return { ms: performance.now() - started, records, ...(hash ? { digest: hash.digest('hex') } : {}) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function runChild(name: string, file: string, candidatesDir: string, verify: boolean): RunResult | { error: string } {
  try {
    const output = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, '--child', name, '--csv', file, '--candidates-dir', candidatesDir, ...(verify ? ['--verify'] : [])], {
      encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(output.trim().split('\n').pop()!) as RunResult;
  } catch (error) {
    return { error: (error as { stderr?: string }).stderr?.split('\n').find((line) => line.includes('Error')) ?? String(error) };
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      csv: { type: 'string' }, 'verify-csv': { type: 'string' }, 'candidates-dir': { type: 'string', default: '/tmp/csvbench' },
      runs: { type: 'string', default: '3' }, child: { type: 'string' }, verify: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  if (!values.csv) throw new Error('--csv FILE is required (a products.csv, e.g. unzip -p bench/work/rows-1000000-seed-42/export-before.zip > /tmp/products.csv)');
  if (values.child) {
    process.stdout.write(`${JSON.stringify(await runOnce(values.child, values.csv, values['candidates-dir'], values.verify))}\n`);
    return;
  }
  const megabytes = statSync(values.csv).size / 1e6;
  const names = Object.keys(PARSERS).filter((name) => !values.only || name.includes(values.only));
  const verifyFile = values['verify-csv'] ?? values.csv;
  const results: Record<string, unknown>[] = [];
  let reference: string | undefined;
  for (const name of names) {
    const check = runChild(name, verifyFile, values['candidates-dir'], true);
    if ('error' in check) {
      results.push({ parser: name, error: check.error });
      continue;
    }
    reference ??= check.digest;
    const timings: number[] = [];
    for (let run = 0; run < Number(values.runs); run += 1) {
      const result = runChild(name, values.csv, values['candidates-dir'], false);
      if ('error' in result) throw new Error(`${name}: ${result.error}`);
      timings.push(result.ms);
    }
    const medianMs = median(timings);
    results.push({
      parser: name, records: check.records, identicalToReader: check.digest === reference, medianMs: Math.round(medianMs),
      mbPerS: Number((megabytes / (medianMs / 1000)).toFixed(1)), runsMs: timings.map(Math.round),
    });
    console.error(JSON.stringify(results.at(-1)));
  }
  console.table(results);
  console.log(JSON.stringify({ file: values.csv, megabytes: Number(megabytes.toFixed(1)), verifiedOn: verifyFile, results }, null, 2));
}

await main();
