// Renders a chat template as a clemcore runtime's Jinja2 would (llama-cpp-python, transformers, a plain jinja2.Template):
// @huggingface/jinja parses and runs it, with jinja2's lexing, whitespace, values, filters and tests laid over it.
import { Environment, Interpreter, parse, tokenize } from '@huggingface/jinja';
import { analyzeTemplate } from '../service/jinja/templateAnalysis';

export type TemplateEnvironment = 'llama-cpp-python' | 'transformers' | 'jinja2-plain';

export interface RenderRequest {
  template: string;
  environment: TemplateEnvironment;
  /** Already passed through ensure_alternating_roles by the caller. */
  messages: { role: string; content: string }[];
  /** bos_token, eos_token, add_generation_prompt, special tokens, extra kwargs; they override defaultVariables(). */
  variables?: Record<string, unknown>;
  /** The clock strftime_now reads (default: now), so that a preview or a test can be reproduced. */
  now?: Date;
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
    const result = new Jinja2Interpreter(scope, profile, program).run(program.root);
    return { ok: true, prompt: String(result.value) };
  } catch (e) {
    if (e instanceof RaisedException) return { ok: false, stage: 'render', message: e.message, raised: true };
    return { ok: false, stage: 'render', message: errorMessage(e) };
  }
}

function errorMessage(e: unknown): string {
  if (e instanceof RangeError) return 'The template recurses too deeply.';
  return e instanceof Error ? e.message : String(e);
}

// Known differences, which this module cannot lift because @huggingface/jinja's parser has no syntax for them (such a
// template fails with stage 'parse' here while jinja2 accepts it): tests with an argument (`x is divisibleby 3`,
// `is sameas(y)`), {% with %}, {% include %} and the other loader tags, recursive loops, one-element tuples `(x,)`,
// non-ASCII names, `\N{name}` string escapes, and dict literals with non-string keys (a render error). Not
// implemented: the filters wordwrap, groupby, urlize, urlencode, xmlattr, filesizeformat, pprint, random and striptags;
// `loop` prints as a dict. test/runtime/chatTemplate.test.ts counts these against python3's jinja2.

// ---------------------------------------------------------------------------------------------------------------------
// Environments

