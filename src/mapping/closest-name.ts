// "Did you mean …?" for misspelt field, resource, key, column and sync names.

/** The candidate nearest to `name` (ignoring case, spaces, '_' and '-'), if it is plausibly a typo. */
export function findClosestName(name: string, candidates: Iterable<string>): string | undefined {
  const target = simplify(name);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(target, simplify(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(2, Math.floor(target.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

function simplify(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/** Optimal-string-alignment distance: Levenshtein plus swapped neighbours ('sheduel' → 'schedule' is 2). */
function editDistance(left: string, right: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      let distance = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1]) {
        distance = Math.min(distance, (before[j - 2] ?? 0) + 1);
      }
      current.push(distance);
    }
    before = previous;
    previous = current;
  }
  return previous[right.length] ?? 0;
}
