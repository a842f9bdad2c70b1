// Which chat template, BOS and EOS strings clemcore's llamacpp backend renders a prompt with (get_chat_formatter),
// starting from llama-cpp-python's chat-format guess in Llama.__init__. Pure: works on GGUF metadata, loads nothing.
import { tokenText, type GgufMetadata } from './gguf';

// Reference templates, copied byte for byte from llama-cpp-python v0.3.x, llama_cpp/llama_chat_format.py
// (abetlen/llama-cpp-python; unchanged across 0.3.x). guess_chat_format_from_gguf_metadata compares with `==`.
export const CHATML_CHAT_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
export const MISTRAL_INSTRUCT_CHAT_TEMPLATE = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";
export const MIXTRAL_INSTRUCT_CHAT_TEMPLATE = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";
export const LLAMA3_INSTRUCT_CHAT_TEMPLATE = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

/** The same file's BOS/EOS constants that clemcore copies for a guessed format. */
const FORMAT_TOKENS: Partial<Record<ChatFormat, { bos: string; eos: string }>> = {
  chatml: { bos: '<s>', eos: '<|im_end|>' }, // CHATML_BOS_TOKEN, CHATML_EOS_TOKEN
  'mistral-instruct': { bos: '<s>', eos: '</s>' }, // MISTRAL_INSTRUCT_BOS_TOKEN, MISTRAL_INSTRUCT_EOS_TOKEN
};

export type ChatFormat = 'chatml' | 'mistral-instruct' | 'llama-3' | 'chat_template.default' | 'llama-2';

/**
 * `Llama.chat_format` after Llama.__init__ (constructed without chat_format, as clemcore does): a byte-exact guess
 * when the GGUF has a template, else the template itself ("chat_template.default"); "llama-2" when it has none.
 */
export function guessChatFormat(chatTemplate: string | undefined): ChatFormat {
  if (chatTemplate === undefined) return 'llama-2';
  if (chatTemplate === CHATML_CHAT_TEMPLATE) return 'chatml';
  if (chatTemplate === MISTRAL_INSTRUCT_CHAT_TEMPLATE || chatTemplate === MIXTRAL_INSTRUCT_CHAT_TEMPLATE) return 'mistral-instruct';
  if (chatTemplate === LLAMA3_INSTRUCT_CHAT_TEMPLATE) return 'llama-3';
  return 'chat_template.default';
}

export interface SpecialString {
  /** What the template sees as bos_token / eos_token (Python's str() of it: a registry null renders as "None"). */
  text: string;
  /** chat_format: llama-cpp-python's constant for the guessed format; gguf: the token text of the metadata's id; registry: bos_string / eos_string. */
  source: 'chat_format' | 'gguf' | 'registry';
  /** The vocabulary id, when it came from the GGUF. */
  tokenId?: number;
}

export interface ChatSetupFailure {
  /** The Python exception clemcore's load raises: KeyError, TypeError, or an abort inside llama.cpp. */
  exception: 'KeyError' | 'TypeError' | 'abort';
  /** One line in Python's style, e.g. `KeyError: 'custom_chat_template'`. */
  message: string;
  /** Why, in the registry's terms. */
  detail: string;
}

export type ChatSetup =
  | { ok: true; chatFormat: ChatFormat; template: string; templateSource: 'gguf' | 'custom_chat_template'; bos: SpecialString; eos: SpecialString }
  | { ok: false; chatFormat: ChatFormat; error: ChatSetupFailure };

/** Python's truth value of a JSON value. */
function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Python's str() of a JSON scalar, which is what Jinja prints for bos_token / eos_token. */
function pythonStr(v: unknown): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const keyError = (key: string, detail: string): ChatSetupFailure => ({ exception: 'KeyError', message: `KeyError: '${key}'`, detail });

