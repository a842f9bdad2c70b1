// The Jinja2 environments clemcore's runtimes build (spec 3.1, 3.4, 3.5): their options, extensions and globals, and the
// variables each passes to render() besides the messages.
import { Environment } from '@huggingface/jinja';
import { spend } from './budget';
import { RaisedException } from './errors';
import { pyStrftime } from './strftime';
import { dict, entries, fn, int, list, num, pyStr, str, type Value } from './values';

export type TemplateEnvironment = 'llama-cpp-python' | 'transformers' | 'jinja2-plain';

export interface Profile {
  /** trim_blocks and lstrip_blocks (both on in the sandboxed environments, off in a plain jinja2.Template). */
  trimBlocks: boolean;
  /** jinja2.ext.loopcontrols ({% break %}, {% continue %}) and the pass-through {% generation %} tag. */
  extensions: boolean;
  sandboxed: boolean;
  /** jinja2's own tojson (HTML-safe, sorted keys, ASCII) or transformers' json.dumps wrapper. */
  tojson: 'jinja2' | 'transformers';
  /** raise_exception and strftime_now exist. */
  helpers: boolean;
}

// llama-cpp-python is modelled at its current behaviour (>= 0.3.24: loopcontrols, {% generation %}, transformers'
// tojson); older releases lack the extensions and use jinja2's tojson.
export const PROFILES: Record<TemplateEnvironment, Profile> = {
  'llama-cpp-python': { trimBlocks: true, extensions: true, sandboxed: true, tojson: 'transformers', helpers: true },
  transformers: { trimBlocks: true, extensions: true, sandboxed: true, tojson: 'transformers', helpers: true },
  'jinja2-plain': { trimBlocks: false, extensions: false, sandboxed: false, tojson: 'jinja2', helpers: false },
};

/**
 * The render variables each environment provides by default. llama-cpp-python's Jinja2ChatFormatter always passes
 * add_generation_prompt=True (its constructor default; clemcore never changes it), the tool arguments as None, and the
 * GGUF's BOS/EOS strings (placeholders here: the caller knows them). transformers' apply_chat_template passes
 * add_generation_prompt=False unless asked, tools and documents as None, and the tokenizer's special tokens (the
 * caller's). huggingface_multimodal renders with `messages` only.
 */
export function defaultVariables(environment: TemplateEnvironment): Record<string, unknown> {
  switch (environment) {
    case 'llama-cpp-python':
      return { bos_token: '', eos_token: '', add_generation_prompt: true, functions: null, function_call: null, tools: null, tool_choice: null };
    case 'transformers':
      return { add_generation_prompt: false, tools: null, documents: null };
    case 'jinja2-plain':
      return {};
  }
}

/** jinja2's default globals, and the helpers the sandboxed runtimes add. */
export function makeGlobals(profile: Profile, now: Date): Environment {
  const env = new Environment();
  for (const [name, value] of Object.entries({ true: true, false: false, none: null, True: true, False: false, None: null })) env.set(name, value);
  env.variables.set('range', fn((a) => {
    const [start, stop, step] = a.length === 1 ? [0, num(a[0]), 1] : [num(a[0]), num(a[1]), a[2] ? num(a[2]) : 1];
    if (step === 0) throw new Error('range() arg 3 must not be zero');
    spend(Math.max(0, Math.ceil((stop - start) / step)));
    const out: Value[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(int(i));
    return list(out);
  }));
  env.variables.set('dict', fn((a, k) => dict(new Map([...(a[0] ? entries(a[0]) : []), ...k]))));
  if (profile.helpers) {
    env.variables.set('raise_exception', fn((a) => {
      throw new RaisedException(pyStr(a[0] ?? str('')));
    }));
    env.variables.set('strftime_now', fn((a) => str(pyStrftime(now, pyStr(a[0])))));
  }
  return env;
}
