// Keys no clemcore code reads at their level: misplaced keys (with where they belong), legacy names, and typos.
import { properties, type Node } from '../jsonText';
import { suggest } from '../didYouMean';
import type { KeySchema } from '../schemaSet';
import type { EntryContext } from '../context';
import type { JsonPath } from '../types';

export function checkUnknownKeys(ctx: EntryContext): void {
  const backend = ctx.backend;
  const rawBackend = ctx.value.backend;
  const top = backend ? ctx.schemas.topKeys(backend) : allTopKeys(ctx);
  const config = backend ? ctx.schemas.configKeys(backend) : {};
  const multimodality = config.multimodality?.properties ?? {};

  for (const { key, keyNode, valueNode } of properties(ctx.entry)) {
    const schema = top[key];
    if (schema) {
      if (schema['x-clem-replacedBy']) reportLegacy(ctx, key, keyNode, [], schema);
      else if (key === 'model_config' && valueNode?.type === 'object' && backend) checkConfig(ctx, valueNode, config, top, multimodality);
      else if (schema.properties && valueNode?.type === 'object') checkNested(ctx, valueNode, schema, [key]);
      continue;
    }
    if (backend && key in config) {
      const pre2025 = key === 'eos_to_cull' || key === 'premade_chat_template' || key === 'filename';
      misplaced(ctx, key, keyNode, [], ['model_config'],
        `\`${key}\` belongs inside \`model_config\`${pre2025 ? ' (the top level is the pre-2025 registry format)' : ''}; clemcore does not read it here.`);
    } else if (backend && key in multimodality) {
      misplaced(ctx, key, keyNode, [], ['model_config', 'multimodality'],
        `\`${key}\` is a capability flag and belongs inside \`model_config.multimodality\`; here clemcore does not see it, and image inputs fail with "does not support multimodal inputs".`);
    } else if (typeof rawBackend === 'string' && !backend) {
      // With an unknown backend only typos of common keys can be told apart.
      reportUnknown(ctx, key, keyNode, [], top, '');
    } else {
      reportUnknown(ctx, key, keyNode, [], top, backend ? ` for the ${backend} backend` : '');
    }
  }
}

function checkConfig(ctx: EntryContext, node: Node, config: Record<string, KeySchema>, top: Record<string, KeySchema>, multimodality: Record<string, KeySchema>): void {
  for (const { key, keyNode, valueNode } of properties(node)) {
    const schema = config[key];
    if (schema) {
      if (schema['x-clem-replacedBy']) reportLegacy(ctx, key, keyNode, ['model_config'], schema);
      else if (schema.properties && valueNode?.type === 'object') checkNested(ctx, valueNode, schema, ['model_config', key]);
      continue;
    }
    if (key in top && key !== 'model_config') {
      misplaced(ctx, key, keyNode, ['model_config'], [],
        `\`${key}\` is a key of the entry itself, not of \`model_config\`; clemcore does not find it here${key === 'huggingface_id' ? ' and fails to load the model' : ''}. Move it to the top level of the entry.`);
    } else if (key in multimodality) {
      misplaced(ctx, key, keyNode, ['model_config'], ['model_config', 'multimodality'],
        `\`${key}\` is a capability flag and belongs inside \`model_config.multimodality\`; here clemcore does not see it, and image inputs fail with "does not support multimodal inputs".`);
    } else {
      reportUnknown(ctx, key, keyNode, ['model_config'], config, ` in \`model_config\` of the ${ctx.backend} backend`);
    }
  }
}

/** Objects whose schema closes their key set (`additionalProperties: false`), such as `license` and `multimodality`. */
function checkNested(ctx: EntryContext, node: Node, schema: KeySchema, path: JsonPath): void {
  if (schema.additionalProperties !== false) return;
  const known = schema.properties ?? {};
  for (const { key, keyNode } of properties(node)) {
    if (key in known) continue;
    reportUnknown(ctx, key, keyNode, path, known, ` in \`${path.join('.')}\``);
  }
}

function reportUnknown(ctx: EntryContext, key: string, keyNode: Node, parentPath: JsonPath, known: Record<string, KeySchema>, where: string): void {
  const candidates = Object.keys(known).filter((k) => !known[k]['x-clem-replacedBy']);
  const suggestions = suggest(key, candidates);
  const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?` : ' Remove it, or check the spelling.';
  ctx.report('unknown-key', keyNode, [...parentPath, key], `clemcore does not read \`${key}\`${where}.${hint}`,
    { data: { key, suggestions }, tags: ['unnecessary'] });
}

function reportLegacy(ctx: EntryContext, key: string, keyNode: Node, parentPath: JsonPath, schema: KeySchema): void {
  const target = schema['x-clem-replacedBy']!;
  ctx.report('legacy-key', keyNode, [...parentPath, key],
    `\`${key}\` is an old key name that clemcore no longer reads; use \`${target}\` instead.`,
    { data: { key, replacedBy: target, suggestions: [target.split('.').pop()!] }, tags: ['deprecated'] });
}

function misplaced(ctx: EntryContext, key: string, keyNode: Node, from: JsonPath, to: JsonPath, message: string): void {
  ctx.report('misplaced-key', keyNode, [...from, key], message, { data: { key, targetPath: to } });
}

function allTopKeys(ctx: EntryContext): Record<string, KeySchema> {
  const out: Record<string, KeySchema> = {};
  for (const b of ctx.schemas.backendNames()) Object.assign(out, ctx.schemas.topKeys(b));
  return out;
}
