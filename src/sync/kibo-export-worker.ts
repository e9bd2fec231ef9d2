// Worker-thread entry of read-kibo-side.ts: hashes Kibo's export and posts the batches to the main
// thread, at most MAX_BATCHES_IN_FLIGHT ahead of it (each is acknowledged), so a main thread busy with
// the ERP never piles up the whole export in its message queue.
import { parentPort, workerData } from 'node:worker_threads';
import type { ZipSource } from '../kibo/kibo-zip.ts';
import { hashKiboExport } from './hash-kibo-export.ts';
import { BATCH_ACK, type KiboExportWorkerInput, type KiboExportWorkerMessage } from './kibo-export-worker-protocol.ts';

/** Batches of 2048 rows (~250 KB each): a few keep the main thread fed; 64 held ~16 MB for nothing. */
const MAX_BATCHES_IN_FLIGHT = 4;

const port = parentPort;
if (port === null) throw new Error('kibo-export-worker.ts runs as a worker thread (see read-kibo-side.ts)');
let inFlight = 0;
let wake: (() => void) | undefined;
port.on('message', (message: unknown) => {
  if (message !== BATCH_ACK) return;
  inFlight -= 1;
  wake?.();
});

const input = workerData as KiboExportWorkerInput;
// A Buffer crosses threads as a plain Uint8Array (structured clone): make it a Buffer again, or the zip
// reader would take it for a file path.
const received: unknown = input.zip;
const zip: ZipSource = received instanceof Uint8Array && !Buffer.isBuffer(received) ? Buffer.from(received.buffer, received.byteOffset, received.byteLength) : input.zip;
try {
  const totals = await hashKiboExport(zip, input.mapping, {
    onBatch: async (batch) => {
      inFlight += 1;
      const transfer = [batch.keyHashes.buffer, batch.keyBytes.buffer, batch.keyEnds.buffer, batch.hashes.buffer] as ArrayBuffer[];
      port.postMessage({ type: 'batch', batch } satisfies KiboExportWorkerMessage, transfer);
      while (inFlight >= MAX_BATCHES_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
    },
    onKeyEstimate: (keys) => port.postMessage({ type: 'keyEstimate', keys } satisfies KiboExportWorkerMessage),
  });
  port.postMessage({ type: 'done', ...totals } satisfies KiboExportWorkerMessage);
} catch (error) {
  const failure = error instanceof Error ? error : new Error(String(error));
  port.postMessage({ type: 'error', name: failure.name, message: failure.message, ...(failure.stack ? { stack: failure.stack } : {}) } satisfies KiboExportWorkerMessage);
}