interface Profile {
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
const PROFILES: Record<TemplateEnvironment, Profile> = {
  'llama-cpp-python': { trimBlocks: true, extensions: true, sandboxed: true, tojson: 'transformers', helpers: true },
  transformers: { trimBlocks: true, extensions: true, sandboxed: true, tojson: 'transformers', helpers: true },
  'jinja2-plain': { trimBlocks: false, extensions: false, sandboxed: false, tojson: 'jinja2', helpers: false },
};

class TemplateSyntaxError extends Error {
  constructor(message: string, readonly offset?: number) {
    super(message);
  }
}

/** raise_exception(message) was called (llama-cpp-python raises ValueError, transformers TemplateError). */
class RaisedException extends Error {}

// ---------------------------------------------------------------------------------------------------------------------
// Lexing as jinja2 does. The output is a template for @huggingface/jinja without anything it treats differently:
// line breaks normalised, whitespace control and trim_blocks/lstrip_blocks already applied, comments dropped, raw
// blocks and string literals re-written as plain literals, numbers in decimal. `map[i]` is the template offset of
// output character i, so that the library's parse errors can be placed in the original template.

/** Python's str.isspace() characters (its `\s` and strip()); JavaScript's `\s` differs on \x1c-\x1f, \x85, \ufeff. */
const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const ALL_SPACE = new RegExp(`^[${PY_SPACE}]*$`);
const TRAILING_SPACE = new RegExp(`[${PY_SPACE}]+$`);

// jinja2.lexer's tag rules, as sticky regexes (IGNORECASE where jinja2 has it).
const TAG_RULES: [kind: TokenKind, re: RegExp][] = [
  ['ws', new RegExp(`[${PY_SPACE}]+`, 'y')],
  ['float', /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy],
  ['int', /(?:0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*)/iy],
  ['name', /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}·]+/uy],
  ['string', /'([^'\\]*(?:\\[\s\S][^'\\]*)*)'|"([^"\\]*(?:\\[\s\S][^"\\]*)*)"/y],
  ['op', /\/\/|\*\*|==|!=|>=|<=|[+\-/*%~[\](){}><=.:|,;]/y],
];
type TokenKind = 'ws' | 'float' | 'int' | 'name' | 'string' | 'op';

interface Lexed {
  text: string;
  map: number[];
  /** The first tag this environment does not know (loop controls or {% generation %} without the extensions). */
  unknownTag?: { name: string; offset: number };
  /** Filter and test names as written, checked after parsing as jinja2's compiler does. */
  filters: { name: string; offset: number }[];
  tests: { name: string; offset: number }[];
}

function lex(template: string, profile: Profile): Lexed {
  // tokeniter: split on \r\n, \r and \n, drop a last empty line (keep_trailing_newline is off), join with \n.
  let src = '';
  const srcMap: number[] = [];
  for (let i = 0; i < template.length; i++) {
    srcMap.push(i);
    if (template[i] === '\r') {
      src += '\n';
      if (template[i + 1] === '\n') i++;
    } else src += template[i];
  }
  if (src.endsWith('\n')) {
    src = src.slice(0, -1);
    srcMap.pop();
  }
  srcMap.push(template.length);

  const out: Lexed = { text: '', map: [], filters: [], tests: [] };
  const emit = (text: string, at: number) => {
    out.text += text;
    for (let k = 0; k < text.length; k++) out.map.push(srcMap[at]);
  };
  const emitSource = (from: number, to: number) => {
    out.text += src.slice(from, to);
    for (let k = from; k < to; k++) out.map.push(srcMap[k]);
  };
  const fail = (message: string, at: number): never => {
    throw new TemplateSyntaxError(message, srcMap[Math.min(at, srcMap.length - 1)]);
  };
  const trim = profile.trimBlocks;
  const spaceAt = new RegExp(`[${PY_SPACE}]*`, 'y');
  const skipSpace = (at: number) => {
    spaceAt.lastIndex = at;
    spaceAt.test(src);
    return spaceAt.lastIndex;
  };
  /** The data before a tag, after `{%-` (strip everything) or lstrip_blocks (spaces on the tag's own line). */
  const emitData = (from: number, to: number, sign: string, lstrip: boolean, lineStarting: boolean) => {
    let end = to;
    const text = src.slice(from, to);
    if (sign === '-') end = from + text.replace(TRAILING_SPACE, '').length;
    else if (sign !== '+' && lstrip && profile.trimBlocks) {
      const lineStart = text.lastIndexOf('\n') + 1;
      if ((lineStart > 0 || lineStarting) && ALL_SPACE.test(text.slice(lineStart))) end = from + lineStart;
    }
    emitSource(from, end);
  };

  const rawBegin = new RegExp(`\\{%([-+]?)[${PY_SPACE}]*raw[${PY_SPACE}]*(?:-%\\}[${PY_SPACE}]*|%\\})`, 'y');
  const rawEnd = new RegExp(`\\{%([-+]?)[${PY_SPACE}]*endraw[${PY_SPACE}]*(?:\\+%\\}|-%\\}[${PY_SPACE}]*|%\\}${trim ? '\\n?' : ''})`, 'g');
  const tagStart = /\{[%{#]/g;
  let pos = 0;
  let lineStarting = true;
  while (pos < src.length) {
    tagStart.lastIndex = pos;
    const found = tagStart.exec(src);
    if (!found) {
      emitSource(pos, src.length);
      break;
    }
    const at = found.index;
    rawBegin.lastIndex = at;
    const raw = rawBegin.exec(src);
    if (raw) {
      emitData(pos, at, raw[1], true, lineStarting);
      const bodyStart = at + raw[0].length;
      rawEnd.lastIndex = bodyStart;
      const end = rawEnd.exec(src);
      if (!end) fail('Missing end of raw directive', at);
      const startLine = raw[0].endsWith('\n');
      const before = out.text.length;
      emitData(bodyStart, end!.index, end![1], true, startLine);
      const body = out.text.slice(before);
      out.text = out.text.slice(0, before);
      out.map.length = before;
      if (body) emit(`{{ ${libraryString(body)} }}`, bodyStart);
      pos = end!.index + end![0].length;
      lineStarting = end![0].endsWith('\n');
      continue;
    }
    const kind = src[at + 1];
    const sign = src[at + 2] === '-' || src[at + 2] === '+' ? src[at + 2] : '';
    emitData(pos, at, sign, kind !== '{', lineStarting);
    let cursor = at + 2 + sign.length;
    if (kind === '#') {
      // (.*?)((?:\+#}|\-#}\s*|#}\n?)): the first `#}`, with a `+` or `-` just before it taken as its sign.
      const close = src.indexOf('#}', cursor);
      if (close < 0) fail('Missing end of comment tag', at);
      let end = close + 2;
      if (close > cursor && src[close - 1] === '-') end = skipSpace(end);
      else if (!(close > cursor && src[close - 1] === '+') && trim && src[end] === '\n') end++;
      pos = end;
      lineStarting = src[end - 1] === '\n';
      continue;
    }
    // A block or variable tag: jinja2's tag rules until the end marker (only recognised with balanced brackets).
    emit(kind === '%' ? '{% ' : '{{ ', at);
    const brackets: string[] = [];
    let first: string | undefined;
    let previous: { kind: TokenKind; text: string } | undefined;
    let beforePrevious: { kind: TokenKind; text: string } | undefined;
    let closed = false;
    while (cursor < src.length) {
      if (brackets.length === 0) {
        let end = -1;
        if (kind === '%') {
          if (src.startsWith('+%}', cursor)) end = cursor + 3;
          else if (src.startsWith('-%}', cursor)) end = skipSpace(cursor + 3);
          else if (src.startsWith('%}', cursor)) end = cursor + 2 + (trim && src[cursor + 2] === '\n' ? 1 : 0);
        } else if (src.startsWith('-}}', cursor)) end = skipSpace(cursor + 3);
        else if (src.startsWith('}}', cursor)) end = cursor + 2;
        if (end >= 0) {
          emit(kind === '%' ? ' %}' : ' }}', cursor);
          pos = end;
          lineStarting = src[end - 1] === '\n';
          closed = true;
          break;
        }
      }
      let match: RegExpExecArray | null = null;
      let tokenKind: TokenKind = 'ws';
      for (const [k, re] of TAG_RULES) {
        re.lastIndex = cursor;
        match = re.exec(src);
        if (match) {
          tokenKind = k;
          break;
        }
      }
      if (!match) fail(`unexpected char ${pyRepr(str(src[cursor]))} at ${cursor}`, cursor);
      const text = match![0];
      const start = cursor;
      cursor += text.length;
      if (tokenKind === 'ws') {
        emit(' ', start);
        continue;
      }
      if (tokenKind === 'op') {
        if ('([{'.includes(text)) brackets.push({ '(': ')', '[': ']', '{': '}' }[text]!);
        else if (')]}'.includes(text)) {
          const expected = brackets.pop();
          if (expected === undefined) fail(`unexpected '${text}'`, start);
          if (expected !== text) fail(`unexpected '${text}', expected '${expected}'`, start);
        }
      }
      if (tokenKind === 'name') {
        if (!/^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}·]*$/u.test(text)) fail('Invalid character in identifier', start);
        if (previous?.kind === 'op' && previous.text === '|') out.filters.push({ name: text, offset: srcMap[start] });
        else if (kind === '%' && first === 'filter' && previous?.text === 'filter' && beforePrevious === undefined) out.filters.push({ name: text, offset: srcMap[start] });
        else if (previous?.text === 'is' && previous.kind === 'name' && text !== 'not') out.tests.push({ name: text, offset: srcMap[start] });
        else if (previous?.text === 'not' && beforePrevious?.text === 'is') out.tests.push({ name: text, offset: srcMap[start] });
        if (first === undefined && kind === '%') {
          first = text;
          const needsExtension = text === 'break' || text === 'continue' || text === 'generation' || text === 'endgeneration';
          if (needsExtension && !profile.extensions && !out.unknownTag) out.unknownTag = { name: text, offset: srcMap[start] };
        }
      }
      if (first === undefined && kind === '%') first = '';
      emit(libraryToken(tokenKind, text, start, fail), start);
      beforePrevious = previous;
      previous = { kind: tokenKind, text };
    }
    if (!closed) pos = src.length; // jinja2's lexer stops here; its parser reports the unclosed tag (so does ours)
  }
  out.map.push(template.length);
  return out;
}

/** A jinja2 token re-written for the library's lexer. */
function libraryToken(kind: TokenKind, text: string, at: number, fail: (message: string, at: number) => never): string {
  switch (kind) {
    case 'string':
      try {
        return libraryString(pyUnescape(text.slice(1, -1)));
      } catch (e) {
        return fail(errorMessage(e), at);
      }
    case 'int': {
      const digits = text.replace(/_/g, '').toLowerCase();
      const base = digits.startsWith('0b') ? 2 : digits.startsWith('0o') ? 8 : digits.startsWith('0x') ? 16 : 10;
      const value = base === 10 ? BigInt(digits) : BigInt(`0${digits[1]}${digits.slice(2)}`);
      return value.toString();
    }
    case 'float': {
      // The library reads only digits with a dot as a float: write the value in positional notation.
      const value = Number(text.replace(/_/g, ''));
      if (!Number.isFinite(value)) return '1e999'; // an overflow, as Python's float('1e999'): not expressible here
      const { digits, exp } = decimalDigits(value);
      if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
      return `${digits.slice(0, exp + 1).padEnd(exp + 1, '0')}.${digits.slice(exp + 1) || '0'}`;
    }
    default:
      return text;
  }
}

/** A string literal the library reads back as `value`: only \\ and \" escaped, `{` hidden from its preprocessing. */
function libraryString(value: string): string {
  return `"${value.replace(/[\\"{]/g, (c) => (c === '{' ? '\\x7b' : `\\${c}`))}"`;
}

/** jinja2's string literal value: `.encode("ascii", "backslashreplace").decode("unicode-escape")`. */
function pyUnescape(body: string): string {
  let ascii = '';
  for (const ch of body) {
    const cp = ch.codePointAt(0)!;
    ascii += cp < 0x80 ? ch : cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
  }
  let out = '';
  for (let i = 0; i < ascii.length; i++) {
    const c = ascii[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = ascii[++i];
    const simple: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    if (e === undefined) throw new Error('\\ at end of string');
    if (e in simple) out += simple[e];
    else if (/[0-7]/.test(e)) {
      const digits = /^[0-7]{1,3}/.exec(ascii.slice(i))![0];
      out += String.fromCodePoint(parseInt(digits, 8));
      i += digits.length - 1;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const length = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const digits = ascii.slice(i + 1, i + 1 + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) throw new Error(`truncated \\${e}${'X'.repeat(length)} escape`);
      const cp = parseInt(digits, 16);
      if (cp > 0x10ffff) throw new Error('illegal Unicode character');
      out += String.fromCodePoint(cp);
      i += length;
    } else if (e === 'N') throw new Error('\\N{...} escapes (Unicode character names) are not supported by this renderer');
    else out += `\\${e}`;
  }
  return out;
}

/** The shortest digits that read back as `x` (> 0), and the decimal exponent of the first. */
function decimalDigits(x: number): { digits: string; exp: number } {
  const [mantissa, e] = x.toExponential().split('e');
  return { digits: mantissa.replace('.', ''), exp: Number(e) };
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

// ---------------------------------------------------------------------------------------------------------------------
// Parsing and the checks jinja2 makes before rendering

type Statement = NonNullable<Parameters<Interpreter['evaluate']>[0]>;
type Value = ReturnType<Interpreter['evaluate']>;

/** A loose view of the library's AST nodes (its classes are not exported). */
interface AstNode {
  type: string;
  [field: string]: unknown;
}

interface Program {
  root: Parameters<Interpreter['run']>[0];
  /** Expressions whose value is written out (`{{ ... }}`): jinja2 writes str(value), the library its own string. */
  outputs: WeakSet<object>;
}

const STATEMENT_TYPES = new Set(['Program', 'If', 'For', 'Break', 'Continue', 'Set', 'Macro', 'Comment', 'CallStatement', 'FilterStatement']);

const compiled = new Map<string, Program>();

function compile(template: string, profile: Profile): Program {
  const key = `${profile.trimBlocks ? 't' : 'p'}${profile.extensions ? 'x' : ''}\0${template}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const lexed = lex(template, profile);
  // The library drops one trailing newline; the lexer already dropped jinja2's, so give it one to drop.
  const source = `${lexed.text}\n`;
  let root: Program['root'];
  try {
    root = parse(tokenize(source));
  } catch (e) {
    const problem = analyzeTemplate(source).problem;
    const offset = problem ? lexed.map[Math.min(problem.start, lexed.map.length - 1)] : undefined;
    const unknown = lexed.unknownTag;
    if (unknown && (offset === undefined || unknown.offset <= offset)) throw unknownTag(unknown);
    throw new TemplateSyntaxError(problem?.message ?? errorMessage(e), offset);
  }
  if (lexed.unknownTag) throw unknownTag(lexed.unknownTag);
  const program: Program = { root, outputs: new WeakSet() };
  new Checker(program, lexed).visit(root as unknown as AstNode, { loop: false, soft: false });
  if (compiled.size > 64) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, program);
  return program;
}

function unknownTag(tag: { name: string; offset: number }): TemplateSyntaxError {
  return new TemplateSyntaxError(`Encountered unknown tag '${tag.name}'.`, tag.offset);
}

function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as AstNode).type === 'string';
}

/**
 * What jinja2's compiler checks, and the output expressions. Where it is: inside a loop body (loop controls are only
 * valid there: Python compiles them) and in a "soft frame" (an if statement or an inline if, where an unknown filter or
 * test fails only when it runs; anywhere else it fails at compile time).
 */
class Checker {
  constructor(private readonly program: Program, private readonly lexed: Lexed) {}

  visit(node: AstNode, at: { loop: boolean; soft: boolean }): void {
    switch (node.type) {
      case 'Break':
      case 'Continue':
        if (!at.loop) throw new TemplateSyntaxError(`'${node.type.toLowerCase()}' outside loop`);
        return;
      case 'FilterExpression':
      case 'FilterStatement': {
        const filter = node.filter as AstNode;
        const name = (filter.type === 'CallExpression' ? (filter.callee as AstNode).value : filter.value) as string;
        if (!FILTERS.has(name) && !(at.soft && node.type === 'FilterExpression')) this.fail('filter', name, this.lexed.filters);
        break;
      }
      case 'TestExpression': {
        const name = (node.test as AstNode).value as string;
        if (!TESTS.has(name) && !at.soft) this.fail('test', name, this.lexed.tests);
        break;
      }
    }
    const inner = { loop: at.loop, soft: false };
    const bodies: [string, { loop: boolean; soft: boolean }][] =
      node.type === 'If' ? [['body', { ...at, soft: true }], ['alternate', { ...at, soft: true }]]
      : node.type === 'For' ? [['body', { loop: true, soft: false }], ['defaultBlock', { loop: false, soft: false }]]
      : node.type === 'Macro' || node.type === 'CallStatement' ? [['body', { loop: false, soft: false }]]
      : [['body', inner]];
    for (const [field, where] of bodies) {
      const block = node[field];
      if (!Array.isArray(block)) continue;
      for (const child of block) {
        if (!isNode(child)) continue;
        if (!STATEMENT_TYPES.has(child.type)) this.program.outputs.add(child);
        this.visit(child, where);
      }
    }
    const soft = at.soft || node.type === 'If' || node.type === 'Ternary' || node.type === 'SelectExpression';
    for (const [field, value] of Object.entries(node)) {
      if (bodies.some(([f]) => f === field)) continue;
      // A loop's filter (`for x in xs if test`) is in the loop's frame; its iterable in the enclosing one.
      const where = node.type === 'For' && field === 'iterable' && isNode(value) && value.type === 'SelectExpression' ? null : { loop: at.loop, soft };
      if (where === null) {
        this.visit((value as AstNode).lhs as AstNode, { loop: at.loop, soft: at.soft });
        this.visit((value as AstNode).test as AstNode, { loop: at.loop, soft: false });
        continue;
      }
      if (Array.isArray(value)) for (const v of value) if (isNode(v)) this.visit(v, where);
      if (value instanceof Map) for (const [k, v] of value) for (const x of [k, v]) if (isNode(x)) this.visit(x, where);
      if (isNode(value)) this.visit(value, where);
    }
  }

  private fail(kind: 'filter' | 'test', name: string, written: { name: string; offset: number }[]): never {
    throw new TemplateSyntaxError(`No ${kind} named '${name}'.`, written.find((w) => w.name === name)?.offset);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Runtime values. The library's value classes are not exported; their constructors are taken from values it makes.

type Ctor = new (value?: unknown) => Value;
const V = (() => {
  const env = new Environment();
  env.set('probe', { s: '', i: 1, f: 0.5, b: true, n: null, a: [], o: {}, fn: () => null });
  const fields = (env.lookupVariable('probe').value as Map<string, Value>);
  const ctor = (name: string) => fields.get(name)!.constructor as Ctor;
  const tuple = new Interpreter(env).evaluate(parse(tokenize('{{ (1, 2) }}')).body[0], env);
  let keywords: Ctor | undefined;
  env.variables.set('capture', new (ctor('fn'))((args: Value[]) => {
    keywords = args.at(-1)!.constructor as Ctor;
    return fields.get('n')!;
  }));
  new Interpreter(env).evaluate(parse(tokenize('{{ capture(k=1) }}')).body[0], env);
  return {
    str: ctor('s'), int: ctor('i'), float: ctor('f'), bool: ctor('b'), none: ctor('n'), list: ctor('a'), dict: ctor('o'),
    fn: ctor('fn'), undefined: env.lookupVariable('missing').constructor as Ctor, tuple: tuple.constructor as Ctor,
    keywords: keywords!,
  };
})();

type Fn = (args: Value[], kwargs: Map<string, Value>) => Value;

const str = (s: string): Value => new V.str(s);
const int = (n: number): Value => new V.int(n);
const float = (n: number): Value => new V.float(n);
const bool = (b: boolean): Value => new V.bool(b);
const none = (): Value => new V.none(null);
const list = (items: Value[]): Value => new V.list(items);
const tuple = (items: Value[]): Value => new V.tuple(items);
const dict = (entries: Map<string, Value>): Value => new V.dict(entries);
/**
 * markupsafe.Markup strings (from |safe, |e and jinja2's own tojson): `+` escapes the other operand, and string
 * operations keep the mark. A plain jinja2 concatenation (`~`) and most filters return str.
 */
const MARKUP = new WeakSet<object>();
const markup = (s: string): Value => {
  const v = str(s);
  MARKUP.add(v);
  return v;
};
const isMarkup = (v: Value) => MARKUP.has(v);
/** The string result of an operation on `source`. */
const like = (source: Value, s: string): Value => (isMarkup(source) ? markup(s) : str(s));
const escaped = (v: Value) => (isMarkup(v) ? (v.value as string) : htmlEscape(pyStr(v)));

/** A Python callable: keyword arguments arrive as the library's trailing KeywordArgumentsValue. */
const fn = (f: Fn): Value =>
  new V.fn((args: Value[]) => {
    const last = args.at(-1);
    if (last?.type === 'KeywordArgumentsValue') return f(args.slice(0, -1), last.value as Map<string, Value>);
    return f(args, new Map());
  });

/** jinja2's Undefined, carrying the message its use would raise. */
function undefinedValue(hint: string): Value {
  const u = new V.undefined();
  (u as unknown as { hint: string }).hint = hint;
  return u;
}
function undefinedError(v: Value): Error {
  return new Error((v as unknown as { hint?: string }).hint ?? 'undefined value');
}

const isUndefined = (v: Value) => v.type === 'UndefinedValue';
const isStr = (v: Value) => v.type === 'StringValue';
const isSeq = (v: Value) => v.type === 'ArrayValue' || v.type === 'TupleValue';
const isMapping = (v: Value) => v.type === 'ObjectValue' || v.type === 'KeywordArgumentsValue';
const isNumber = (v: Value) => v.type === 'IntegerValue' || v.type === 'FloatValue' || v.type === 'BooleanValue';
const items = (v: Value) => v.value as Value[];
const entries = (v: Value) => v.value as Map<string, Value>;
const num = (v: Value) => (v.type === 'BooleanValue' ? (v.value ? 1 : 0) : (v.value as number));
const truthy = (v: Value) => v.__bool__().value;

/** Python's type names, for error messages. */
function typeName(v: Value): string {
  const names: Record<string, string> = {
    StringValue: 'str', IntegerValue: 'int', FloatValue: 'float', BooleanValue: 'bool', NullValue: 'NoneType', ArrayValue: 'list',
    TupleValue: 'tuple', ObjectValue: 'dict', KeywordArgumentsValue: 'dict', NamespaceValue: 'Namespace', FunctionValue: 'function',
    UndefinedValue: 'Undefined',
  };
  return names[v.type] ?? v.type;
}

/** str(value), which jinja2 writes out (Undefined as ''). */
function pyStr(v: Value): string {
  switch (v.type) {
    case 'StringValue':
      return v.value as string;
    case 'UndefinedValue':
      return '';
    default:
      return pyRepr(v);
  }
}

function pyRepr(v: Value): string {
  switch (v.type) {
    case 'StringValue':
      return reprString(v.value as string);
    case 'IntegerValue':
      return reprInt(v.value as number);
    case 'FloatValue':
      return reprFloat(v.value as number);
    case 'BooleanValue':
      return v.value ? 'True' : 'False';
    case 'NullValue':
      return 'None';
    case 'UndefinedValue':
      return 'Undefined';
    case 'ArrayValue':
      return `[${items(v).map(pyRepr).join(', ')}]`;
    case 'TupleValue':
      return items(v).length === 1 ? `(${pyRepr(items(v)[0])},)` : `(${items(v).map(pyRepr).join(', ')})`;
    case 'ObjectValue':
    case 'KeywordArgumentsValue':
      return reprDict(entries(v));
    case 'NamespaceValue':
      return `<Namespace ${reprDict(entries(v))}>`;
    default:
      return `<${typeName(v)}>`;
  }
}

function reprDict(map: Map<string, Value>): string {
  return `{${[...map].map(([k, x]) => `${reprString(k)}: ${pyRepr(x)}`).join(', ')}}`;
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u.test(ch)) out += cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    else out += ch;
  }
  return out + quote;
}

function reprInt(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString();
}

/** repr(float): the shortest round-trip digits, positional for exponents -4..15, else d.ddde+XX. */
function reprFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const { digits, exp } = decimalDigits(Math.abs(x));
  const sign = x < 0 ? '-' : '';
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${whole}.${frac || '0'}`;
  }
  return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Python's ==, which jinja2 uses for ==, `in` and the `eq` tests. */
function pyEq(a: Value, b: Value): boolean {
  if (isNumber(a) && isNumber(b)) return num(a) === num(b);
  if (a.type !== b.type && !(isMapping(a) && isMapping(b))) return false;
  switch (a.type) {
    case 'StringValue':
      return a.value === b.value;
    case 'NullValue':
    case 'UndefinedValue':
      return true;
    case 'ArrayValue':
    case 'TupleValue':
      return items(a).length === items(b).length && items(a).every((x, i) => pyEq(x, items(b)[i]));
    case 'ObjectValue':
    case 'KeywordArgumentsValue': {
      const x = entries(a);
      const y = entries(b);
      return x.size === y.size && [...x].every(([k, v]) => y.has(k) && pyEq(v, y.get(k)!));
    }
    default:
      return a === b;
  }
}

/** Python's ordering (<), for comparisons, sort, min and max. */
function pyCompare(a: Value, b: Value): number {
  if (isNumber(a) && isNumber(b)) return num(a) < num(b) ? -1 : num(a) > num(b) ? 1 : 0;
  if (isStr(a) && isStr(b)) return compareCodePoints(a.value as string, b.value as string);
  if (isSeq(a) && a.type === b.type) {
    const x = items(a);
    const y = items(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (!pyEq(x[i], y[i])) return pyCompare(x[i], y[i]);
    return x.length - y.length;
  }
  if (isUndefined(a)) throw undefinedError(a);
  if (isUndefined(b)) throw undefinedError(b);
  throw new Error(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i].codePointAt(0)! - y[i].codePointAt(0)!;
  }
  return x.length - y.length;
}

/** iter(value): characters of a string, keys of a dict, nothing for Undefined. */
function pyIter(v: Value): Value[] {
  if (isSeq(v)) return items(v);
  if (isStr(v)) return Array.from(v.value as string, str);
  if (isMapping(v)) return [...entries(v).keys()].map(str);
  if (isUndefined(v)) return [];
  throw new Error(`'${typeName(v)}' object is not iterable`);
}

function pyLen(v: Value): number {
  if (isStr(v)) return Array.from(v.value as string).length;
  if (isSeq(v)) return items(v).length;
  if (isMapping(v)) return entries(v).size;
  if (isUndefined(v)) return 0;
  throw new Error(`object of type '${typeName(v)}' has no len()`);
}

// ---------------------------------------------------------------------------------------------------------------------
// JSON (the tojson filters)

interface JsonOptions {
  ensureAscii: boolean;
  indent: string | null;
  separators: [string, string];
  sortKeys: boolean;
}

/** json.dumps. */
function pyJson(v: Value, o: JsonOptions, depth = 0): string {
  switch (v.type) {
    case 'StringValue':
      return jsonString(v.value as string, o.ensureAscii);
    case 'IntegerValue':
      return reprInt(v.value as number);
    case 'FloatValue': {
      const x = v.value as number;
      return Number.isNaN(x) ? 'NaN' : !Number.isFinite(x) ? (x > 0 ? 'Infinity' : '-Infinity') : reprFloat(x);
    }
    case 'BooleanValue':
      return v.value ? 'true' : 'false';
    case 'NullValue':
      return 'null';
    case 'ArrayValue':
    case 'TupleValue':
      return jsonContainer('[', ']', items(v).map((x) => pyJson(x, o, depth + 1)), o, depth);
    case 'ObjectValue':
    case 'KeywordArgumentsValue': {
      let pairs = [...entries(v)];
      if (o.sortKeys) pairs = pairs.sort(([a], [b]) => compareCodePoints(a, b));
      return jsonContainer('{', '}', pairs.map(([k, x]) => `${jsonString(k, o.ensureAscii)}${o.separators[1]}${pyJson(x, o, depth + 1)}`), o, depth);
    }
    default:
      throw new Error(`Object of type ${typeName(v)} is not JSON serializable`);
  }
}

function jsonContainer(open: string, close: string, parts: string[], o: JsonOptions, depth: number): string {
  if (parts.length === 0) return open + close;
  if (o.indent === null) return open + parts.join(o.separators[0]) + close;
  const inner = `\n${o.indent.repeat(depth + 1)}`;
  return `${open}${inner}${parts.join(o.separators[0] + inner)}\n${o.indent.repeat(depth)}${close}`;
}

function jsonString(s: string, ensureAscii: boolean): string {
  const named: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
  const escape = ensureAscii ? /[\\"]|[^ -~]/g : /[\x00-\x1f\\"]/g;
  return `"${s.replace(escape, (c) => named[c] ?? `\\u${hex(c.charCodeAt(0), 4)}`)}"`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Python string methods and strftime

function stripChars(s: string, chars: Value | undefined, left: boolean, right: boolean): string {
  const set = chars === undefined || chars.type === 'NullValue' ? null : new Set(Array.from(chars.value as string));
  const cps = Array.from(s);
  const strip = (c: string) => (set ? set.has(c) : ALL_SPACE.test(c));
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && strip(cps[a])) a++;
  if (right) while (b > a && strip(cps[b - 1])) b--;
  return cps.slice(a, b).join('');
}

const isCased = (c: string) => c.toLowerCase() !== c.toUpperCase();

function pyTitle(s: string): string {
  let previousCased = false;
  let out = '';
  for (const c of s) {
    out += previousCased ? c.toLowerCase() : c.toUpperCase();
    previousCased = isCased(c);
  }
  return out;
}

function pyCapitalize(s: string): string {
  const [first = '', ...rest] = Array.from(s);
  return first.toUpperCase() + rest.join('').toLowerCase();
}

function pySplit(s: string, sep: Value | undefined, maxsplit: number): Value {
  if (sep === undefined || sep.type === 'NullValue') {
    const parts: string[] = [];
    let rest = s.replace(new RegExp(`^[${PY_SPACE}]+`), '');
    while (rest) {
      if (maxsplit >= 0 && parts.length === maxsplit) {
        parts.push(rest);
        break;
      }
      const m = new RegExp(`[${PY_SPACE}]+`).exec(rest);
      if (!m) {
        parts.push(rest);
        break;
      }
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return list(parts.map(str));
  }
  const separator = sep.value as string;
  if (separator === '') throw new Error('empty separator');
  const parts = s.split(separator);
  if (maxsplit >= 0 && parts.length > maxsplit + 1) parts.splice(maxsplit, parts.length, parts.slice(maxsplit).join(separator));
  return list(parts.map(str));
}

function pyReplace(s: string, old: string, replacement: string, count: number): string {
  if (count < 0) count = Infinity;
  if (old === '') {
    const cps = Array.from(s);
    let out = '';
    let n = 0;
    for (let i = 0; i <= cps.length; i++) {
      if (n < count) {
        out += replacement;
        n++;
      }
      if (i < cps.length) out += cps[i];
    }
    return out;
  }
  let out = '';
  let from = 0;
  for (let n = 0; n < count; n++) {
    const at = s.indexOf(old, from);
    if (at < 0) break;
    out += s.slice(from, at) + replacement;
    from = at + old.length;
  }
  return out + s.slice(from);
}

/** Python's printf-style `format % args` (a tuple is the argument list, a dict the mapping, anything else one argument). */
function pyPercent(format: string, args: Value): string {
  const positional = args.type === 'TupleValue' ? items(args) : [args];
  const mapping = isMapping(args) ? entries(args) : undefined;
  let next = 0;
  const take = () => {
    if (next >= positional.length) throw new Error('not enough arguments for format string');
    return positional[next++];
  };
  const out = format.replace(/%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.?)/g, (whole, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conv: string) => {
    if (conv === '%' && whole === '%%') return '%';
    const w = width === '*' ? num(take()) : width === undefined ? 0 : Number(width);
    const p = precision === '*' ? num(take()) : precision === undefined ? undefined : Number(precision);
    let v: Value;
    if (key !== undefined) {
      if (!mapping) throw new Error('format requires a mapping');
      if (!mapping.has(key)) throw new Error(`KeyError: ${reprString(key)}`);
      v = mapping.get(key)!;
    } else v = take();
    const numeric = () => {
      if (!isNumber(v)) throw new Error(`%${conv} format: a real number is required, not ${typeName(v)}`);
      return num(v);
    };
    let body: string;
    let isNum = true;
    switch (conv) {
      case 's': case 'r': case 'a':
        body = conv === 's' ? pyStr(v) : pyRepr(v);
        if (p !== undefined) body = Array.from(body).slice(0, p).join('');
        isNum = false;
        break;
      case 'd': case 'i': case 'u': body = String(Math.trunc(numeric())); break;
      case 'x': case 'X': case 'o': {
        const n = Math.trunc(numeric());
        body = Math.abs(n).toString(conv === 'o' ? 8 : 16);
        if (flags.includes('#')) body = (conv === 'o' ? '0o' : '0x') + body;
        if (conv === 'X') body = body.toUpperCase();
        if (n < 0) body = `-${body}`;
        break;
      }
      case 'f': case 'F': body = pyFixed(numeric(), p ?? 6); break;
      case 'e': case 'E': {
        const [m, e] = numeric().toExponential(p ?? 6).split('e');
        body = `${m}e${e[0]}${e.slice(1).padStart(2, '0')}`;
        if (conv === 'E') body = body.toUpperCase();
        break;
      }
      case 'c':
        body = isStr(v) ? (v.value as string) : String.fromCodePoint(numeric());
        isNum = false;
        break;
      default:
        throw new Error(`unsupported format character '${conv}'`);
    }
    if (isNum && !body.startsWith('-')) body = (flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + body;
    const length = Array.from(body).length;
    if (length >= w) return body;
    if (flags.includes('-')) return body + ' '.repeat(w - length);
    if (isNum && flags.includes('0')) {
      const sign = /^[-+ ]/.test(body) ? body[0] : '';
      return sign + '0'.repeat(w - length) + body.slice(sign.length);
    }
    return ' '.repeat(w - length) + body;
  });
  if (!mapping && next < positional.length) throw new Error('not all arguments converted during string formatting');
  return out;
}

/** `'%.{digits}f' % x`: toFixed rounds an exact tie away from zero, Python to even. */
function pyFixed(x: number, digits: number): string {
  const fixed = x.toFixed(digits);
  if (!Number.isFinite(x) || digits > 70) return fixed;
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 30)); // a double's tie ends within these digits
  const tie = new RegExp(`^\\d+\\.\\d{${digits}}50*$`).exec(exact);
  if (!tie) return fixed;
  const truncated = (x < 0 ? '-' : '') + exact.slice(0, exact.indexOf('.') + (digits ? digits + 1 : 0));
  const lastDigit = Number(truncated.replace(/\D/g, '').slice(-1));
  return lastDigit % 2 === 0 ? truncated.replace(/\.$/, '') : fixed;
}

function pySplitlines(s: string): string[] {
  const lines = s.split(/\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** datetime.strftime on Linux (glibc's directives and flags, C locale), for a naive local time. */
function pyStrftime(d: Date, format: string): string {
  const dayOfYear = Math.round((Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - Date.UTC(d.getFullYear(), 0, 1)) / 86400000) + 1;
  const hour12 = d.getHours() % 12 || 12;
  const weekNumber = (mondayFirst: boolean) => {
    const weekday = mondayFirst ? (d.getDay() + 6) % 7 : d.getDay();
    return Math.floor((dayOfYear + 6 - weekday) / 7);
  };
  const numeric = (n: number, width: number, pad: string) => String(n).padStart(width, pad);
  const expand = (c: string, flag: string): string | undefined => {
    const pad = flag === '-' ? '' : flag === '_' ? ' ' : '0';
    const n = (value: number, width: number, defaultPad = '0') => (pad === '' ? String(value) : numeric(value, width, flag ? pad : defaultPad));
    switch (c) {
      case 'a': return DAYS[d.getDay()].slice(0, 3);
      case 'A': return DAYS[d.getDay()];
      case 'w': return String(d.getDay());
      case 'u': return String(d.getDay() || 7);
      case 'd': return n(d.getDate(), 2);
      case 'e': return n(d.getDate(), 2, ' ');
      case 'b': case 'h': return MONTHS[d.getMonth()].slice(0, 3);
      case 'B': return MONTHS[d.getMonth()];
      case 'm': return n(d.getMonth() + 1, 2);
      case 'y': return n(d.getFullYear() % 100, 2);
      case 'Y': return String(d.getFullYear());
      case 'C': return n(Math.floor(d.getFullYear() / 100), 2);
      case 'H': return n(d.getHours(), 2);
      case 'k': return n(d.getHours(), 2, ' ');
      case 'I': return n(hour12, 2);
      case 'l': return n(hour12, 2, ' ');
      case 'p': return d.getHours() < 12 ? 'AM' : 'PM';
      case 'P': return d.getHours() < 12 ? 'am' : 'pm';
      case 'M': return n(d.getMinutes(), 2);
      case 'S': return n(d.getSeconds(), 2);
      case 'f': return numeric(d.getMilliseconds() * 1000, 6, '0');
      case 'j': return n(dayOfYear, 3);
      case 'U': return n(weekNumber(false), 2);
      case 'W': return n(weekNumber(true), 2);
      case 's': return String(Math.floor(d.getTime() / 1000));
      case 'z': case 'Z': return '';
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      case 'c': return pyStrftime(d, '%a %b %e %H:%M:%S %Y');
      case 'x': case 'D': return pyStrftime(d, '%m/%d/%y');
      case 'X': case 'T': return pyStrftime(d, '%H:%M:%S');
      case 'F': return pyStrftime(d, '%Y-%m-%d');
      case 'R': return pyStrftime(d, '%H:%M');
      case 'r': return pyStrftime(d, '%I:%M:%S %p');
      default: return undefined;
    }
  };
  return format.replace(/%([-_0^#]?)([a-zA-Z%])/g, (whole, flag: string, c: string) => {
    const text = expand(c, flag);
    if (text === undefined) return whole;
    return flag === '^' ? text.toUpperCase() : text;
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Attribute and item access (jinja2's sandboxed getattr/getitem), with Python's methods of str, dict and list

/** Methods of str. */
const STR_METHODS: Record<string, (s: string, a: Value[], k: Map<string, Value>) => Value> = {
  strip: (s, a) => str(stripChars(s, a[0], true, true)),
  lstrip: (s, a) => str(stripChars(s, a[0], true, false)),
  rstrip: (s, a) => str(stripChars(s, a[0], false, true)),
  upper: (s) => str(s.toUpperCase()),
  lower: (s) => str(s.toLowerCase()),
  title: (s) => str(pyTitle(s)),
  capitalize: (s) => str(pyCapitalize(s)),
  swapcase: (s) => str(Array.from(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')),
  startswith: (s, a) => bool((a[0].type === 'StringValue' ? [a[0]] : items(a[0])).some((p) => s.startsWith(p.value as string))),
  endswith: (s, a) => bool((a[0].type === 'StringValue' ? [a[0]] : items(a[0])).some((p) => s.endsWith(p.value as string))),
  split: (s, a, k) => pySplit(s, a[0] ?? k.get('sep'), num(a[1] ?? k.get('maxsplit') ?? int(-1))),
  splitlines: (s) => list(pySplitlines(s).map(str)),
  replace: (s, a) => str(pyReplace(s, a[0].value as string, a[1].value as string, a[2] ? num(a[2]) : -1)),
  join: (s, a) => str(pyIter(a[0]).map((x) => {
    if (!isStr(x)) throw new Error(`sequence item: expected str instance, ${typeName(x)} found`);
    return x.value as string;
  }).join(s)),
  count: (s, a) => int(a[0].value === '' ? Array.from(s).length + 1 : s.split(a[0].value as string).length - 1),
  find: (s, a) => int(s.indexOf(a[0].value as string)),
  rfind: (s, a) => int(s.lastIndexOf(a[0].value as string)),
  removeprefix: (s, a) => str(s.startsWith(a[0].value as string) ? s.slice((a[0].value as string).length) : s),
  removesuffix: (s, a) => str(a[0].value !== '' && s.endsWith(a[0].value as string) ? s.slice(0, -(a[0].value as string).length) : s),
  isdigit: (s) => bool(/^\p{Nd}+$/u.test(s)),
  isalpha: (s) => bool(/^\p{L}+$/u.test(s)),
  isalnum: (s) => bool(/^[\p{L}\p{N}]+$/u.test(s)),
  isspace: (s) => bool(s !== '' && ALL_SPACE.test(s)),
  islower: (s) => bool(Array.from(s).some(isCased) && s === s.toLowerCase()),
  isupper: (s) => bool(Array.from(s).some(isCased) && s === s.toUpperCase()),
  center: (s, a) => str(pyCenter(s, num(a[0]), (a[1]?.value as string | undefined) ?? ' ')),
  zfill: (s, a) => str(s.padStart(num(a[0]), '0')),
};

function pyCenter(s: string, width: number, fill: string): string {
  const length = Array.from(s).length;
  if (width <= length) return s;
  const total = width - length;
  const left = Math.floor(total / 2) + (total & width & 1);
  return fill.repeat(left) + s + fill.repeat(total - left);
}

/** Methods of list that mutate it: the sandbox refuses them; a plain jinja2.Template runs them. */
const LIST_MUTATORS = new Set(['append', 'extend', 'insert', 'pop', 'remove', 'clear', 'sort', 'reverse']);

function listMethod(target: Value, name: string, profile: Profile): Value {
  const xs = items(target);
  if (name === 'index') return fn((a) => {
    const i = xs.findIndex((x) => pyEq(x, a[0]));
    if (i < 0) throw new Error(`${pyRepr(a[0])} is not in list`);
    return int(i);
  });
  if (name === 'count') return fn((a) => int(xs.filter((x) => pyEq(x, a[0])).length));
  if (!LIST_MUTATORS.has(name) || target.type !== 'ArrayValue') return undefinedValue(`'${typeName(target)} object' has no attribute '${name}'`);
  if (profile.sandboxed) {
    return fn(() => {
      throw new Error(`access to attribute '${name}' of 'list' object is unsafe.`);
    });
  }
  return fn((a) => {
    switch (name) {
      case 'append': xs.push(a[0]); break;
      case 'extend': xs.push(...pyIter(a[0])); break;
      case 'insert': xs.splice(num(a[0]) < 0 ? Math.max(0, xs.length + num(a[0])) : num(a[0]), 0, a[1]); break;
      case 'pop': {
        if (xs.length === 0) throw new Error('pop from empty list');
        const i = a[0] ? (num(a[0]) + xs.length) % xs.length : xs.length - 1;
        return xs.splice(i, 1)[0];
      }
      case 'remove': {
        const i = xs.findIndex((x) => pyEq(x, a[0]));
        if (i < 0) throw new Error('list.remove(x): x not in list');
        xs.splice(i, 1);
        break;
      }
      case 'clear': xs.length = 0; break;
      case 'sort': xs.sort(pyCompare); break;
      case 'reverse': xs.reverse(); break;
    }
    return none();
  });
}

function dictMethod(target: Value, name: string): Value | undefined {
  const map = entries(target);
  switch (name) {
    case 'items': return fn(() => list([...map].map(([k, v]) => tuple([str(k), v]))));
    case 'keys': return fn(() => list([...map.keys()].map(str)));
    case 'values': return fn(() => list([...map.values()]));
    case 'get': return fn((a) => (isStr(a[0]) && map.has(a[0].value as string) ? map.get(a[0].value as string)! : (a[1] ?? none())));
    default: return undefined;
  }
}

/** obj.name: an attribute (a method) first, then an item. */
function getattr(obj: Value, name: string, profile: Profile): Value {
  if (isUndefined(obj)) throw undefinedError(obj);
  if (isMapping(obj)) return dictMethod(obj, name) ?? entries(obj).get(name) ?? undefinedValue(`'dict object' has no attribute '${name}'`);
  if (obj.type === 'NamespaceValue') return entries(obj).get(name) ?? undefinedValue(`'Namespace object' has no attribute '${name}'`);
  if (isStr(obj)) {
    const method = STR_METHODS[name];
    if (method) {
      return fn((a, k) => {
        const result = method(obj.value as string, a, k);
        if (!isMarkup(obj)) return result;
        return isStr(result) ? markup(result.value as string) : isSeq(result) ? list(items(result).map((x) => markup(x.value as string))) : result;
      });
    }
  }
  if (isSeq(obj)) return listMethod(obj, name, profile);
  return undefinedValue(`'${typeName(obj)} object' has no attribute '${name}'`);
}

/** obj[key]: an item first, then (for a string key) an attribute. */
function getitem(obj: Value, key: Value, profile: Profile): Value {
  if (isUndefined(obj)) throw undefinedError(obj);
  if (isMapping(obj) && isStr(key) && entries(obj).has(key.value as string)) return entries(obj).get(key.value as string)!;
  if ((isSeq(obj) || isStr(obj)) && (key.type === 'IntegerValue' || key.type === 'BooleanValue')) {
    const xs = isStr(obj) ? Array.from(obj.value as string) : items(obj);
    const i = num(key) < 0 ? xs.length + num(key) : num(key);
    if (i >= 0 && i < xs.length) return isStr(obj) ? like(obj, xs[i] as string) : (xs[i] as Value);
    return undefinedValue(`${typeName(obj)} object has no element ${num(key)}`);
  }
  if (isStr(key)) return getattr(obj, key.value as string, profile);
  return undefinedValue(`${typeName(obj)} object has no element ${pyRepr(key)}`);
}

/** Python's slice of a list, tuple or string. */
function pySlice(obj: Value, start: Value, stop: Value, step: Value): Value {
  if (isUndefined(obj)) throw undefinedError(obj);
  if (!isSeq(obj) && !isStr(obj)) throw new Error(`'${typeName(obj)}' object is not subscriptable`);
  const xs: unknown[] = isStr(obj) ? Array.from(obj.value as string) : items(obj);
  const given = (v: Value) => !isUndefined(v) && v.type !== 'NullValue';
  const by = given(step) ? num(step) : 1;
  if (by === 0) throw new Error('slice step cannot be zero');
  const n = xs.length;
  const clamp = (v: Value, dflt: number, low: number, high: number) => {
    if (!given(v)) return dflt;
    const i = num(v) < 0 ? num(v) + n : num(v);
    return Math.min(Math.max(i, low), high);
  };
  const from = by > 0 ? clamp(start, 0, 0, n) : clamp(start, n - 1, -1, n - 1);
  const to = by > 0 ? clamp(stop, n, 0, n) : clamp(stop, -1, -1, n - 1);
  const picked: unknown[] = [];
  for (let i = from; by > 0 ? i < to : i > to; i += by) picked.push(xs[i]);
  if (isStr(obj)) return like(obj, picked.join(''));
  return obj.type === 'TupleValue' ? tuple(picked as Value[]) : list(picked as Value[]);
}

// ---------------------------------------------------------------------------------------------------------------------
// Filters and tests with jinja2's semantics

type Filter = (value: Value, args: Value[], kwargs: Map<string, Value>, ctx: Jinja2Interpreter) => Value;

/** Every filter name jinja2 knows (an unknown one is a compile-time error there). */
const FILTERS = new Set([
  'abs', 'attr', 'batch', 'capitalize', 'center', 'count', 'd', 'default', 'dictsort', 'e', 'escape', 'filesizeformat', 'first',
  'float', 'forceescape', 'format', 'groupby', 'indent', 'int', 'items', 'join', 'last', 'length', 'list', 'lower', 'map', 'max',
  'min', 'pprint', 'random', 'reject', 'rejectattr', 'replace', 'reverse', 'round', 'safe', 'select', 'selectattr', 'slice',
  'sort', 'string', 'striptags', 'sum', 'title', 'tojson', 'trim', 'truncate', 'unique', 'upper', 'urlencode', 'urlize',
  'wordcount', 'wordwrap', 'xmlattr',
]);

/** Argument `i` given positionally or by `name`, else `dflt`. */
function arg(args: Value[], kwargs: Map<string, Value>, i: number, name: string): Value | undefined {
  return args[i] ?? kwargs.get(name);
}

/** jinja2's make_attrgetter: dotted paths, integer parts as indexes. */
function attrGetter(attribute: Value | undefined, ctx: Jinja2Interpreter, lower = false): (v: Value) => Value {
  const parts = attribute === undefined || attribute.type === 'NullValue' ? [] : pyStr(attribute).split('.');
  return (v) => {
    let x = v;
    for (const p of parts) x = getitem(x, /^\d+$/.test(p) ? int(Number(p)) : str(p), ctx.profile);
    return lower && isStr(x) ? str((x.value as string).toLowerCase()) : x;
  };
}

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
}

function pyInt(v: Value, dflt: Value): Value {
  if (v.type === 'IntegerValue') return v;
  if (v.type === 'BooleanValue' || v.type === 'FloatValue') return int(Math.trunc(num(v)));
  if (isStr(v)) {
    const t = (v.value as string).trim().replace(/_/g, '');
    if (/^[+-]?\d+$/.test(t)) return int(Number(t));
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return int(Math.trunc(Number(t)));
  }
  return dflt;
}

function pyFloat(v: Value, dflt: Value): Value {
  if (isNumber(v)) return float(num(v));
  if (isStr(v)) {
    const t = (v.value as string).trim().replace(/_/g, '').toLowerCase();
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return float(Number(t));
    if (/^[+-]?(inf|infinity|nan)$/.test(t)) return float(t.includes('nan') ? NaN : t.startsWith('-') ? -Infinity : Infinity);
  }
  return dflt;
}

/** Python's round(x, digits): correctly rounded, half to even. */
function pyRound(x: number, digits: number): number {
  if (digits < 0) {
    const factor = 10 ** -digits;
    return Number(pyFixed(x / factor, 0)) * factor;
  }
  return Number(pyFixed(x, digits));
}

function sortKey(ctx: Jinja2Interpreter, attribute: Value | undefined, caseSensitive: boolean) {
  return attrGetter(attribute, ctx, !caseSensitive);
}

/** The value, unless it is Undefined (whose use raises). */
function defined(v: Value): Value {
  if (isUndefined(v)) throw undefinedError(v);
  return v;
}

function numeric(v: Value): number {
  if (!isNumber(defined(v))) throw new Error(`bad operand type: '${typeName(v)}'`);
  return num(v);
}

const FILTER_IMPLS: Record<string, Filter> = {
  abs: (v) => (v.type === 'FloatValue' ? float(Math.abs(numeric(v))) : int(Math.abs(numeric(v)))),
  attr: (v, a, _k, ctx) => getattr(v, pyStr(a[0]), ctx.profile),
  batch: (v, a, k) => {
    const size = num(arg(a, k, 0, 'linecount') ?? int(1));
    const fill = arg(a, k, 1, 'fill_with');
    const rows: Value[][] = [];
    for (const x of pyIter(v)) {
      if (!rows.length || rows[rows.length - 1].length === size) rows.push([]);
      rows[rows.length - 1].push(x);
    }
    if (fill && fill.type !== 'NullValue' && rows.length) while (rows[rows.length - 1].length < size) rows[rows.length - 1].push(fill);
    return list(rows.map(list));
  },
  capitalize: (v) => like(v, pyCapitalize(pyStr(v))),
  center: (v, a, k) => like(v, pyCenter(pyStr(v), num(arg(a, k, 0, 'width') ?? int(80)), ' ')),
  count: (v) => int(pyLen(v)),
  length: (v) => int(pyLen(v)),
  default: (v, a, k) => {
    const dflt = arg(a, k, 0, 'default_value') ?? str('');
    const boolean = arg(a, k, 1, 'boolean');
    return isUndefined(v) || (boolean && truthy(boolean) && !truthy(v)) ? dflt : v;
  },
  dictsort: (v, a, k, ctx) => {
    const caseSensitive = truthy(arg(a, k, 0, 'case_sensitive') ?? bool(false));
    const by = pyStr(arg(a, k, 1, 'by') ?? str('key'));
    const reverse = truthy(arg(a, k, 2, 'reverse') ?? bool(false));
    const pos = by === 'key' ? 0 : 1;
    const key = sortKey(ctx, undefined, caseSensitive);
    if (!isMapping(defined(v))) throw new Error('You can only sort by either "key" or "value"');
    const pairs = [...entries(v)].map(([x, y]) => tuple([str(x), y]));
    pairs.sort((p, q) => pyCompare(key(items(p)[pos]), key(items(q)[pos])) * (reverse ? -1 : 1));
    return list(pairs);
  },
  escape: (v) => markup(escaped(v)),
  format: (v, a, k) => {
    if (a.length && k.size) throw new Error("can't handle positional and keyword arguments at the same time");
    return like(v, pyPercent(pyStr(v), k.size ? dict(k) : tuple(a)));
  },
  first: (v) => pyIter(v)[0] ?? undefinedValue('No first item, sequence was empty.'),
  last: (v) => pyIter(v).at(-1) ?? undefinedValue('No last item, sequence was empty.'),
  float: (v, a, k) => pyFloat(defined(v), arg(a, k, 0, 'default') ?? float(0)),
  int: (v, a, k) => pyInt(defined(v), arg(a, k, 0, 'default') ?? int(0)),
  indent: (v, a, k) => {
    const width = arg(a, k, 0, 'width') ?? int(4);
    const first = truthy(arg(a, k, 1, 'first') ?? bool(false));
    const blank = truthy(arg(a, k, 2, 'blank') ?? bool(false));
    const indention = isStr(width) ? (width.value as string) : ' '.repeat(num(width));
    const lines = pySplitlines(`${pyStr(defined(v))}\n`);
    let rv: string;
    if (blank) rv = lines.join(`\n${indention}`);
    else {
      rv = lines.shift() ?? '';
      if (lines.length) rv += `\n${lines.map((line) => (line ? indention + line : line)).join('\n')}`;
    }
    return like(v, first ? indention + rv : rv);
  },
  items: (v) => {
    if (isUndefined(v)) return list([]);
    if (!isMapping(v)) throw new Error('Can only get item pairs from a mapping.');
    return list([...entries(v)].map(([x, y]) => tuple([str(x), y])));
  },
  join: (v, a, k, ctx) => {
    const get = attrGetter(arg(a, k, 1, 'attribute'), ctx);
    return str(pyIter(v).map((x) => pyStr(get(x))).join(pyStr(arg(a, k, 0, 'd') ?? str(''))));
  },
  list: (v) => list(pyIter(v)),
  lower: (v) => like(v, pyStr(v).toLowerCase()),
  upper: (v) => like(v, pyStr(v).toUpperCase()),
  map: (v, a, k, ctx) => {
    const xs = pyIter(v);
    if (a.length === 0 && k.has('attribute')) {
      const get = attrGetter(k.get('attribute'), ctx);
      const dflt = k.get('default');
      return list(xs.map((x) => {
        const y = get(x);
        return isUndefined(y) && dflt !== undefined ? dflt : y;
      }));
    }
    const name = pyStr(a[0]);
    return list(xs.map((x) => ctx.runFilter(name, x, a.slice(1), k)));
  },
  max: (v, a, k, ctx) => pickExtreme(v, a, k, ctx, 1),
  min: (v, a, k, ctx) => pickExtreme(v, a, k, ctx, -1),
  reject: (v, a, _k, ctx) => list(pyIter(v).filter((x) => !ctx.runTest(pyStr(a[0] ?? str('')), x, a.slice(1), a.length === 0))),
  select: (v, a, _k, ctx) => list(pyIter(v).filter((x) => ctx.runTest(pyStr(a[0] ?? str('')), x, a.slice(1), a.length === 0))),
  rejectattr: (v, a, _k, ctx) => list(pyIter(v).filter((x) => !ctx.runTest(pyStr(a[1] ?? str('')), attrGetter(a[0], ctx)(x), a.slice(2), a.length < 2))),
  selectattr: (v, a, _k, ctx) => list(pyIter(v).filter((x) => ctx.runTest(pyStr(a[1] ?? str('')), attrGetter(a[0], ctx)(x), a.slice(2), a.length < 2))),
  replace: (v, a, k) => str(pyReplace(pyStr(v), pyStr(a[0]), pyStr(a[1]), num(arg(a, k, 2, 'count') ?? int(-1)))),
  reverse: (v) => (isStr(v) ? str(Array.from(v.value as string).reverse().join('')) : list([...pyIter(v)].reverse())),
  round: (v, a, k) => {
    const precision = num(arg(a, k, 0, 'precision') ?? int(0));
    const method = pyStr(arg(a, k, 1, 'method') ?? str('common'));
    const factor = 10 ** precision;
    const x = numeric(v);
    if (method === 'ceil') return float(Math.ceil(x * factor) / factor);
    if (method === 'floor') return float(Math.floor(x * factor) / factor);
    return float(pyRound(x, precision));
  },
  safe: (v) => markup(pyStr(v)),
  slice: (v, a, k) => {
    const xs = pyIter(v);
    const count = num(arg(a, k, 0, 'slices') ?? int(1));
    const fill = arg(a, k, 1, 'fill_with');
    const per = Math.floor(xs.length / count);
    const extra = xs.length % count;
    const out: Value[] = [];
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const size = per + (i < extra ? 1 : 0);
      const part = xs.slice(offset, offset + size);
      offset += size;
      if (fill && fill.type !== 'NullValue' && i >= extra) part.push(fill);
      out.push(list(part));
    }
    return list(out);
  },
  sort: (v, a, k, ctx) => {
    const reverse = truthy(arg(a, k, 0, 'reverse') ?? bool(false));
    const key = sortKey(ctx, arg(a, k, 2, 'attribute'), truthy(arg(a, k, 1, 'case_sensitive') ?? bool(false)));
    return list([...pyIter(v)].sort((x, y) => pyCompare(key(x), key(y)) * (reverse ? -1 : 1)));
  },
  string: (v) => like(v, pyStr(v)),
  sum: (v, a, k, ctx) => {
    const get = attrGetter(arg(a, k, 0, 'attribute'), ctx);
    return pyIter(v).reduce((acc, x) => binary('+', acc, get(x)), arg(a, k, 1, 'start') ?? int(0));
  },
  title: (v) => str(pyStr(v).split(/([-\s({[<]+)/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('')),
  tojson: (v, a, k, ctx) => ctx.tojson(v, a, k),
  trim: (v, a, k) => like(v, stripChars(pyStr(v), arg(a, k, 0, 'chars'), true, true)),
  truncate: (v, a, k) => {
    const s = Array.from(pyStr(v));
    const length = num(arg(a, k, 0, 'length') ?? int(255));
    const end = pyStr(arg(a, k, 2, 'end') ?? str('...'));
    const leeway = num(arg(a, k, 3, 'leeway') ?? int(5));
    if (s.length <= length + leeway) return str(s.join(''));
    const head = s.slice(0, Math.max(0, length - Array.from(end).length)).join('');
    if (truthy(arg(a, k, 1, 'killwords') ?? bool(false))) return str(head + end);
    const space = head.lastIndexOf(' ');
    return str((space < 0 ? head : head.slice(0, space)) + end);
  },
  unique: (v, a, k, ctx) => {
    const key = sortKey(ctx, arg(a, k, 1, 'attribute'), truthy(arg(a, k, 0, 'case_sensitive') ?? bool(false)));
    const seen: Value[] = [];
    const out: Value[] = [];
    for (const x of pyIter(v)) {
      const kx = key(x);
      if (!seen.some((s) => pyEq(s, kx))) {
        seen.push(kx);
        out.push(x);
      }
    }
    return list(out);
  },
  wordcount: (v) => int((pyStr(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length),
};
FILTER_IMPLS.d = FILTER_IMPLS.default;
FILTER_IMPLS.e = FILTER_IMPLS.escape;
FILTER_IMPLS.forceescape = FILTER_IMPLS.escape;

function pickExtreme(v: Value, a: Value[], k: Map<string, Value>, ctx: Jinja2Interpreter, sign: number): Value {
  const key = sortKey(ctx, arg(a, k, 1, 'attribute'), truthy(arg(a, k, 0, 'case_sensitive') ?? bool(false)));
  const xs = pyIter(v);
  if (xs.length === 0) return undefinedValue('No aggregated item, sequence was empty.');
  return xs.reduce((best, x) => (pyCompare(key(x), key(best)) * sign > 0 ? x : best));
}

type Test = (value: Value, args: Value[]) => boolean;

const TEST_IMPLS: Record<string, Test> = {
  odd: (v) => integerOf(v) % 2 !== 0,
  even: (v) => integerOf(v) % 2 === 0,
  divisibleby: (v, a) => num(v) % num(a[0]) === 0,
  defined: (v) => !isUndefined(v),
  undefined: (v) => isUndefined(v),
  none: (v) => v.type === 'NullValue',
  boolean: (v) => v.type === 'BooleanValue',
  false: (v) => v.type === 'BooleanValue' && !v.value,
  true: (v) => v.type === 'BooleanValue' && v.value === true,
  integer: (v) => v.type === 'IntegerValue',
  float: (v) => v.type === 'FloatValue',
  number: (v) => isNumber(v),
  string: (v) => isStr(v),
  mapping: (v) => isMapping(v),
  sequence: (v) => isStr(v) || isSeq(v) || isMapping(v) || isUndefined(v), // Undefined has __len__ and __getitem__
  iterable: (v) => isStr(v) || isSeq(v) || isMapping(v) || isUndefined(v),
  callable: (v) => v.type === 'FunctionValue' || isUndefined(v), // Undefined has a __call__ (that raises)
  lower: (v) => STR_METHODS.islower(pyStr(v), [], new Map()).value === true,
  upper: (v) => STR_METHODS.isupper(pyStr(v), [], new Map()).value === true,
  escaped: () => false,
  sameas: (v, a) => v === a[0] || (v.type === a[0].type && ['NullValue', 'BooleanValue', 'IntegerValue'].includes(v.type) && v.value === a[0].value),
  in: (v, a) => containedIn(v, a[0]),
  eq: (v, a) => pyEq(v, a[0]),
  ne: (v, a) => !pyEq(v, a[0]),
  gt: (v, a) => pyCompare(v, a[0]) > 0,
  ge: (v, a) => pyCompare(v, a[0]) >= 0,
  lt: (v, a) => pyCompare(v, a[0]) < 0,
  le: (v, a) => pyCompare(v, a[0]) <= 0,
};
for (const [alias, name] of [['==', 'eq'], ['equalto', 'eq'], ['!=', 'ne'], ['>', 'gt'], ['greaterthan', 'gt'], ['>=', 'ge'], ['<', 'lt'], ['lessthan', 'lt'], ['<=', 'le']]) {
  TEST_IMPLS[alias] = TEST_IMPLS[name];
}
/** Every test name jinja2 knows. */
const TESTS = new Set([...Object.keys(TEST_IMPLS), 'filter', 'test']);

function integerOf(v: Value): number {
  if (isUndefined(v)) throw undefinedError(v);
  if (!isNumber(v)) throw new Error(`not all arguments converted during string formatting`);
  return num(v);
}

/** Python's `a in b`. */
function containedIn(a: Value, b: Value): boolean {
  if (isUndefined(b)) return false;
  if (isStr(b)) {
    if (isUndefined(a)) throw undefinedError(a);
    if (!isStr(a)) throw new Error(`'in <string>' requires string as left operand, not ${typeName(a)}`);
    return (b.value as string).includes(a.value as string);
  }
  if (isSeq(b)) return items(b).some((x) => pyEq(x, a));
  if (isMapping(b)) return isStr(a) && entries(b).has(a.value as string);
  throw new Error(`argument of type '${typeName(b)}' is not iterable`);
}

/** Python's binary operators (and jinja2's `~`), on the library's values. */
function binary(op: string, a: Value, b: Value): Value {
  if (op === '~') return str(pyStr(a) + pyStr(b));
  switch (op) {
    case '==': return bool(pyEq(a, b));
    case '!=': return bool(!pyEq(a, b));
    case 'in': return bool(containedIn(a, b));
    case 'not in': return bool(!containedIn(a, b));
    case '<': return bool(pyCompare(a, b) < 0);
    case '>': return bool(pyCompare(a, b) > 0);
    case '<=': return bool(pyCompare(a, b) <= 0);
    case '>=': return bool(pyCompare(a, b) >= 0);
  }
  if (op === '%' && isStr(a)) return like(a, pyPercent(a.value as string, b));
  if (isUndefined(a)) throw undefinedError(a);
  if (isUndefined(b)) throw undefinedError(b);
  const unsupported = () => new Error(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  if (isNumber(a) && isNumber(b)) {
    const x = num(a);
    const y = num(b);
    const floaty = a.type === 'FloatValue' || b.type === 'FloatValue';
    const make = (n: number) => (floaty ? float(n) : int(n));
    switch (op) {
      case '+': return make(x + y);
      case '-': return make(x - y);
      case '*': return make(x * y);
      case '/':
        if (y === 0) throw new Error('division by zero');
        return float(x / y);
      case '//':
        if (y === 0) throw new Error('integer division or modulo by zero');
        return make(Math.floor(x / y));
      case '%':
        if (y === 0) throw new Error('integer division or modulo by zero');
        return make(x - Math.floor(x / y) * y);
      case '**':
        if (!floaty && y < 0) return float(x ** y);
        return make(x ** y);
    }
  }
  if (op === '+') {
    if (isMarkup(a) && (isStr(b) || isMarkup(b))) return markup((a.value as string) + escaped(b));
    if (isMarkup(b) && isStr(a)) return markup(escaped(a) + (b.value as string));
    if (isStr(a) && isStr(b)) return str((a.value as string) + (b.value as string));
    if (isSeq(a) && a.type === b.type) return a.type === 'TupleValue' ? tuple([...items(a), ...items(b)]) : list([...items(a), ...items(b)]);
    if (isStr(a)) throw new Error(`can only concatenate str (not "${typeName(b)}") to str`);
    throw unsupported();
  }
  if (op === '*') {
    const [seq, times] = isNumber(a) ? [b, a] : [a, b];
    if (times.type === 'IntegerValue' || times.type === 'BooleanValue') {
      const n = Math.max(0, num(times));
      if (isStr(seq)) return like(seq, (seq.value as string).repeat(n));
      if (isSeq(seq)) return list(Array.from({ length: n }, () => items(seq)).flat());
    }
  }
  throw unsupported();
}

// ---------------------------------------------------------------------------------------------------------------------
// The interpreter: the library's, with jinja2's semantics for the nodes where they differ

interface Binary extends AstNode { operator: { value: string }; left: Statement; right: Statement }
interface FilterNode extends AstNode { operand: Statement; filter: AstNode }
interface CallNode extends AstNode { callee: AstNode; args: AstNode[] }
interface TestNode extends AstNode { operand: Statement; negate: boolean; test: { value: string } }
interface Member extends AstNode { object: Statement; property: AstNode; computed: boolean }
interface ForNode extends AstNode { loopvar: AstNode; iterable: AstNode; body: Statement[]; defaultBlock: Statement[] }

/** {% break %} or {% continue %} on its way to its loop, with the output written before it. */
class LoopControl extends Error {
  output = '';
  constructor(readonly isBreak: boolean) {
    super(isBreak ? "'break' outside loop" : "'continue' outside loop");
  }
}

class Jinja2Interpreter extends Interpreter {
  constructor(env: Environment, readonly profile: Profile, private readonly program: Program) {
    super(env);
  }

  override evaluate(statement: Statement | undefined, environment: Environment): Value {
    if (!statement) return super.evaluate(statement, environment);
    const value = this.evaluateNode(statement, environment);
    return this.program.outputs.has(statement) ? str(pyStr(value)) : value;
  }

  private evaluateNode(statement: Statement, environment: Environment): Value {
    const node = statement as unknown as AstNode;
    switch (node.type) {
      case 'For':
        return str(this.runFor(node as ForNode, environment));
      case 'If':
        return str(this.block((truthy(this.evaluate(node.test as Statement, environment)) ? node.body : node.alternate) as Statement[], environment));
      case 'Break':
      case 'Continue':
        throw new LoopControl(node.type === 'Break');
      case 'Identifier': {
        const value = super.evaluate(statement, environment);
        return isUndefined(value) ? undefinedValue(`'${node.value as string}' is undefined`) : value;
      }
      case 'BinaryExpression': {
        const b = node as Binary;
        const op = b.operator.value;
        if (op === 'and' || op === 'or') return super.evaluate(statement, environment);
        return binary(op, this.evaluate(b.left, environment), this.evaluate(b.right, environment));
      }
      case 'MemberExpression': {
        const m = node as Member;
        const object = this.evaluate(m.object, environment);
        if (m.property.type === 'SliceExpression') {
          const part = (field: string) => this.evaluate(m.property[field] as Statement | undefined, environment);
          return pySlice(object, part('start'), part('stop'), part('step'));
        }
        if (m.computed) return getitem(object, this.evaluate(m.property as unknown as Statement, environment), this.profile);
        if (m.property.type === 'IntegerLiteral') return getitem(object, int(m.property.value as number), this.profile);
        return getattr(object, m.property.value as string, this.profile);
      }
      case 'CallExpression': {
        // Python evaluates the callee first, and calling Undefined raises its own error.
        const call = node as CallNode;
        if (call.args.some((a) => a.type === 'SpreadExpression' || a.type === 'KeywordSpreadExpression')) return super.evaluate(statement, environment);
        const callee = this.evaluate(call.callee as unknown as Statement, environment);
        if (isUndefined(callee)) throw undefinedError(callee);
        if (callee.type !== 'FunctionValue') throw new Error(`'${typeName(callee)}' object is not callable`);
        const [args, kwargs] = this.evaluateArgs(call.args, environment);
        if (kwargs.size) args.push(new V.keywords(kwargs));
        return (callee.value as (args: Value[], scope: Environment) => Value)(args, environment);
      }
      case 'FilterStatement': {
        const filter = node.filter as AstNode;
        const isCall = filter.type === 'CallExpression';
        const name = (isCall ? (filter as CallNode).callee.value : filter.value) as string;
        if (!FILTER_IMPLS[name]) return super.evaluate(statement, environment);
        const body = str(this.block(node.body as Statement[], environment));
        const [args, kwargs] = isCall ? this.evaluateArgs((filter as CallNode).args, environment) : [[], new Map<string, Value>()];
        return this.runFilter(name, body, args, kwargs);
      }
      case 'FilterExpression': {
        const f = node as FilterNode;
        const isCall = f.filter.type === 'CallExpression';
        const name = (isCall ? (f.filter as CallNode).callee.value : f.filter.value) as string;
        if (!FILTER_IMPLS[name]) return super.evaluate(statement, environment);
        const operand = this.evaluate(f.operand, environment);
        const [args, kwargs] = isCall ? this.evaluateArgs((f.filter as CallNode).args, environment) : [[], new Map<string, Value>()];
        return this.runFilter(name, operand, args, kwargs);
      }
      case 'TestExpression': {
        const t = node as TestNode;
        const result = this.runTest(t.test.value, this.evaluate(t.operand, environment), [], false);
        return bool(t.negate ? !result : result);
      }
      default:
        return super.evaluate(statement, environment);
    }
  }

  /** The output of a block. A loop control keeps the output written before it (the library's block drops it). */
  private block(statements: Statement[], environment: Environment): string {
    let out = '';
    for (const statement of statements) {
      let value: Value;
      try {
        value = this.evaluate(statement, environment);
      } catch (e) {
        if (e instanceof LoopControl) e.output = out + e.output;
        throw e;
      }
      if (value.type !== 'NullValue' && value.type !== 'UndefinedValue') out += value.toString();
    }
    return out;
  }

  /**
   * jinja2's for loop: it iterates strings and Undefined too, filters before numbering, gives every iteration its own
   * scope (a `{% set %}` does not carry over to the next one), and runs `else` only when nothing was iterated.
   */
  private runFor(node: ForNode, environment: Environment): string {
    const scope = new Environment(environment);
    const select = node.iterable.type === 'SelectExpression' ? node.iterable : undefined;
    let values = pyIter(this.evaluate((select ? select.lhs : node.iterable) as Statement, scope));
    if (select) {
      values = values.filter((v) => {
        const test = new Environment(scope);
        this.assign(node.loopvar, v, test);
        return truthy(this.evaluate(select.test as Statement, test));
      });
    }
    let out = '';
    let last: Value[] | undefined;
    for (let i = 0; i < values.length; i++) {
      const iteration = new Environment(scope);
      const loop = new Map<string, Value>([
        ['index', int(i + 1)], ['index0', int(i)], ['revindex', int(values.length - i)], ['revindex0', int(values.length - i - 1)],
        ['first', bool(i === 0)], ['last', bool(i === values.length - 1)], ['length', int(values.length)], ['depth', int(1)], ['depth0', int(0)],
        ['previtem', i > 0 ? values[i - 1] : undefinedValue('there is no previous item')],
        ['nextitem', i < values.length - 1 ? values[i + 1] : undefinedValue('there is no next item')],
        ['cycle', fn((a) => {
          if (a.length === 0) throw new Error('no items for cycling given');
          return a[i % a.length];
        })],
        ['changed', fn((a) => {
          const changed = last === undefined || last.length !== a.length || a.some((x, k) => !pyEq(x, last![k]));
          last = a;
          return bool(changed);
        })],
      ]);
      iteration.setVariable('loop', dict(loop));
      this.assign(node.loopvar, values[i], iteration);
      try {
        out += this.block(node.body, iteration);
      } catch (e) {
        if (!(e instanceof LoopControl)) throw e;
        out += e.output;
        if (e.isBreak) break;
      }
    }
    if (values.length === 0) out += this.block(node.defaultBlock, scope);
    return out;
  }

  private assign(target: AstNode, value: Value, environment: Environment): void {
    if (target.type === 'Identifier') {
      environment.setVariable(target.value as string, value);
      return;
    }
    const names = target.value as AstNode[];
    const parts = pyIter(value);
    if (parts.length !== names.length) throw new Error(parts.length > names.length ? `too many values to unpack (expected ${names.length})` : `not enough values to unpack (expected ${names.length}, got ${parts.length})`);
    names.forEach((n, i) => this.assign(n, parts[i], environment));
  }

  private evaluateArgs(args: AstNode[], environment: Environment): [Value[], Map<string, Value>] {
    const positional: Value[] = [];
    const kwargs = new Map<string, Value>();
    for (const a of args) {
      if (a.type === 'KeywordArgumentExpression') kwargs.set((a.key as { value: string }).value, this.evaluate(a.value as Statement, environment));
      else positional.push(this.evaluate(a as unknown as Statement, environment));
    }
    return [positional, kwargs];
  }

  runFilter(name: string, value: Value, args: Value[], kwargs: Map<string, Value>): Value {
    const impl = FILTER_IMPLS[name];
    if (!impl) throw new Error(`The filter '${name}' is not supported by this renderer.`);
    return impl(value, args, kwargs, this);
  }

  /** `truthiness` is select()/reject() without a test name: the value's truth. */
  runTest(name: string, value: Value, args: Value[], truthiness: boolean): boolean {
    if (truthiness) return truthy(value);
    const impl = TEST_IMPLS[name];
    if (!impl) throw new Error(`No test named '${name}'.`);
    return impl(value, args);
  }

  tojson(value: Value, args: Value[], kwargs: Map<string, Value>): Value {
    if (this.profile.tojson === 'jinja2') {
      // jinja2's htmlsafe_json_dumps: json.dumps(sort_keys=True), then <, >, & and ' escaped.
      const extra = [...kwargs.keys()].find((k) => k !== 'indent');
      if (extra !== undefined || args.length > 1) throw new Error(`do_tojson() got an unexpected argument${extra ? ` '${extra}'` : ''}`);
      const indent = arg(args, kwargs, 0, 'indent');
      const text = pyJson(value, { ensureAscii: true, indent: jsonIndent(indent), separators: jsonIndent(indent) === null ? [', ', ': '] : [',', ': '], sortKeys: true });
      return markup(text.replace(/[<>&']/g, (c) => `\\u${hex(c.charCodeAt(0), 4)}`));
    }
    // transformers' tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False) = json.dumps(...).
    const indent = jsonIndent(arg(args, kwargs, 1, 'indent'));
    const separators = arg(args, kwargs, 2, 'separators');
    return str(pyJson(value, {
      ensureAscii: truthy(arg(args, kwargs, 0, 'ensure_ascii') ?? bool(false)),
      indent,
      separators: separators && separators.type !== 'NullValue' ? [pyStr(items(separators)[0]), pyStr(items(separators)[1])] : indent === null ? [', ', ': '] : [',', ': '],
      sortKeys: truthy(arg(args, kwargs, 3, 'sort_keys') ?? bool(false)),
    }));
  }
}

function jsonIndent(v: Value | undefined): string | null {
  if (v === undefined || v.type === 'NullValue') return null;
  return isStr(v) ? (v.value as string) : ' '.repeat(Math.max(0, num(v)));
}

// ---------------------------------------------------------------------------------------------------------------------
// Globals

function makeGlobals(profile: Profile, now: Date): Environment {
  const env = new Environment();
  for (const [name, value] of Object.entries({ true: true, false: false, none: null, True: true, False: false, None: null })) env.set(name, value);
  env.variables.set('range', fn((a) => {
    const [start, stop, step] = a.length === 1 ? [0, num(a[0]), 1] : [num(a[0]), num(a[1]), a[2] ? num(a[2]) : 1];
    if (step === 0) throw new Error('range() arg 3 must not be zero');
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
