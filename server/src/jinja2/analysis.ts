// Parses a chat template with @huggingface/jinja (the parser node-llama-cpp and transformers.js use) and says, with
// positions in the template string: where it fails to parse, whether it reads `messages` and `add_generation_prompt`
// (from the AST, so comments and string literals do not count), and where it uses tags that only some Python Jinja2
// set-ups know (`{% break %}`, `{% continue %}`, `{% generation %}`). Results are cached by template text.
import { parse, tokenize } from '@huggingface/jinja';
import { JinjaLexError, tokenizeWithPositions, type PositionedToken } from './positionedLexer';
import { errorText, lexProblem, parseProblem, type TemplateProblem } from './syntaxProblems';
import { isNode } from './libraryAst';
import { isRecord, isSpan, keepingResults, keepResult, keptResult } from '../keptResults';

export interface TemplateAnalysis {
  problem?: TemplateProblem;
  /** Only meaningful when there is no problem (the AST exists). */
  readsMessages: boolean;
  readsAddGenerationPrompt: boolean;
  /** Every variable the template reads, with the span of its first use when the positions are known (found on first use). */
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
  const kept = keptResult(KEPT_KIND, template, isKeptAnalysis);
  if (kept) analysis = fromKept(template, kept);
  else {
    try {
      analysis = analyzeUncached(template);
    } catch {
      // An internal failure must not break the whole check: say nothing about this template.
      analysis = { readsMessages: true, readsAddGenerationPrompt: true, extensionTags: [] };
    }
    if (keepingResults()) keepResult(KEPT_KIND, template, toKept(analysis));
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

const KEPT_KIND = 'template-analysis';

/** An analysis as kept between runs of the command line (keptResults.ts): `reads` is found again when asked for. */
interface KeptAnalysis {
  problem?: TemplateProblem;
  readsMessages: boolean;
  readsAddGenerationPrompt: boolean;
  bound?: string[];
  extensionTags: { name: string; start: number; end: number }[];
}

function isKeptAnalysis(value: unknown): value is KeptAnalysis {
  if (!isRecord(value) || typeof value.readsMessages !== 'boolean' || typeof value.readsAddGenerationPrompt !== 'boolean') return false;
  const { problem, bound, extensionTags } = value;
  if (problem !== undefined && !(isSpan(problem) && typeof problem.message === 'string' && typeof problem.jinja2MayAccept === 'boolean')) return false;
  if (bound !== undefined && !(Array.isArray(bound) && bound.every((b) => typeof b === 'string'))) return false;
  return Array.isArray(extensionTags) && extensionTags.every((t) => isSpan(t) && typeof t.name === 'string');
}

function toKept(analysis: TemplateAnalysis): KeptAnalysis {
  // `reads` is left out: its spans are found again from the template when a rule asks for them, which few rules do.
  const { problem, readsMessages, readsAddGenerationPrompt, bound, extensionTags } = analysis;
  return { problem, readsMessages, readsAddGenerationPrompt, bound: bound && [...bound], extensionTags };
}

function fromKept(template: string, kept: KeptAnalysis): TemplateAnalysis {
  const analysis: TemplateAnalysis = { readsMessages: kept.readsMessages, readsAddGenerationPrompt: kept.readsAddGenerationPrompt, extensionTags: kept.extensionTags };
  if (kept.problem) analysis.problem = kept.problem;
  if (!kept.bound) return analysis;
  analysis.bound = new Set(kept.bound);
  let reads: TemplateAnalysis['reads'];
  Object.defineProperty(analysis, 'reads', {
    enumerable: true,
    get() {
      reads ??= analyzeUncached(template).reads;
      return reads;
    },
  });
  return analysis;
}

/** For tests and benchmarks. */
export function templateCacheSize(): number {
  return cached;
}

type LibToken = ReturnType<typeof tokenize>[number];

function analyzeUncached(template: string): TemplateAnalysis {
  const extensionTags = findExtensionTags(template);
  const none: TemplateAnalysis = { readsMessages: false, readsAddGenerationPrompt: false, extensionTags };

  // Our positioned lexer gives the library's tokens with their positions (test/jinja2/tokenizer.test.ts holds it to
  // the library's tokenize). Where it fails, the library's own tokenize says how: its message is what users see.
  const ours = positionedTokens(template);
  let libTokens: LibToken[];
  if (ours.tokens) libTokens = ours.tokens;
  else {
    try {
      libTokens = tokenize(template);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return { ...none, problem: lexProblem(template, message, ours.lexError) };
    }
  }
  const positioned = ours.tokens;

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
    const problem = positioned ? parseProblem(template, positioned, e, last) : undefined;
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
  let reads: Map<string, { start: number; end: number } | undefined> | undefined;
  return {
    readsMessages: tally.reads.has('messages'),
    readsAddGenerationPrompt: tally.reads.has('add_generation_prompt'),
    get reads() {
      reads ??= readSpans(positioned, tally.reads);
      return reads;
    },
    bound: tally.bound,
    extensionTags,
  };
}

/** Our positioned tokens of a template, or where our lexer stopped. */
function positionedTokens(template: string): { tokens?: PositionedToken[]; lexError?: JinjaLexError } {
  try {
    return { tokens: tokenizeWithPositions(template) };
  } catch (e) {
    // An internal failure of our lexer: the library's tokens, without positions.
    return e instanceof JinjaLexError ? { lexError: e } : {};
  }
}

/** Every name read, with the span of its first use (an identifier that is not an attribute) when positions are known. */
function readSpans(positioned: PositionedToken[] | undefined, names: Set<string>): Map<string, { start: number; end: number } | undefined> {
  const reads = new Map<string, { start: number; end: number } | undefined>();
  for (const name of names) reads.set(name, undefined);
  if (positioned) {
    for (let i = 0; i < positioned.length; i++) {
      const t = positioned[i];
      if (t.type === 'Identifier' && reads.has(t.value) && reads.get(t.value) === undefined && positioned[i - 1]?.type !== 'Dot') {
        reads.set(t.value, { start: t.start, end: t.end });
      }
    }
  }
  return reads;
}

// ---------------------------------------------------------------------------------------------------------------------
// Variable reads and extension tags

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
      for (const k in v) if (k !== 'type' && k !== 'operator') walk(v[k], t);
  }
}

/** `{% break %}`, `{% continue %}` (Jinja's loopcontrols extension) and `{% generation %}` (a transformers extension). */
function findExtensionTags(template: string): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  if (!/break|continue|generation/.test(template)) return out; // most templates have none of these words
  const re = /\{%[-+]?\s*(break|continue|generation|endgeneration)\s*[-+]?%\}/g;
  // Skip comments: blank them out first, keeping positions.
  const masked = template.replace(/\{#[\s\S]*?#\}/g, (c) => ' '.repeat(c.length));
  for (let m = re.exec(masked); m; m = re.exec(masked)) out.push({ name: m[1], start: m.index, end: m.index + m[0].length });
  return out;
}

