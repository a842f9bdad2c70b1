// Parses a chat template with @huggingface/jinja (the parser node-llama-cpp and transformers.js use) and says, with
// positions in the template string: where it fails to parse, whether it reads `messages` and `add_generation_prompt`
// (from the AST, so comments and string literals do not count), and where it uses tags that only some Python Jinja2
// set-ups know (`{% break %}`, `{% continue %}`, `{% generation %}`). Results are cached by template text.
import { parse, tokenize } from '@huggingface/jinja';
import { suggest } from '../didYouMean';
import { JinjaLexError, tokenizeWithPositions, type PositionedToken } from './lexer';

export interface TemplateProblem {
  /** Span in the template string (indexes into the decoded value). */
  start: number;
  end: number;
  /** What is wrong and what to do, as sentences without the key name. */
  message: string;
  /** True when @huggingface/jinja rejects something Python's Jinja2 accepts. */
  jinja2MayAccept: boolean;
}

export interface TemplateAnalysis {
  problem?: TemplateProblem;
  /** Only meaningful when there is no problem (the AST exists). */
  readsMessages: boolean;
  readsAddGenerationPrompt: boolean;
  /** Every variable the template reads, with the span of its first use when the positions are known. */
  reads?: ReadonlyMap<string, { start: number; end: number } | undefined>;
  /** Names the template assigns itself (set, for, macro) or reads behind `is defined` or `| default(...)`. */
  bound?: ReadonlySet<string>;
  /** Tags that need Jinja extensions: loopcontrols (`break`, `continue`) or transformers' `generation`. */
  extensionTags: { name: string; start: number; end: number }[];
}

const CACHE_LIMIT = 256;

interface Cached {
  template: string;
  analysis: TemplateAnalysis;
  /** When it was last asked for, to evict the least recently used. */
  used: number;
}

/**
 * Analyses by template length, then text. A template read from the file is a new string each time, and hashing a
 * few kilobytes for a Map lookup costs microseconds, twenty times more than comparing it with the few of its length.
 */
const cache = new Map<number, Cached[]>();
let cached = 0;
let clock = 0;

export function analyzeTemplate(template: string): TemplateAnalysis {
  const sameLength = cache.get(template.length);
  if (sameLength) {
    for (const c of sameLength) {
      if (c.template === template) {
        c.used = ++clock;
        return c.analysis;
      }
    }
  }
  let analysis: TemplateAnalysis;
  try {
    analysis = analyzeUncached(template);
  } catch {
    // An internal failure must not break the whole check: say nothing about this template.
    analysis = { readsMessages: true, readsAddGenerationPrompt: true, extensionTags: [] };
  }
  if (sameLength) sameLength.push({ template, analysis, used: ++clock });
  else cache.set(template.length, [{ template, analysis, used: ++clock }]);
  if (++cached > CACHE_LIMIT) evictOldest();
  return analysis;
}

function evictOldest(): void {
  let oldest: Cached | undefined;
  for (const list of cache.values()) for (const c of list) if (!oldest || c.used < oldest.used) oldest = c;
  if (!oldest) return;
  const list = cache.get(oldest.template.length)!;
  list.splice(list.indexOf(oldest), 1);
  if (!list.length) cache.delete(oldest.template.length);
  cached--;
}

/** For tests and benchmarks. */
export function templateCacheSize(): number {
  return cached;
}

type LibToken = ReturnType<typeof tokenize>[number];

