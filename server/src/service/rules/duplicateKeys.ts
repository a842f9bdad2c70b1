// Keys repeated within one object: Python's json keeps the last one without a word.
import type { Node } from '../jsonText';
import type { EntryContext } from '../context';
import type { JsonPath } from '../types';
import { skipSpace, skipValue } from '../topLevelScan';

/** Registries nest a few levels; deeper structures are not walked (their paths would grow quadratically). */
const MAX_DEPTH = 64;

export function checkDuplicateKeys(ctx: EntryContext): void {
  // Without duplicates, the text has exactly as many properties (colons outside strings) as the parsed value has
  // keys: counting both is cheap, and only an entry with duplicates needs its tree.
  if ((ctx.colonCount ?? countColons(ctx.text)) === countKeys(ctx.value)) return;
  if (ctx.valid) walkText(ctx, skipSpace(ctx.text, 0), []);
  else walk(ctx, ctx.entry, []);
}

function countColons(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) n++;
    else if (c === 34) {
      // Skip the string: to the next quote that an even number of backslashes precede.
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q < 0) return n;
        let b = q - 1;
        while (text.charCodeAt(b) === 92) b--;
        i = q;
        if ((q - 1 - b) % 2 === 0) break;
      }
    }
  }
  return n;
}

function countKeys(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const v of value) n += countKeys(v);
    return n;
  }
  for (const k in value as Record<string, unknown>) n += 1 + countKeys((value as Record<string, unknown>)[k]);
  return n;
}

/** One property of an object: its key, and the spans of the key and of the whole `"key": value` pair. */
interface Property {
  key: string;
  keyOffset: number;
  keyLength: number;
  pairOffset: number;
  pairLength: number;
}

/** `path` is the node's path, extended and restored in place so that clean objects cost no allocation. */
function walk(ctx: EntryContext, node: Node, path: JsonPath): void {
  if (path.length > MAX_DEPTH || !node.children) return;
  if (node.type === 'array') {
    for (let i = 0; i < node.children.length; i++) {
      const child = node.children[i];
      if (child.children) {
        path.push(i);
        walk(ctx, child, path);
        path.pop();
      }
    }
    return;
  }
  if (node.type !== 'object') return;
  const pairs = node.children;
  const properties: Property[] = [];
  for (const pair of pairs) {
    const k = pair.children?.[0];
    if (k && typeof k.value === 'string') properties.push({ key: k.value, keyOffset: k.offset, keyLength: k.length, pairOffset: pair.offset, pairLength: pair.length });
  }
  if (hasDuplicate(properties.map((p) => p.key))) reportDuplicates(ctx, properties, path);
  for (const pair of pairs) {
    const k = pair.children?.[0];
    const v = pair.children?.[1];
    if (k && v?.children && typeof k.value === 'string') {
      path.push(k.value);
      walk(ctx, v, path);
      path.pop();
    }
  }
}

/**
 * The same walk over valid text, with the properties the entry's scans list (see EntryContext.properties): an entry
 * of a million properties then needs no syntax tree.
 */
function walkText(ctx: EntryContext, open: number, path: JsonPath): void {
  if (path.length > MAX_DEPTH) return;
  const text = ctx.text;
  if (text.charCodeAt(open) === 91 /* [ */) {
    let i = skipSpace(text, open + 1);
    for (let index = 0; i < text.length && text.charCodeAt(i) !== 93; index++) {
      const end = skipValue(text, i);
      const c = text.charCodeAt(i);
      if (c === 123 || c === 91) {
        path.push(index);
        walkText(ctx, i, path);
        path.pop();
      }
      i = skipSpace(text, end);
      if (text.charCodeAt(i) !== 44) break;
      i = skipSpace(text, i + 1);
    }
    return;
  }
  if (text.charCodeAt(open) !== 123 /* { */) return;
  const props = ctx.properties(open);
  const keys: string[] = [];
  for (let at = 0; at < props.length; at += 4) {
    const raw = text.slice(props[at] + 1, props[at + 1] - 1);
    keys.push(raw.includes('\\') ? (JSON.parse(text.slice(props[at], props[at + 1])) as string) : raw);
  }
  // The spans are made only for an object that has a repeated key.
  if (hasDuplicate(keys)) {
    const properties = keys.map((key, i): Property => {
      const at = i * 4;
      return { key, keyOffset: props[at], keyLength: props[at + 1] - props[at], pairOffset: props[at], pairLength: props[at + 3] - props[at] };
    });
    reportDuplicates(ctx, properties, path);
  }
  for (let at = 0; at < props.length; at += 4) {
    const c = text.charCodeAt(props[at + 2]);
    if (c === 123 || c === 91) {
      path.push(keys[at / 4]);
      walkText(ctx, props[at + 2], path);
      path.pop();
    }
  }
}

function hasDuplicate(keys: string[]): boolean {
  if (keys.length < 2) return false;
  if (keys.length <= 16) {
    for (let i = 1; i < keys.length; i++) {
      for (let j = 0; j < i; j++) if (keys[j] === keys[i]) return true;
    }
    return false;
  }
  return new Set(keys).size < keys.length;
}

function reportDuplicates(ctx: EntryContext, properties: Property[], path: JsonPath): void {
  const last = new Map<string, Property>();
  for (const p of properties) last.set(p.key, p);
  for (const p of properties) {
    const winner = last.get(p.key)!;
    if (winner === p) continue;
    const at = { offset: p.keyOffset, length: p.keyLength };
    // Thousands of repeats are counted past the first ones, not each written out.
    if (!ctx.reportable('json-duplicate-key')) {
      ctx.skip('json-duplicate-key', at, [...path, p.key]);
      continue;
    }
    ctx.report('json-duplicate-key', at, [...path, p.key],
      `\`${p.key}\` appears again later in this object; Python's json silently keeps the later value, so this one is ignored. Remove one of them.`,
      { data: { key: p.key, remove: { offset: p.pairOffset, length: p.pairLength } }, related: [{ offset: winner.keyOffset, length: winner.keyLength, message: 'This value is the one clemcore uses.' }], tags: ['unnecessary'] });
  }
}
