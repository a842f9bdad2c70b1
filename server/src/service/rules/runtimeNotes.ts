// Keys whose effect in the target clemcore version differs from their promise: ignored, crashing, or version-limited.
import { appliesTo, type IgnoredKeysRule } from '../schemaSet';
import { conditionHolds } from './conditions';
import type { EntryContext } from '../context';
import { selectedKeys, type KeySelection, type SchemaKey } from '../schemaWalk';

const ANNOTATED: KeySelection = { name: 'runtime', wanted: (s) => s['x-clem-versions'] !== undefined || s['x-clem-runtime'] !== undefined };

/** The annotated keys of the entry's backend with something to say in the target version. */
function keysWithEffect(ctx: EntryContext): SchemaKey[] {
  const version = ctx.version;
  return ctx.derived<SchemaKey[]>(keysWithEffect) ?? ctx.derive(keysWithEffect, selectedKeys(ctx, ANNOTATED).filter(({ schema }) => {
    const versions = schema['x-clem-versions'];
    return (versions && !versions.includes(version)) || schema['x-clem-runtime']?.some((n) => appliesTo(n.versions, version));
  }));
}

/** The model_config rules of the entry's backend that apply in the target version. */
function ignoredKeysRules(ctx: EntryContext): IgnoredKeysRule[] {
  return ctx.derived<IgnoredKeysRule[]>(ignoredKeysRules) ??
    ctx.derive(ignoredKeysRules, (ctx.schemas.topKeys(ctx.backend).model_config?.['x-clem-ignoredKeys'] ?? []).filter((r) => appliesTo(r.versions, ctx.version)));
}

/**
 * model_config keys the runtime does not read in this entry, because of another key's value (e.g. `multimodal: true`
 * in huggingface_local), each with the reason; undefined when there are none.
 */
export function conditionallyIgnored(ctx: EntryContext): Map<string, IgnoredKeysRule> | undefined {
  if (!ctx.backend) return undefined;
  const rules = ignoredKeysRules(ctx);
  if (!rules.length) return undefined;
  const config = ctx.value.model_config;
  if (!config || typeof config !== 'object' || Array.isArray(config)) return undefined;
  let out: Map<string, IgnoredKeysRule> | undefined;
  for (const rule of rules) {
    if (!conditionHolds(rule.if, config as Record<string, unknown>)) continue;
    for (const key of rule.keys) if (key in config) (out ??= new Map()).set(key, rule);
  }
  return out;
}

export function checkRuntimeNotes(ctx: EntryContext): void {
  if (!ctx.backend) return;
  const ignored = conditionallyIgnored(ctx);
  if (ignored) {
    for (const [key, rule] of ignored) {
      const here = ['model_config', key];
      const keyNode = ctx.keyNode(here);
      const use = rule.use ? { key: rule.use.key, value: JSON.stringify(rule.use.value) } : undefined;
      if (keyNode) ctx.report('ignored-key', keyNode, here, `clemcore ${ctx.version} ignores \`${key}\` here: ${rule.message}`, { data: use ? { key, use } : { key }, tags: ['unnecessary'] });
    }
  }
  for (const { key, path: here, schema } of keysWithEffect(ctx)) {
    if (ctx.valueAt(here) === undefined) continue;
    const versions = schema['x-clem-versions'];
    const notes = schema['x-clem-runtime'];
    const keyNode = ctx.keyNode(here);
    if (!keyNode) continue;
    if (versions && !versions.includes(ctx.version)) {
      ctx.report('ignored-key', keyNode, here,
        `clemcore ${ctx.version} does not read \`${key}\` (only ${versions.join(', ')} does), so it has no effect here.`,
        { data: { key }, tags: ['unnecessary'] });
    }
    for (const note of notes ?? []) {
      if (!appliesTo(note.versions, ctx.version)) continue;
      if (note.effect === 'ignored') {
        ctx.report('ignored-key', keyNode, here, `clemcore ${ctx.version} ignores \`${key}\`: ${note.message}`, { data: { key }, tags: ['unnecessary'] });
      } else if (note.effect === 'crash') {
        ctx.report('key-crash', keyNode, here, `\`${key}\` makes clemcore ${ctx.version} fail: ${note.message}`, { data: { key } });
      } else {
        ctx.report('runtime-note', keyNode, here, `\`${key}\`: ${note.message}`, { data: { key } });
      }
    }
  }
}