function analyzeUncached(template: string): TemplateAnalysis {
  const extensionTags = findExtensionTags(template);
  const none: TemplateAnalysis = { readsMessages: false, readsAddGenerationPrompt: false, extensionTags };

  // Our positioned tokens (for positions) and the library's tokens (the reference).
  let positioned: PositionedToken[] | undefined;
  let lexError: JinjaLexError | undefined;
  try {
    positioned = tokenizeWithPositions(template);
  } catch (e) {
    if (e instanceof JinjaLexError) lexError = e;
    else throw e;
  }
  let libTokens: LibToken[];
  try {
    libTokens = tokenize(template);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ...none, problem: lexProblem(template, message, lexError) };
  }
  const aligned = positioned !== undefined && positioned.length === libTokens.length && positioned.every((t, i) => t.type === libTokens[i].type && t.value === libTokens[i].value);

  let program: unknown;
  try {
    program = parse(libTokens);
  } catch (first) {
    // Parse again with a proxy that records the last token the parser looked at: that is where it failed.
    let last = -1;
    const watched = new Proxy(libTokens, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) last = Number(prop);
        return Reflect.get(target, prop, receiver);
      },
    });
    let e: unknown = first;
    if (!(first instanceof RangeError)) {
      try {
        parse(watched);
      } catch (again) {
        e = again;
      }
    }
    const problem = aligned ? parseProblem(template, positioned!, e, last) : undefined;
    return {
      ...none,
      problem: problem ?? {
        start: 0,
        end: template.length,
        message: `The template does not parse (${errorText(e)}). Fix the tag the parser names.`,
        jinja2MayAccept: false,
      },
    };
  }
  const tally: Tally = { reads: new Set(), bound: new Set() };
  walk(program, tally);
  const reads = new Map<string, { start: number; end: number } | undefined>();
  for (const name of tally.reads) reads.set(name, undefined);
  if (aligned) {
    // The first use of each name: an identifier that is not an attribute (after a dot).
    for (let i = 0; i < positioned!.length; i++) {
      const t = positioned![i];
      if (t.type === 'Identifier' && reads.has(t.value) && reads.get(t.value) === undefined && positioned![i - 1]?.type !== 'Dot') {
        reads.set(t.value, { start: t.start, end: t.end });
      }
    }
  }
  return { readsMessages: reads.has('messages'), readsAddGenerationPrompt: reads.has('add_generation_prompt'), reads, bound: tally.bound, extensionTags };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------------------------------------------------------------
// Lexer errors

function lexProblem(template: string, libMessage: string, err: JinjaLexError | undefined): TemplateProblem {
  if (!err) return { start: 0, end: template.length, message: `The template does not parse (${libMessage}).`, jinja2MayAccept: false };
  const { start, end } = err;
  let m: RegExpMatchArray | null;
  if ((m = /^Unexpected escaped character: (.)/s.exec(err.message))) {
    return {
      start,
      end,
      message: `The string literal contains the escape \`\\${m[1]}\`, which @huggingface/jinja does not know. Python's Jinja2, which clemcore renders with, keeps unknown escapes as they are, so it may accept this; to be safe write \`\\\\${m[1]}\` inside the Jinja string for a literal backslash.`,
      jinja2MayAccept: true,
    };
  }
  if (/^Invalid hexadecimal escape/.test(err.message)) {
    return { start, end, message: `The escape \`${template.slice(start, end)}\` is not a valid \\x or \\u escape. Give it the full number of hex digits (\\xHH or \\uHHHH).`, jinja2MayAccept: false };
  }
  if (/^Missing end of comment tag/.test(err.message)) {
    return { start, end, message: 'The comment opened with `{#` is never closed. Add `#}` where the comment should end.', jinja2MayAccept: false };
  }
  if (/^Unexpected end of input/.test(err.message)) {
    const q = template[start];
    if (q === '"' || q === "'") {
      return { start, end: start + 1, message: `The string literal that starts with \`${q}\` here is never closed. Add the closing \`${q}\`.`, jinja2MayAccept: false };
    }
    const open = [...err.tokensSoFar].reverse().find((t) => t.type === 'OpenStatement' || t.type === 'OpenExpression');
    if (open) {
      const close = open.type === 'OpenStatement' ? '%}' : '}}';
      return { start: open.start, end: open.end, message: `The template ends inside this \`${open.value}\` tag. Close it with \`${close}\`.`, jinja2MayAccept: false };
    }
    return { start, end, message: 'The template ends in the middle of a tag. Close the tag.', jinja2MayAccept: false };
  }
  if ((m = /^Unexpected character: (.)/s.exec(err.message))) {
    return { start, end, message: `The character \`${m[1]}\` cannot appear inside a Jinja tag. Remove it, or put it inside a quoted string.`, jinja2MayAccept: false };
  }
  return { start, end, message: `The template does not parse (${err.message}).`, jinja2MayAccept: false };
}

// ---------------------------------------------------------------------------------------------------------------------
// Parser errors

const BLOCK_OPENERS = new Set(['if', 'for', 'macro', 'call', 'filter', 'set']);
const KNOWN_STATEMENTS = ['if', 'elif', 'else', 'endif', 'for', 'endfor', 'set', 'endset', 'macro', 'endmacro', 'call', 'endcall', 'filter', 'endfilter', 'break', 'continue'];
/** Statements Python's Jinja2 parses but @huggingface/jinja does not. */
const JINJA2_ONLY = new Set(['raw', 'endraw', 'with', 'endwith', 'block', 'endblock', 'autoescape', 'endautoescape']);
/** Statements that need other template files, which no clemcore backend provides. */
const NEEDS_LOADER = new Set(['include', 'import', 'from', 'extends']);

interface OpenBlock {
  name: string;
  start: number;
  end: number;
  line: number;
}

