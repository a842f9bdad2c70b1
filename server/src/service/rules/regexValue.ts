// Python regex fields (eos_to_cull in text backends, cot_end_tag): syntax as CPython judges it, and the likely
// mistakes of valid patterns: an unescaped `|` inside a special token, over-escaping, empty matches, patterns that
// delete single ordinary characters, and patterns that do not match their own text.
import { decodeStringNode, escapeJsonString, valueSpan, type DecodedString, type Node } from '../jsonText';
import { parsePattern, py310Judgement } from '../../pyre';
import { forEachNode, type Node as ReNode, type Pattern } from '../../pyre/ast';
import { fullMatch } from '../../pyre/match';
import { canMatchEmpty, widthRange } from '../../pyre/analyze';
import type { EntryContext } from '../context';
import type { JsonPath } from '../types';
import type { ValueCheck } from './valueKinds';

/** Characters whose deletion from every reply would be damage: printable ASCII. */
const ORDINARY = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const REGEX_SPECIALS = new Set('.^$*+?{}[]\\|()'.split(''));
const MATCH_STEPS = 20_000;
/** Real patterns are short; beyond this only the syntax is checked, so a pasted megabyte cannot stall typing. */
const MAX_ANALYZED_LENGTH = 2_000;

interface PatternFacts {
  parsed: ReturnType<typeof parsePattern>;
  py310?: ReturnType<typeof py310Judgement>;
  empty?: boolean;
  singleChars?: { chars: string[]; start: number; end: number }[];
  selfText?: string;
  selfMismatch?: boolean;
  /** Starts of literal backslashes right before a regex special (over-escaping). */
  overEscapes?: number[];
  /** Unescaped bars inside special tokens. */
  tokenBars?: number[];
}

/** Facts about a pattern depend only on its text; the same patterns repeat across entries and keystrokes. */
const factsCache = new Map<string, PatternFacts>();
const FACTS_CACHE_LIMIT = 5000;

export const checkRegexValue: ValueCheck = (ctx, node, path) => {
  if (node.type !== 'string') return;
  const key = String(path[path.length - 1]);
  const decoded = decodeStringNode(ctx.text, node);
  const pattern = decoded.value;
  if (pattern === '') {
    ctx.report('regex-empty', node, path, key === 'cot_end_tag'
      ? '`cot_end_tag` is empty: `re.split` with an empty pattern splits between every character, so the answer clemcore keeps is empty. Set the model\'s end-of-thinking tag, e.g. `</think>`.'
      : `\`${key}\` is empty, so culling removes nothing. That is fine when the backend never returns end markers; otherwise set the model's end-of-turn token, escaped, e.g. \`<\\\\|im_end\\\\|>\`.`,
    { severity: key === 'cot_end_tag' ? 'error' : undefined });
    return;
  }
  const facts = factsFor(pattern);
  const parsed = facts.parsed;
  if (!parsed.ok) {
    const e = parsed.error;
    const span = valueSpan(decoded, e.offset, e.offset + Math.max(e.length, 1));
    const py310 = facts.py310 && facts.py310.valid310 ? ` ${facts.py310.message}` : '';
    ctx.report('regex-syntax', span, path,
      `\`${key}\` is not a valid Python regular expression: ${e.message} at position ${e.pos}. clemcore fails with re.error at the first generation.${py310} ${fixHint(pattern, e.message)}`,
      { data: { key, pyre: { message: e.message, pos: e.pos } } });
    return;
  }
  if (facts.py310 && !facts.py310.valid310) {
    const span = valueSpan(decoded, facts.py310.offset, facts.py310.offset + Math.max(facts.py310.length, 1));
    ctx.report('regex-py310', span, path,
      `\`${key}\` is valid in Python 3.11 and later, but Python 3.10, which clemcore also supports, rejects it: ${facts.py310.message}. Atomic groups \`(?>...)\` and possessive quantifiers (\`*+\`, \`++\`, \`?+\`) are new in 3.11; avoid them if clemcore may run on 3.10.`,
      { data: { key } });
  }
  const ast = parsed.ast;
  if (pattern.length > MAX_ANALYZED_LENGTH) return;
  // One finding per cause: the bars of a token or the doubled escapes explain the single characters their
  // alternatives match and the pattern's mismatch with its own text, so those are said in the same finding.
  const caused = causedBars(pattern, facts);
  const singles = facts.singleChars ?? [];
  const explained = singles.filter((s) => caused.has(s.start - 1) || caused.has(s.end));
  const overEscaped = reportOverEscaping(ctx, path, key, decoded, facts.overEscapes!, explained);
  const barFix = reportTokenBars(ctx, path, key, decoded, ast, facts.tokenBars!, explained);
  // Over-escaped patterns spell backslashes, and bars inside tokens are fixed by their own finding, which gives the
  // pattern that matches the token. Otherwise a pattern that misses its own text (`[EOS]`) explains its single
  // characters too.
  const selfMismatch = facts.selfMismatch && facts.selfText !== undefined && !overEscaped && barFix === undefined;
  if (selfMismatch) explained.push(...singles.filter((s) => !explained.includes(s)));
  if (facts.empty) {
    ctx.report('regex-empty-match', node, path, key === 'cot_end_tag'
      ? `\`${key}\` can match the empty string, so \`re.split\` also splits where no tag is and the answer clemcore keeps is cut wrongly. Make the tag itself required, e.g. drop a \`?\` or \`*\` that applies to all of it.`
      : `\`${key}\` can match the empty string, so it does not require the end marker it is meant to remove. Make the marker required (drop a \`?\`/\`*\` that applies to the whole pattern, or an empty alternative).`,
    { data: { key } });
  }
  for (const s of singles) {
    if (explained.includes(s)) continue;
    const span = valueSpan(decoded, s.start, s.end);
    ctx.report('regex-single-char', span, path,
      `\`${key}\` matches single ordinary characters (${shownChars(s.chars)}), so ${singleCharDamage(key)}. Escape regex specials with \`\\\\\` in the JSON, or make the pattern longer.`,
      { data: { key, chars: s.chars } });
  }
  if (selfMismatch) {
    const fixed = pyEscape(facts.selfText!);
    ctx.report('regex-self-mismatch', node, path,
      `\`${key}\` does not match its own text \`${facts.selfText}\`: its regex specials change the meaning.${alsoSingles(key, explained)} If the text is the token to remove, escape the specials: \`${escapeJsonString(fixed)}\` in the JSON.`,
      { data: { key, replacement: JSON.stringify(fixed), replaceWholeValue: true } });
  }
};

