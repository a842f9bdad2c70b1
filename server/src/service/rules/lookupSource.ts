// lookup_source is stamped by clemcore itself; a hand-written one changes which entries unify and what persists.
import type { EntryContext } from '../context';

export function checkLookupSource(ctx: EntryContext): void {
  if (!('lookup_source' in ctx.value)) return;
  const value = ctx.value.lookup_source;
  const node = ctx.lazyNode(['lookup_source'], value);
  const own = ctx.documentPath;
  const matches = value === 'packaged' || (own !== undefined && value === own);
  ctx.report('lookup-source', node, ['lookup_source'],
    matches
      ? '`lookup_source` is set by clemcore when it loads the file; written by hand it only narrows which selectors unify with this entry. Remove it unless `clem register model` wrote it.'
      : `\`lookup_source\` ${JSON.stringify(value)} is neither "packaged" nor this file's path. The entry still loads, but the next \`clem register model\` in this directory silently drops it from the file. Remove the key.`,
    { severity: matches ? 'warning' : 'error', data: { key: 'lookup_source' } });
}
