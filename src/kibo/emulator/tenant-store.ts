// The emulator's tenant data: what an import does to stored records, how an export looks, and the
// import log. The HTTP server (kibo-emulator.ts) owns jobs and files; this owns the data semantics.
// It shares nothing with the sync engine beyond the resource registry and the CSV codec, so a
// normalization bug in the engine cannot hide behind the same bug here.

export interface ImportResourceRequest {
  readonly resource: string;
  readonly deleteOmitted: boolean;
}

export interface ExportResourceRequest {
  readonly resource: string;
  /** Canonical names or header spellings (normalized match); ['*'] = all; undefined/[] = required only. */
  readonly fields?: readonly string[];
}

export interface ImportLogEntry {
  readonly resource: string;
  /** The CSV's row number: header = 1, first data row = 2 (0 when the problem concerns the whole file). */
  readonly rowNumber: number;
  /** The record's key values joined with `|` (empty when the row has no readable key). */
  readonly key: string;
  readonly field: string;
  readonly message: string;
}

export interface ImportResourceOutcome {
  readonly resource: string;
  readonly status: 'complete' | 'errored';
  readonly stateDetails: string;
  readonly rowsRead: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly deleted: number;
  readonly rejected: number;
}

export interface ImportOutcome {
  readonly resources: readonly ImportResourceOutcome[];
  readonly log: readonly ImportLogEntry[];
  /** Set when the whole file could not be read (not a zip: message contains "End of Central Directory"). */
  readonly fatalError?: string;
}

export interface TenantStore {
  applyImport(zip: Buffer, resources: readonly ImportResourceRequest[]): Promise<ImportOutcome>;
  /** A zip with one `<lowercase resource>.csv` per request; throws naming an unknown resource or field. */
  renderExport(resources: readonly ExportResourceRequest[]): Promise<Buffer>;
  /** A zip holding one CSV, `import_log.csv`, header `Resource,Row,Key,Field,Message`. */
  renderImportLog(log: readonly ImportLogEntry[]): Promise<Buffer>;
  /** Stored values keyed by canonical field name (extra/dynamic columns by their header), sorted by key. */
  listRecords(resource: string): Record<string, string>[];
  countRecords(resource: string): number;
  /** JSON-serializable, for --state persistence; createTenantStore(snapshot) restores it. */
  snapshot(): unknown;
}

export { createTenantStore } from './store/create-tenant-store.ts';
