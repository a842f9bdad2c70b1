// "Test model entry" for huggingface_local entries: clemcore's transformers text path (3.3 or 3.7; spec §2.1–2.2,
// §3.4) replayed with llama.cpp standing in for transformers. A GGUF of the same model gives the (quantized) weights
// and, unless the model's Hugging Face tokenizer is cached, the tokenizer; the template, the tokens (no BOS added),
// greedy generation with the EOS kept, decoding with special tokens and split_and_clean_batch_outputs
// (clemcore/textPath.ts, the module the llamacpp test and the dry run share) are clemcore's.
import type { Token } from 'node-llama-cpp';
import { ensureAlternatingRoles, SAMPLE_CONVERSATION, type ChatMessage } from '../clemcore/conversation';
import { isDict, isTruthy, pythonStrip } from '../clemcore/python';
import { huggingfaceTextPath, type AnswerTokens, type TextPathStage } from '../clemcore/textPath';
import { renderTemplate } from '../jinja2';
import { tokenText, type GgufMetadata } from './gguf';
import { configContextSize, parseContextSize, readHfTokenizerFiles, specialTokenVariables, type HfTokenizer, type HfTokenizerFiles } from './hfTokenizer';
import type { LoadedModel } from './llama';
import { hubCache } from './modelFiles';
import type { EntryTestRequest } from './pipeline';
import { checkReply, markersIn, specialTexts, tokenView } from './replyChecks';
import { modelFileSize, sentence, withoutFullStop, type ReportBuilder } from './reportBuilder';
import { configTemplate, readTokenizerFacts, specialTokenText } from './tokenizerFacts';

const STAND_IN = 'llama.cpp stands in for transformers';

/** What the stages after the model file know about the model's Hugging Face side. */
export interface HfSide {
  /** '3.3' or '3.7' (every version after 3.3 reads the keys as 3.7 does). */
  version: '3.3' | '3.7';
  files: HfTokenizerFiles;
  /** The texts of the tokens transformers' generate stops at (the EOS, generation_config.json's eos_token_id), when cached. */
  stopTokens?: string[];
}

export function clemcoreTextVersion(version: string | undefined): '3.3' | '3.7' {
  return version === '3.3' ? '3.3' : '3.7';
}

/** Why the test cannot replay this entry, when it cannot (3.7's multimodal path decodes without special tokens). */
export function hfUnsupported(config: Record<string, unknown>, version: '3.3' | '3.7'): string | undefined {
  if (version === '3.7' && isTruthy(config.multimodal)) {
    return 'The entry sets multimodal: clemcore 3.7 runs it through the processor\'s multimodal path, which Test model entry does not replay (it replays the text path).';
  }
  return undefined;
}

// ---- 2. Model file ------------------------------------------------------------------------------------------------

export function hfModelFileStage(r: ReportBuilder, request: EntryTestRequest, entry: Record<string, unknown>, config: Record<string, unknown>, version: '3.3' | '3.7'): { file: string; hf: HfSide } | undefined {
  r.begin('model-file');
  r.fact(STAND_IN, 'A GGUF of the same model, loaded by llama.cpp, replaces the weights transformers would load from huggingface_id: quantized weights, so a reply can differ slightly from transformers\' reply.');
  const repo = entry.huggingface_id;
  const cache = hubCache();
  let files: HfTokenizerFiles = { unreadable: [] };
  if (typeof repo !== 'string') {
    r.problem('missing-key', 'fail', 'clemcore raises KeyError: \'huggingface_id\' at load: AutoTokenizer.from_pretrained needs the repository (a top-level huggingface_id string).');
  } else {
    r.fact('huggingface_id', repo);
    r.fact('Hugging Face cache', cache.dir, cache.source === 'default' ? 'the default location' : `from ${cache.source}`);
    files = readHfTokenizerFiles(repo, cache);
    const held = [files.config?.file, files.jinja?.file, files.tokenizer?.file, files.modelConfig?.file].filter((f): f is string => f !== undefined);
    r.fact('Tokenizer files', held.length ? held.join('\n') : `${repo}'s tokenizer is not in the cache: the GGUF's vocabulary, special tokens and chat template stand in for it.`, undefined, 'plain');
    for (const why of files.unreadable) r.problem('tokenizer-file-unreadable', 'warning', `${sentence(why)} The test goes on without it.`);
  }
  if (version === '3.3' && 'slow_tokenizer' in config && !isTruthy(config.slow_tokenizer)) {
    r.problem('slow-tokenizer-false', 'fail', 'clemcore 3.3 sets the tokenizer to None when slow_tokenizer is present but false, and its load then fails with AttributeError. Remove the key (or set it to true).');
  } else if (version === '3.7' && 'slow_tokenizer' in config) {
    r.fact('slow_tokenizer', 'ignored: clemcore 3.7 always loads the fast tokenizer');
  }
  if (!request.gguf) {
    r.problem('model-file-missing', 'error', 'A huggingface_local entry runs here on a GGUF of the same model, in place of transformers: name one with --gguf PATH (the command line) or the clemRegistry.modelFiles setting (the editor).');
    r.end();
    return undefined;
  }
  r.fact('GGUF used', request.gguf.path, request.gguf.source);
  const readable = modelFileSize(r, request.gguf.path);
  r.end();
  const stopTokens = typeof repo === 'string' && files.config ? readTokenizerFacts(repo, cache)?.stopTokens : undefined;
  return readable ? { file: request.gguf.path, hf: { version, files, stopTokens } } : undefined;
}

