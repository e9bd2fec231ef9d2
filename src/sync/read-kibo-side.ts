// Loads Kibo's export into the differ, inline, or on a worker thread so a second core hashes Kibo's cells
// while the main thread reads and hashes the ERP's (read-erp-side.ts classifies the ERP rows whose keys
// Kibo already gave and holds the others back: held-erp-rows.ts).
//
// Off by default: an ERP row can only be classified once Kibo's side has given its key (or ended), and
// an ERP query's order is not the export's, so the ERP read mostly waits on held rows. Measured at 1M
// rows on 2026-12-06 (bench/README.md): 17.5 s threaded against 15.2 s inline, 416 MB against 214 MB.
// It is kept, tested, behind SyncDeps.kiboWorkerMinExportBytes; `npm run bench -- --kibo-worker`
// measures it. The way forward is deferring such ERP rows' classification rather than holding them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KeyedDiffer } from '../diff/compute-diff.ts';
import { VALUE_WORDS } from '../diff/hash-cells.ts';
import type { ZipSource } from '../kibo/kibo-zip.ts';
import type { SyncMapping } from '../mapping/index.ts';
import { hashKiboExport, type HashedKiboBatch, type KiboExportTotals } from './hash-kibo-export.ts';
import { BATCH_ACK, type KiboExportWorkerInput, type KiboExportWorkerMessage } from './kibo-export-worker-protocol.ts';
import { KiboExportFormatError } from './read-kibo-export.ts';

/** Exports from this size (zipped) up are hashed on a worker thread: never, unless a caller sets it. */
export const KIBO_WORKER_MIN_EXPORT_BYTES = Number.POSITIVE_INFINITY;

// From source (tests, a checkout run through tsx) the worker is TypeScript and needs tsx's loader too.
const RUNS_FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./kibo-export-worker.${RUNS_FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);

export interface KiboSideInput {
  readonly zip: ZipSource;
  readonly mapping: SyncMapping;
  readonly differ: KeyedDiffer;
  readonly onWorkerThread: boolean;
  readonly signal?: AbortSignal;
  /** Called with each batch of keys once they are in the differ (lets held ERP rows go: held-erp-rows.ts). */
  readonly onKeysInserted?: (keys: readonly string[]) => void;
}

/** Resolves once every Kibo row is in the differ and differ.finishKibo() was called. */
export async function readKiboSide(input: KiboSideInput): Promise<KiboExportTotals> {
  const { differ, mapping, onKeysInserted } = input;
  const wordsPerRow = mapping.fields.length * VALUE_WORDS;
  const insert = (batch: HashedKiboBatch): void => {
    insertBatch(differ, batch, wordsPerRow);
    onKeysInserted?.(batch.keys);
  };
  const totals = input.onWorkerThread ? await hashOnWorkerThread(input, insert) : await hashKiboExport(input.zip, mapping, insert);
  differ.finishKibo();
  return totals;
}

function insertBatch(differ: KeyedDiffer, batch: HashedKiboBatch, wordsPerRow: number): void {
  for (let index = 0; index < batch.keys.length; index += 1) differ.addKiboHashed(batch.keys[index]!, batch.hashes, index * wordsPerRow);
}

function hashOnWorkerThread(input: KiboSideInput, onBatch: (batch: HashedKiboBatch) => void): Promise<KiboExportTotals> {
  const workerData: KiboExportWorkerInput = { zip: input.zip, mapping: input.mapping };
  const worker = new Worker(RUNS_FROM_SOURCE ? createSourceBootstrapUrl() : WORKER_URL, { workerData });
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
          onBatch(message);
          worker.postMessage(BATCH_ACK);
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