/** The template, then BOS and EOS, in the order get_chat_formatter decides them; the first failure it would raise. */
export function chatSetup(meta: GgufMetadata, modelConfig: Record<string, unknown>): ChatSetup {
  const ggufTemplate = meta.values.get('tokenizer.chat_template');
  const chatFormat = guessChatFormat(typeof ggufTemplate === 'string' ? ggufTemplate : undefined);
  const fail = (error: ChatSetupFailure): ChatSetup => ({ ok: false, chatFormat, error });

  if (!('premade_chat_template' in modelConfig)) {
    return fail(keyError('premade_chat_template', 'model_config has no premade_chat_template: clemcore reads it at load to choose between the GGUF template and custom_chat_template.'));
  }
  let template: unknown;
  let templateSource: 'gguf' | 'custom_chat_template';
  if (truthy(modelConfig.premade_chat_template)) {
    if (typeof ggufTemplate !== 'string') {
      return fail(keyError('tokenizer.chat_template', 'premade_chat_template is set but the GGUF metadata has no tokenizer.chat_template: set premade_chat_template to false and give a custom_chat_template.'));
    }
    template = ggufTemplate;
    templateSource = 'gguf';
  } else {
    if (!('custom_chat_template' in modelConfig)) {
      return fail(keyError('custom_chat_template', 'premade_chat_template is false, so clemcore reads custom_chat_template, which is missing (there is no default template for llama.cpp).'));
    }
    template = modelConfig.custom_chat_template;
    templateSource = 'custom_chat_template';
  }
  if (typeof template !== 'string') {
    return fail({ exception: 'TypeError', message: 'TypeError: the chat template is not a string', detail: `custom_chat_template is ${template === null ? 'null' : typeof template}; Jinja2ChatFormatter can only compile a string.` });
  }

  // Step 1: the guessed format's constants; step 2: the GGUF's token ids override them, BOS then EOS
  // (`if "tokenizer.ggml.bos_token_id" in model.metadata: token_get_text(int(...))`).
  const fromGguf = (which: 'bos' | 'eos'): SpecialString | ChatSetupFailure | undefined => {
    const key = `tokenizer.ggml.${which}_token_id`;
    const id = meta.values.get(key);
    if (id === undefined) {
      const constant = FORMAT_TOKENS[chatFormat]?.[which];
      return constant === undefined ? undefined : { text: constant, source: 'chat_format' };
    }
    const n = typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : -1;
    const text = n >= 0 ? tokenText(meta, n) : undefined;
    if (text === undefined) {
      return { exception: 'abort', message: `${key} ${String(id)} is not a token of the vocabulary`, detail: `clemcore calls token_get_text(${String(id)}), which throws std::out_of_range inside llama.cpp and aborts the process.` };
    }
    return { text, source: 'gguf', tokenId: n };
  };
  // Step 3: only when still empty (Python-falsy: missing or ""), model_config's bos_string / eos_string, BOS first.
  const fromRegistry = (which: 'bos' | 'eos', chosen: SpecialString | undefined): SpecialString | ChatSetupFailure => {
    if (chosen && chosen.text !== '') return chosen;
    const key = `${which}_string`;
    if (!(key in modelConfig)) {
      return keyError(key, `neither the chat format nor the GGUF metadata gives a ${which.toUpperCase()} string, so clemcore reads model_config.${key}, which is missing.`);
    }
    return { text: pythonStr(modelConfig[key]), source: 'registry' };
  };
  const ggufBos = fromGguf('bos');
  if (ggufBos && 'exception' in ggufBos) return fail(ggufBos);
  const ggufEos = fromGguf('eos');
  if (ggufEos && 'exception' in ggufEos) return fail(ggufEos);
  const bos = fromRegistry('bos', ggufBos);
  if ('exception' in bos) return fail(bos);
  const eos = fromRegistry('eos', ggufEos);
  if ('exception' in eos) return fail(eos);
  return { ok: true, chatFormat, template, templateSource, bos, eos };
}
