// Renders a chat template as a clemcore runtime's Jinja2 would (llama-cpp-python, transformers, a plain jinja2.Template):
// @huggingface/jinja parses and runs it, with jinja2's lexing, whitespace, values, filters and tests laid over it.
import { Environment } from '@huggingface/jinja';
import { withBudget } from './budget';
import { compile, type Program } from './compile';
import { defaultVariables, makeGlobals, PROFILES, type TemplateEnvironment } from './environments';
import { errorMessage, RaisedException, TemplateSyntaxError } from './errors';
import { Jinja2Interpreter } from './interpreter';

export { defaultVariables, type TemplateEnvironment };

export interface RenderRequest {
  template: string;
  environment: TemplateEnvironment;
  /** Already passed through ensure_alternating_roles by the caller. */
  messages: { role: string; content: string }[];
  /** bos_token, eos_token, add_generation_prompt, special tokens, extra kwargs; they override defaultVariables(). */
  variables?: Record<string, unknown>;
  /** The clock strftime_now reads (default: now), so that a preview or a test can be reproduced. */
  now?: Date;
  /** At most this many steps (see budget.ts), for renders that must not hang; unbounded when absent. */
  maxSteps?: number;
}

export type RenderOutcome =
  | { ok: true; prompt: string }
  | {
      ok: false;
      stage: 'parse' | 'render';
      message: string;
      /** Offset in the template source when known. */
      offset?: number;
      /** raise_exception was called; `message` is its argument. */
      raised?: boolean;
    };

export function renderTemplate(request: RenderRequest): RenderOutcome {
  const profile = PROFILES[request.environment];
  let program: Program;
  try {
    program = compile(request.template, profile);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return { ok: false, stage: 'parse', message: e.message, ...(e.offset === undefined ? {} : { offset: e.offset }) };
    return { ok: false, stage: 'parse', message: errorMessage(e) };
  }
  try {
    const globals = makeGlobals(profile, request.now ?? new Date());
    const scope = new Environment(globals);
    const variables: Record<string, unknown> = { ...defaultVariables(request.environment), ...request.variables, messages: request.messages };
    for (const [name, value] of Object.entries(variables)) scope.set(name, value);
    const result = withBudget(request.maxSteps, () => new Jinja2Interpreter(scope, profile, program).run(program.root));
    return { ok: true, prompt: String(result.value) };
  } catch (e) {
    if (e instanceof RaisedException) return { ok: false, stage: 'render', message: e.message, raised: true };
    return { ok: false, stage: 'render', message: errorMessage(e) };
  }
}

// Known differences, which this module cannot lift because @huggingface/jinja's parser has no syntax for them (such a
// template fails with stage 'parse' here while jinja2 accepts it): tests with an argument (`x is divisibleby 3`,
// `is sameas(y)`), {% with %}, {% include %} and the other loader tags, recursive loops, one-element tuples `(x,)`,
// non-ASCII names, `\N{name}` string escapes, and dict literals with non-string keys (a render error). Not
// implemented: the filters wordwrap, groupby, urlize, urlencode, xmlattr, filesizeformat, pprint, random and striptags;
// `loop` prints as a dict. test/jinja2/render.test.ts counts these against python3's jinja2.

