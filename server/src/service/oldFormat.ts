// Registries in the format before March 2025 (clemcore fb70181b, "Update model registry format"): the backend's keys
// (`eos_to_cull`, `premade_chat_template`, `filename`, ...) stood at the top level of an entry, image support was
// `supports_images` / `support_multiple_images`, and only huggingface_multimodal had a `model_config`, which held
// the model's keyword arguments. The migration kept the entry's own keys at the top level (name, backend, id,
// metadata), moved every other key into `model_config`, turned the image flags into `model_config.multimodality`,
// renamed the old multimodal `model_config` to `mm_model_config`, and pointed the dotted paths of `prompt` and
// `response` at the package the module had moved to (`clemcore.backends.multimodal_utils`). It also moved
// `estimated_parameters` into `model_config`, and made vllm's `context_limit` the entry's `context_size`.
import type { Node as JsonNode } from 'jsonc-parser';
import { parseJson } from './jsonText';
import type { SchemaSet } from './schemaSet';
import { isDict } from '../clemcore/python';

/** The image flags of the old format, and which `multimodality` flag each became. */
const IMAGE_FLAGS: Record<string, 'single_image' | 'multiple_images'> = {
  supports_images: 'single_image',
  support_multiple_images: 'multiple_images',
  supports_multiple_images: 'multiple_images',
};
/** The new format's keys of a huggingface_multimodal `model_config`: one of them means it is not the old kwargs. */
const MULTIMODAL_CONFIG_KEYS = ['model_class', 'processor_class', 'prompt', 'response', 'multimodality', 'mm_model_config'];
const OLD_MODULE = /^backends\.multimodal_utils\./;

export interface OldFormat {
  /** Top-level keys that belong in `model_config`, in file order (image flags and the old `model_config` too). */
  moved: string[];
  /** The image flags among them. */
  imageFlags: string[];
  /** huggingface_multimodal's old `model_config` (the model's kwargs), which becomes `mm_model_config`. */
  oldModelConfig: boolean;
}

/**
 * Whether an entry is in the old format: a known backend, keys of its `model_config` (or old image flags) at the top
 * level, and no `model_config` of the new format. An entry that has one, with a key at the wrong level, is a
 * misplaced key instead.
 */
export function oldFormatOf(value: Record<string, unknown>, backend: string | undefined, schemas: SchemaSet): OldFormat | undefined {
  if (!backend || !schemas.backends.has(backend)) return undefined;
  const config = value.model_config;
  const oldModelConfig = backend === 'huggingface_multimodal' && isDict(config) && !MULTIMODAL_CONFIG_KEYS.some((k) => k in config);
  if (config !== undefined && !oldModelConfig) return undefined;
  const top = schemas.topKeys(backend);
  const inConfig = schemas.configKeys(backend);
  const moved: string[] = [];
  const imageFlags: string[] = [];
  let configKeys = 0;
  for (const key of Object.keys(value)) {
    if (key in top && key !== 'model_config' && key !== 'estimated_parameters') continue;
    moved.push(key);
    if (key in IMAGE_FLAGS) imageFlags.push(key);
    else if (key in inConfig || key === 'estimated_parameters') configKeys++;
  }
  if (configKeys === 0 && imageFlags.length === 0) return undefined;
  return { moved, imageFlags, oldModelConfig };
}

/** The keys of the new `model_config` that the migration makes from other keys. */
export function createdByMigration(old: OldFormat, backend: string): string[] {
  const made: string[] = [];
  if (old.imageFlags.length || backend === 'huggingface_multimodal') made.push('multimodality');
  if (old.oldModelConfig) made.push('mm_model_config');
  return made;
}

/**
 * The entry's object text migrated to the new format, and where that object stands in `entryText`: the keys that
 * stay keep their text and order; the others follow in a `model_config` object, with their values' text as written.
 * Undefined when the text is not an object.
 */
export function migrateEntryText(entryText: string, old: OldFormat, backend: string): { offset: number; length: number; newText: string } | undefined {
  const root = parseJson(entryText).root;
  if (!root || root.type !== 'object' || !root.children) return undefined;
  const raw = (node: JsonNode) => entryText.slice(node.offset, node.offset + node.length);
  const moved = new Set(old.moved);
  const stay: string[] = [];
  const config: string[] = [];
  const flags: Partial<Record<'single_image' | 'multiple_images', string>> = {};
  let multimodalityAt = -1;
  let mmModelConfig: string | undefined;
  const hasContextSize = root.children.some((p) => p.children?.[0]?.value === 'context_size');
  for (const pair of root.children) {
    const [keyNode, valueNode] = pair.children ?? [];
    if (!keyNode || !valueNode) continue;
    const key = String(keyNode.value);
    if (!moved.has(key)) {
      stay.push(raw(pair));
    } else if (key in IMAGE_FLAGS) {
      flags[IMAGE_FLAGS[key]] = raw(valueNode);
      if (multimodalityAt < 0) multimodalityAt = config.length;
    } else if (key === 'model_config') {
      mmModelConfig = raw(valueNode);
    } else if (key === 'context_limit' && !hasContextSize) {
      stay.push(`"context_size": ${raw(valueNode)}`);
    } else if ((key === 'prompt' || key === 'response') && typeof valueNode.value === 'string' && OLD_MODULE.test(valueNode.value)) {
      config.push(`${raw(keyNode)}: ${JSON.stringify(`clemcore.${valueNode.value}`)}`);
    } else {
      config.push(`${raw(keyNode)}: ${raw(valueNode)}`);
    }
  }
  if (createdByMigration(old, backend).includes('multimodality')) {
    // huggingface_multimodal takes images by definition; the flags it had said only whether several are fine.
    const single = flags.single_image ?? 'true';
    const multimodality = `"multimodality": {"single_image": ${single}, "multiple_images": ${flags.multiple_images ?? 'false'}, "audio": false, "video": false}`;
    config.splice(multimodalityAt < 0 ? config.length : multimodalityAt, 0, multimodality);
  }
  if (mmModelConfig !== undefined) config.push(`"mm_model_config": ${mmModelConfig}`);

  const first = root.children[0];
  const multiLine = entryText.slice(root.offset, first.offset).includes('\n');
  let newText: string;
  if (!multiLine) {
    newText = `{${[...stay, `"model_config": {${config.join(', ')}}`].join(', ')}}`;
  } else {
    // The closing brace's line gives the entry's own indentation (its opening brace may follow text of the file).
    const outer = indentationAt(entryText, root.offset + root.length - 1);
    const inner = indentationAt(entryText, first.offset);
    const unit = inner.startsWith(outer) && inner.length > outer.length ? inner.slice(outer.length) : '    ';
    const deeper = (text: string) => text.replace(/\n/g, `\n${unit}`);
    const block = `"model_config": {\n${config.map((c) => `${inner}${unit}${deeper(c)}`).join(',\n')}\n${inner}}`;
    newText = `{\n${[...stay, block].map((p) => `${inner}${p}`).join(',\n')}\n${outer}}`;
  }
  return { offset: root.offset, length: root.length, newText };
}

/** The leading whitespace of the line that holds `offset`. */
export function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}
