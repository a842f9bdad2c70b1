// Hover: a key's documentation from schemas/ (what it does, when clemcore reads it, which backends use it), and for
// the `backend` value, what the backend is and which keys it needs.
import { findNodeAtOffset, getNodePath } from 'jsonc-parser';
import type { RegistryDocument } from './registryDocument';
import { parseJson } from './jsonText';
import { appliesTo, getSchemaSet, type KeySchema, type SchemaSet } from './schemaSet';
import { entryValue } from './entryText';
import { explainPattern, parsePattern, sub, visible } from '../pyre';
import { renderChatTemplate, showPrompt } from './templatePreview';
import { dryRun } from './dryRun/probe';
import { DRY_RUN_KEYS, dryRunMarkdown } from './dryRun/hover';

export interface HoverResult {
  markdown: string;
  /** The hovered key or value, in the document. */
  offset: number;
  length: number;
}

const KIND_WORDS: Record<string, string> = {
  regex: 'a Python regular expression (`re`)',
  literal: 'literal text (regex escapes are not interpreted)',
  jinja: 'a Jinja chat template',
  glob: 'a file-name glob (Python fnmatch)',
  date: 'an ISO date, YYYY-MM-DD',
  'context-size': 'a context size such as `128k`',
  parameters: 'a parameter count such as `7B`',
  'language-codes': 'ISO 639-1 language codes',
  license: 'a license `{name, url}`',
  'dotted-path': 'a dotted Python import path',
  'hf-repo': 'a Hugging Face repository id `owner/name`',
};

export function hover(doc: RegistryDocument, offset: number): HoverResult | undefined {
  const entry = doc.entryAt(offset);
  if (!entry) return undefined;
  const root = parseJson(entry.text).root;
  const node = root && findNodeAtOffset(root, offset - entry.start, true);
  if (!node || node.type !== 'string' || node.parent?.type !== 'property') return undefined;
  const schemas = getSchemaSet();
  const value = entryValue(entry.text);
  const backend = schemas.knownBackend(value);
  const pair = node.parent;
  const isKey = pair.children?.[0] === node;
  const path = getNodePath(pair.children![1] ?? node).filter((p): p is string => typeof p === 'string');
  const at = { offset: entry.start + node.offset, length: node.length };
  if (isKey) {
    const markdown = keyHover(schemas, backend, path, entry.version);
    return markdown ? { markdown, ...at } : undefined;
  }
  if (path.length === 1 && path[0] === 'backend' && typeof node.value === 'string') {
    const markdown = backendHover(schemas, node.value, entry.version);
    return markdown ? { markdown, ...at } : undefined;
  }
  const key = path[path.length - 1];
  const schema = schemas.objectSchemaAt(backend, path.slice(0, -1))?.properties?.[key];
  const dry = path.length === 2 && path[0] === 'model_config' && DRY_RUN_KEYS.has(key) ? dryRun(value, backend, entry.version, doc.settings.tokenizerFacts, doc.settings.ggufFacts) : undefined;
  if (schema?.['x-clem-kind'] === 'regex' && typeof node.value === 'string') {
    return { markdown: dry ? `${regexHover(key, node.value)}\n\n${dryRunMarkdown(dry)}` : regexHover(key, node.value), ...at };
  }
  if (dry) return { markdown: dryRunMarkdown(dry), ...at };
  if (schema?.['x-clem-kind'] === 'jinja' && typeof node.value === 'string') {
    return { markdown: templateHover(node.value, value, backend), ...at };
  }
  return undefined;
}

function templateHover(source: string, entry: Record<string, unknown>, backend: string | undefined): string {
  const config = (entry.model_config ?? {}) as Record<string, unknown>;
  const multimodal = backend === 'huggingface_multimodal';
  const fromRegistry = backend === 'llamacpp' && typeof config.bos_string === 'string' && typeof config.eos_string === 'string';
  const tokens = multimodal ? undefined : fromRegistry ? { bos: config.bos_string as string, eos: config.eos_string as string } : { bos: '<bos>', eos: '<eos>' };
  const how = multimodal
    ? 'as clemcore 3.3\'s huggingface_multimodal renders it: a plain template given `messages` only (no BOS/EOS, no add_generation_prompt)'
    : `with add_generation_prompt=True; ${fromRegistry
      ? 'BOS/EOS from `bos_string`/`eos_string` (at run time the GGUF\'s own tokens take precedence when it has them)'
      : 'BOS/EOS shown as `<bos>`/`<eos>`: the real ones come from the tokenizer or GGUF'}`;
  const result = renderChatTemplate(source, tokens, undefined, backend);
  const head = `**\`custom_chat_template\`** rendered for a sample conversation (system, user, assistant, user) ${how}.`;
  if (!result.ok) return `${head}\n\nRendering fails: ${result.error}`;
  return `${head}\n\n${showPrompt(result.prompt)}`;
}

