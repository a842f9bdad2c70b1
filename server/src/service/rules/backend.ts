// The entry's backend: present, known, and available in the target clemcore version.
import { shownName, suggest } from '../../didYouMean';
import type { EntryContext } from '../context';

/** Backends clemcore renamed, by their old names: too far from the new ones for a did-you-mean. */
const RENAMED_BACKENDS = new Map([['huggingface', 'huggingface_local']]);

export function checkBackend(ctx: EntryContext): void {
  if (!('backend' in ctx.value)) {
    const name = typeof ctx.value.model_name === 'string' ? ` \`${ctx.value.model_name}\`` : '';
    ctx.report('missing-backend', entryAnchor(ctx), [],
      `The entry${name} has no \`backend\`. clemcore 3.7 then silently ignores the whole file (3.3 drops this entry and every entry after it), and falls back to the packaged registry. Add \`"backend": "..."\`.`,
      { data: { missingKeys: [{ key: 'backend', parentPath: [], type: 'string' }], suggestions: [...ctx.schemas.backendsIn(ctx.version)] } });
    return;
  }
  const name = ctx.value.backend;
  if (typeof name !== 'string') return; // the type rule reports it
  const node = ctx.lazyNode(['backend'], name);
  const available = ctx.schemas.backendsIn(ctx.version);
  const schema = ctx.schemas.backends.get(name);
  if (!schema) {
    const renamed = RENAMED_BACKENDS.get(name);
    const suggestions = renamed ? [renamed] : suggest(name, ctx.schemas.backendNames());
    const hint = renamed
      ? ` \`${name}\` is the backend's name in registries before February 2024; it is \`${renamed}\` since.`
      : suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?` : ` Known backends: ${available.join(', ')}.`;
    ctx.report('unknown-backend', node, ['backend'],
      `clemcore has no backend \`${shownName(name)}\`: loading this model fails with "Specified model backend '${shownName(name)}' not found in backend registry" (unless a \`${shownName(name)}_api.py\` lies in the working directory).${hint}`,
      { data: { suggestions } });
    return;
  }
  const meta = schema['x-clem-backend'];
  for (const b of meta.broken ?? []) {
    if (b.versions.includes(ctx.version)) {
      ctx.report('backend-broken', node, ['backend'], `The ${name} backend of clemcore ${ctx.version} cannot run this entry: ${b.message}`, { data: {} });
    }
  }
  if (!available.includes(name)) {
    ctx.report('removed-backend', node, ['backend'],
      `clemcore ${ctx.version} no longer has the backend \`${name}\` (it exists in ${meta.versions.join(', ')}): loading fails with "not found in backend registry".${meta.removed ? ` ${meta.removed}` : ''}`,
      { data: { suggestions: [] } });
  }
}

/**
 * Where to show a finding about the entry as a whole: its `model_name` key when it has one, else its opening brace
 * (never the whole entry).
 */
export function entryAnchor(ctx: EntryContext): { offset: number; length: number } {
  return ctx.keyNode(['model_name']) ?? { offset: 0, length: 1 };
}
