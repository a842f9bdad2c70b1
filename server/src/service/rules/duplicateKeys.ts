// Keys repeated within one object: Python's json keeps the last one without a word.
import type { Node } from '../jsonText';
import type { EntryContext } from '../context';
import type { JsonPath } from '../types';

/** Registries nest a few levels; deeper structures are not walked (their paths would grow quadratically). */
const MAX_DEPTH = 64;

export function checkDuplicateKeys(ctx: EntryContext): void {
  walk(ctx, ctx.entry, []);
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
    const wk = winner.children![0];
    ctx.report('json-duplicate-key', k, [...path, k.value],
      `\`${k.value}\` appears again later in this object; Python's json silently keeps the later value, so this one is ignored. Remove one of them.`,
      { data: { key: k.value, remove: { offset: pair.offset, length: pair.length } }, related: [{ offset: wk.offset, length: wk.length, message: 'This value is the one clemcore uses.' }], tags: ['unnecessary'] });
  }
}
