import { describe, expect, it } from 'vitest';
import { classifyJob, describeJobFailure } from '../../../src/kibo/kibo-jobs.ts';
import { kiboJobListSchema, kiboJobSchema, parseWireValue } from '../../../src/kibo/wire-types.ts';

// The seed's own sample answer for GET /platform/data/import/:id.
const SEED_IMPORT_JOB = {
  name: 'Products Import',
  id: 'b16e3e69-b002-4274-a24e-5daf8eb4377d',
  requester: '3264d539c46642b38f2abcbd515adcbf',
  domain: 'catalog',
  resources: [
    {
      format: 'Legacy',
      resource: 'Products',
      deleteOmitted: false,
      status: 'complete',
      isComplete: true,
      stateDetails: 'Duration: 0.0498721 seconds',
      allowSyscalcValueUpdates: false,
    },
  ],
  isComplete: true,
  auditInfo: { updateDate: '2025-10-03T18:15:37.734Z', createDate: '2025-10-03T18:15:37.051Z' },
  tenant: 31271,
  status: 'complete',
  files: [
    { id: 'e5d7cc84-d0e7-455b-be8a-1a0276b19382', locationType: 'internal', fileName: 'Products.zip', fileType: 'import' },
    { id: 'a4a16338-c5a9-4c1a-a9f1-a980c7188a61', locationType: 'internal', fileName: 'products_import_log.csv', fileType: 'log' },
  ],
};

const parseJob = (value: unknown) => parseWireValue(kiboJobSchema, value, 'test');

describe('wire types', () => {
  it('parse the seed sample into our narrow job type', () => {
    const job = parseJob(SEED_IMPORT_JOB);
    expect(job).toEqual({
      id: SEED_IMPORT_JOB.id,
      name: 'Products Import',
      domain: 'catalog',
      resources: [
        {
          resource: 'Products',
          format: 'Legacy',
          deleteOmitted: false,
          fields: undefined,
          status: 'complete',
          statusMessage: undefined,
          isComplete: true,
          stateDetails: 'Duration: 0.0498721 seconds',
        },
      ],
      contextOverride: undefined,
      isComplete: true,
      status: 'complete',
      statusMessage: undefined,
      files: SEED_IMPORT_JOB.files.map((file) => ({ ...file, uri: undefined })),
      auditInfo: { createDate: '2025-10-03T18:15:37.051Z', updateDate: '2025-10-03T18:15:37.734Z', createBy: undefined, updateBy: undefined },
    });
  });

  it('accept nulls where the SDK models allow them, and both list shapes', () => {
    const job = parseJob({ id: 'j', resources: null, files: null, isComplete: null, status: null });
    expect(job).toMatchObject({ id: 'j', resources: [], files: [], isComplete: false, status: undefined });
    expect(parseWireValue(kiboJobListSchema, [{ id: 'a' }], 'list')).toHaveLength(1);
    expect(parseWireValue(kiboJobListSchema, { items: [{ id: 'a' }, { id: 'b' }], totalCount: 2 }, 'list')).toHaveLength(2);
  });

  it('reject an answer without an id, naming the operation and path', () => {
    expect(() => parseWireValue(kiboJobSchema, { name: 'x' }, 'get import job')).toThrow(/Kibo get import job answered JSON .*id:/);
  });
});

describe('classifyJob', () => {
  const resource = (status: string | undefined, isComplete: boolean) => ({ resource: 'Products', status, isComplete });

  it('is complete only when the job and every resource are complete', () => {
    expect(classifyJob(parseJob(SEED_IMPORT_JOB))).toBe('complete');
    expect(classifyJob(parseJob({ id: 'j', isComplete: true, status: 'complete', resources: [resource('complete', true), resource('processing', false)] }))).toBe(
      'running',
    );
    expect(classifyJob(parseJob({ id: 'j', isComplete: false, status: 'processing', resources: [resource('complete', true)] }))).toBe('running');
    expect(classifyJob(parseJob({ id: 'j', isComplete: false, status: 'pending' }))).toBe('running');
  });

  it('treats errored, Failed and ERROR (job or resource) as errored, anything else unfinished as running', () => {
    for (const status of ['errored', 'Failed', 'ERROR', ' failed ']) {
      expect(classifyJob(parseJob({ id: 'j', isComplete: true, status }))).toBe('errored');
      expect(classifyJob(parseJob({ id: 'j', isComplete: false, status: 'processing', resources: [resource(status, true)] }))).toBe('errored');
    }
    expect(classifyJob(parseJob({ id: 'j', isComplete: false, status: 'SomethingNew' }))).toBe('running');
  });

  it('describes a failure from statusMessage and the failing resources', () => {
    const job = parseJob({
      id: 'j',
      status: 'errored',
      statusMessage: 'End of Central Directory record could not be found',
      resources: [{ resource: 'Products', status: 'errored', statusMessage: 'bad zip', isComplete: true }],
    });
    expect(describeJobFailure(job)).toBe('End of Central Directory record could not be found; Products: bad zip');
  });
});
