// Did-you-mean suggestions by edit distance (optimal string alignment: adjacent swaps count as one edit).
// Suggestions only ever allow a few edits, so the distance is computed up to a bound: a band of the matrix around its
// diagonal, given up as soon as every cell of a row is past the bound. A 1 MB key then costs nothing (its length
// alone rules every candidate out) instead of a 1 MB x 20 matrix per candidate.

/** Words longer than this get no suggestions: no key or backend name is nearly as long. */
const MAX_SUGGESTED_LENGTH = 64;

/**
 * The edit distance of `a` and `b` when it is at most `max`, else `max + 1`. Without `max`, the exact distance (the
 * band is then the whole matrix).
 */
export function editDistance(a: string, b: string, max = Math.max(a.length, b.length)): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > max) return max + 1;
  const over = max + 1;
  // Three rows of the matrix: two back (for swaps), one back, and the current one.
  let twoBack = new Array<number>(n + 1).fill(over);
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1).fill(over);
  for (let j = 0; j <= n; j++) prev[j] = j <= max ? j : over;
  for (let i = 1; i <= m; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(n, i + max);
    cur.fill(over);
    cur[0] = i <= max ? i : over;
    let rowMin = cur[0];
    for (let j = lo; j <= hi; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, twoBack[j - 2] + 1);
      cur[j] = d > over ? over : d;
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return over;
    [twoBack, prev, cur] = [prev, cur, twoBack];
  }
  return Math.min(prev[n], over);
}

/** Candidates close to `word`, best first: case-insensitive equality, then small edit distances. */
export function suggest(word: string, candidates: Iterable<string>, max = 3): string[] {
  if (word.length > MAX_SUGGESTED_LENGTH) return [];
  const lower = word.toLowerCase();
  const scored: { c: string; score: number }[] = [];
  for (const c of candidates) {
    if (c === word) continue;
    const cl = c.toLowerCase();
    let score: number;
    if (cl === lower) score = 0;
    else {
      const limit = Math.max(1, Math.min(3, Math.floor(Math.max(lower.length, cl.length) / 4)));
      const dist = editDistance(lower, cl, limit);
      if (dist > limit) continue;
      score = dist;
    }
    scored.push({ c, score });
  }
  scored.sort((x, y) => x.score - y.score || x.c.localeCompare(y.c));
  return scored.slice(0, max).map((s) => s.c);
}

/** A name as a message shows it: long ones cut, with their length, so a finding stays one readable line. */
export function shownName(name: string, max = 80): string {
  return name.length <= max ? name : `${name.slice(0, max)}… (${name.length.toLocaleString('en-US')} characters)`;
}
