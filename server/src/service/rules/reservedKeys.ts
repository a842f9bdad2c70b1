// Top-level keys that become ModelSpec attributes and shadow its methods, which breaks loading.
import type { EntryContext } from '../context';

export function checkReservedKeys(ctx: EntryContext): void {
  const reserved = ctx.schemas.reservedKeys();
  for (const key of ctx.keys) {
    const dunder = key.length > 4 && key.startsWith('__') && key.endsWith('__');
    if (!reserved.has(key) && !dunder) continue;
    const keyNode = ctx.keyNode([key]);
    if (!keyNode) continue;
    ctx.report('reserved-key', keyNode, [key],
      `\`${key}\` is ${dunder ? 'a Python special name' : `the name of a \`ModelSpec\` method`}: every key becomes an attribute of the spec, so this one shadows it and clemcore breaks when it calls it (e.g. "'str' object is not callable"). Rename the key.`,
      { data: { key } });
  }
}
