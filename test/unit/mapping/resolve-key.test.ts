import { describe, expect, it } from 'vitest';
import type { ResourceSpec } from '../../../src/kibo/resources/resource-types.ts';
import { createProblemSink } from '../../../src/mapping/mapping-problems.ts';
import { resolveKey } from '../../../src/mapping/resolve-key.ts';

// Every registry resource has a key today; this resource stands for one added without one.
const KEYLESS: ResourceSpec = {
  name: 'Keyless', domain: 'catalog', fileName: 'keyless.csv', key: [], keyNote: 'none', importOrder: 1,
  booleanSpelling: 'Yes/No', extraColumns: [], source: 'catalog-fields',
  fields: [{ name: 'Code', required: true, kind: 'string', exportHeader: 'Code' }],
};

describe('resolveKey', () => {
  it('reports a resource whose key cannot be derived when the file names none', () => {
    const sink = createProblemSink('keyless.yaml', () => 4);
    expect(resolveKey(KEYLESS, undefined, [], sink)).toBeUndefined();
    expect(sink.problems).toEqual([{ file: 'keyless.yaml', path: 'key', line: 4, message: 'Keyless has no key in the registry, so the sync cannot tell records apart', fix: 'list the identifying fields, e.g. `key: [Code]`' }]);
  });

  it('uses the key the file names for such a resource', () => {
    const sink = createProblemSink('keyless.yaml', () => undefined);
    const field = { name: 'Code', header: 'Code', path: 'fields.Code', spec: KEYLESS.fields[0]!, column: 'code', type: 'string', booleanSpelling: 'Yes/No', onNull: 'skip' } as const;
    expect(resolveKey(KEYLESS, ['code'], [field], sink)).toEqual(['Code']);
    expect(sink.problems).toEqual([]);
  });
});