/** The characters a finding names, at most six. */
function shownChars(chars: string[]): string {
  return chars.slice(0, 6).map((c) => `\`${c === '`' ? '\\`' : c}\``).join(', ') + (chars.length > 6 ? ', ...' : '');
}

/** What matching single characters does at run time: re.sub for culling, re.split for the CoT tag. */
function singleCharDamage(key: string): string {
  return key === 'cot_end_tag'
    ? '`re.split` cuts the reply at every one of them and clemcore keeps only the piece after the last as the answer'
    : '`re.sub` deletes every one of them from every reply';
}

/** The single characters that alternatives made by a mistake match, said as part of that mistake's finding. */
function alsoSingles(key: string, explained: { chars: string[] }[]): string {
  if (!explained.length) return '';
  return ` Its alternatives match single characters (${shownChars(explained.flatMap((s) => s.chars))}), so ${singleCharDamage(key)}.`;
}

/** The bars that a mistake puts into a pattern: those inside tokens and those right after a doubled escape. */
function causedBars(pattern: string, facts: PatternFacts): Set<number> {
  const bars = new Set(facts.tokenBars ?? []);
  for (const s of facts.overEscapes ?? []) {
    for (const at of [s + 2, s + 3]) if (pattern[at] === '|') bars.add(at);
  }
  return bars;
}

/** The parse of a pattern, shared with the regex rules' cache. */
export function parsedPattern(pattern: string): ReturnType<typeof parsePattern> {
  return factsFor(pattern).parsed;
}

/** Whether a pattern is short enough for the analyses beyond its syntax. */
export function analyzable(pattern: string): boolean {
  return pattern.length <= MAX_ANALYZED_LENGTH;
}

function factsFor(pattern: string): PatternFacts {
  let facts = factsCache.get(pattern);
  if (facts) return facts;
  const parsed = parsePattern(pattern);
  // Python 3.10 differs only on inline flags, atomic groups and possessive quantifiers; skip the second pass otherwise.
  facts = { parsed, py310: /\(\?|[*+?}]\+/.test(pattern) ? py310Judgement(pattern) : undefined };
  if (parsed.ok && pattern.length <= MAX_ANALYZED_LENGTH) {
    facts.overEscapes = overEscapeSpots(pattern, parsed.ast);
    facts.tokenBars = barsInsideTokens(pattern, parsed.ast);
    facts.empty = canMatchEmpty(parsed.ast);
    facts.singleChars = singleCharMatches(parsed.ast);
    const self = selfMatch(pattern, parsed.ast);
    if (self) {
      facts.selfText = self.text;
      facts.selfMismatch = self.mismatch;
    }
  }
  if (factsCache.size >= FACTS_CACHE_LIMIT) factsCache.clear();
  factsCache.set(pattern, facts);
  return facts;
}

