// Finds the spans of the top-level array's elements in text that is known to be valid JSON, without building a
// tree: a single pass that skips strings by searching for their closing quote.

export interface ElementSpan {
  start: number;
  end: number;
  /** Colons outside strings: the number of properties in the element, counted during the same pass. */
  colons: number;
  /** How deeply the element nests arrays and objects (1 for an object of scalars). */
  depth: number;
}

/**
 * The element spans of a JSON text whose root is an array, or the root's span when it is anything else (`isArray`
 * false). The top-level punctuation is checked (only JSON whitespace, commas between elements, nothing after the
 * root); the elements themselves are not: the caller parses each, and falls back to a full parser when anything
 * fails, which is also when the answer is undefined.
 */
export function scanTopLevel(text: string): { isArray: boolean; spans: ElementSpan[] } | undefined {
  let i = skipSpace(text, 0);
  if (i >= text.length) return undefined;
  if (text.charCodeAt(i) !== 91 /* [ */) {
    const end = skipValue(text, i);
    return skipSpace(text, end) === text.length && end > i ? { isArray: false, spans: [{ start: i, end, colons: lastColons, depth: lastDepth }] } : undefined;
  }
  const spans: ElementSpan[] = [];
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) !== 93 /* ] */) {
    for (;;) {
      const end = skipValue(text, i);
      if (end === i) return undefined;
      spans.push({ start: i, end, colons: lastColons, depth: lastDepth });
      i = skipSpace(text, end);
      if (text.charCodeAt(i) !== 44 /* , */) break;
      i = skipSpace(text, i + 1);
    }
  }
  if (text.charCodeAt(i) !== 93) return undefined;
  return skipSpace(text, i + 1) === text.length ? { isArray: true, spans } : undefined;
}

export function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** The end of the string whose opening quote is at `i`. */
export function skipString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return text.length;
    // The quote is escaped when an odd number of backslashes precede it.
    let b = q - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** Colons outside strings, and the deepest nesting, seen by the last skipValue. */
let lastColons = 0;
let lastDepth = 0;

/** How deeply a JSON text nests arrays and objects. */
export function nestingDepth(text: string): number {
  skipValue(text, skipSpace(text, 0));
  return lastDepth;
}

/** The end of the value that starts at `i`. */
export function skipValue(text: string, i: number): number {
  lastColons = 0;
  lastDepth = 0;
  const c = text.charCodeAt(i);
  if (c === 34) return skipString(text, i);
  if (c !== 123 && c !== 91) {
    let j = i;
    for (;;) {
      const d = text.charCodeAt(j);
      if (d === 44 || d === 93 || d === 125 || d === 32 || d === 10 || d === 13 || d === 9 || Number.isNaN(d)) return j;
      j++;
    }
  }
  let depth = 0;
  let j = i;
  for (;;) {
    const d = text.charCodeAt(j);
    if (d === 34) {
      j = skipString(text, j);
      continue;
    }
    if (d === 58) lastColons++;
    else if (d === 123 || d === 91) {
      if (++depth > lastDepth) lastDepth = depth;
    }
    else if (d === 125 || d === 93) {
      depth--;
      if (depth === 0) return j + 1;
    } else if (Number.isNaN(d)) return j;
    j++;
  }
}

export interface Located {
  /** The value at the path. */
  value: { offset: number; length: number };
  /** The key of the property whose value it is (absent for array items and the root). */
  key?: { offset: number; length: number };
}

/**
 * Finds the value at a path in valid JSON text by skipping over everything else, without building a tree. When a
 * key repeats, the last one is found, as Python keeps the last.
 */
export function locate(text: string, path: (string | number)[]): Located | undefined {
  let start = skipSpace(text, 0);
  let key: Located['key'];
  for (const seg of path) {
    const open = text.charCodeAt(start);
    let i = skipSpace(text, start + 1);
    let found: { key?: Located['key']; start: number } | undefined;
    if (typeof seg === 'string') {
      if (open !== 123) return undefined;
      while (text.charCodeAt(i) === 34) {
        const keyEnd = skipString(text, i);
        const raw = text.slice(i + 1, keyEnd - 1);
        const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
        if (name === seg) found = { key: { offset: i, length: keyEnd - i }, start: valueStart };
        i = skipSpace(text, skipValue(text, valueStart));
        if (text.charCodeAt(i) !== 44) break;
        i = skipSpace(text, i + 1);
      }
    } else {
      if (open !== 91) return undefined;
      for (let n = 0; text.charCodeAt(i) !== 93 && i < text.length; n++) {
        if (n === seg) {
          found = { start: i };
          break;
        }
        i = skipSpace(text, skipValue(text, i));
        if (text.charCodeAt(i) !== 44) break;
        i = skipSpace(text, i + 1);
      }
    }
    if (!found) return undefined;
    start = found.start;
    key = found.key;
  }
  return { value: { offset: start, length: skipValue(text, start) - start }, key };
}
