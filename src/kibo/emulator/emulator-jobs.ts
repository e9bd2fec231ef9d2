// Asynchronous import/export jobs, driven by the injected clock: pending → processing after one step,
// complete/errored after another. Advanced lazily on every request and by the server's timer; all
// advancement runs through one promise chain so an import is never applied twice or out of order.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../support/clock.ts';
import type { Logger } from '../../support/logger.ts';
import { describeError } from '../../support/errors.ts';
import type { TenantStore } from './tenant-store.ts';
import type { DropLocation, FileRegistry } from './emulator-files.ts';
import type { FaultController } from './emulator-faults.ts';
import { EmulatorHttpError } from './emulator-errors.ts';
import { formatJobView, matchesJobFilter, parseJobFilter } from './emulator-job-views.ts';
import type { JobKind, JobRecord, JobResourceRecord } from './emulator-job-views.ts';
import { finishExportJob, finishImportJob, markJobErrored, type JobFinishDependencies } from './emulator-job-finish.ts';

export interface CreateJobRequest {
  readonly name?: string;
  readonly domain?: string;
  readonly format?: string;
  readonly contextOverride?: unknown;
  readonly resources: readonly Omit<JobResourceRecord, 'status' | 'isComplete' | 'stateDetails'>[];
  /** Imports only: the uploaded files, already checked to exist. */
  readonly inputFiles: readonly DropLocation[];
}

export interface JobListQuery {
  readonly startIndex: number;
  readonly pageSize: number;
  readonly filter?: string;
}

export interface PersistedJobs {
  readonly nextSequence: number;
  readonly jobs: readonly JobRecord[];
}

export interface JobEngineDependencies extends JobFinishDependencies {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: TenantStore;
  readonly files: FileRegistry;
  readonly faults: FaultController;
  readonly tenantId: number;
  readonly defaultJobStepMs: number;
  readonly exportFilesDelayMs: number;
  /** Called after every change, so the state file can be saved. */
  readonly onChange: () => void;
}

export interface JobEngine {
  create(kind: JobKind, request: CreateJobRequest, requester: string): Record<string, unknown>;
  getView(kind: JobKind, id: string): Record<string, unknown>;
  list(kind: JobKind, query: JobListQuery): Record<string, unknown>[];
  remove(kind: JobKind, id: string): void;
  /** Moves every due job forward; resolves when this pass (and any earlier one) is done. */
  advance(): Promise<void>;
  snapshot(): PersistedJobs;
}

export function createJobEngine(deps: JobEngineDependencies, restored?: PersistedJobs): JobEngine {
  const jobs = new Map<string, JobRecord>((restored?.jobs ?? []).map((job) => [job.id, job]));
  let nextSequence = restored?.nextSequence ?? 1;
  let chain: Promise<void> = Promise.resolve();
  const stepMs = (): number => deps.faults.get().jobStepMs ?? deps.defaultJobStepMs;

  const findJob = (kind: JobKind, id: string): JobRecord => {
    const job = jobs.get(id);
    if (job?.kind !== kind) {
      throw new EmulatorHttpError(404, 'JOB_NOT_FOUND', `No ${kind} job with id "${id}" exists in this tenant`);
    }
    return job;
  };

  const finish = async (job: JobRecord, finishedAt: number): Promise<void> => {
    job.updatedAt = finishedAt;
    if (job.forcedFailure !== null) {
      markJobErrored(job, job.forcedFailure);
    } else {
      try {
        if (job.kind === 'import') await finishImportJob(job, deps, finishedAt);
        else await finishExportJob(job, deps, finishedAt);
      } catch (error) {
        deps.logger.warn({ jobId: job.id, err: error }, 'emulator job failed');
        markJobErrored(job, describeError(error));
      }
    }
    job.isComplete = true;
    if (job.kind === 'export') job.filesVisibleAt = finishedAt + deps.exportFilesDelayMs;
  };

  const advanceJob = async (job: JobRecord): Promise<void> => {
    const step = stepMs();
    const now = deps.clock.now();
    if (job.status === 'pending' && now >= job.stateSince + step) {
      job.stateSince += step;
      job.updatedAt = job.stateSince;
      job.status = 'processing';
      for (const resource of job.resources) resource.status = 'processing';
      deps.onChange();
    }
    if (job.status === 'processing' && now >= job.stateSince + step) {
      job.stateSince += step;
      await finish(job, job.stateSince);
      deps.onChange();
    }
  };

  const advanceDueJobs = async (): Promise<void> => {
    const inOrder = [...jobs.values()].sort((a, b) => a.sequence - b.sequence);
    for (const job of inOrder) {
      // A job deleted while an earlier one was being applied is cancelled, not applied.
      if (jobs.has(job.id) && !job.isComplete) await advanceJob(job);
    }
  };

  return {
    create: (kind, request, requester) => {
      const now = deps.clock.now();
      const job: JobRecord = {
        kind,
        sequence: nextSequence,
        id: randomUUID(),
        ...(request.name === undefined ? {} : { name: request.name }),
        ...(request.domain === undefined ? {} : { domain: request.domain }),
        ...(request.format === undefined ? {} : { format: request.format }),
        ...(request.contextOverride === undefined ? {} : { contextOverride: request.contextOverride }),
        requester,
        tenant: deps.tenantId,
        resources: request.resources.map((resource) => ({ ...resource, status: 'pending', isComplete: false })),
        inputFiles: request.inputFiles,
        outputFiles: [],
        status: 'pending',
        isComplete: false,
        createdAt: now,
        updatedAt: now,
        stateSince: now,
        forcedFailure: deps.faults.takeJobFailure(),
        corruptExport: kind === 'export' && deps.faults.takeExportCorruption(),
      };
      nextSequence += 1;
      jobs.set(job.id, job);
      deps.onChange();
      return formatJobView(job, now);
    },
    getView: (kind, id) => formatJobView(findJob(kind, id), deps.clock.now()),
    list: (kind, query) => {
      const terms = parseJobFilter(query.filter);
      const now = deps.clock.now();
      return [...jobs.values()]
        .filter((job) => job.kind === kind)
        .sort((a, b) => b.sequence - a.sequence)
        .map((job) => formatJobView(job, now))
        .filter((view) => matchesJobFilter(view, terms))
        .slice(query.startIndex, query.startIndex + query.pageSize);
    },
    remove: (kind, id) => {
      jobs.delete(findJob(kind, id).id);
      deps.onChange();
    },
    advance: () => {
      chain = chain.then(advanceDueJobs).catch((error: unknown) => {
        // Keep the chain alive: one broken pass must not stop every later job; finish() already
        // records per-job failures, so reaching here means a bug worth a loud log line.
        deps.logger.error({ err: error }, 'emulator job advancement failed');
      });
      return chain;
    },
    snapshot: () => ({ nextSequence, jobs: [...jobs.values()] }),
  };
}
