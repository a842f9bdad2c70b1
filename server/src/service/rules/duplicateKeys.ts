// Keys repeated within one object: Python's json keeps the last one without a word.
import type { Node } from '../jsonText';
import type { EntryContext } from '../context';
import type { JsonPath } from '../types';

/** Registries nest a few levels; deeper structures are not walked (their paths would grow quadratically). */
const MAX_DEPTH = 64;

export function checkDuplicateKeys(ctx: EntryContext): void {
  walk(ctx, ctx.entry, []);
}

function walk(ctx: EntryContext, node: Node, path: JsonPath): void {
  if (path.length > MAX_DEPTH) return;
  if (node.type === 'array') {
    node.children?.forEach((child, i) => walk(ctx, child, [...path, i]));
    return;
  }
  if (node.type !== 'object' || !node.children) return;
  const last = new Map<string, Node>();
  for (const pair of node.children) {
    const k = pair.children?.[0];
    if (k && typeof k.value === 'string') last.set(k.value, pair);
  }
  for (const pair of node.children) {
    const k = pair.children?.[0];
    if (!k || typeof k.value !== 'string') continue;
    const winner = last.get(k.value)!;
    if (winner !== pair) {
      const wk = winner.children![0];
      ctx.report('json-duplicate-key', k, [...path, k.value],
        `\`${k.value}\` appears again later in this object; Python's json silently keeps the later value, so this one is ignored. Remove one of them.`,
        { data: { key: k.value, remove: { offset: pair.offset, length: pair.length } }, related: [{ offset: wk.offset, length: wk.length, message: 'This value is the one clemcore uses.' }], tags: ['unnecessary'] });
    }
    const v = pair.children?.[1];
    if (v) walk(ctx, v, [...path, k.value]);
  }
}
