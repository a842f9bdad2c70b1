// Presence-only flags written as false: clemcore tests `'key' in model_config`, so false still switches them on.
import type { EntryContext } from '../context';
import { selectedKeys, type KeySelection } from '../schemaWalk';

const PRESENCE_FLAGS: KeySelection = { name: 'presence', wanted: (s) => s['x-clem-presence'] === true };

export function checkPresenceFlags(ctx: EntryContext): void {
  if (!ctx.backend) return;
  for (const { key, path } of selectedKeys(ctx, PRESENCE_FLAGS)) {
    const value = ctx.valueAt(path);
    if (!(value === false || value === null || value === 0)) continue;
    const where = ctx.locate(path);
    if (!where?.key) continue;
    const pair = { offset: where.key.offset, length: where.value.offset + where.value.length - where.key.offset };
    ctx.report('presence-flag-false', where.value, path,
      `clemcore only checks whether \`${key}\` is present, so \`${value}\` still switches it on. Remove the key to switch it off.`,
      { data: { key, remove: { offset: pair.offset, length: pair.length } } });
  }
}
