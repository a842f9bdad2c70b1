// Keys no clemcore code reads at their level: misplaced keys (with where they belong), legacy names, and typos.
import { shownName, suggest } from '../../didYouMean';
import type { KeySchema } from '../schemaSet';
import type { EntryContext } from '../context';
import type { JsonPath } from '../types';
import { isDict } from '../../clemcore/python';

export function checkUnknownKeys(ctx: EntryContext): void {
  const backend = ctx.backend;
  const rawBackend = ctx.value.backend;
  const top = backend ? ctx.schemas.topKeys(backend) : allTopKeys(ctx);
  const config = backend ? ctx.schemas.configKeys(backend) : {};
  const multimodality = config.multimodality?.properties ?? {};

  for (const key of ctx.keys) {
    const child = ctx.value[key];
    const schema = top[key];
    if (schema) {
      if (schema['x-clem-replacedBy']) reportLegacy(ctx, key, [], schema);
      else if (key === 'model_config' && isDict(child) && backend) checkConfig(ctx, child, config, top, multimodality);
      else if (schema.properties && isDict(child)) checkNested(ctx, child, schema, [key]);
      continue;
    }
    if (backend && key in config) {
      const pre2025 = key === 'eos_to_cull' || key === 'premade_chat_template' || key === 'filename';
      misplaced(ctx, key, [], ['model_config'],
        `\`${key}\` belongs inside \`model_config\`${pre2025 ? ' (the top level is the pre-2025 registry format)' : ''}; clemcore does not read it here.`);
    } else if (backend && key in multimodality) {
      misplaced(ctx, key, [], ['model_config', 'multimodality'],
        `\`${key}\` is a capability flag and belongs inside \`model_config.multimodality\`; here clemcore does not see it, and image inputs fail with "does not support multimodal inputs".`);
    } else if (typeof rawBackend === 'string' && !backend) {
      // With an unknown backend only typos of common keys can be told apart. A key that some backend reads (inside
      // model_config today, at the top level in older registries) may be right for the backend meant: the
      // unknown-backend finding is the one to fix first.
      if (!readByAnyBackend(ctx, key)) reportUnknown(ctx, key, [], top, '');
    } else {
      reportUnknown(ctx, key, [], top, backend ? ` for the ${backend} backend` : '');
    }
  }
}

function checkConfig(ctx: EntryContext, value: Record<string, unknown>, config: Record<string, KeySchema>, top: Record<string, KeySchema>, multimodality: Record<string, KeySchema>): void {
  for (const key of Object.keys(value)) {
    const child = value[key];
    const schema = config[key];
    if (schema) {
      if (schema['x-clem-replacedBy']) reportLegacy(ctx, key, ['model_config'], schema);
      else if (schema.properties && isDict(child)) checkNested(ctx, child, schema, ['model_config', key]);
      continue;
    }
    // A legacy key of the entry that nothing reads anywhere (estimated_parameters) is legacy here too, not misplaced.
    if (key in top && top[key]['x-clem-replacedBy']) {
      reportLegacy(ctx, key, ['model_config'], top[key]);
    } else if (key in top && key !== 'model_config') {
      misplaced(ctx, key, ['model_config'], [],
        `\`${key}\` is a key of the entry itself, not of \`model_config\`; clemcore does not find it here${key === 'huggingface_id' ? ' and fails to load the model' : ''}. Move it to the top level of the entry.`);
    } else if (key in multimodality) {
      misplaced(ctx, key, ['model_config'], ['model_config', 'multimodality'],
        `\`${key}\` is a capability flag and belongs inside \`model_config.multimodality\`; here clemcore does not see it, and image inputs fail with "does not support multimodal inputs".`);
    } else {
      reportUnknown(ctx, key, ['model_config'], config, ` in \`model_config\` of the ${ctx.backend} backend`);
    }
  }
}

/** Objects whose schema closes their key set (`additionalProperties: false`), such as `license` and `multimodality`. */
function checkNested(ctx: EntryContext, value: Record<string, unknown>, schema: KeySchema, path: JsonPath): void {
  if (schema.additionalProperties !== false) return;
  const known = schema.properties ?? {};
  for (const key of Object.keys(value)) {
    if (key in known) continue;
    reportUnknown(ctx, key, path, known, ` in \`${path.join('.')}\``);
  }
}

function reportUnknown(ctx: EntryContext, key: string, parentPath: JsonPath, known: Record<string, KeySchema>, where: string): void {
  const keyNode = ctx.keyNode([...parentPath, key]);
  if (!keyNode) return;
  const candidates = Object.keys(known).filter((k) => !known[k]['x-clem-replacedBy']);
  const suggestions = suggest(key, candidates);
  const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?` : ' Remove it, or check the spelling.';
  ctx.report('unknown-key', keyNode, [...parentPath, key], `clemcore does not read \`${shownName(key)}\`${where}.${hint}`,
    { data: { key, suggestions }, tags: ['unnecessary'] });
}

function reportLegacy(ctx: EntryContext, key: string, parentPath: JsonPath, schema: KeySchema): void {
  const keyNode = ctx.keyNode([...parentPath, key]);
  if (!keyNode) return;
  const target = schema['x-clem-replacedBy']!;
  ctx.report('unknown-key', keyNode, [...parentPath, key],
    `clemcore no longer reads \`${key}\`: it is an old key name. Did you mean \`${target}\`?`,
    { data: { key, replacedBy: target, suggestions: [target.split('.').pop()!] }, tags: ['deprecated'] });
}

function misplaced(ctx: EntryContext, key: string, from: JsonPath, to: JsonPath, message: string): void {
  const keyNode = ctx.keyNode([...from, key]);
  if (!keyNode) return;
  ctx.report('misplaced-key', keyNode, [...from, key], message, { data: { key, targetPath: to } });
}

function readByAnyBackend(ctx: EntryContext, key: string): boolean {
  return ctx.schemas.backendNames().some((b) => Object.prototype.hasOwnProperty.call(ctx.schemas.configKeys(b), key));
}

function allTopKeys(ctx: EntryContext): Record<string, KeySchema> {
  const out: Record<string, KeySchema> = {};
  for (const b of ctx.schemas.backendNames()) Object.assign(out, ctx.schemas.topKeys(b));
  return out;
}