/** A sample reply with the model's end marker as plain text, the case `eos_to_cull` exists for. */
function sampleReply(pattern: string): string {
  const marker = pattern.replace(/\\([^A-Za-z0-9])/g, '$1');
  return `The capital of France is Paris.${marker}`;
}

function regexHover(key: string, pattern: string): string {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) return `**\`${key}\`** is not a valid Python regular expression: ${parsed.error.message} at position ${parsed.error.pos}.`;
  const lines = [`**\`${key}\`** (Python regex \`${visible(pattern)}\`) ${explainPattern(parsed.ast)}.`];
  const sample = sampleReply(pattern);
  const culled = sub(parsed.ast, sample, '', { maxSteps: 100_000 });
  if (culled !== undefined) {
    lines.push('', `\`re.sub\` on a sample reply:`, '', `- before: \`${visible(sample)}\``, `- after: \`${visible(culled)}\``);
  }
  return lines.join('\n');
}

function keyHover(schemas: SchemaSet, backend: string | undefined, path: string[], version: string): string | undefined {
  const key = path[path.length - 1];
  const parentPath = path.slice(0, -1);
  const schema = schemas.objectSchemaAt(backend, parentPath)?.properties?.[key];
  if (!schema) return undefined;
  const where = parentPath.length ? `\`${parentPath.join('.')}\`` : 'the entry';
  const lines = [`**\`${key}\`** in ${where}${backend ? ` · ${backend} backend` : ''}`, '', schema.markdownDescription ?? schema.description ?? ''];
  const facts: string[] = [];
  const required = (schema['x-clem-required'] ?? []).filter((r) => appliesTo(r.versions, version));
  for (const r of required) {
    facts.push(r.when === 'docs'
      ? 'Mandatory in the registry README; clemcore never reads it.'
      : `Required: clemcore ${version} fails ${r.when === 'load' ? 'while loading the model' : 'at the first generation'} without it${r.if ? ' (under a condition, see above)' : ''}.`);
  }
  const kind = schema['x-clem-kind'];
  if (kind && KIND_WORDS[kind]) facts.push(`Read as ${KIND_WORDS[kind]}.`);
  if (schema['x-clem-presence']) facts.push('Presence-only: clemcore tests whether the key exists, so `false` still switches it on.');
  if (parentPath.length) {
    const users = schemas.backendNames().filter((b) => schemas.objectSchemaAt(b, parentPath)?.properties?.[key]);
    facts.push(`Backends that read it: ${users.map((b) => `\`${b}\``).join(', ')}.`);
  }
  if (facts.length) lines.push('', ...facts.map((f) => `- ${f}`));
  return lines.join('\n');
}

function backendHover(schemas: SchemaSet, name: string, version: string): string | undefined {
  const schema = schemas.backends.get(name);
  if (!schema) return undefined;
  const meta = schema['x-clem-backend'];
  const lines = [`**\`${name}\`** backend · clemcore ${meta.versions.join(', ')}`, '', schema.markdownDescription ?? schema.description ?? ''];
  const needs = (keys: Record<string, KeySchema>, prefix: string) =>
    Object.entries(keys)
      .filter(([, s]) => (s['x-clem-required'] ?? []).some((r) => r.when !== 'docs' && appliesTo(r.versions, version) && !r.if))
      .map(([k]) => `\`${prefix}${k}\``);
  const required = [...needs(schemas.topKeys(name), ''), ...needs(schemas.configKeys(name), 'model_config.')];
  if (required.length) lines.push('', `Needs (clemcore ${version}): ${required.join(', ')}.`);
  if (!meta.versions.includes(version)) lines.push('', `clemcore ${version} no longer has this backend.${meta.removed ? ` ${meta.removed}` : ''}`);
  return lines.join('\n');
}

