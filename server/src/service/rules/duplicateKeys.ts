// Keys repeated within one object: Python's json keeps the last one without a word.
import type { Node } from '../jsonText';
import type { EntryContext } from '../context';
import type { JsonPath } from '../types';

/** Registries nest a few levels; deeper structures are not walked (their paths would grow quadratically). */
const MAX_DEPTH = 64;

export function checkDuplicateKeys(ctx: EntryContext): void {
  // Without duplicates, the text has exactly as many properties (colons outside strings) as the parsed value has
  // keys: counting both is cheap, and only an entry with duplicates needs its tree.
  if ((ctx.colonCount ?? countColons(ctx.text)) === countKeys(ctx.value)) return;
  walk(ctx, ctx.entry, []);
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
  if (hasDuplicate(pairs)) reportDuplicates(ctx, pairs, path);
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

function hasDuplicate(pairs: Node[]): boolean {
  if (pairs.length < 2) return false;
  if (pairs.length <= 16) {
    for (let i = 1; i < pairs.length; i++) {
      const a = pairs[i].children?.[0]?.value;
      for (let j = 0; j < i; j++) if (pairs[j].children?.[0]?.value === a) return true;
    }
    return false;
  }
  const seen = new Set<unknown>();
  for (const p of pairs) {
    const k = p.children?.[0]?.value;
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}

function reportDuplicates(ctx: EntryContext, pairs: Node[], path: JsonPath): void {
  const last = new Map<string, Node>();
  for (const pair of pairs) {
    const k = pair.children?.[0];
    if (k && typeof k.value === 'string') last.set(k.value, pair);
  }
  for (const pair of pairs) {
    const k = pair.children?.[0];
    if (!k || typeof k.value !== 'string') continue;
    const winner = last.get(k.value)!;
    if (winner === pair) continue;
    // Thousands of repeats are counted past the first ones, not each written out.
    if (!ctx.reportable('json-duplicate-key')) {
      ctx.skip('json-duplicate-key', k, [...path, k.value]);
      continue;
    }
    const wk = winner.children![0];
    ctx.report('json-duplicate-key', k, [...path, k.value],
      `\`${k.value}\` appears again later in this object; Python's json silently keeps the later value, so this one is ignored. Remove one of them.`,
      { data: { key: k.value, remove: { offset: pair.offset, length: pair.length } }, related: [{ offset: wk.offset, length: wk.length, message: 'This value is the one clemcore uses.' }], tags: ['unnecessary'] });
  }
}