// ---- 4. Template --------------------------------------------------------------------------------------------------

export interface HfPrompt {
  text: string;
  /** The ids generation starts from: the Hugging Face tokenizer's when it is cached and fits the GGUF, else the GGUF's. */
  ids: Token[];
  /** Which tokenizer made `ids`, and so decodes the sequence. */
  tokenizer: HfTokenizer | undefined;
  contextSize: number;
}

/** The GGUF's special tokens, as the template variables a tokenizer without a cached config would give. */
function ggufSpecials(meta: GgufMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys: Array<[string, string]> = [['bos_token', 'bos_token_id'], ['eos_token', 'eos_token_id'], ['unk_token', 'unknown_token_id'], ['pad_token', 'padding_token_id']];
  for (const [name, key] of keys) {
    const id = meta.values.get(`tokenizer.ggml.${key}`);
    const text = typeof id === 'number' ? tokenText(meta, id) : undefined;
    if (text) out[name] = text;
  }
  return out;
}

/** transformers' continue_final_message: the render cut right after the final message's content. */
function continueFinalMessage(rendered: string, final: string): string | undefined {
  const stripped = pythonStrip(final);
  const at = rendered.lastIndexOf(stripped);
  if (at < 0) return undefined;
  return rendered.slice(at, at + final.length) === final ? rendered.slice(0, at + final.length) : rendered.slice(0, at + stripped.length);
}

type TemplateChoice = { template: string; from: string } | { fail: string } | { error: string };

/** The template transformers renders: custom_chat_template, else the tokenizer's own (from the cache, else the GGUF's copy). */
function chooseTemplate(r: ReportBuilder, config: Record<string, unknown>, meta: GgufMetadata, hf: HfSide): TemplateChoice {
  const language = hf.version === '3.7' && 'chat_template_language' in config ? config.chat_template_language : undefined;
  const named = (own: TemplateChoice): TemplateChoice => {
    if (language === undefined || !('template' in own)) return own;
    const list = hf.files.config?.value.chat_template;
    const picked = Array.isArray(list) ? configTemplate(list, String(language)) : undefined;
    if (picked !== undefined) return { template: picked, from: `${hf.files.config!.file} (chat_template named ${JSON.stringify(language)}, chat_template_language)` };
    r.problem('chat-template-language-literal', 'warning', `chat_template_language ${JSON.stringify(language)} names no template of the tokenizer, so transformers takes the value itself as the template and the prompt is that text.`);
    return { template: String(language), from: 'model_config.chat_template_language, taken as a template' };
  };
  if (!isTruthy(config.premade_chat_template)) {
    if ('custom_chat_template' in config) {
      const custom = config.custom_chat_template;
      if (typeof custom !== 'string') return { fail: `custom_chat_template is ${custom === null ? 'null' : typeof custom}, not a template string: transformers cannot render it` };
      return named({ template: custom, from: 'model_config.custom_chat_template (premade_chat_template is false)' });
    }
    r.problem('no-custom-template', 'warning', 'premade_chat_template is false and there is no custom_chat_template: clemcore logs that a "generic template" will be used, but transformers has none, so the tokenizer\'s own template is rendered (and a tokenizer without one fails).');
  }
  if (hf.files.jinja) return named({ template: hf.files.jinja.text, from: hf.files.jinja.file });
  if (hf.files.config) {
    const own = configTemplate(hf.files.config.value.chat_template);
    if (own !== undefined) return named({ template: own, from: `${hf.files.config.file} (chat_template)` });
    if (language !== undefined) return named({ template: '', from: '' });
    return { fail: 'ValueError: Cannot use chat template functions because tokenizer.chat_template is not set (the cached tokenizer has no chat template)' };
  }
  const fromGguf = meta.values.get('tokenizer.chat_template');
  if (typeof fromGguf === 'string') {
    return named({ template: fromGguf, from: 'GGUF metadata tokenizer.chat_template: the tokenizer is not in the Hugging Face cache, so the GGUF\'s copy of its chat template stands in' });
  }
  return { error: 'The tokenizer is not in the Hugging Face cache and the GGUF has no tokenizer.chat_template, so the template transformers would render is not known here. Download the tokenizer files (huggingface-cli download REPO tokenizer_config.json tokenizer.json) or set a custom_chat_template.' };
}

