// The end marker a model emits after its answer, worked out without weights, with where the fact comes from: the
// chat template rendered (through the jinja2 package, in the runtime's environment) for a conversation that ends with
// an assistant turn, the text right after the assistant's content; else the cached tokenizer; else nothing. Whether
// the marker reaches the text clemcore post-processes depends on the backend: huggingface_local decodes with special
// tokens kept; llama-cpp-python and vLLM drop special tokens, so there only a marker that is ordinary text arrives.
import { renderTemplate, type TemplateEnvironment } from '../../jinja2';
import { ensureAlternatingRoles } from '../../clemcore/conversation';
import { isDict, isTruthy, PY_SPACE } from '../../clemcore/python';
import type { GgufFacts, TokenizerFacts } from '../../clemcore/facts';
import { keepResult, keptResult } from '../../keptResults';

/** Stand-ins for bos_token / eos_token in the render: the real texts are filled in afterwards, when known. */
const BOS = '\u0000BOS\u0000';
const EOS = '\u0000EOS\u0000';
const SYSTEM = 'You are a helpful assistant.';
const QUESTION = 'Name a colour.';
const REPLY = 'Blue, and then green.';
/** A special token at the start of a text, after optional whitespace: `<|im_end|>`, `<｜end▁of▁sentence｜>`, `</s>`, `<end_of_turn>`. */
const LEADING_TOKEN = new RegExp(`^([${PY_SPACE}]*)(<\\|[^|\\s]{1,40}\\|>|<\uff5c[^\uff5c\\s]{1,40}\uff5c>|</s>|<[a-z_]{2,30}>|\u0000EOS\u0000)`);
const MAX_RENDER_STEPS = 200_000;
/** Real chat templates are a few kilobytes; longer ones are not rendered, so that a pasted megabyte cannot stall typing. */
const MAX_TEMPLATE_LENGTH = 64 * 1024;

/** What a template writes around an assistant turn, each rendered when first asked for. */
export interface TemplateFacts {
  /** The text after the assistant's content when the conversation ends with it (add_generation_prompt false). */
  readonly follower: string | undefined;
  /** The text the prompt ends with after the last user message (add_generation_prompt true): what the model continues. */
  readonly generationTail: string | undefined;
  /** The text between the last user message and the assistant's content when the conversation ends with it. */
  readonly replyLead: string | undefined;
}

/** The Jinja environment the backend's runtime renders chat templates in. */
export function environmentFor(backend: string | undefined): TemplateEnvironment {
  return backend === 'llamacpp' ? 'llama-cpp-python' : 'transformers';
}

const templateCache = new Map<string, TemplateFacts>();
const KEPT_KIND = 'template-renders';

/** A template's renders for the facts, as far as they were asked for. */
interface KeptRenders {
  answered?: string | null;
  generationTail?: string | null;
}

function areRenders(value: unknown): value is KeptRenders {
  const isRender = (r: unknown) => r === undefined || r === null || typeof r === 'string';
  return isDict(value) && isRender(value.answered) && isRender(value.generationTail);
}
const TEMPLATE_CACHE_LIMIT = 500;

/** A template's facts, once per distinct template, environment and kwargs; each render happens only when needed. */
export function templateFacts(template: string, environment: TemplateEnvironment, kwargs: Record<string, unknown> = {}): TemplateFacts {
  const key = `${environment}\u0000${JSON.stringify(kwargs)}\u0000${template}`;
  let facts = templateCache.get(key);
  if (facts) return facts;
  const render = (messages: { role: string; content: string }[], addGenerationPrompt: boolean) => {
    if (template.length > MAX_TEMPLATE_LENGTH) return undefined;
    const out = renderTemplate({
      template,
      environment,
      messages: ensureAlternatingRoles(messages),
      variables: { ...kwargs, bos_token: BOS, eos_token: EOS, add_generation_prompt: addGenerationPrompt },
      now: new Date(0),
      maxSteps: MAX_RENDER_STEPS,
    });
    return out.ok ? out.prompt : undefined;
  };
  /** The text of `prompt` after the last `marker` (and before `end`, when given), if the marker is there. */
  const after = (prompt: string | undefined, marker: string, end?: string) => {
    const at = prompt?.lastIndexOf(marker) ?? -1;
    if (prompt === undefined || at < 0) return undefined;
    const rest = prompt.slice(at + marker.length);
    if (end === undefined) return rest;
    const stop = rest.lastIndexOf(end);
    return stop < 0 ? undefined : rest.slice(0, stop);
  };
  // The renders are kept between runs of the command line (keptResults.ts): null stands for a render that failed.
  const kept = keptResult(KEPT_KIND, key, areRenders) ?? {};
  const once = (name: keyof KeptRenders, compute: () => string | undefined) => () => {
    let value = kept[name];
    if (value === undefined) {
      value = compute() ?? null;
      kept[name] = value;
      keepResult(KEPT_KIND, key, kept);
    }
    return value ?? undefined;
  };
  const answered = once('answered', () => render([{ role: 'system', content: SYSTEM }, { role: 'user', content: QUESTION }, { role: 'assistant', content: REPLY }], false));
  const generationTail = once('generationTail', () => after(render([{ role: 'system', content: SYSTEM }, { role: 'user', content: QUESTION }], true), QUESTION));
  facts = {
    get follower() {
      return after(answered(), REPLY);
    },
    get generationTail() {
      return generationTail();
    },
    get replyLead() {
      return after(answered(), QUESTION, REPLY);
    },
  };
  if (templateCache.size >= TEMPLATE_CACHE_LIMIT) templateCache.clear();
  templateCache.set(key, facts);
  return facts;
}

