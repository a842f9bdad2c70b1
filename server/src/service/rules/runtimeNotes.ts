// Keys whose effect in the target clemcore version differs from their promise: ignored, crashing, or version-limited.
import { properties, type Node } from '../jsonText';
import { appliesTo, type KeySchema } from '../schemaSet';
import type { EntryContext } from '../context';
import type { JsonPath } from '../types';

export function checkRuntimeNotes(ctx: EntryContext): void {
  if (!ctx.backend) return;
  walk(ctx, ctx.entry, ctx.schemas.topKeys(ctx.backend), []);
}

function walk(ctx: EntryContext, node: Node, keys: Record<string, KeySchema>, path: JsonPath): void {
  for (const { key, keyNode, valueNode } of properties(node)) {
    const schema = keys[key];
    if (!schema) continue;
    const here = [...path, key];
    const versions = schema['x-clem-versions'];
    if (versions && !versions.includes(ctx.version)) {
      ctx.report('ignored-key', keyNode, here,
        `clemcore ${ctx.version} does not read \`${key}\` (only ${versions.join(', ')} does), so it has no effect here.`,
        { data: { key }, tags: ['unnecessary'] });
    }
    for (const note of schema['x-clem-runtime'] ?? []) {
      if (!appliesTo(note.versions, ctx.version)) continue;
      if (note.effect === 'ignored') {
        ctx.report('ignored-key', keyNode, here, `clemcore ${ctx.version} ignores \`${key}\`: ${note.message}`, { data: { key }, tags: ['unnecessary'] });
      } else if (note.effect === 'crash') {
        ctx.report('key-crash', keyNode, here, `\`${key}\` makes clemcore ${ctx.version} fail: ${note.message}`, { data: { key } });
      } else {
        ctx.report('runtime-note', keyNode, here, `\`${key}\`: ${note.message}`, { data: { key } });
      }
    }
    if (schema.properties && valueNode?.type === 'object') walk(ctx, valueNode, schema.properties, here);
  }
}