/** The block stack just before token `upTo` (exclusive), or at the end. */
function openBlocks(template: string, tokens: PositionedToken[], upTo = tokens.length): OpenBlock[] {
  const stack: OpenBlock[] = [];
  let line = 1;
  let counted = 0; // template[0, counted) has been scanned for newlines
  const lineAt = (index: number) => {
    for (; counted < index && counted < template.length; counted++) if (template[counted] === '\n') line++;
    return line;
  };
  for (let i = 0; i < upTo; i++) {
    if (tokens[i].type !== 'OpenStatement') continue;
    const nameTok = tokens[i + 1];
    if (!nameTok || nameTok.type !== 'Identifier' || i + 1 >= upTo) continue;
    const name = nameTok.value;
    let close = i + 1;
    while (close < tokens.length && tokens[close].type !== 'CloseStatement') close++;
    const tagEnd = close < tokens.length ? tokens[close].end : tokens[tokens.length - 1].end;
    if (BLOCK_OPENERS.has(name) || JINJA2_ONLY.has(name)) {
      if (name === 'set' && tokens.slice(i + 2, close).some((t) => t.type === 'Equals')) continue;
      stack.push({ name, start: tokens[i].start, end: tagEnd, line: lineAt(tokens[i].start) });
    } else if (name.startsWith('end')) {
      const opener = name.slice(3);
      let idx = stack.length - 1;
      while (idx >= 0 && stack[idx].name !== opener) idx--;
      if (idx >= 0) stack.length = idx;
    }
  }
  return stack;
}

function show(template: string, tok: PositionedToken): string {
  const raw = template.slice(tok.start, tok.end);
  return raw.length > 40 ? `${raw.slice(0, 37)}...` : raw;
}

function tokenSpan(tok: PositionedToken): { start: number; end: number } {
  // A text token can be long; point at its first character only.
  if (tok.type === 'Text') return { start: tok.start, end: Math.min(tok.end, tok.start + 1) };
  return { start: tok.start, end: Math.max(tok.end, tok.start + 1) };
}

const EXPECTED_TEXT: Record<string, string> = {
  CloseStatement: '`%}`',
  CloseExpression: '`}}`',
  CloseParen: '`)`',
  CloseSquareBracket: '`]`',
  Colon: '`:`',
  OpenStatement: '`{%`',
  OpenParen: '`(`',
  OpenExpression: '`{{`',
  Text: 'text',
};