/** Top-level branches (or the whole pattern) that fully match a single printable ASCII character. */
function singleCharMatches(ast: Pattern): { chars: string[]; start: number; end: number }[] {
  const { min } = widthRange(ast.body);
  if (min > 1) return [];
  const parts = ast.body.type === 'alternation' ? ast.body.branches : [ast.body];
  const out: { chars: string[]; start: number; end: number }[] = [];
  for (const part of parts) {
    const r = widthRange(part);
    if (r.min > 1 || r.max < 1) continue;
    const probe: Pattern = { ...ast, body: part };
    const chars = ORDINARY.filter((c) => fullMatch(probe, c, { maxSteps: MATCH_STEPS }) === true);
    if (chars.length) out.push({ chars, start: part.start, end: part.end });
  }
  return out;
}

/**
 * The pattern read as the literal text it spells (escapes removed). Only for patterns without intentional regex
 * constructs (quantifiers, groups, classes, anchors): for those the own text is not what the pattern is meant to match.
 * An alternation whose bars all stand outside special tokens is a list of tokens: each branch must match its own text.
 */
function selfMatch(pattern: string, ast: Pattern): { text: string; mismatch: boolean } | undefined {
  if (hasIntentionalConstruct(ast.body)) return undefined;
  const text = unescapePattern(pattern);
  if (fullMatch(ast, text, { maxSteps: MATCH_STEPS }) !== false) return { text, mismatch: false };
  if (ast.body.type === 'alternation' && ast.body.bars.every((b) => !barInsideToken(pattern, b))) {
    const mismatch = ast.body.branches.some((branch) => {
      const own = unescapePattern(pattern.slice(branch.start, branch.end));
      return fullMatch({ ...ast, body: branch }, own, { maxSteps: MATCH_STEPS }) === false;
    });
    return { text, mismatch };
  }
  return { text, mismatch: true };
}

/** Whether a pattern uses regex constructs on purpose (`\n*`, `\s+`, `(...)*`, classes with ranges, anchors). */
export function hasIntentionalConstruct(node: ReNode): boolean {
  switch (node.type) {
    case 'literal':
      return false;
    case 'sequence':
      return node.items.some(hasIntentionalConstruct);
    case 'alternation':
      return node.branches.some(hasIntentionalConstruct);
    case 'repeat':
      // `<eos>?` or `a+` on a plain printable character reads like a token with a stray special; `\n*`, `\s+`,
      // `(...)*` and `[...]+` are deliberate.
      return !(node.body.type === 'literal' && !node.body.escaped && node.body.cp > 0x20);
    case 'set':
      // `[EOS]` in a token is more likely a literal bracket than a class; a class with a range is deliberate.
      return node.items.some((i) => i.type !== 'literal');
    case 'any':
      return false;
    default:
      return true;
  }
}

const CONTROL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07' };

/**
 * Removes regex escaping: `\|` becomes `|`, `\\` becomes `\`, `\n` a line break (and `\t`, `\r`, `\f`, `\v`, `\a`
 * their characters); other escapes of letters (`\d`, `\s`) stay.
 */
function unescapePattern(pattern: string): string {
  return pattern.replace(/\\([^A-Za-z0-9]|[ntrfva])/g, (_, c: string) => CONTROL_ESCAPES[c] ?? c);
}

/** Python's re.escape for the characters that matter in tokens: a pattern that matches `text` literally. */
export function pyEscape(text: string): string {
  let out = '';
  for (const ch of text) out += REGEX_SPECIALS.has(ch) ? `\\${ch}` : ch;
  return out;
}

/** Whether the `|` at `bar` lies inside something shaped like a special token: `<...|...>`. */
function barInsideToken(pattern: string, bar: number): boolean {
  const before = pattern.lastIndexOf('<', bar);
  const closeBefore = pattern.lastIndexOf('>', bar);
  const after = pattern.indexOf('>', bar);
  const openAfter = pattern.indexOf('<', bar);
  const openOk = before >= 0 && before > closeBefore;
  const closeOk = after >= 0 && (openAfter < 0 || after < openAfter);
  return openOk && closeOk;
}

/** The unescaped bars of a pattern that stand inside special tokens. */
function barsInsideTokens(pattern: string, ast: Pattern): number[] {
  const bars: number[] = [];
  collectBars(ast.body, bars);
  return bars.filter((b) => barInsideToken(pattern, b) && pattern[b - 1] !== '\\');
}

