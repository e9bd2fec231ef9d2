// Job records (what the emulator keeps) and their views (the job JSON as Kibo serves it, list filters).
import type { DropLocation } from './emulator-files.ts';
import { EmulatorHttpError } from './emulator-errors.ts';

export type JobKind = 'import' | 'export';
export type JobStatus = 'pending' | 'processing' | 'complete' | 'errored';

export interface JobResourceRecord {
  readonly resource: string;
  readonly format?: string;
  readonly deleteOmitted?: boolean;
  readonly fields?: readonly string[];
  status: JobStatus;
  isComplete: boolean;
  stateDetails?: string;
}

/** Mutable on purpose: the engine advances it in place; it is plain JSON so the state file can hold it. */
export interface JobRecord {
  readonly kind: JobKind;
  readonly sequence: number;
  readonly id: string;
  readonly name?: string;
  readonly domain?: string;
  readonly format?: string;
  readonly requester: string;
  readonly tenant: number;
  readonly contextOverride?: unknown;
  readonly resources: JobResourceRecord[];
  readonly inputFiles: readonly DropLocation[];
  outputFiles: DropLocation[];
  status: JobStatus;
  statusMessage?: string;
  isComplete: boolean;
  readonly createdAt: number;
  updatedAt: number;
  /** When the job entered its current status (scheduled time, so lazy advancement stays exact). */
  stateSince: number;
  /** Exports: when `files` becomes visible (exportFilesDelayMs after completion). */
  filesVisibleAt?: number;
  readonly forcedFailure: string | null;
  readonly corruptExport: boolean;
}

/** The job JSON as GET /platform/data/{import|export}/{id} answers it (seed sample shape). */
export function formatJobView(job: JobRecord, now: number): Record<string, unknown> {
  const filesVisible = job.kind === 'import' || (job.filesVisibleAt !== undefined && now >= job.filesVisibleAt);
  const files = job.kind === 'import' ? [...job.inputFiles, ...job.outputFiles] : filesVisible ? job.outputFiles : [];
  return {
    name: job.name,
    id: job.id,
    requester: job.requester,
    tenant: job.tenant,
    domain: job.domain,
    resources: job.resources.map((resource) => ({ ...resource })),
    ...(job.format === undefined ? {} : { format: job.format }),
    ...(job.contextOverride === undefined ? {} : { contextOverride: job.contextOverride }),
    isComplete: job.isComplete,
    status: job.status,
    ...(job.statusMessage === undefined ? {} : { statusMessage: job.statusMessage }),
    files: files.map((file) => ({ ...file })),
    auditInfo: {
      updateDate: new Date(job.updatedAt).toISOString(),
      createDate: new Date(job.createdAt).toISOString(),
      createBy: job.requester,
      updateBy: job.requester,
    },
  };
}

interface FilterTerm {
  readonly field: string;
  readonly negate: boolean;
  readonly value: string;
}

const FILTERABLE_FIELDS = ['id', 'name', 'domain', 'status', 'isComplete', 'requester'] as const;
const FILTER_TERM_PATTERN = /^(\w+)\s+(eq|ne)\s+(?:'([^']*)'|"([^"]*)"|(\S+))$/i;

/** Parses Kibo's simple filter syntax (`status eq complete and isComplete eq true`); 400 on anything else. */
export function parseJobFilter(filter: string | undefined): readonly FilterTerm[] {
  if (filter === undefined || filter.trim() === '') return [];
  return filter
    .trim()
    .split(/\s+and\s+/i)
    .map((term) => {
      const match = FILTER_TERM_PATTERN.exec(term.trim());
      const field = FILTERABLE_FIELDS.find((name) => name.toLowerCase() === match?.[1]?.toLowerCase());
      if (match === null || field === undefined) {
        throw new EmulatorHttpError(
          400,
          'VALIDATION_ERROR',
          `Unsupported filter term "${term}": use "<field> eq|ne <value>" joined by "and"; fields: ${FILTERABLE_FIELDS.join(', ')}`,
        );
      }
      const value = match[3] ?? match[4] ?? match[5] ?? '';
      return { field, negate: match[2]?.toLowerCase() === 'ne', value };
    });
}

export function matchesJobFilter(view: Record<string, unknown>, terms: readonly FilterTerm[]): boolean {
  return terms.every((term) => {
    const equal = String(view[term.field] ?? '').toLowerCase() === term.value.toLowerCase();
    return term.negate ? !equal : equal;
  });
}
