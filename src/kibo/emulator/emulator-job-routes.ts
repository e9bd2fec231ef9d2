// Import and export job endpoints: create (validated like Kibo: 400 VALIDATION_ERROR), get, delete, list.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findResource, listResourceNames } from '../resources/resource-registry.ts';
import type { EmulatorContext } from './emulator-context.ts';
import { EmulatorHttpError } from './emulator-errors.ts';
import type { DropLocation } from './emulator-files.ts';
import type { JobKind } from './emulator-job-views.ts';
import type { CreateJobRequest } from './emulator-jobs.ts';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 200;

// Clients send nulls for unset model fields; null is treated as absent throughout.
const optionalText = z.string().nullish();

const importJobSchema = z.looseObject({
  name: optionalText,
  domain: optionalText,
  format: optionalText,
  contextOverride: z.unknown().optional(),
  resources: z
    .array(z.looseObject({ resource: z.string().min(1), format: optionalText, deleteOmitted: z.boolean().nullish() }))
    .min(1),
  files: z.array(z.looseObject({ id: z.string().min(1) })).min(1),
});

const exportJobSchema = z.looseObject({
  name: optionalText,
  domain: optionalText,
  format: optionalText,
  contextOverride: z.unknown().optional(),
  resources: z
    .array(z.looseObject({ resource: z.string().min(1), format: optionalText, fields: z.array(z.string()).nullish() }))
    .min(1),
});

const listQuerySchema = z.object({
  startIndex: z.coerce.number().int().min(0).default(0),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  filter: z.string().optional(),
});

export function registerJobRoutes(app: FastifyInstance, context: EmulatorContext): void {
  for (const kind of ['import', 'export'] as const) {
    const base = `/api/platform/data/${kind}`;
    app.post(base, async (request) => {
      const jobRequest = kind === 'import' ? parseImportJob(request.body, context) : parseExportJob(request.body);
      return context.jobs.create(kind, jobRequest, context.requester);
    });
    app.get<{ Params: { id: string } }>(`${base}/:id`, async (request) => context.jobs.getView(kind, request.params.id));
    app.delete<{ Params: { id: string } }>(`${base}/:id`, async (request, reply) => {
      context.jobs.remove(kind, request.params.id);
      return reply.code(204).send();
    });
    app.get(base, async (request) => {
      const query = parseOrThrow(listQuerySchema, request.query, `the ${kind} job list query`);
      return context.jobs.list(kind, query);
    });
  }
}

function parseImportJob(body: unknown, context: EmulatorContext): CreateJobRequest {
  const job = parseOrThrow(importJobSchema, body, 'the import job');
  assertKnownResources(job.resources.map((resource) => resource.resource));
  const inputFiles: DropLocation[] = job.files.map((file) => {
    const stored = context.files.get(file.id);
    if (stored === undefined) {
      throw new EmulatorHttpError(400, 'VALIDATION_ERROR', `The import job names file "${file.id}", which was never uploaded: upload the zip first (POST /platform/data/files)`);
    }
    return stored.location;
  });
  return {
    ...common(job, 'import'),
    resources: job.resources.map((resource) => ({
      resource: resource.resource,
      ...(resource.format == null ? {} : { format: resource.format }),
      deleteOmitted: resource.deleteOmitted ?? false,
    })),
    inputFiles,
  };
}

function parseExportJob(body: unknown): CreateJobRequest {
  const job = parseOrThrow(exportJobSchema, body, 'the export job');
  assertKnownResources(job.resources.map((resource) => resource.resource));
  return {
    ...common(job, 'export'),
    resources: job.resources.map((resource) => ({
      resource: resource.resource,
      ...(resource.format == null ? {} : { format: resource.format }),
      ...(resource.fields == null ? {} : { fields: resource.fields }),
    })),
    inputFiles: [],
  };
}

function common(
  job: { name?: string | null; domain?: string | null; format?: string | null; contextOverride?: unknown },
  kind: JobKind,
): Omit<CreateJobRequest, 'resources' | 'inputFiles'> {
  return {
    name: job.name ?? `${kind === 'import' ? 'Import' : 'Export'}`,
    ...(job.domain == null ? {} : { domain: job.domain }),
    ...(job.format == null ? {} : { format: job.format }),
    ...(job.contextOverride == null ? {} : { contextOverride: job.contextOverride }),
  };
}

function assertKnownResources(names: readonly string[]): void {
  const unknown = names.filter((name) => findResource(name) === undefined);
  if (unknown.length > 0) {
    throw new EmulatorHttpError(
      400,
      'VALIDATION_ERROR',
      `Unknown resource ${unknown.map((name) => `"${name}"`).join(', ')}; known resources: ${listResourceNames().join(', ')}`,
    );
  }
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new EmulatorHttpError(400, 'VALIDATION_ERROR', `Invalid ${what}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
