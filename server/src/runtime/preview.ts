// "Preview template": an entry's chat template rendered for a sample conversation without loading weights — from the
// custom template, from GGUF metadata (read, not loaded) for llamacpp, or for huggingface_local from the Hugging Face
// cache's tokenizer_config.json / chat_template.jinja with its special tokens, each in its runtime's Jinja environment.
import { readFileSync } from 'node:fs';
import { ensureAlternatingRoles, SAMPLE_CONVERSATION, type ChatMessage } from '../clemcore/conversation';
import { chatSetup } from './chatFormat';
import { renderTemplate, type TemplateEnvironment } from '../jinja2';
import { loadRegistry, ordinal, type RegistrySource } from './entryLookup';
import { GgufError, readGgufMetadata } from './gguf';
import { cachedRepoFile, hubCache, resolveGguf } from './modelFiles';
import { configTemplate, specialTokenText } from './tokenizerFacts';
import { isDict, isTruthy } from '../clemcore/python';
import { visible } from './report';

export interface PreviewRequest {
  registry: RegistrySource;
  entryIndex: number;
  /** A GGUF to read instead of the Hugging Face cache (llamacpp). */
  gguf?: { path: string; source: string };
  messages?: ChatMessage[];
  clemcoreVersion?: string;
}

export interface TemplatePreview {
  ok: boolean;
  /** The rendered prompt, when it rendered. */
  prompt?: string;
  markdown: string;
}

interface Source {
  template: string;
  from: string;
  environment: TemplateEnvironment;
  variables: Record<string, unknown>;
  notes: string[];
}

/** The template and its variables for a llamacpp entry, as get_chat_formatter chooses them. */
function llamacppSource(entry: Record<string, unknown>, config: Record<string, unknown>, request: PreviewRequest): Source | string {
  let ggufPath = request.gguf?.path;
  let ggufFrom = request.gguf?.source ?? '';
  if (!ggufPath && typeof entry.huggingface_id === 'string' && typeof config.filename === 'string') {
    const found = resolveGguf(entry.huggingface_id, config.filename, hubCache());
    if (found.ok) {
      ggufPath = found.path;
      ggufFrom = `the Hugging Face cache (${found.relative})`;
    }
  }
  const notes: string[] = [];
  let meta;
  if (ggufPath) {
    try {
      meta = readGgufMetadata(ggufPath);
    } catch (err) {
      return `The GGUF ${ggufPath} cannot be read: ${err instanceof GgufError ? err.message : String(err)}`;
    }
    notes.push(`GGUF metadata read from ${ggufFrom}: ${ggufPath}`);
  } else {
    // Without the file only a custom template can be shown; BOS/EOS then come from the registry, as a last resort.
    notes.push('The GGUF is not available here, so BOS and EOS below come from the registry; with the file, its metadata would decide them.');
    meta = { version: 3, tensorCount: 0, values: new Map(), types: new Map(), end: 0 };
  }
  const setup = chatSetup(meta, config);
  if (!setup.ok) return `clemcore would fail at load with ${setup.error.message}: ${setup.error.detail}`;
  notes.push(`Chat format guessed by llama-cpp-python: ${setup.chatFormat}; BOS ${JSON.stringify(setup.bos.text)} from ${setup.bos.source}, EOS ${JSON.stringify(setup.eos.text)} from ${setup.eos.source}.`);
  return {
    template: setup.template,
    from: setup.templateSource === 'gguf' ? 'GGUF metadata (tokenizer.chat_template)' : 'model_config.custom_chat_template',
    environment: 'llama-cpp-python',
    variables: { bos_token: setup.bos.text, eos_token: setup.eos.text, add_generation_prompt: true },
    notes,
  };
}

