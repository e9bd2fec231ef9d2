// What happens when a job finishes: an import applies its files to the tenant store and gains a log
// file; an export renders the store into a zip saved as an "export" file (or, for a benchmark, serves
// a prepared zip for resources that are overridden, so a million-row export never enters the store).
import { readFile } from 'node:fs/promises';
import { describeError } from '../../support/errors.ts';
import { findResource } from '../resources/resource-registry.ts';
import type { ImportOutcome, ImportResourceOutcome, TenantStore } from './tenant-store.ts';
import type { FileRegistry } from './emulator-files.ts';
import type { JobRecord } from './emulator-job-views.ts';

export interface JobFinishDependencies {
  readonly store: TenantStore;
  readonly files: FileRegistry;
  /** Resource name (case-insensitive) → path of a zip served as the export of that resource. */
  readonly exportOverrides?: Readonly<Record<string, string>>;
}

export function markJobErrored(job: JobRecord, message: string): void {
  job.status = 'errored';
  job.statusMessage = message;
  for (const resource of job.resources) {
    resource.status = 'errored';
    resource.isComplete = true;
    resource.stateDetails = message;
  }
}

/**
 * Applies every input file in order. The log file is attached whenever the import ran (even with no
 * rejected rows, as the seed's sample job shows), named like the seed's `products_import_log.csv`
 * although its content is a zip holding `import_log.csv` (NOTES.md: the log is a zip).
 */
export async function finishImportJob(job: JobRecord, deps: JobFinishDependencies, finishedAt: number): Promise<void> {
  const requests = job.resources.map((resource) => ({
    resource: resource.resource,
    deleteOmitted: resource.deleteOmitted ?? false,
  }));
  const outcomes: ImportOutcome[] = [];
  for (const input of job.inputFiles) {
    const file = deps.files.get(input.id);
    if (file === undefined) {
      throw new Error(`The uploaded file ${input.id} (${input.fileName}) is no longer stored: upload it again`);
    }
    const outcome = await deps.store.applyImport(file.content, requests);
    outcomes.push(outcome);
    if (outcome.fatalError !== undefined) break;
  }
  const log = outcomes.flatMap((outcome) => outcome.log);
  const logZip = await deps.store.renderImportLog(log);
  job.outputFiles.push(deps.files.add(formatLogFileName(job), 'log', logZip, finishedAt));

  const fatalError = outcomes.find((outcome) => outcome.fatalError !== undefined)?.fatalError;
  if (fatalError !== undefined) {
    markJobErrored(job, fatalError);
    return;
  }
  for (const resource of job.resources) {
    const key = canonicalResourceKey(resource.resource);
    const matching = outcomes.flatMap((outcome) =>
      outcome.resources.filter((candidate) => canonicalResourceKey(candidate.resource) === key),
    );
    const merged = mergeResourceOutcomes(matching);
    resource.status = merged.status;
    resource.isComplete = true;
    resource.stateDetails = merged.stateDetails;
  }
  job.status = 'complete';
}

export async function finishExportJob(job: JobRecord, deps: JobFinishDependencies, finishedAt: number): Promise<void> {
  const overrideFile = findExportOverride(job, deps.exportOverrides);
  const zip = overrideFile !== undefined
    ? await readOverrideZip(overrideFile)
    : await deps.store.renderExport(
      job.resources.map((resource) => ({
        resource: resource.resource,
        ...(resource.fields === undefined ? {} : { fields: resource.fields }),
      })),
    );
  // The corruptNextExport fault: a download cut short, so the End of Central Directory is missing.
  const content = job.corruptExport ? zip.subarray(0, Math.floor(zip.length / 2)) : zip;
  job.outputFiles = [deps.files.add(`${resolveExportDomain(job)}_export.zip`, 'export', content, finishedAt)];
  const durationSeconds = (finishedAt - job.createdAt) / 1000;
  for (const resource of job.resources) {
    resource.status = 'complete';
    resource.isComplete = true;
    resource.stateDetails = overrideFile !== undefined
      ? `Duration: ${durationSeconds} seconds; served from the export override ${overrideFile}`
      : `Duration: ${durationSeconds} seconds; ${deps.store.countRecords(resource.resource)} records exported`;
  }
  job.status = 'complete';
}

/**
 * The override zip when every resource of the job is overridden by the same file; undefined (render
 * the store) when none is. A partial or split override cannot be served as one export file: an error.
 */
export function findExportOverride(job: Pick<JobRecord, 'resources'>, overrides: Readonly<Record<string, string>> | undefined): string | undefined {
  if (overrides === undefined || job.resources.length === 0) return undefined;
  const byResource = new Map(Object.entries(overrides).map(([name, file]) => [canonicalResourceKey(name), file]));
  const files = job.resources.map((resource) => byResource.get(canonicalResourceKey(resource.resource)));
  if (files.every((file) => file === undefined)) return undefined;
  const distinct = new Set(files);
  if (distinct.size !== 1 || files[0] === undefined) {
    const names = job.resources.map((resource, index) => `${resource.resource} → ${files[index] ?? 'the store'}`).join(', ');
    throw new Error(`Export overrides must cover every resource of the job with one zip (${names}); export the overridden resources in a job of their own`);
  }
  return files[0];
}

async function readOverrideZip(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new Error(`The export override ${file} cannot be read: ${describeError(error)}; check the emulator's exportOverrides option`, { cause: error });
  }
}

function canonicalResourceKey(name: string): string {
  return (findResource(name)?.name ?? name).toLowerCase();
}

function mergeResourceOutcomes(outcomes: readonly ImportResourceOutcome[]): {
  status: 'complete' | 'errored';
  stateDetails: string;
} {
  if (outcomes.length === 0) {
    // The store answers every requested resource; a gap is an emulator bug, shown rather than hidden.
    return { status: 'errored', stateDetails: 'The emulator store returned no outcome for this resource' };
  }
  return {
    status: outcomes.some((outcome) => outcome.status === 'errored') ? 'errored' : 'complete',
    stateDetails: outcomes.map((outcome) => outcome.stateDetails).join('; '),
  };
}

function formatLogFileName(job: JobRecord): string {
  const only = job.resources.length === 1 ? job.resources[0] : undefined;
  return only === undefined ? 'import_log.csv' : `${only.resource.toLowerCase()}_import_log.csv`;
}

function resolveExportDomain(job: JobRecord): string {
  const domain = job.domain ?? findResource(job.resources[0]?.resource ?? '')?.domain ?? 'catalog';
  return domain.toLowerCase() === 'customer' ? 'customer' : 'catalog';
}