export function hfTemplateStage(r: ReportBuilder, request: EntryTestRequest, entry: Record<string, unknown>, config: Record<string, unknown>, meta: GgufMetadata, model: LoadedModel, hf: HfSide): HfPrompt | undefined {
  r.begin('template');
  const tokenizer = hf.files.tokenizer?.tokenizer;
  r.fact(STAND_IN, tokenizer
    ? `The prompt is rendered as transformers' apply_chat_template renders it and tokenized by the model's Hugging Face tokenizer (${hf.files.tokenizer!.file}, run with @huggingface/tokenizers), compared with the GGUF's tokenization.`
    : 'The prompt is rendered as transformers\' apply_chat_template renders it; the Hugging Face tokenizer is not cached, so the GGUF\'s vocabulary (llama.cpp) tokenizes it in its place.');
  if (!('premade_chat_template' in config)) {
    r.problem('missing-key', 'fail', 'clemcore raises KeyError: \'premade_chat_template\' at load: model_config needs it (true for the tokenizer\'s own template, false for custom_chat_template).');
    r.end();
    return undefined;
  }
  const choice = chooseTemplate(r, config, meta, hf);
  if ('fail' in choice || 'error' in choice) {
    if ('fail' in choice) r.problem('template-error', 'fail', sentence(`clemcore fails at the first generation: ${choice.fail}`));
    else r.problem('template-unknown', 'error', choice.error);
    r.end();
    return undefined;
  }
  r.fact('Template source', choice.from);

  // Special tokens, then chat_template_kwargs (3.7), then cot_effort's reasoning_effort.
  const variables: Record<string, unknown> = hf.files.config ? specialTokenVariables(hf.files.config.value) : ggufSpecials(meta);
  r.fact('Special tokens', Object.entries(variables).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ') || '(none)', hf.files.config ? 'tokenizer_config.json' : 'GGUF metadata: the tokenizer config is not cached');
  let kwargs: Record<string, unknown> = {};
  if (hf.version === '3.7' && 'chat_template_kwargs' in config) {
    const value = config.chat_template_kwargs;
    if (isTruthy(value) && !isDict(value)) {
      r.problem('template-error', 'fail', 'clemcore 3.7 raises ValueError("chat_template_kwargs must be a dict") at load.');
      r.end();
      return undefined;
    }
    if (isDict(value)) kwargs = { ...value };
  } else if (hf.version === '3.3' && 'chat_template_kwargs' in config) {
    r.fact('chat_template_kwargs', 'ignored: clemcore 3.3 does not read it');
  }
  const messages: ChatMessage[] = ensureAlternatingRoles(request.messages ?? SAMPLE_CONVERSATION);
  const bypass = config.cot_bypass;
  let addGenerationPrompt = true;
  let finalMessage: string | undefined;
  if (isTruthy(bypass)) {
    if (typeof bypass !== 'string') {
      r.problem('template-error', 'fail', `cot_bypass is ${typeof bypass}, not a string: transformers cannot continue a final message that is not text.`);
      r.end();
      return undefined;
    }
    messages.push({ role: 'assistant', content: bypass });
    finalMessage = bypass;
    addGenerationPrompt = false;
    if (hf.version === '3.3') kwargs = {};
    r.fact('cot_bypass', `appended as a final assistant message, rendered with continue_final_message=True and add_generation_prompt=False${hf.version === '3.3' ? '' : ' (with chat_template_kwargs)'}`);
  } else if (isTruthy(config.cot_effort)) {
    if (hf.version === '3.3') kwargs = { reasoning_effort: config.cot_effort };
    else if (!('reasoning_effort' in kwargs)) kwargs.reasoning_effort = config.cot_effort;
    r.fact('cot_effort', `reasoning_effort = ${JSON.stringify(kwargs.reasoning_effort)}${'reasoning_effort' in (isDict(config.chat_template_kwargs) ? config.chat_template_kwargs : {}) && hf.version === '3.7' ? ' (chat_template_kwargs already sets it, and wins)' : ''}`);
  }
  if (Object.keys(kwargs).length) r.fact('Template keyword arguments', JSON.stringify(kwargs), hf.version === '3.3' ? 'cot_effort' : 'chat_template_kwargs and cot_effort');
  r.fact('Conversation after ensure_alternating_roles', messages.map((m) => `${m.role}: ${JSON.stringify(m.content)}`).join('\n'), undefined, 'plain');
  const rendered = renderTemplate({ template: choice.template, environment: 'transformers', messages, variables: { ...variables, ...kwargs, add_generation_prompt: addGenerationPrompt } });
  if (!rendered.ok) {
    const what = rendered.raised ? 'The template raised an exception' : rendered.stage === 'parse' ? 'The template does not parse' : 'The template fails to render';
    r.problem('template-error', 'fail', `${what}: ${sentence(rendered.message)} clemcore fails at the first generation.`);
    r.end();
    return undefined;
  }
  let prompt = rendered.prompt;
  if (finalMessage !== undefined) {
    const cut = continueFinalMessage(prompt, finalMessage);
    if (cut === undefined) {
      r.problem('template-error', 'fail', `transformers raises ValueError: the template drops or changes the final message (cot_bypass ${JSON.stringify(finalMessage)}), so continue_final_message cannot find it in the rendered chat.`);
      r.end();
      return undefined;
    }
    prompt = cut;
  }
  r.fact('Rendered prompt', prompt, `transformers' apply_chat_template (trim_blocks, lstrip_blocks, add_generation_prompt=${addGenerationPrompt ? 'True' : 'False'})`, true);

  // tokenizer(prompt, add_special_tokens=False): no BOS is added, so it must come from the template.
  const ggufIds = model.tokenize(prompt, true);
  let hfIds: number[] | undefined;
  try {
    hfIds = tokenizer?.encode(prompt, false);
  } catch (err) {
    r.problem('tokenizer-error', 'warning', `@huggingface/tokenizers cannot tokenize the prompt with ${hf.files.tokenizer!.file} (${withoutFullStop((err as Error).message)}), so the GGUF's vocabulary tokenizes and decodes in its place.`);
  }
  const vocabSize = (meta.values.get('tokenizer.ggml.tokens') as unknown[] | undefined)?.length ?? 0;
  if (hfIds) compareTokens(r, hfIds, ggufIds, tokenizer!, model);
  const useHf = hfIds !== undefined && hfIds.every((id) => id >= 0 && id < vocabSize);
  if (hfIds && !useHf) r.problem('tokenizer-vocabulary-mismatch', 'warning', `The Hugging Face tokenizer gives ids beyond the GGUF's ${vocabSize}-token vocabulary: the GGUF is not this model's. Generation starts from the GGUF's own tokenization.`);
  const ids = (useHf ? hfIds : ggufIds) as Token[];
  r.fact('Prompt tokens', `${ids.length}, tokenized with add_special_tokens=False (no BOS added: llama.cpp adds none either, unlike the llamacpp backend, where llama-cpp-python prepends one)`, useHf ? 'the Hugging Face tokenizer' : 'the GGUF\'s vocabulary');
  bosCheck(r, ids, meta, hf, model);

  const context = contextSize(r, entry, meta, model, hf);
  r.fact('Context check', `${ids.length} prompt tokens + max_tokens ${request.maxTokens} against ${context}`, 'clemcore\'s assert_context_limits');
  if (ids.length + request.maxTokens > context) {
    r.problem('prompt-too-long', 'fail', `clemcore's context check counts ${ids.length} prompt tokens + ${request.maxTokens} new tokens > ${context}: it raises ContextExceededError before generating.`);
    r.end();
    return undefined;
  }
  if (ids.length >= model.contextSize) {
    r.problem('prompt-too-long-for-test', 'error', `The prompt has ${ids.length} tokens, more than the test's ${model.contextSize}-token context. Use a larger test context.`);
    r.end();
    return undefined;
  }
  r.end();
  return { text: prompt, ids, tokenizer: useHf ? tokenizer : undefined, contextSize: context };
}

/** The first place where the Hugging Face tokenizer and the GGUF's vocabulary tokenize the prompt differently. */
function compareTokens(r: ReportBuilder, hfIds: number[], ggufIds: readonly Token[], tokenizer: HfTokenizer, model: LoadedModel): void {
  const n = Math.min(hfIds.length, ggufIds.length);
  let at = 0;
  while (at < n && hfIds[at] === ggufIds[at]) at++;
  if (at === n && hfIds.length === ggufIds.length) {
    r.fact('Tokenizers compared', `the Hugging Face tokenizer and the GGUF's vocabulary give the same ${n} token ids`);
    return;
  }
  const hfSide = at < hfIds.length ? `${hfIds[at]} ${JSON.stringify(tokenizer.tokenText(hfIds[at]) ?? tokenizer.decode([hfIds[at]]))}` : 'nothing (its tokens end here)';
  const ggufSide = at < ggufIds.length ? `${ggufIds[at]} ${JSON.stringify(model.detokenize([ggufIds[at]], true))}` : 'nothing (its tokens end here)';
  r.problem('tokenizer-mismatch', 'warning', `The Hugging Face tokenizer and the GGUF's vocabulary tokenize the prompt differently from token ${at} on (counted from 0): the tokenizer gives ${hfSide}, the GGUF ${ggufSide} (${hfIds.length} against ${ggufIds.length} tokens in all). Generation starts from the tokenizer's ids, as transformers would; the GGUF's model may read them differently.`);
}

/** A tokenizer that adds a BOS on its own gets none here: the template must write it. */
function bosCheck(r: ReportBuilder, ids: readonly Token[], meta: GgufMetadata, hf: HfSide, model: LoadedModel): void {
  const config = hf.files.config?.value;
  const bosText = config ? specialTokenText(config.bos_token) : model.bos !== null ? model.detokenize([model.bos], true) : undefined;
  const addsBos = config && 'add_bos_token' in config ? config.add_bos_token === true : meta.values.get('tokenizer.ggml.add_bos_token') === true;
  if (!bosText) return;
  const first = ids.length ? model.detokenize([ids[0]], true) : '';
  if (first === bosText) r.fact('BOS', `${JSON.stringify(bosText)}, written by the template`);
  else if (addsBos) r.problem('no-bos', 'warning', `The prompt does not start with the BOS token ${JSON.stringify(bosText)}. clemcore tokenizes with add_special_tokens=False, so the model sees no BOS although its tokenizer adds one by default: write {{ bos_token }} at the start of the template.`);
}

/** clemcore's context size: AutoConfig's (config.json), its fallbacks, or the GGUF's trained context standing in. */
function contextSize(r: ReportBuilder, entry: Record<string, unknown>, meta: GgufMetadata, model: LoadedModel, hf: HfSide): number {
  const modelConfig = hf.files.modelConfig?.value;
  if (!modelConfig) {
    r.fact('Context size', String(model.trainContextSize), 'the GGUF\'s context_length, standing in for config.json\'s max_position_embeddings: config.json is not cached');
    return model.trainContextSize;
  }
  const fromConfig = configContextSize(modelConfig, hf.version);
  if (fromConfig) {
    r.fact('Context size', String(fromConfig.size), `config.json ${fromConfig.key}`);
    return fromConfig.size;
  }
  if (hf.version === '3.7') {
    const registry = parseContextSize(entry.context_size);
    if (registry !== undefined) {
      r.fact('Context size', String(registry), 'the entry\'s context_size (config.json has none)');
      return registry;
    }
    const max = hf.files.config?.value.model_max_length;
    if (typeof max === 'number' && Number.isInteger(max) && max < 1_000_000) {
      r.fact('Context size', String(max), 'tokenizer_config.json model_max_length (config.json has none)');
      return max;
    }
  }
  r.problem('fallback-context', 'warning', 'config.json gives no context size, so clemcore falls back to 256 tokens.');
  r.fact('Context size', '256', 'clemcore\'s fallback');
  return 256;
}

// ---- 5. Generate --------------------------------------------------------------------------------------------------

/** The fact that shows the decoded prompt clemcore removes from the sequence. */
export const PROMPT_TEXT = 'Decoded prompt (prompt_text, removed from the sequence)';

export interface HfDecoded {
  /** The whole sequence decoded with special tokens kept (transformers' batch_decode). */
  raw: string;
  /** The prompt decoded the same way. */
  prompt: string;
}

export async function hfGenerateStage(r: ReportBuilder, request: EntryTestRequest, config: Record<string, unknown>, prompt: HfPrompt, model: LoadedModel, meta: GgufMetadata, hf: HfSide): Promise<HfDecoded> {
  r.begin('generate');
  r.fact(STAND_IN, 'llama.cpp generates greedily with the GGUF\'s quantized weights, where transformers would run generate(do_sample=False); like generate, it stops at the end token and keeps it in the sequence.');
  const cot = isTruthy(config.cot_output);
  const wanted = cot ? prompt.contextSize : request.maxTokens;
  const room = model.contextSize - prompt.ids.length;
  const maxNew = Math.min(wanted, room);
  r.fact('Sampling', `greedy (do_sample=False), max_new_tokens ${wanted}${cot ? ' (cot_output: clemcore lets the model generate up to its whole context size)' : ''}${maxNew < wanted ? `; at most ${maxNew} here, what the test's context leaves` : ''}`);
  const gen = await model.generate(prompt.ids, maxNew);
  const completion = gen.eogToken !== undefined ? [...gen.tokens, gen.eogToken] : gen.tokens;
  const sequence = [...prompt.ids, ...completion];
  let raw: string;
  let promptText: string;
  try {
    raw = prompt.tokenizer ? prompt.tokenizer.decode(sequence) : model.detokenize(sequence, true);
    promptText = prompt.tokenizer ? prompt.tokenizer.decode(prompt.ids) : model.detokenize(prompt.ids, true);
  } catch (err) {
    r.problem('tokenizer-error', 'warning', `@huggingface/tokenizers cannot decode the sequence (${withoutFullStop((err as Error).message)}), so the GGUF's vocabulary decodes it in its place.`);
    prompt.tokenizer = undefined;
    raw = model.detokenize(sequence, true);
    promptText = model.detokenize(prompt.ids, true);
  }
  const stop = gen.stop === 'eog' ? `end token ${JSON.stringify(model.detokenize([gen.eogToken!], true))} (kept in the sequence, as transformers keeps the EOS)` : gen.stop === 'max-tokens' ? `max_new_tokens (${maxNew})` : 'the context is full';
  r.fact('Stop reason', stop);
  r.fact('Generated tokens', String(completion.length));
  r.fact('Time to first token', `${gen.firstTokenMs.toFixed(0)} ms`);
  r.fact('Speed', `${gen.tokensPerSecond.toFixed(1)} tokens/s`);
  r.fact('Tokens («text», ⟦special⟧)', tokenView(model, meta, completion), undefined, true);
  r.fact('Decoded sequence, as batch_decode returns it', raw, `prompt and reply, special tokens kept, decoded by ${prompt.tokenizer ? 'the Hugging Face tokenizer' : 'the GGUF\'s vocabulary (llama.cpp) in place of the tokenizer'}`, true);
  if (promptText === prompt.text) r.fact(PROMPT_TEXT, 'the rendered prompt, unchanged by encoding and decoding');
  else r.fact(PROMPT_TEXT, promptText, 'encoding and decoding changed the rendered prompt', true);
  r.output.raw = raw;
  if (gen.stop !== 'eog') r.problem('no-end-token', 'warning', `Generation stopped at ${stop}, not at an end token: the reply may be cut off.`);
  const end = gen.eogToken !== undefined ? model.detokenize([gen.eogToken], true) : undefined;
  if (end !== undefined && hf.stopTokens?.length && !hf.stopTokens.includes(end)) {
    r.problem('stop-token-differs', 'warning', `llama.cpp stopped at ${JSON.stringify(end)}, but transformers stops only at ${hf.stopTokens.map((t) => JSON.stringify(t)).join(', ')} (the tokenizer's EOS and generation_config.json): clemcore's model would go on writing after it, up to max_new_tokens or one of those.`);
  }
  r.end();
  return { raw, prompt: promptText };
}

// ---- 6. Post-process ----------------------------------------------------------------------------------------------

const STEP_LABEL: Partial<Record<TextPathStage['name'], string>> = {
  prompt: 'After removing the decoded prompt (str.replace(prompt_text, \'\'))',
  strip: 'After strip()',
  output_split_prefix: 'After output_split_prefix (only when it occurs: rsplit, last part)',
  pad: 'After the pad step',
  eos_to_cull: 'After re.sub(eos_to_cull, "", …)',
  cot_start_tag: 'After removing cot_start_tag (str.replace)',
  cot_end_tag: 'Answer after re.split(cot_end_tag, …)',
};
const OUTPUT_KEY: Partial<Record<TextPathStage['name'], 'stripped' | 'split' | 'unpadded' | 'culled' | 'answer'>> = {
  strip: 'stripped', output_split_prefix: 'split', pad: 'unpadded', eos_to_cull: 'culled', cot_end_tag: 'answer',
};
const ERROR_CODE: Partial<Record<TextPathStage['name'], string>> = { output_split_prefix: 'split-prefix-error', eos_to_cull: 'cull-error', cot_start_tag: 'cot-split-error', cot_end_tag: 'cot-split-error' };

/** The pad token's text, as clemcore's tokenizer has it: its own pad token, else its EOS (pad_token_id = eos_token_id). */
function padTokenOf(meta: GgufMetadata, hf: HfSide): { text: string; isEos: boolean; source: string } | undefined {
  const config = hf.files.config?.value;
  if (config) {
    const pad = specialTokenText(config.pad_token);
    if (pad) return { text: pad, isEos: false, source: 'tokenizer_config.json pad_token' };
    const eos = specialTokenText(config.eos_token);
    return eos ? { text: eos, isEos: true, source: 'tokenizer_config.json has no pad_token, so clemcore sets pad = EOS' } : undefined;
  }
  const padId = meta.values.get('tokenizer.ggml.padding_token_id');
  const pad = typeof padId === 'number' ? tokenText(meta, padId) : undefined;
  if (pad) return { text: pad, isEos: false, source: `GGUF metadata tokenizer.ggml.padding_token_id = ${padId} (the tokenizer config is not cached)` };
  const eosId = meta.values.get('tokenizer.ggml.eos_token_id');
  const eos = typeof eosId === 'number' ? tokenText(meta, eosId) : undefined;
  return eos ? { text: eos, isEos: true, source: 'the GGUF has no padding token (and the tokenizer config is not cached), so clemcore would set pad = EOS' } : undefined;
}

export function hfPostProcessStage(r: ReportBuilder, request: EntryTestRequest, decoded: HfDecoded, config: Record<string, unknown>, meta: GgufMetadata, model: LoadedModel, prompt: HfPrompt, hf: HfSide): void {
  r.begin('post-process');
  r.fact(STAND_IN, prompt.tokenizer ? 'The sequence was decoded by the model\'s Hugging Face tokenizer; the steps below are clemcore\'s split_and_clean_batch_outputs.' : 'The sequence was decoded by the GGUF\'s vocabulary with special tokens kept (llama.cpp), in place of the tokenizer\'s batch_decode; the steps below are clemcore\'s split_and_clean_batch_outputs.');
  const pad = padTokenOf(meta, hf);
  if (pad) r.fact('Pad token', pad.text, pad.source);
  const cot = isTruthy(config.cot_output);
  const tokenizer = prompt.tokenizer;
  const bos = model.bos;
  // tokenizer(answer): special tokens added (a BOS where the tokenizer adds one), then decode with them kept.
  const answerTokens: AnswerTokens | undefined = cot ? {
    encode: (text) => (tokenizer ? tokenizer.encode(text, true) : [...(model.shouldPrependBos && bos !== null ? [bos] : []), ...model.tokenize(text, true)]),
    decode: (ids) => (tokenizer ? tokenizer.decode(ids) : model.detokenize(ids as Token[], true)),
    maxTokens: request.maxTokens,
  } : undefined;
  const result = huggingfaceTextPath(decoded.raw, config, { prompt: decoded.prompt, padToken: pad?.text, answerTokens });
  for (const step of result.stages) {
    const key = OUTPUT_KEY[step.name];
    if (step.text !== undefined) {
      if (key) r.output[key] = step.text;
      const label = STEP_LABEL[step.name];
      if (label) r.fact(label, step.text, step.note ?? (step.name === 'strip' || step.name === 'prompt' || step.name === 'pad' ? undefined : `model_config.${step.name}`), true);
    }
    if (step.error) r.problem(step.error.startsWith('KeyError') ? 'missing-key' : ERROR_CODE[step.name] ?? 'post-process-error', 'fail', sentence(`${step.name}: clemcore raises ${step.error}`));
    if (step.engine) r.fact('re.sub computed with', step.engine);
    if (step.note && step.text === undefined && !step.error) r.problem(step.name === 'eos_to_cull' ? 'cull-too-slow' : 'cot-split-too-slow', 'fail', sentence(`${step.name}: ${step.note}`));
  }
  if (result.cot !== undefined) {
    r.output.cot = result.cot;
    r.fact('Reasoning clemcore keeps aside (cot_content)', result.cot, undefined, true);
  }
  const culled = r.output.culled;
  if (result.reply === undefined || culled === null || culled === undefined) {
    r.end();
    return;
  }
  const beforePad = r.output.split ?? r.output.stripped ?? '';
  const unpadded = r.output.unpadded ?? beforePad;
  const specials = specialTexts(meta);
  endMarkerSteps(r, decoded, config, specials, beforePad, unpadded, culled, pad);
  let reply = result.reply;
  let checked = specials;
  const bosText = bos !== null ? model.detokenize([bos], true) : undefined;
  if (cot && bosText && reply.startsWith(bosText)) {
    r.problem('cot-answer-bos', 'fail', `clemcore re-tokenizes the CoT answer with the tokenizer's default add_special_tokens=True, which puts the BOS ${JSON.stringify(bosText)} in front, and decodes it with special tokens kept: the game gets ${JSON.stringify(reply)}.`);
    checked = specials.filter((s) => s !== bosText);
    reply = reply.slice(bosText.length);
  }
  checkReply(r, { reply, beforeCull: unpadded, culled }, config, checked, 'huggingface_local');
  r.fact('Reply clemcore hands to the game', result.reply, undefined, true);
  r.end();
}

/**
 * Which step removed each end marker, the pad step or eos_to_cull; and a warning when only the pad step (pad = EOS
 * because the tokenizer has no pad token) keeps the reply clean: with a pad token the marker would stay.
 */
function endMarkerSteps(r: ReportBuilder, decoded: HfDecoded, config: Record<string, unknown>, specials: string[], beforePad: string, unpadded: string, culled: string, pad: ReturnType<typeof padTokenOf>): void {
  const markers = markersIn(beforePad, specials);
  if (!markers.length) return;
  const afterPad = markersIn(unpadded, specials);
  const afterCull = markersIn(culled, specials);
  const byPad = markers.filter((m) => !afterPad.includes(m));
  r.fact('End markers removed', markers.map((m) => `${JSON.stringify(m)}: ${byPad.includes(m) ? `the pad step (the pad token ${JSON.stringify(pad?.text)}${pad?.isEos ? ' is the EOS' : ''})` : !afterCull.includes(m) ? 'eos_to_cull' : 'not removed'}`).join('; '));
  if (!pad?.isEos || !byPad.length) return;
  // The same text path as if the tokenizer had a pad token that is not in the text: only eos_to_cull is left.
  const withPad = huggingfaceTextPath(decoded.raw, config, { prompt: decoded.prompt, padToken: '\u0000' });
  const left = byPad.filter((m) => withPad.stages.find((s) => s.name === 'eos_to_cull')?.text?.includes(m));
  if (left.length) {
    r.problem('pad-is-eos', 'warning', `The reply is clean only because the tokenizer has no pad token: clemcore then pads with the EOS, and the pad step removes ${left.map((m) => JSON.stringify(m)).join(', ')}, which eos_to_cull ${JSON.stringify(config.eos_to_cull)} does not match. Once the tokenizer gains a pad token the marker stays in the reply: make eos_to_cull match it.`);
  }
}