/** The template and special tokens for a huggingface_local entry, as transformers' apply_chat_template sees them. */
function huggingfaceSource(entry: Record<string, unknown>, config: Record<string, unknown>, clemcoreVersion: string): Source | string {
  const notes: string[] = [];
  // clemcore 3.7 with `multimodal: true` applies the processor's own template and reads no template keys.
  const multimodal = clemcoreVersion !== '3.3' && isTruthy(config.multimodal);
  // The text path puts custom_chat_template in the tokenizer only when premade_chat_template is falsy.
  const custom = !multimodal && !isTruthy(config.premade_chat_template) ? config.custom_chat_template : undefined;
  if (multimodal) notes.push('`multimodal` is true: clemcore applies the processor\'s own chat template (custom_chat_template, premade_chat_template and chat_template_kwargs are not read).');
  else if (typeof config.custom_chat_template === 'string' && custom === undefined) notes.push('premade_chat_template is true, so clemcore keeps the tokenizer\'s own template and ignores custom_chat_template.');
  const repo = typeof entry.huggingface_id === 'string' ? entry.huggingface_id : undefined;
  let tokenizerConfig: Record<string, unknown> = {};
  const configFile = repo ? cachedRepoFile(repo, 'tokenizer_config.json') : undefined;
  if (configFile) {
    try {
      const parsed = JSON.parse(readFileSync(configFile, 'utf8')) as unknown;
      if (isDict(parsed)) tokenizerConfig = parsed;
      notes.push(`Special tokens from ${configFile}`);
    } catch (err) {
      notes.push(`${configFile} cannot be read: ${(err as Error).message}`);
    }
  } else {
    notes.push(repo ? `${repo} is not in the Hugging Face cache: special tokens are unknown and render as empty.` : 'The entry has no huggingface_id.');
  }
  const variables: Record<string, unknown> = { add_generation_prompt: true };
  for (const [key, value] of Object.entries(tokenizerConfig)) {
    const text = key.endsWith('_token') ? specialTokenText(value) : undefined;
    if (text !== undefined) variables[key] = text;
  }
  if (!multimodal && isDict(config.chat_template_kwargs)) Object.assign(variables, config.chat_template_kwargs);
  if (typeof custom === 'string') {
    return { template: custom, from: 'model_config.custom_chat_template', environment: 'transformers', variables, notes };
  }
  const jinjaFile = repo ? cachedRepoFile(repo, 'chat_template.jinja') : undefined;
  if (jinjaFile) return { template: readFileSync(jinjaFile, 'utf8'), from: jinjaFile, environment: 'transformers', variables, notes };
  // A processor's template written before chat_template.jinja existed.
  const processorFile = multimodal && repo ? cachedRepoFile(repo, 'chat_template.json') : undefined;
  if (processorFile) {
    try {
      const parsed = JSON.parse(readFileSync(processorFile, 'utf8')) as unknown;
      if (isDict(parsed) && typeof parsed.chat_template === 'string') return { template: parsed.chat_template, from: `${processorFile} (chat_template)`, environment: 'transformers', variables, notes };
    } catch (err) {
      notes.push(`${processorFile} cannot be read: ${(err as Error).message}`);
    }
  }
  const inConfig = tokenizerConfig.chat_template;
  // Named templates: transformers uses "default" when no name is asked for.
  const template = configTemplate(inConfig);
  if (template !== undefined) return { template, from: `${configFile} (chat_template${typeof inConfig === 'string' ? '' : ' "default"'})`, environment: 'transformers', variables, notes };
  return repo && configFile
    ? `Neither custom_chat_template nor the cached tokenizer files of ${repo} hold a chat template: transformers would raise ValueError.`
    : 'There is no custom_chat_template, and the tokenizer is not in the Hugging Face cache to read its template from.';
}

export function previewTemplate(request: PreviewRequest): TemplatePreview {
  const registry = loadRegistry(request.registry, request.clemcoreVersion);
  const entry = registry.entries[request.entryIndex];
  const title = `# Template preview: \`${String(entry?.model_name ?? `the ${ordinal(request.entryIndex + 1)} entry`)}\``;
  if (!entry) return { ok: false, markdown: `${title}\n\nThe registry has no ${ordinal(request.entryIndex + 1)} entry${registry.ignored ? ` (${registry.ignored})` : ''}.` };
  const config = isDict(entry.model_config) ? entry.model_config : {};
  const source = entry.backend === 'llamacpp' ? llamacppSource(entry, config, request)
    : entry.backend === 'huggingface_local' ? huggingfaceSource(entry, config, request.clemcoreVersion ?? '3.7')
    : `Backend ${JSON.stringify(entry.backend)} has no chat template to preview.`;
  if (typeof source === 'string') return { ok: false, markdown: `${title}\n\n${source}` };
  const messages = ensureAlternatingRoles(request.messages ?? SAMPLE_CONVERSATION);
  const out = [title, '', `- **Template**: ${source.from}`, `- **Environment**: ${source.environment === 'llama-cpp-python' ? "llama-cpp-python's (trim_blocks, lstrip_blocks, add_generation_prompt=True)" : "transformers' apply_chat_template (trim_blocks, lstrip_blocks, loopcontrols, special tokens as variables)"}`];
  for (const note of source.notes) out.push(`- ${note}`);
  out.push('', '**Conversation after ensure_alternating_roles**', '', '```text', messages.map((m) => `${m.role}: ${m.content}`).join('\n'), '```', '');
  const rendered = renderTemplate({ template: source.template, environment: source.environment, messages, variables: source.variables });
  if (!rendered.ok) {
    out.push(`**The template ${rendered.stage === 'parse' ? 'does not parse' : 'fails to render'}**: ${rendered.message}`);
    return { ok: false, markdown: out.join('\n') };
  }
  const body = visible(rendered.prompt);
  const ticks = body.includes('```') ? '````' : '```';
  out.push('**Rendered prompt** (↵ line break, · space at a line end, ⇥ tab)', '', `${ticks}text`, body, ticks);
  return { ok: true, prompt: rendered.prompt, markdown: out.join('\n') };
}
