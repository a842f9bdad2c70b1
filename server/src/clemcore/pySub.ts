// `re.sub(pattern, "", text)` with Python's semantics: the pattern translated into an equivalent JavaScript RegExp,
// run under a time limit, or, where JavaScript has no equivalent, pyre's Python-semantics matcher with a step budget.
import vm from 'node:vm';
import { parsePattern, sub } from '../pyre';
import { toJsRegExp } from '../pyre/toJs';

export type PySubResult =
  | { error: string }
  /** `text` undefined: the pattern backtracks past the limits (catastrophic backtracking). */
  | { text: string | undefined; engine: string };

const SUB_TIME_LIMIT_MS = 2000;
const MAX_STEPS = 5_000_000;
const PROBE_STEPS = 200_000;

/** Parses and translations by pattern: the same few patterns are applied over and over. */
const compiled = new Map<string, { parsed: ReturnType<typeof parsePattern>; js?: ReturnType<typeof toJsRegExp> }>();

function compile(pattern: string) {
  let hit = compiled.get(pattern);
  if (!hit) {
    const parsed = parsePattern(pattern);
    hit = { parsed, js: parsed.ok ? translate(parsed.ast) : undefined };
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(pattern, hit);
  }
  return hit;
}

/** The JavaScript translation, or the Python-semantics matcher where JavaScript refuses it (too large a RegExp). */
function translate(ast: Parameters<typeof toJsRegExp>[0]): ReturnType<typeof toJsRegExp> {
  try {
    return toJsRegExp(ast);
  } catch (err) {
    return { ok: false, reason: `a pattern JavaScript refuses (${(err as Error).message.slice(0, 80)})`, at: 0 };
  }
}

/** `matcherOnly`: run pyre's matcher under its step budget (short texts), never the sandboxed JavaScript RegExp. */
export function pySub(pattern: string, text: string, matcherOnly = false): PySubResult {
  const { parsed, js } = compile(pattern);
  if (!parsed.ok) return { error: `re.error: ${parsed.error.message} at position ${parsed.error.pos}` };
  if (matcherOnly) return { text: sub(parsed.ast, text, '', { maxSteps: PROBE_STEPS }), engine: 'the Python-regex matcher' };
  if (!js) throw new Error('unreachable: a parsed pattern has a translation result');
  if (!js.ok) {
    return { text: sub(parsed.ast, text, '', { maxSteps: MAX_STEPS }), engine: `the Python-regex matcher: JavaScript has no equivalent for ${js.reason}` };
  }
  const source = js.regex.source.length > 160 ? `${js.regex.source.slice(0, 160)}…` : js.regex.source;
  return { text: replaceWithin(js.regex, text, SUB_TIME_LIMIT_MS), engine: `JavaScript RegExp /${source}/${js.regex.flags}, translated from the Python pattern` };
}

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
