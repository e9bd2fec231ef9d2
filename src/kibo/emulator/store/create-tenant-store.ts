// The in-memory TenantStore: one ResourceTable per resource, imports applied from zips, exports and
// import logs rendered as zips, snapshots for the emulator's --state file.
import { parseKiboCsvText } from '../../../csv/kibo-csv-reader.ts';
import { formatKiboCsv } from '../../../csv/kibo-csv-writer.ts';
import { findResource, getResource, sortByImportOrder } from '../../resources/resource-registry.ts';
import type { ResourceSpec } from '../../resources/resource-types.ts';
import { createSystemClock } from '../../../support/clock.ts';
import type { Clock } from '../../../support/clock.ts';
import { describeError } from '../../../support/errors.ts';
import type { ExportResourceRequest, ImportLogEntry, ImportOutcome, ImportResourceOutcome, ImportResourceRequest, TenantStore } from '../tenant-store.ts';
import { renderResourceCsv } from './export-resource-csv.ts';
import { createRowCounts, importResourceRows } from './import-resource-rows.ts';
import type { ResourceImportResult } from './import-resource-rows.ts';
import { createResourceTable, listSortedRecords } from './resource-table.ts';
import type { ResourceTable } from './resource-table.ts';
import { restoreTenantSnapshot, serializeTenantSnapshot } from './tenant-snapshot.ts';
import { DEFAULT_ZIP_LIMITS, readZipEntries, writeZip } from './zip-archive.ts';
import type { ZipEntryContent, ZipLimits } from './zip-archive.ts';

export interface TenantStoreOptions {
  /** Measures each resource's import for stateDetails and dates zip entries; defaults to the system clock. */
  readonly clock?: Clock;
  readonly zipLimits?: Partial<ZipLimits>;
}

export const IMPORT_LOG_FILE_NAME = 'import_log.csv';
export const IMPORT_LOG_HEADER = ['Resource', 'Row', 'Key', 'Field', 'Message'] as const;

function entryFileName(entryPath: string): string | undefined {
  const segments = entryPath.split('/');
  // Finder's resource forks (`__MACOSX/._products.csv`) are never data.
  if (segments.includes('__MACOSX')) return undefined;
  return segments.at(-1)?.toLowerCase();
}

function formatStateDetails(result: ResourceImportResult, durationMs: number): string {
  const { rowsRead, inserted, updated, unchanged, deleted, rejected } = result.counts;
  const counts = `Rows: ${rowsRead} read, ${inserted} inserted, ${updated} updated, ${unchanged} unchanged, ${deleted} deleted, ${rejected} rejected.`;
  return `Duration: ${durationMs / 1000} seconds. ${counts}${result.note === undefined ? '' : ` ${result.note}`}`;
}

function erroredResult(logAs: string, message: string, rowNumber = 0): ResourceImportResult {
  return { status: 'errored', counts: createRowCounts(), log: [{ resource: logAs, rowNumber, key: '', field: '', message }], note: message };
}

function toOutcome(resource: string, result: ResourceImportResult, durationMs: number): ImportResourceOutcome {
  return { resource, status: result.status, stateDetails: formatStateDetails(result, durationMs), ...result.counts };
}

class InMemoryTenantStore implements TenantStore {
  constructor(
    private readonly tables: Map<string, ResourceTable>,
    private readonly clock: Clock,
    private readonly zipLimits: ZipLimits,
  ) {}

  private tableFor(resource: ResourceSpec): ResourceTable {
    let table = this.tables.get(resource.name);
    if (table === undefined) {
      table = createResourceTable(resource);
      this.tables.set(resource.name, table);
    }
    return table;
  }

