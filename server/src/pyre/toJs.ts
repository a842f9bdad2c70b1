// Translates a Python `re` pattern (its AST) into a JavaScript RegExp with the same matches, for running clemcore's
// re.sub on model output with the native engine. Where JavaScript has no equivalent, it says which construct and
// where, and the caller falls back to the Python-semantics matcher (match.ts) instead of guessing.
import { FLAG, type Node, type Pattern, type SetItem } from './ast';
import { categoryRanges } from './unicode';

export type JsTranslation = { ok: true; regex: RegExp } | { ok: false; reason: string; at: number };

class Untranslatable extends Error {
  constructor(readonly reason: string, readonly at: number) {
    super(reason);
  }
}

const MAX_CP = 0x10ffff;

function cpEscape(cp: number): string {
  if ((cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122)) return String.fromCharCode(cp);
  return `\\u{${cp.toString(16)}}`;
}

function rangesText(ranges: [number, number][]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? cpEscape(lo) : `${cpEscape(lo)}-${cpEscape(hi)}`)).join('');
}

function complement(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

const classCache = new Map<string, string>();

/** The class contents (without brackets) of \d \s \w and their negations, from the tables pyre matches with. */
function categoryContent(cat: string, ascii: boolean): string {
  const key = `${cat}${ascii ? 'a' : 'u'}`;
  let text = classCache.get(key);
  if (text === undefined) {
    const ranges = categoryRanges(cat.toLowerCase() as 'd' | 's' | 'w', ascii);
    text = rangesText(cat === cat.toUpperCase() ? complement(ranges) : ranges);
    classCache.set(key, text);
  }
  return text;
}

function setItem(item: SetItem, ascii: boolean): string {
  if (item.type === 'literal') return cpEscape(item.cp);
  if (item.type === 'range') return `${cpEscape(item.lo)}-${cpEscape(item.hi)}`;
  return categoryContent(item.cat, ascii);
}

/** Patterns that contain a construct JavaScript lacks, or treats differently, are refused with its position. */
function translate(node: Node, flags: number): string {
  const ascii = (flags & FLAG.ASCII) !== 0;
  switch (node.type) {
    case 'literal':
      return cpEscape(node.cp);
    case 'any':
      // Python's . excludes only \n; JavaScript's also \r, \u2028 and \u2029.
      return flags & FLAG.DOTALL ? '[\\s\\S]' : '[^\\n]';
    case 'category':
      return `[${categoryContent(node.cat, ascii)}]`;
    case 'set':
      return `[${node.negated ? '^' : ''}${node.items.map((i) => setItem(i, ascii)).join('')}]`;
    case 'anchor': {
      const word = `[${categoryContent('w', ascii)}]`;
      switch (node.kind) {
        case '^':
          return flags & FLAG.MULTILINE ? '(?<![^\\n])' : '(?<![\\s\\S])';
        case '$':
          // Python's $ also matches before a final \n; JavaScript's m flag would also stop at \r and \u2028.
          return flags & FLAG.MULTILINE ? '(?![^\\n])' : '(?=\\n?(?![\\s\\S]))';
        case 'A':
          return '(?<![\\s\\S])';
        case 'Z':
          return '(?![\\s\\S])';
        case 'b':
          return `(?:(?<=${word})(?!${word})|(?<!${word})(?=${word}))`;
        case 'B':
          // Python's \B never matches in an empty string.
          return `(?:(?<=${word})(?=${word})|(?<!${word})(?!${word}))(?:(?<=[\\s\\S])|(?=[\\s\\S]))`;
      }
      break;
    }
    case 'group': {
      if (node.addFlags || node.delFlags) throw new Untranslatable('scoped flags such as (?i:...), which Node\'s JavaScript lacks', node.start);
      const body = translate(node.body, flags);
      switch (node.kind) {
        case 'capture':
          return `(${body})`;
        case 'noncapture':
          return `(?:${body})`;
        case 'lookahead':
          return `(?=${body})`;
        case 'negLookahead':
          return `(?!${body})`;
        case 'lookbehind':
          return `(?<=${body})`;
        case 'negLookbehind':
          return `(?<!${body})`;
        case 'atomic':
          throw new Untranslatable('an atomic group (?>...)', node.start);
      }
      break;
    }
    case 'alternation':
      return node.branches.map((b) => translate(b, flags)).join('|');
    case 'sequence':
      return node.items.map((i) => translate(i, flags)).join('');
    case 'repeat': {
      if (node.mode === 'possessive') throw new Untranslatable('a possessive quantifier (*+, ++, ?+)', node.quantStart);
      if (canMatchEmpty(node.body) && node.max > 1) {
        // Python and JavaScript end a loop on an empty iteration at different points.
        throw new Untranslatable('a repeated part that can match the empty string', node.quantStart);
      }
      const q = node.min === 0 && node.max === Infinity ? '*'
        : node.min === 1 && node.max === Infinity ? '+'
        : node.min === 0 && node.max === 1 ? '?'
        : node.max === Infinity ? `{${node.min},}`
        : node.min === node.max ? `{${node.min}}`
        : `{${node.min},${node.max}}`;
      return `(?:${translate(node.body, flags)})${q}${node.mode === 'lazy' ? '?' : ''}`;
    }
    case 'backref':
      throw new Untranslatable('a backreference (JavaScript resets groups in repeats differently)', node.start);
    case 'conditional':
      throw new Untranslatable('a conditional group (?(...)...)', node.start);
  }
  throw new Untranslatable('an unknown construct', (node as { start: number }).start);
}

/** Whether a node can match without consuming text (zero-width parts included). */
function canMatchEmpty(node: Node): boolean {
  switch (node.type) {
    case 'literal':
    case 'any':
    case 'category':
    case 'set':
      return false;
    case 'anchor':
    case 'backref':
    case 'conditional':
      return true;
    case 'group':
      return node.kind === 'capture' || node.kind === 'noncapture' || node.kind === 'atomic' ? canMatchEmpty(node.body) : true;
    case 'alternation':
      return node.branches.some(canMatchEmpty);
    case 'sequence':
      return node.items.every(canMatchEmpty);
    case 'repeat':
      return node.min === 0 || canMatchEmpty(node.body);
  }
}

/** The RegExp (flags `gu`) whose replace() does what re.sub does with this pattern, or why there is none. */
export function toJsRegExp(pattern: Pattern): JsTranslation {
  if (pattern.flags & FLAG.IGNORECASE) return { ok: false, reason: 'case-insensitive matching (?i): Python and JavaScript fold some characters differently', at: 0 };
  if (canMatchEmpty(pattern.body)) {
    // After an empty match re.sub first tries a non-empty match at the same place; JavaScript's replace moves on.
    return { ok: false, reason: 'a pattern that can match the empty string (re.sub and JavaScript\'s replace go on differently after an empty match)', at: 0 };
  }
  try {
    return { ok: true, regex: new RegExp(translate(pattern.body, pattern.flags), 'gu') };
  } catch (err) {
    if (err instanceof Untranslatable) return { ok: false, reason: err.reason, at: err.at };
    return { ok: false, reason: `JavaScript rejects the translation (${(err as Error).message})`, at: 0 };
  }
}