export interface EndMarker {
  /** The marker's text (`<|im_end|>`), with the whitespace the template writes before it in `lead`. */
  text: string;
  lead: string;
  /** Whether the marker arrives in the text clemcore post-processes. */
  inText: boolean;
  /** Where the fact comes from, for messages. */
  source: string;
  /** What the finding rests on, for the hover. */
  assumptions: string[];
  /** The text the template writes after the answer (the marker and what follows it between turns). */
  follower?: string;
}

export interface EntryTemplate {
  source: string;
  label: string;
  facts: TemplateFacts;
}

/** The template clemcore renders for this entry, when it is known here. */
export function entryTemplate(backend: string, version: string, value: Record<string, unknown>, config: Record<string, unknown>, tokenizer: TokenizerFacts | undefined, gguf: GgufFacts | undefined): EntryTemplate | undefined {
  const environment = environmentFor(backend);
  const kwargs = version !== '3.3' && backend === 'huggingface_local' && isDict(config.chat_template_kwargs) ? config.chat_template_kwargs : {};
  let source: string | undefined;
  let label: string;
  if (!isTruthy(config.premade_chat_template) && typeof config.custom_chat_template === 'string') {
    source = config.custom_chat_template;
    label = 'the custom chat template';
  } else if (isTruthy(config.premade_chat_template)) {
    // A named template (3.7's chat_template_language) is not in the facts; nor is anything without a cache.
    if (backend === 'llamacpp') source = gguf?.chatTemplate;
    else if (!('chat_template_language' in config && version !== '3.3')) source = tokenizer?.chatTemplate;
    label = backend === 'llamacpp' ? 'the GGUF\'s chat template' : `${String(value.huggingface_id)}'s chat template`;
  } else {
    return undefined;
  }
  if (source === undefined || source.length > MAX_TEMPLATE_LENGTH) return undefined;
  return { source, label, facts: templateFacts(source, environment, kwargs) };
}

/**
 * The marker after the answer, or undefined where it cannot be known (the dry run then says nothing about it).
 * huggingface_local and vllm stop at the tokenizer's stop tokens; llama.cpp at its end-of-generation tokens.
 */
export function endMarker(backend: string, template: EntryTemplate | undefined, tokenizer: TokenizerFacts | undefined, gguf: GgufFacts | undefined): EndMarker | undefined {
  // Without its GGUF, whether a llamacpp marker is ordinary text is not known; nor, without the tokenizer, for vllm.
  if ((backend === 'llamacpp' && !gguf) || (backend === 'vllm' && !tokenizer)) return undefined;
  const leading = template?.facts.follower !== undefined ? LEADING_TOKEN.exec(template.facts.follower) : null;
  let text: string | undefined;
  let lead = '';
  let source: string | undefined;
  const assumptions: string[] = [];
  if (leading) {
    lead = leading[1];
    if (leading[2] === EOS) {
      text = backend === 'llamacpp' ? gguf?.eosToken : tokenizer?.eosToken;
      source = `${template!.label} writes eos_token after the assistant's answer, and ${backend === 'llamacpp' ? `the GGUF's EOS is \`${text}\` (${gguf?.source})` : `the tokenizer's EOS is \`${text}\` (${tokenizer?.source})`}`;
    } else {
      text = leading[2];
      source = `${template!.label} writes \`${text}\` right after the assistant's answer`;
    }
  } else if (!template && tokenizer && backend !== 'llamacpp' && tokenizer.stopTokens.length === 1) {
    // Without a template, only a single stop token says for sure which token ends the turn.
    text = tokenizer.stopTokens[0];
    source = `the only token that stops generation (${tokenizer.source})`;
  }
  if (text === undefined || source === undefined) return undefined;
  const eosText = (backend === 'llamacpp' ? gguf?.eosToken : tokenizer?.eosToken) ?? 'eos_token';
  const follower = template?.facts.follower?.split(EOS).join(eosText).split(BOS).join('');
  if (backend === 'llamacpp' && gguf) {
    // llama-cpp-python detokenizes with special=False: a control token renders as nothing.
    if (gguf.isControlToken(text)) return { text, lead, inText: false, source: `${source}; it is a control token of the GGUF, which llama-cpp-python renders as nothing`, assumptions, follower };
    assumptions.push(`\`${text}\` is ${gguf.isToken(text) ? 'a token the GGUF does not mark as control' : 'not a token of the GGUF'}, so the model writes it as ordinary text (${gguf.source}); the probe assumes the model then ends its turn.`);
    return { text, lead, inText: true, source, assumptions, follower };
  }
  if (tokenizer) {
    // The model stops at its stop tokens; a template marker that is not one of them is not where the reply ends.
    if (!tokenizer.stopTokens.includes(text)) return undefined;
    source += ` and stops generation (${tokenizer.source})`;
  } else {
    assumptions.push(`The tokenizer is not in the local Hugging Face cache, so the probe assumes the model stops at \`${text}\`, the marker its template writes after an answer.`);
  }
  // vLLM returns text without special tokens, and a stop token is special: the marker never arrives.
  if (backend === 'vllm') return { text, lead, inText: false, source, assumptions, follower };
  return { text, lead, inText: true, source, assumptions, follower };
}
