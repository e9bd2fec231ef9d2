// Groups a (possibly async, possibly huge) stream of rows into arrays, so writes go out a few thousand at a time.
export async function* batchRows<T>(rows: Iterable<T> | AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`Batch size must be a positive integer, not ${size}.`);
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
