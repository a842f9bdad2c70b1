// Presence-only flags written as false: clemcore tests `'key' in model_config`, so false still switches them on.
import type { EntryContext } from '../context';
import { walkKnownValues } from '../schemaWalk';

export function checkPresenceFlags(ctx: EntryContext): void {
  if (!ctx.backend) return;
  walkKnownValues(ctx, (key, value, schema, path) => {
    if (!schema['x-clem-presence'] || !(value === false || value === null || value === 0)) return;
    const node = ctx.node(path);
    const pair = node?.parent;
    if (!node || !pair) return;
    ctx.report('presence-flag-false', node, path,
      `clemcore only checks whether \`${key}\` is present, so \`${value}\` still switches it on. Remove the key to switch it off.`,
      { data: { key, remove: { offset: pair.offset, length: pair.length } } });
  });
}
