// Finds the spans of the top-level array's elements in text that is known to be valid JSON, without building a
// tree: a single pass that skips strings by searching for their closing quote.

export interface ElementSpan {
  start: number;
  end: number;
  /** Colons outside strings: the number of properties in the element, counted during the same pass. */
  colons: number;
  /** How deeply the element nests arrays and objects (1 for an object of scalars). */
  depth: number;
  /**
   * An object element's own properties, listed during the same pass as `propertiesOf` lists them (key start, key
   * end, value start, value end, four numbers each), but relative to the element's start.
   */
  properties?: number[];
}

/** Elements of the top-level array past those whose spans are kept: how many, how deep they go, where they stand. */
export interface RestOfArray {
  count: number;
  depth: number;
  /** Runs of up to REST_CHUNK elements, as [start, end) pairs: each can be parsed on its own. */
  chunks: number[];
}

const REST_CHUNK = 10_000;

/**
 * The element spans of a JSON text whose root is an array, or the root's span when it is anything else (`isArray`
 * false). The top-level punctuation is checked (only JSON whitespace, commas between elements, nothing after the
 * root); the elements themselves are not: the caller parses each, and falls back to a full parser when anything
 * fails, which is also when the answer is undefined. Past `maxSpans` elements, the rest is only summed up.
 */
export function scanTopLevel(text: string, maxSpans = Infinity): { isArray: boolean; spans: ElementSpan[]; rest?: RestOfArray } | undefined {
  let i = skipSpace(text, 0);
  if (i >= text.length) return undefined;
  if (text.charCodeAt(i) !== 91 /* [ */) {
    const properties: number[] = [];
    const end = skipValue(text, i, properties);
    return skipSpace(text, end) === text.length && end > i ? { isArray: false, spans: [elementSpan(text, i, end, properties)] } : undefined;
  }
  const spans: ElementSpan[] = [];
  let rest: RestOfArray | undefined;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) !== 93 /* ] */) {
    for (;;) {
      const kept = spans.length < maxSpans;
      const properties: number[] | undefined = kept ? [] : undefined;
      const end = skipValue(text, i, properties);
      if (end === i) return undefined;
      if (kept) spans.push(elementSpan(text, i, end, properties));
      else {
        rest ??= { count: 0, depth: 0, chunks: [] };
        if (rest.count++ % REST_CHUNK === 0) rest.chunks.push(i, end);
        else rest.chunks[rest.chunks.length - 1] = end;
        if (lastDepth > rest.depth) rest.depth = lastDepth;
      }
      i = skipSpace(text, end);
      if (text.charCodeAt(i) !== 44 /* , */) break;
      i = skipSpace(text, i + 1);
    }
  }
  if (text.charCodeAt(i) !== 93) return undefined;
  return skipSpace(text, i + 1) === text.length ? { isArray: true, spans, rest } : undefined;
}

function elementSpan(text: string, start: number, end: number, properties: number[] | undefined): ElementSpan {
  return { start, end, colons: lastColons, depth: lastDepth, properties: text.charCodeAt(start) === 123 ? properties : undefined };
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
    if (text.charCodeAt(q - 1) !== 92) return q + 1;
    // The quote is escaped when an odd number of backslashes precede it.
    let b = q - 2;
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

/**
 * The end of the value that starts at `i`. When it is an object and `properties` is given, its own properties are
 * appended to it as `propertiesOf` lists them, relative to `i`.
 */
export function skipValue(text: string, i: number, properties?: number[]): number {
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
  // The counts stay local until the end, and strings are skipped inline: this loop reads every character of the
  // file outside strings, most of them indentation.
  let colons = 0;
  let maxDepth = 0;
  let depth = 0;
  let j = i;
  const n = text.length;
  // The property being read at depth 1 (-1: not yet), when the object's properties are listed.
  const list = c === 123 ? properties : undefined;
  let keyStart = -1;
  let keyEnd = -1;
  let valueStart = -1;
  let valueEnd = -1;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d <= 32) {
      j++;
      continue;
    }
    if (d === 34) {
      const open = j;
      let k = j + 1;
      for (;;) {
        const q = text.indexOf('"', k);
        if (q < 0) {
          j = n;
          break;
        }
        if (text.charCodeAt(q - 1) !== 92) {
          j = q + 1;
          break;
        }
        // The quote is escaped when an odd number of backslashes precede it.
        let b = q - 2;
        while (text.charCodeAt(b) === 92) b--;
        if ((q - 1 - b) % 2 === 0) {
          j = q + 1;
          break;
        }
        k = q + 1;
      }
      if (list !== undefined && depth === 1) {
        if (keyStart < 0) {
          keyStart = open;
          keyEnd = j;
        } else {
          valueStart = open;
          valueEnd = j;
        }
      }
      continue;
    }
    if (d === 58) colons++;
    else if (d === 123 || d === 91) {
      if (++depth > maxDepth) maxDepth = depth;
      if (depth === 2 && list !== undefined) valueStart = j;
    } else if (d === 125 || d === 93) {
      if (--depth === 0) {
        if (list !== undefined && keyStart >= 0) list.push(keyStart - i, keyEnd - i, valueStart - i, valueEnd - i);
        j++;
        break;
      }
      if (depth === 1) valueEnd = j + 1;
    } else if (list !== undefined && depth === 1) {
      if (d === 44) {
        list.push(keyStart - i, keyEnd - i, valueStart - i, valueEnd - i);
        keyStart = -1;
      } else {
        // A number, true, false or null: no whitespace inside.
        if (valueStart < keyEnd) valueStart = j;
        valueEnd = j + 1;
      }
    }
    j++;
  }
  lastColons = colons;
  lastDepth = maxDepth;
  return j;
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
  return locateIndexed(text, path, new Map());
}

