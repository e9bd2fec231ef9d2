// The sync's key: the fields that identify a record, named by the file or taken from the registry.
// Every key field must be mapped and can never be cleared, or rows could not be matched to Kibo's.
import type { ResourceSpec } from '../kibo/resources/resource-types.ts';
import { findField } from '../kibo/resources/resource-registry.ts';
import { findClosestName } from './closest-name.ts';
import type { ProblemSink } from './mapping-problems.ts';
import { quoteForMessage } from './mapping-problems.ts';
import type { MappedField } from './mapping-types.ts';

/** Canonical key field names, or undefined when the key has a problem (reported to the sink). */
export function resolveKey(resource: ResourceSpec, explicit: readonly string[] | undefined, fields: readonly MappedField[], sink: ProblemSink): string[] | undefined {
  const names = explicit ?? resource.key;
  if (names.length === 0) {
    sink.add(['key'], `${resource.name} has no key in the registry, so the sync cannot tell records apart`, 'list the identifying fields, e.g. `key: [Code]`');
    return undefined;
  }
  const before = sink.problems.length;
  const key: string[] = [];
  names.forEach((name, index) => {
    const path = explicit === undefined ? ['key'] : ['key', index];
    const spec = findField(resource, name);
    if (spec === undefined) {
      const closest = findClosestName(name, resource.fields.map((field) => field.name));
      sink.add(path, `${resource.name} has no field ${quoteForMessage(name)}`, closest === undefined ? 'list fields of the resource' : `did you mean \`${closest}\`?`);
      return;
    }
    if (key.includes(spec.name)) sink.add(path, `key lists ${spec.name} twice`, 'list each key field once');
    key.push(spec.name);
    checkKeyFieldMapped(spec.name, fields, path, sink);
  });
  return sink.problems.length === before ? key : undefined;
}

function checkKeyFieldMapped(name: string, fields: readonly MappedField[], keyPath: (string | number)[], sink: ProblemSink): void {
  const field = fields.find((mapped) => mapped.name === name);
  if (field === undefined) {
    sink.add(keyPath, `key field ${name} is not mapped`, `map it under fields, e.g. \`${name}: <erp column>\``);
  } else if (field.onNull === 'clear') {
    sink.add([...field.path.split('.').slice(0, 2), 'onNull'], `key field ${name} cannot be cleared`, 'remove `onNull: clear` (a row without a key is rejected)');
  } else if (field.column === undefined && (field.constValue === null || field.constValue === '')) {
    sink.add([...field.path.split('.').slice(0, 2), 'const'], `key field ${name} has an empty const`, 'give the const a value');
  }
}
