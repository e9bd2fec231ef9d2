// A record's identity as one string: JSON of the key values, so no value (whatever characters it
// holds) can make two different keys collide.

export function encodeKey(values: readonly string[]): string {
  return JSON.stringify(values);
}

export function decodeKey(key: string): string[] {
  const values: unknown = JSON.parse(key);
  if (!Array.isArray(values) || !values.every((value) => typeof value === 'string')) {
    throw new Error(`not an encoded key: ${key.slice(0, 80)}`);
  }
  return values as string[];
}