function parseProblem(template: string, tokens: PositionedToken[], e: unknown, lastIndex: number): TemplateProblem | undefined {
  const message = errorText(e);
  if (e instanceof RangeError) {
    // Nesting so deep that the parser's recursion overflows (Python's Jinja2 has a recursion limit too).
    const stack = openBlocks(template, tokens);
    const at = stack[0] ?? tokens[0];
    if (!at) return undefined;
    return {
      start: at.start,
      end: at.end,
      message: stack.length > 0
        ? `The template has ${stack.length} unclosed blocks, nested too deeply to be parsed. Close each block with its end tag and flatten the nesting.`
        : 'The template nests blocks or expressions too deeply to be parsed (Python\'s Jinja2 has a recursion limit too). Flatten the nesting.',
      jinja2MayAccept: false,
    };
  }
  const ranOut = e instanceof TypeError || lastIndex >= tokens.length || /undefined/.test(message);
  if (ranOut || tokens.length === 0) {
    const stack = openBlocks(template, tokens);
    const top = stack.at(-1);
    if (top) {
      return {
        start: top.start,
        end: top.end,
        message: `This \`{% ${top.name} %}\` block is never closed. Add \`{% end${top.name} %}\` where it should end.`,
        jinja2MayAccept: false,
      };
    }
    const open = [...tokens].reverse().find((t) => t.type === 'OpenStatement' || t.type === 'OpenExpression');
    if (open) {
      const close = open.type === 'OpenStatement' ? '%}' : '}}';
      return { start: open.start, end: open.end, message: `The template ends inside this \`${open.value}\` tag. Close it with \`${close}\`.`, jinja2MayAccept: false };
    }
    return undefined;
  }
  const tok = tokens[Math.max(0, lastIndex)];
  const span = tokenSpan(tok);
  const prev = tokens[lastIndex - 1];
  const next = tokens[lastIndex + 1];
  const shown = show(template, tok);

  // `{%+` / `+%}`: Jinja2 whitespace control that the JS lexer reads as a plus sign.
  if ((tok.value === '+' && (prev?.type === 'OpenStatement' || prev?.type === 'OpenExpression' || next?.type === 'CloseStatement' || next?.type === 'CloseExpression'))) {
    return {
      ...span,
      message: 'The `+` whitespace-control marker (`{%+` / `+%}`) is not understood by @huggingface/jinja. Python\'s Jinja2, which clemcore renders with, accepts it; remove the `+` if the template should also work with JavaScript tools.',
      jinja2MayAccept: true,
    };
  }

  let m: RegExpMatchArray | null;
  if ((m = /^Unknown statement type: (\w+)/.exec(message))) {
    const name = m[1];
    if (JINJA2_ONLY.has(name)) {
      return {
        ...span,
        message: `\`{% ${name} %}\` is not supported by @huggingface/jinja (node-llama-cpp, transformers.js). Python's Jinja2, which clemcore renders with, may accept it; avoid it if the template should also work with JavaScript tools.`,
        jinja2MayAccept: true,
      };
    }
    if (NEEDS_LOADER.has(name)) {
      return { ...span, message: `\`{% ${name} %}\` loads another template, but a chat template is rendered on its own: there is nothing to ${name}. Inline the content instead.`, jinja2MayAccept: false };
    }
    if (name === 'do') {
      return { ...span, message: '`{% do %}` needs Jinja\'s `do` extension, which neither llama-cpp-python nor transformers enables. Use `{% set _ = ... %}` instead.', jinja2MayAccept: false };
    }
    const stack = openBlocks(template, tokens, lastIndex - 1);
    const top = stack.at(-1);
    if (name.startsWith('end') || name === 'else' || name === 'elif') {
      if (top) {
        return {
          ...span,
          message: `\`{% ${name} %}\` does not fit the innermost open block, \`{% ${top.name} %}\` from line ${top.line}. Close that block with \`{% end${top.name} %}\` first, or fix the tag name.`,
          jinja2MayAccept: false,
        };
      }
      const opener = name.startsWith('end') ? name.slice(3) : 'if';
      return { ...span, message: `\`{% ${name} %}\` has no open \`{% ${opener} %}\` block to belong to. Remove it or add the opening tag.`, jinja2MayAccept: false };
    }
    const alt = suggest(name, KNOWN_STATEMENTS, 1)[0];
    return {
      ...span,
      message: `\`{% ${name} %}\` is not a Jinja statement.${alt ? ` Did you mean \`${alt}\`?` : ' Use a statement such as `if`, `for` or `set`, or write `{{ ... }}` to output a value.'}`,
      jinja2MayAccept: false,
    };
  }
  if (/^Unknown statement, got/.test(message)) {
    return { ...span, message: `\`{%\` must be followed by a statement name such as \`if\`, \`for\` or \`set\`, not \`${shown}\`. Write \`{{ ... }}\` to output a value.`, jinja2MayAccept: false };
  }
  if (/Expected `in` keyword/.test(message)) {
    return { ...span, message: `A \`for\` loop needs \`in\` after the loop variable, e.g. \`{% for message in messages %}\`; found \`${shown}\`.`, jinja2MayAccept: false };
  }
  if (/loop variable/.test(message)) {
    return { ...span, message: `The loop variable of a \`for\` loop must be a name (or names separated by commas), not \`${shown}\`.`, jinja2MayAccept: false };
  }
  if ((m = /^Parser Error: .*\. (\w+) !== (\w+)\.$/.exec(message))) {
    const expected = EXPECTED_TEXT[m[2]] ?? `\`${m[2]}\``;
    if (m[2] === 'CloseStatement' || m[2] === 'CloseExpression') {
      return { ...span, message: `Found \`${shown}\` where ${expected} was expected: the tag has something extra or is not closed. Check the expression before it and close the tag with ${expected}.`, jinja2MayAccept: false };
    }
    return { ...span, message: `Found \`${shown}\` where ${expected} was expected. Fix the expression.`, jinja2MayAccept: false };
  }
  if (/^Unexpected token: /.test(message)) {
    return { ...span, message: `\`${shown}\` cannot stand here: an expression (a name, a literal or a parenthesis) was expected. Fix the expression.`, jinja2MayAccept: false };
  }
  if (/identifier for the filter/.test(message)) {
    return { ...span, message: `A filter name must follow \`|\`, not \`${shown}\`.`, jinja2MayAccept: false };
  }
  if (/identifier for the test/.test(message)) {
    return { ...span, message: `A test name (such as \`defined\` or \`none\`) must follow \`is\`, not \`${shown}\`.`, jinja2MayAccept: false };
  }
  if (/following dot operator/.test(message)) {
    return { ...span, message: `An attribute name must follow \`.\`, not \`${shown}\`. Use \`x['key']\` for keys that are not names.`, jinja2MayAccept: false };
  }
  return { ...span, message: `The parser stops at \`${shown}\` (${message}). Fix this tag.`, jinja2MayAccept: false };
}

