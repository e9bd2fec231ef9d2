// What the Kibo export worker (kibo-export-worker.ts) and its parent (read-kibo-side.ts) exchange; a
// module of its own because importing the worker's entry would run it.
import type { HashedKiboBatch } from '../diff/hashed-kibo-batch.ts';
import type { ZipSource } from '../kibo/kibo-zip.ts';
import type { SyncMapping } from '../mapping/index.ts';

export interface KiboExportWorkerInput {
  readonly zip: ZipSource;
  readonly mapping: SyncMapping;
}

export type KiboExportWorkerMessage =
  | { readonly type: 'batch'; readonly batch: HashedKiboBatch }
  | { readonly type: 'keyEstimate'; readonly keys: number }
  | { readonly type: 'done'; readonly exported: number; readonly unkeyed: number }
  | { readonly type: 'error'; readonly name: string; readonly message: string; readonly stack?: string };

/** The parent's acknowledgement of one batch. */
export const BATCH_ACK = 'ack';
