// model_name: present (else the entry matches every later lookup) and not one of the names clemcore intercepts.
import type { EntryContext } from '../context';
import { entryAnchor } from './backend';

export function checkModelName(ctx: EntryContext): void {
  if (!('model_name' in ctx.value)) {
    ctx.report('missing-model-name', entryAnchor(ctx), [],
      'This entry has no `model_name`. clemcore unifies lookups with entries, so an entry without a name matches every lookup that reaches it and shadows every model listed after it; `clem list models` also crashes on it. Add `"model_name": "..."`.',
      { data: { missingKeys: [{ key: 'model_name', parentPath: [], type: 'string' }] } });
    return;
  }
  const name = ctx.value.model_name;
  if (typeof name !== 'string') return;
  const reserved = ctx.schemas.reservedNameReasons().get(name);
  if (reserved !== undefined) {
    ctx.report('reserved-model-name', ctx.lazyNode(['model_name'], name), ['model_name'],
      `\`${name}\` is intercepted before the registry is consulted (${reserved}), so this entry can never be selected. Choose another name.`,
      { data: { key: 'model_name' } });
  } else if (name.includes("'")) {
    ctx.report('reserved-model-name', ctx.lazyNode(['model_name'], name), ['model_name'],
      `clemcore replaces every \`'\` of a \`-m\` argument with \`"\` before the lookup, so \`${name}\` can never be selected from the command line. Remove the apostrophe.`,
      { severity: 'warning', data: { key: 'model_name' } });
  }
}