/**
 * The properties of the objects of one valid JSON text, listed when first looked into: per object (by the offset of
 * its `{`), the key start, key end, value start and value end of each property, four numbers each, in text order.
 * Finding several values in one entry then scans each of its objects once instead of once per value.
 */
export type ObjectIndex = Map<number, number[]>;

/** `locate` through an index of the text's objects, filled as objects are looked into. */
export function locateIndexed(text: string, path: (string | number)[], index: ObjectIndex): Located | undefined {
  let start = skipSpace(text, 0);
  let end = -1;
  let keyStart = -1;
  let keyEnd = -1;
  for (const seg of path) {
    if (typeof seg === 'string') {
      if (text.charCodeAt(start) !== 123) return undefined;
      let props = index.get(start);
      if (!props) index.set(start, (props = propertiesOf(text, start)));
      // The last of repeated keys, as Python keeps the last.
      let at = props.length - 4;
      while (at >= 0 && !keyIs(text, props[at], props[at + 1], seg)) at -= 4;
      if (at < 0) return undefined;
      keyStart = props[at];
      keyEnd = props[at + 1];
      start = props[at + 2];
      end = props[at + 3];
    } else {
      if (text.charCodeAt(start) !== 91) return undefined;
      let i = skipSpace(text, start + 1);
      let found = -1;
      for (let n = 0; text.charCodeAt(i) !== 93 && i < text.length; n++) {
        if (n === seg) {
          found = i;
          break;
        }
        i = skipSpace(text, skipValue(text, i));
        if (text.charCodeAt(i) !== 44) break;
        i = skipSpace(text, i + 1);
      }
      if (found < 0) return undefined;
      start = found;
      end = -1;
      keyStart = -1;
    }
  }
  if (end < 0) end = skipValue(text, start);
  return { value: { offset: start, length: end - start }, key: keyStart < 0 ? undefined : { offset: keyStart, length: keyEnd - keyStart } };
}

export function propertiesOf(text: string, open: number): number[] {
  const props: number[] = [];
  let i = skipSpace(text, open + 1);
  while (text.charCodeAt(i) === 34) {
    const keyEnd = skipString(text, i);
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const valueEnd = skipValue(text, valueStart);
    props.push(i, keyEnd, valueStart, valueEnd);
    i = skipSpace(text, valueEnd);
    if (text.charCodeAt(i) !== 44) break;
    i = skipSpace(text, i + 1);
  }
  return props;
}

/** Whether the JSON string at [start, end) (quotes included) spells `name`, compared in place unless it has escapes. */
function keyIs(text: string, start: number, end: number, name: string): boolean {
  const rawLength = end - start - 2;
  // Escapes only shorten: a key as long as the name matches only letter for letter, a shorter one never.
  if (rawLength === name.length) return text.startsWith(name, start + 1) && name.indexOf('\\') < 0;
  if (rawLength < name.length) return false;
  for (let i = start + 1; i < end - 1; i++) {
    if (text.charCodeAt(i) === 92) return (JSON.parse(text.slice(start, end)) as string) === name;
  }
  return false;
}
