// What clemcore's llamacpp backend does to a completion, step by step (generate_response): `.strip()`, then
// `output_split_prefix` with an unguarded rsplit, then `re.sub(eos_to_cull, "", text)` with Python's semantics:
// the pattern translated into an equivalent JavaScript RegExp, run under a time limit, or, where JavaScript has no
// equivalent, the Python-semantics matcher with a step budget.
import vm from 'node:vm';
import { parsePattern, sub } from '../pyre';
import { toJsRegExp } from '../pyre/toJs';

/** Characters Python's str.strip() removes (str.isspace): JavaScript's trim differs on \x1c-\x1f and \ufeff. */
const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

export function pythonStrip(text: string): string {
  return text.replace(STRIP, '');
}

export interface PostProcessStage {
  name: 'strip' | 'output_split_prefix' | 'eos_to_cull';
  /** The text after the stage, when it ran. */
  text?: string;
  /** What clemcore raises here, when it does. */
  error?: string;
  note?: string;
  /** How re.sub was computed: the translated JavaScript RegExp, or why the Python-semantics matcher ran instead. */
  engine?: string;
}

export interface PostProcessResult {
  stages: PostProcessStage[];
  /** The reply clemcore hands to the game, or undefined when a stage raised. */
  reply?: string;
}

/** Runs the steps on a raw completion; `config` is the entry's model_config. */
export function postProcess(raw: string, config: Record<string, unknown>): PostProcessResult {
  const stages: PostProcessStage[] = [];
  let text = pythonStrip(raw);
  stages.push({ name: 'strip', text });
  if ('output_split_prefix' in config) {
    const prefix = config.output_split_prefix;
    if (typeof prefix !== 'string') {
      stages.push({ name: 'output_split_prefix', error: `TypeError: must be str or None, not ${prefix === null ? 'NoneType' : typeof prefix}` });
      return { stages };
    }
    if (prefix === '') {
      stages.push({ name: 'output_split_prefix', error: 'ValueError: empty separator (rsplit with an empty output_split_prefix)' });
      return { stages };
    }
    const at = text.lastIndexOf(prefix);
    if (at < 0) {
      stages.push({ name: 'output_split_prefix', error: `IndexError: list index out of range (the reply does not contain ${JSON.stringify(prefix)}, and clemcore takes rsplit(...)[1])` });
      return { stages };
    }
    text = text.slice(at + prefix.length);
    stages.push({ name: 'output_split_prefix', text });
  }
  const pattern = config.eos_to_cull;
  if (typeof pattern !== 'string') {
    stages.push({ name: 'eos_to_cull', error: pattern === undefined ? "KeyError: 'eos_to_cull'" : `TypeError: first argument must be string or compiled pattern` });
    return { stages };
  }
  const parsed = parsePattern(pattern);
  if (!parsed.ok) {
    stages.push({ name: 'eos_to_cull', error: `re.error: ${parsed.error.message} at position ${parsed.error.pos}` });
    return { stages };
  }
  const js = toJsRegExp(parsed.ast);
  const source = js.ok && js.regex.source.length > 160 ? `${js.regex.source.slice(0, 160)}…` : js.ok ? js.regex.source : '';
  const engine = js.ok ? `JavaScript RegExp /${source}/${js.regex.flags}, translated from the Python pattern` : `the Python-regex matcher: JavaScript has no equivalent for ${js.reason}`;
  const culled = js.ok ? replaceWithin(js.regex, text, SUB_TIME_LIMIT_MS) : sub(parsed.ast, text, '', { maxSteps: 5_000_000 });
  if (culled === undefined) {
    stages.push({ name: 'eos_to_cull', engine, note: 'The pattern backtracks too much to finish here (catastrophic backtracking); Python would take very long as well.' });
    return { stages };
  }
  stages.push({ name: 'eos_to_cull', text: culled, engine, note: culled === text ? 'The pattern matched nothing.' : undefined });
  return { stages, reply: culled };
}

const SUB_TIME_LIMIT_MS = 2000;
// A context of its own, so that a runaway match can be interrupted by vm's timeout.
const REPLACE = new vm.Script('text.replace(pattern, "")');
let sandbox: vm.Context | undefined;

/** text.replace(regex, ""), or undefined when it runs longer than `timeoutMs` (catastrophic backtracking). */
function replaceWithin(regex: RegExp, text: string, timeoutMs: number): string | undefined {
  sandbox ??= vm.createContext({ text: '', pattern: /(?:)/gu });
  sandbox.text = text;
  sandbox.pattern = regex;
  regex.lastIndex = 0;
  try {
    return REPLACE.runInContext(sandbox, { timeout: timeoutMs }) as string;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return undefined;
    throw err;
  }
}
