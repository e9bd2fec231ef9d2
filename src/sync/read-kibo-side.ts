// Loads Kibo's export into the differ, inline, or on a worker thread so a second core inflates, parses
// and hashes Kibo's export while the main thread reads and hashes the ERP's (read-erp-side.ts). An ERP row
// whose key Kibo has not given yet is deferred as hashes (compute-diff.ts deferErp), not held: the ERP
// read never waits for Kibo, and Kibo's arrival settles the unchanged ones.
//
// The worker is the default from KIBO_WORKER_MIN_EXPORT_BYTES up. Measured at 1M rows on 2026-12-06
// (bench/README.md): see the figures there; holding rows instead of deferring them was slower than
// inline (17.5 s against 15.2 s), because the ERP's order is not the export's and the ERP read waited.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KeyedDiffer } from '../diff/compute-diff.ts';
import type { ZipSource } from '../kibo/kibo-zip.ts';
import type { SyncMapping } from '../mapping/index.ts';
import { hashKiboExport, type HashedKiboBatch, type KiboExportHandlers, type KiboExportTotals } from './hash-kibo-export.ts';
import { BATCH_ACK, type KiboExportWorkerInput, type KiboExportWorkerMessage } from './kibo-export-worker-protocol.ts';
import { KiboExportFormatError } from './read-kibo-export.ts';

/**
 * Exports from this size (zipped) up are hashed on a worker thread: ~350k products of the bench's
 * 17-field catalog. Measured (bench/README.md): at 100k and 300k rows the thread was no faster than
 * inline and cost 30-50 MB more; at 1M it was 20-25% faster.
 */
export const KIBO_WORKER_MIN_EXPORT_BYTES = 32 * 1024 * 1024;

/**
 * The worker's young generation. Measured at 1M rows (bench/README.md, session 6): with 4 or 8 MB, the
 * zip's 64 KiB read and inflate chunks outlived two scavenges often enough to be promoted, and dead chunks
 * then piled up to 30-64 MB of ArrayBuffers until a full GC; with 16 MB they die young (~5 MB live) for
 * a heap 12 MB larger, at the same speed.
 */
const WORKER_YOUNG_GENERATION_MB = 16;

// From source (tests, a checkout run through tsx) the worker is TypeScript and needs tsx's loader too.
const RUNS_FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./kibo-export-worker.${RUNS_FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);

export interface KiboSideInput {
  readonly zip: ZipSource;
  readonly mapping: SyncMapping;
  readonly differ: KeyedDiffer;
  readonly onWorkerThread: boolean;
  readonly signal?: AbortSignal;
}

/** Resolves once every Kibo row is in the differ and differ.finishKibo() was called. */
export async function readKiboSide(input: KiboSideInput): Promise<KiboExportTotals> {
  const { differ, mapping } = input;
  const handlers = {
    onBatch: (batch: HashedKiboBatch): void => differ.addKiboBatch(batch),
    onKeyEstimate: (keys: number): void => differ.reserveKeys(keys),
  } satisfies KiboExportHandlers & DifferHandlers;
  const totals = input.onWorkerThread ? await hashOnWorkerThread(input, handlers) : await hashKiboExport(input.zip, mapping, handlers);
  differ.finishKibo();
  return totals;
}

/** The differ's side of the handlers: synchronous, so a batch is in before it is acknowledged. */
interface DifferHandlers {
  readonly onBatch: (batch: HashedKiboBatch) => void;
  readonly onKeyEstimate: (keys: number) => void;
}

function hashOnWorkerThread(input: KiboSideInput, handlers: DifferHandlers): Promise<KiboExportTotals> {
  const workerData: KiboExportWorkerInput = { zip: input.zip, mapping: input.mapping };
  const worker = new Worker(RUNS_FROM_SOURCE ? createSourceBootstrapUrl() : WORKER_URL, { workerData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  return new Promise<KiboExportTotals>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      input.signal?.removeEventListener('abort', onAbort);
      // The worker has nothing left to do (done) or must stop (failure, abort); its exit needs no wait.
      void worker.terminate();
      outcome();
    };
    const onAbort = (): void => settle(() => reject(input.signal?.reason));
    input.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: KiboExportWorkerMessage) => {
      if (settled) return;
      try {
        if (message.type === 'batch') {
          handlers.onBatch(message.batch);
          worker.postMessage(BATCH_ACK);
        } else if (message.type === 'keyEstimate') {
          handlers.onKeyEstimate(message.keys);
        } else if (message.type === 'done') {
          settle(() => resolve({ exported: message.exported, unkeyed: message.unkeyed }));
        } else {
          settle(() => reject(rebuildWorkerError(message)));
        }
      } catch (error) {
        settle(() => reject(error)); // the differ refused a row (a duplicate Kibo key)
      }
    });
    worker.on('error', (error) => settle(() => reject(new Error(`the thread reading Kibo's export crashed: ${error.message}`, { cause: error }))));
    worker.on('exit', (code) => settle(() => reject(new Error(`the thread reading Kibo's export stopped (exit code ${code}) before it finished`))));
  });
}

/** A worker running TypeScript registers tsx's loader first, as bin/kibo-sync.js does for the CLI. */
function createSourceBootstrapUrl(): URL {
  // The ESM entry of tsx/esm/api (require.resolve would give its CommonJS twin, which cannot register here).
  const require = createRequire(import.meta.url);
  const packageJsonPath = require.resolve('tsx/package.json');
  const exportsMap = (JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  const tsxApi = pathToFileURL(path.join(path.dirname(packageJsonPath), exportsMap['./esm/api']!.import.default)).href;
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(WORKER_URL.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

function rebuildWorkerError(message: Extract<KiboExportWorkerMessage, { type: 'error' }>): Error {
  const error = message.name === 'KiboExportFormatError' ? new KiboExportFormatError(message.message) : new Error(message.message);
  if (message.stack !== undefined) error.stack = message.stack;
  return error;
}
