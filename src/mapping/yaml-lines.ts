// Maps a path inside a parsed YAML document (['fields', 'Price', 'scale']) to its 1-based line, so
// every problem can point at the line to edit.
import type { Document, LineCounter } from 'yaml';
import { isMap, isPair, isScalar, isSeq } from 'yaml';

/** `exact`: undefined unless the whole path exists (else the line of the deepest part that does). */
export type LineLookup = (path: readonly (string | number)[], exact?: boolean) => number | undefined;

/** Where a path ends inside the document, the line of its key (or item); else the deepest line found. */
export function createLineLookup(document: Document, lineCounter: LineCounter): LineLookup {
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  return (path, exact = false) => {
    const partial = (line: number | undefined): number | undefined => (exact ? undefined : line);
    let node: unknown = document.contents;
    let line = lineAt(rangeStart(node));
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair === undefined) return partial(line);
        line = lineAt(rangeStart(pair.key)) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item: unknown = node.items[segment];
        if (item === undefined) return partial(line);
        line = lineAt(rangeStart(item)) ?? line;
        node = item;
      } else {
        return partial(line);
      }
    }
    return line;
  };
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: readonly number[] | null }).range;
  return range?.[0];
}
