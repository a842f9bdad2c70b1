// Presence-only flags written as false: clemcore tests `'key' in model_config`, so false still switches them on.
import { properties, type Node } from '../jsonText';
import type { KeySchema } from '../schemaSet';
import type { EntryContext } from '../context';
import type { JsonPath } from '../types';

export function checkPresenceFlags(ctx: EntryContext): void {
  if (!ctx.backend) return;
  walk(ctx, ctx.entry, ctx.schemas.topKeys(ctx.backend), []);
}

function walk(ctx: EntryContext, node: Node, keys: Record<string, KeySchema>, path: JsonPath): void {
  for (const { key, valueNode, pair } of properties(node)) {
    const schema = keys[key];
    if (!schema || !valueNode) continue;
    if (schema['x-clem-presence'] && (valueNode.value === false || valueNode.value === null || valueNode.value === 0)) {
      ctx.report('presence-flag-false', valueNode, [...path, key],
        `clemcore only checks whether \`${key}\` is present, so \`${valueNode.value}\` still switches it on. Remove the key to switch it off.`,
        { data: { key, remove: { offset: pair.offset, length: pair.length } } });
    }
    if (schema.properties && valueNode.type === 'object') walk(ctx, valueNode, schema.properties, [...path, key]);
  }
}