  async applyImport(zip: Buffer, requests: readonly ImportResourceRequest[]): Promise<ImportOutcome> {
    const wantedFiles = new Set(requests.flatMap((request) => findResource(request.resource)?.fileName.toLowerCase() ?? []));
    let entries: ZipEntryContent[];
    try {
      entries = await readZipEntries(zip, (path) => wantedFiles.has(entryFileName(path) ?? ''), this.zipLimits);
    } catch (error) {
      const fatalError = describeError(error);
      const resources = requests.map((request) => toOutcome(request.resource, erroredResult(request.resource, fatalError), 0));
      return { resources, log: [], fatalError };
    }
    const known = requests.flatMap((request) => {
      const resource = findResource(request.resource);
      return resource === undefined ? [] : [{ resource, request }];
    });
    const outcomes = new Map<ImportResourceRequest, { outcome: ImportResourceOutcome; log: readonly ImportLogEntry[] }>();
    // Kibo applies resources in dependency order whatever order the job lists them in.
    for (const { resource, request } of sortByImportOrder(known)) {
      const started = this.clock.now();
      const result = await this.importResource(resource, request, entries);
      outcomes.set(request, { outcome: toOutcome(request.resource, result, this.clock.now() - started), log: result.log });
    }
    const ordered = requests.map((request) => {
      const unknown = erroredResult(request.resource, `Unknown resource '${request.resource}'; nothing imported`);
      return outcomes.get(request) ?? { outcome: toOutcome(request.resource, unknown, 0), log: unknown.log };
    });
    return { resources: ordered.map((entry) => entry.outcome), log: ordered.flatMap((entry) => entry.log) };
  }

  private async importResource(resource: ResourceSpec, request: ImportResourceRequest, entries: readonly ZipEntryContent[]): Promise<ResourceImportResult> {
    const entry = entries.find((candidate) => entryFileName(candidate.name) === resource.fileName.toLowerCase());
    if (entry === undefined) {
      // No file means no snapshot to compare against, so deleteOmitted deletes nothing here.
      return { status: 'complete', counts: createRowCounts(), log: [], note: `No ${resource.fileName} in the import zip; nothing imported.` };
    }
    let csv: Awaited<ReturnType<typeof parseKiboCsvText>>;
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(entry.content);
      csv = await parseKiboCsvText(text, { source: entry.name });
    } catch (error) {
      const reason = error instanceof TypeError ? `${entry.name} is not UTF-8 text; save it as CSV UTF-8` : describeError(error);
      return erroredResult(request.resource, `${reason}; nothing imported for ${resource.name}`);
    }
    return importResourceRows(this.tableFor(resource), csv, { deleteOmitted: request.deleteOmitted, logAs: request.resource });
  }

  async renderExport(requests: readonly ExportResourceRequest[]): Promise<Buffer> {
    const files = new Map<string, string>();
    for (const request of requests) {
      const resource = getResource(request.resource);
      if (!files.has(resource.fileName)) files.set(resource.fileName, renderResourceCsv(this.tableFor(resource), request.fields));
    }
    return writeZip([...files].map(([name, text]) => ({ name, text })), new Date(this.clock.now()));
  }

  async renderImportLog(log: readonly ImportLogEntry[]): Promise<Buffer> {
    const rows = log.map((entry) => [entry.resource, String(entry.rowNumber), entry.key, entry.field, entry.message]);
    return writeZip([{ name: IMPORT_LOG_FILE_NAME, text: formatKiboCsv(IMPORT_LOG_HEADER, rows) }], new Date(this.clock.now()));
  }

  listRecords(resource: string): Record<string, string>[] {
    const table = this.tables.get(getResource(resource).name);
    return table === undefined ? [] : listSortedRecords(table).map((record) => ({ ...record }));
  }

  countRecords(resource: string): number {
    return this.tables.get(getResource(resource).name)?.records.size ?? 0;
  }

  snapshot(): unknown {
    return serializeTenantSnapshot(this.tables.values());
  }
}

/** A tenant store, empty or restored from `snapshot()` output (throws naming what is wrong with a bad snapshot). */
export function createTenantStore(snapshot?: unknown, options: TenantStoreOptions = {}): TenantStore {
  const tables = snapshot === undefined ? new Map<string, ResourceTable>() : restoreTenantSnapshot(snapshot);
  return new InMemoryTenantStore(tables, options.clock ?? createSystemClock(), { ...DEFAULT_ZIP_LIMITS, ...options.zipLimits });
}