// ---------------------------------------------------------------------------------------------------------------------
// Variable reads and extension tags

interface AstNode {
  type: string;
  [k: string]: unknown;
}

function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as AstNode).type === 'string';
}

interface Tally {
  /** Names read anywhere. */
  reads: Set<string>;
  /** Names the template assigns itself, or reads only behind a guard for their absence. */
  bound: Set<string>;
}

const GUARD_TESTS = new Set(['defined', 'undefined']);
const GUARD_FILTERS = new Set(['default', 'd']);

function calleeName(v: unknown): string {
  if (!isNode(v)) return '';
  if (v.type === 'Identifier') return String(v.value);
  if (v.type === 'CallExpression') return calleeName(v.callee);
  return '';
}

/** Names assigned by a set, a for loop or a macro (an identifier or a tuple of them). */
function bind(v: unknown, t: Tally): void {
  if (!isNode(v)) return;
  if (v.type === 'Identifier') t.bound.add(v.value as string);
  else if (v.type === 'TupleLiteral' && Array.isArray(v.value)) for (const x of v.value) bind(x, t);
}

/** Collects the names of variables the template reads (not names it assigns, attribute names, filter or test names). */
function walk(v: unknown, t: Tally): void {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, t);
    return;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) {
      walk(k, t);
      walk(x, t);
    }
    return;
  }
  if (!isNode(v)) return;
  switch (v.type) {
    case 'Identifier':
      t.reads.add(v.value as string);
      return;
    case 'MemberExpression':
      walk(v.object, t);
      if (v.computed) walk(v.property, t);
      return;
    case 'KeywordArgumentExpression':
      walk(v.value, t);
      return;
    case 'FilterExpression':
      if (isNode(v.operand) && v.operand.type === 'Identifier' && GUARD_FILTERS.has(calleeName(v.filter))) t.bound.add(v.operand.value as string);
      walk(v.operand, t);
      if (isNode(v.filter) && v.filter.type === 'CallExpression') walk(v.filter.args, t);
      return;
    case 'FilterStatement':
      if (isNode(v.filter) && v.filter.type === 'CallExpression') walk(v.filter.args, t);
      walk(v.body, t);
      return;
    case 'TestExpression':
      if (isNode(v.operand) && v.operand.type === 'Identifier' && GUARD_TESTS.has(calleeName(v.test))) t.bound.add(v.operand.value as string);
      walk(v.operand, t);
      return;
    case 'For':
      bind(v.loopvar, t);
      walk(v.iterable, t);
      walk(v.body, t);
      walk(v.defaultBlock, t);
      return;
    case 'Set': {
      const a = v.assignee;
      if (isNode(a) && a.type === 'MemberExpression') walk(a.object, t);
      else bind(a, t);
      walk(v.value, t);
      walk(v.body, t);
      return;
    }
    case 'Macro':
      bind(v.name, t);
      for (const p of (v.args as unknown[]) ?? []) {
        // A parameter is a name the macro binds; a default value is read.
        if (isNode(p) && p.type === 'KeywordArgumentExpression') {
          bind(p.key, t);
          walk(p.value, t);
        } else bind(p, t);
      }
      walk(v.body, t);
      return;
    case 'CallStatement':
      walk(v.call, t);
      for (const p of (v.callerArgs as unknown[] | null) ?? []) if (isNode(p) && p.type === 'KeywordArgumentExpression') walk(p.value, t);
      walk(v.body, t);
      return;
    case 'BinaryExpression':
      walk(v.left, t);
      walk(v.right, t);
      return;
    case 'UnaryExpression':
      walk(v.argument, t);
      return;
    case 'Comment':
    case 'StringLiteral':
    case 'IntegerLiteral':
    case 'FloatLiteral':
      return;
    default:
      for (const [k, x] of Object.entries(v)) if (k !== 'type' && k !== 'operator') walk(x, t);
  }
}

/** `{% break %}`, `{% continue %}` (Jinja's loopcontrols extension) and `{% generation %}` (a transformers extension). */
function findExtensionTags(template: string): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  const re = /\{%[-+]?\s*(break|continue|generation|endgeneration)\s*[-+]?%\}/g;
  // Skip comments: blank them out first, keeping positions.
  const masked = template.replace(/\{#[\s\S]*?#\}/g, (c) => ' '.repeat(c.length));
  for (let m = re.exec(masked); m; m = re.exec(masked)) out.push({ name: m[1], start: m.index, end: m.index + m[0].length });
  return out;
}