/**
 * Reports the unescaped bars inside special tokens as one finding over the tokens that hold them; returns the
 * pattern with those bars escaped, if there were any.
 */
function reportTokenBars(ctx: EntryContext, path: JsonPath, key: string, decoded: DecodedString, ast: Pattern, inside: number[], explained: { chars: string[] }[]): string | undefined {
  const pattern = decoded.value;
  if (!inside.length) return undefined;
  const alternatives = ast.body.type === 'alternation' ? ast.body.branches.map((b) => `\`${pattern.slice(b.start, b.end)}\``).join(' OR ') : undefined;
  const fixed = escapeTokenBars(pattern, inside);
  // From the `<` of the first token with a bar to the `>` of the last.
  const start = pattern.lastIndexOf('<', inside[0]);
  const end = pattern.indexOf('>', inside[inside.length - 1]) + 1;
  const bars = inside.length > 1 ? `${inside.length} bars \`|\` are` : '`|` is';
  ctx.report('regex-unescaped-bar', valueSpan(decoded, start, end), path,
    `\`${key}\`: ${bars} unescaped, so this pattern means ${alternatives ?? 'an alternation'}, not the token${alternatives ? '' : ' it spells'}.${alsoSingles(key, explained)} Escape ${inside.length > 1 ? 'them' : 'it'} as \`\\\\|\` in the JSON: \`${escapeJsonString(fixed)}\`.`,
    { data: { key, fixedValue: JSON.stringify(fixed) } });
  return fixed;
}

function collectBars(node: ReNode, out: number[]): void {
  forEachNode(node, (n) => {
    if (n.type === 'alternation') for (const bar of n.bars) out.push(bar);
  });
}

function escapeTokenBars(pattern: string, bars: number[]): string {
  let out = '';
  let last = 0;
  for (const b of bars) {
    out += `${pattern.slice(last, b)}\\|`;
    last = b + 1;
  }
  return out + pattern.slice(last);
}

/**
 * Over-escaping: a literal backslash (`\\` in the pattern, `\\\\` in the JSON) right before a regex special. The
 * pattern then looks for backslashes (or alternates at the `|` that follows) instead of the token.
 */
function reportOverEscaping(ctx: EntryContext, path: JsonPath, key: string, decoded: DecodedString, spots: number[], explained: { chars: string[] }[]): number {
  const pattern = decoded.value;
  if (!spots.length) return 0;
  const fixed = pattern.replace(/\\\\\\?(?=[.^$*+?{}[\]|()])/g, '\\');
  const splits = spots.some((s) => pattern[s + 2] === '|');
  // One finding over all the doubled escapes, from the first to the last.
  ctx.report('regex-over-escaped', valueSpan(decoded, spots[0], spots[spots.length - 1] + 2), path,
    `\`${key}\` is escaped twice: \`\\\\\\\\\` in the JSON is a literal backslash in the regex, so the pattern looks for backslashes${splits ? ' and the `|` after it splits the pattern into alternatives' : ''}.${alsoSingles(key, explained)} Use a single regex escape: \`${escapeJsonString(fixed)}\`.`,
    { data: { key, fixedValue: JSON.stringify(fixed) } });
  return spots.length;
}

/** Where a pattern has a literal backslash right before a regex special. */
function overEscapeSpots(pattern: string, ast: Pattern): number[] {
  const spots: number[] = [];
  collectBackslashLiterals(ast.body, (start) => {
    const next = pattern[start + 2];
    const isSpecial = (c: string | undefined) => c !== undefined && c !== '\\' && REGEX_SPECIALS.has(c);
    if (isSpecial(next) || (next === '\\' && isSpecial(pattern[start + 3]))) spots.push(start);
  });
  return spots;
}

function collectBackslashLiterals(node: ReNode, visit: (start: number) => void): void {
  forEachNode(node, (n) => {
    if (n.type === 'literal' && n.cp === 0x5c && n.escape === '\\\\') visit(n.start);
  });
}

function fixHint(pattern: string, message: string): string {
  if (/bad escape/.test(message)) return 'Remove the backslash, or double it (`\\\\\\\\` in the JSON) for a literal backslash.';
  if (/unterminated character set/.test(message) || /missing \)/.test(message)) return 'Escape `[` or `(` with `\\\\` in the JSON if it is part of the token.';
  if (/nothing to repeat|multiple repeat/.test(message)) return 'Escape the quantifier (`\\\\*`, `\\\\+`, `\\\\?`) if it is part of the token.';
  void pattern;
  return 'Fix the pattern, or escape the special characters with `\\\\` in the JSON.';
}
