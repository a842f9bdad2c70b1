// Lexing as jinja2 does. The output is a template for @huggingface/jinja without anything it treats differently:
// line breaks normalised, whitespace control and trim_blocks/lstrip_blocks already applied, comments dropped, raw
// blocks and string literals re-written as plain literals, numbers in decimal. `map[i]` is the template offset of
// output character i, so that the library's parse errors can be placed in the original template.
import type { Profile } from './environments';
import { TemplateSyntaxError } from './errors';
import { libraryString, libraryToken } from './literals';
import { ALL_SPACE, PY_SPACE, TRAILING_SPACE } from './pySpace';
import { pyRepr, str } from './values';

// jinja2.lexer's tag rules, as sticky regexes (IGNORECASE where jinja2 has it). The name rule is matchName's.
const TAG_RULES: [kind: TokenKind, re: RegExp | undefined][] = [
  ['ws', new RegExp(`[${PY_SPACE}]+`, 'y')],
  ['float', /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy],
  ['int', /(?:0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*)/iy],
  ['name', undefined],
  ['string', /'([^'\\]*(?:\\[\s\S][^'\\]*)*)'|"([^"\\]*(?:\\[\s\S][^"\\]*)*)"/y],
  ['op', /\/\/|\*\*|==|!=|>=|<=|[+\-/*%~[\](){}><=.:|,;]/y],
];
export type TokenKind = 'ws' | 'float' | 'int' | 'name' | 'string' | 'op';
const WS_RULE = TAG_RULES[0][1]!;
const OP_RULE = TAG_RULES[5][1]!;
/** The characters the op rule's tokens start with. */
const OPERATOR_START = new Set('/*=!><+-%~[](){}.:|,;');

// Most names are ASCII: the characters of the name rule below 128 are [A-Za-z0-9_], and an ASCII name is valid when it
// does not start with a digit. These cheap regexes decide them; the Unicode ones only see names with other characters,
// and are made when the first such name comes (making a Unicode property class costs a fresh process 1 ms, running it
// the first time 2 ms more: more than a whole template).
const ASCII_NAME = /[A-Za-z0-9_]+/y;
const VALID_ASCII_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
let unicodeNames: { name: RegExp; valid: RegExp } | undefined;
const unicodeName = () =>
  (unicodeNames ??= {
    name: /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}\u00b7]+/uy,
    valid: /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}\u00b7]*$/u,
  });

/** jinja2's name rule (`[\w·]+`, as Python's \w) matched at `at`. */
function matchName(src: string, at: number): RegExpExecArray | null {
  ASCII_NAME.lastIndex = at;
  const ascii = ASCII_NAME.exec(src);
  const next = ascii ? at + ascii[0].length : at;
  if (next >= src.length || src.charCodeAt(next) < 128) return ascii;
  const rule = unicodeName().name;
  rule.lastIndex = at;
  return rule.exec(src);
}

function isValidName(text: string): boolean {
  return VALID_ASCII_NAME.test(text) || (/[^\0-\x7f]/.test(text) && unicodeName().valid.test(text));
}

export interface Lexed {
  text: string;
  map: number[];
  /** The first tag this environment does not know (loop controls or {% generation %} without the extensions). */
  unknownTag?: { name: string; offset: number };
  /** Filter and test names as written, checked after parsing as jinja2's compiler does. */
  filters: { name: string; offset: number }[];
  tests: { name: string; offset: number }[];
}

/** A tag as written: its span in the template, from `{` to the end of its closing `}`. */
export interface TagSpan {
  kind: 'block' | 'variable' | 'comment';
  start: number;
  end: number;
  /** A block tag's statement name (`if`, `endfor`, `raw`, ...); '' for other tags. */
  name: string;
  /** Whitespace control: `-` or `+` right after the opening and right before the closing delimiter. */
  open: '' | '-' | '+';
  close: '' | '-' | '+';
}

/** Whitespace of the template that the environment's rules remove (not the whitespace a `-` asks to strip). */
export interface WhitespaceRemoval {
  /** keep_trailing_newline off, trim_blocks (the line break after a block or comment tag), lstrip_blocks. */
  cause: 'final-newline' | 'trim-blocks' | 'lstrip-blocks';
  start: number;
  end: number;
  /** The tag whose rule removed it, an index into `tags`: the one before it (trim_blocks) or after it (lstrip_blocks). */
  tag: number;
}

/** What the whitespace check needs to know of how the lexer read a template. */
export interface LexLayout {
  tags: TagSpan[];
  removals: WhitespaceRemoval[];
}

export interface LexOptions {
  /** jinja2's keep_trailing_newline (off in every environment clemcore uses). */
  keepTrailingNewline?: boolean;
  /** Filled with the tags and the removed whitespace, when given. */
  layout?: LexLayout;
}

// The lexer's own regular expressions (sticky or global: each use sets lastIndex first).
const SPACE_AT = new RegExp(`[${PY_SPACE}]*`, 'y');
const RAW_BEGIN = new RegExp(`\\{%([-+]?)[${PY_SPACE}]*raw[${PY_SPACE}]*(?:-%\\}[${PY_SPACE}]*|%\\})`, 'y');
const rawEndRule = (trim: boolean) => new RegExp(`\\{%([-+]?)[${PY_SPACE}]*endraw[${PY_SPACE}]*(?:\\+%\\}|-%\\}[${PY_SPACE}]*|%\\}${trim ? '\\n?' : ''})`, 'g');
const RAW_END = rawEndRule(false);
const RAW_END_TRIMMED = rawEndRule(true);
const TAG_START = /\{[%{#]/g;

/** The last few templates lexed with their layout, per profile (the whitespace check's lex is compile()'s). */
const laidOut = new Map<Profile, { template: string; lexed: Lexed; layout: LexLayout }[]>();
const LAID_OUT_KEPT = 4;

/**
 * `lex` with the layout. The whitespace check and compile() lex the same template in the same environment one after
 * the other: the second finds the first's result. A template the lexer rejects throws each time.
 */
export function lexLaidOut(template: string, profile: Profile): { lexed: Lexed; layout: LexLayout } {
  let recent = laidOut.get(profile);
  if (!recent) laidOut.set(profile, (recent = []));
  const hit = recent.find((r) => r.template === template);
  if (hit) return hit;
  const layout: LexLayout = { tags: [], removals: [] };
  const result = { template, lexed: lex(template, profile, { layout }), layout };
  if (recent.unshift(result) > LAID_OUT_KEPT) recent.pop();
  return result;
}

export function lex(template: string, profile: Profile, options: LexOptions = {}): Lexed {
  const layout = options.layout;
  // tokeniter: split on \r\n, \r and \n, drop a last empty line (keep_trailing_newline is off), join with \n.
  // srcMap[i] is the template offset of source character i; a template without \r is its own source and needs none.
  let src = template;
  let srcMap: number[] | undefined;
  if (template.includes('\r')) {
    src = '';
    srcMap = [];
    for (let i = 0; i < template.length; i++) {
      srcMap.push(i);
      if (template[i] === '\r') {
        src += '\n';
        if (template[i + 1] === '\n') i++;
      } else src += template[i];
    }
  }
  let srcEnd = template.length;
  if (src.endsWith('\n') && !options.keepTrailingNewline) {
    src = src.slice(0, -1);
    srcEnd = srcMap ? srcMap.pop()! : src.length;
    layout?.removals.push({ cause: 'final-newline', start: srcEnd, end: template.length, tag: -1 });
  }
  srcMap?.push(template.length);
  const srcLength = src.length;
  /** The template offset of source index i (the end of the source is the end of the template). */
  const origin = srcMap ? (i: number) => srcMap[i] : (i: number) => (i < srcLength ? i : template.length);
  /** The template offset of source index i, for the layout (the end of the source is where a dropped newline starts). */
  const offset = (i: number) => (i < srcLength ? origin(i) : srcEnd);
  const removed = (cause: WhitespaceRemoval['cause'], from: number, to: number, tag: number) => {
    if (layout && to > from) layout.removals.push({ cause, start: offset(from), end: offset(to), tag });
  };
  const tagAt = (kind: TagSpan['kind'], from: number, open: string) => {
    layout?.tags.push({ kind, start: offset(from), end: offset(from), name: '', open: open as TagSpan['open'], close: '' });
    return layout ? layout.tags.length - 1 : -1;
  };
  const tagEnds = (tag: number, at: number, close: string) => {
    if (!layout) return;
    layout.tags[tag].end = offset(at);
    layout.tags[tag].close = close as TagSpan['close'];
  };

  const out: Lexed = { text: '', map: [], filters: [], tests: [] };
  const emit = (text: string, at: number) => {
    out.text += text;
    const from = origin(at);
    for (let k = 0; k < text.length; k++) out.map.push(from);
  };
  const emitSource = (from: number, to: number) => {
    out.text += src.slice(from, to);
    for (let k = from; k < to; k++) out.map.push(origin(k));
  };
  const fail = (message: string, at: number): never => {
    throw new TemplateSyntaxError(message, origin(Math.min(at, srcLength)));
  };
  const trim = profile.trimBlocks;
  const skipSpace = (at: number) => {
    SPACE_AT.lastIndex = at;
    SPACE_AT.test(src);
    return SPACE_AT.lastIndex;
  };
  /** The data before a tag, after `{%-` (strip everything) or lstrip_blocks (spaces on the tag's own line). */
  const emitData = (from: number, to: number, sign: string, lstrip: boolean, lineStarting: boolean) => {
    let end = to;
    const text = src.slice(from, to);
    if (sign === '-') end = from + text.replace(TRAILING_SPACE, '').length;
    else if (sign !== '+' && lstrip && profile.trimBlocks) {
      const lineStart = text.lastIndexOf('\n') + 1;
      if ((lineStart > 0 || lineStarting) && ALL_SPACE.test(text.slice(lineStart))) end = from + lineStart;
      removed('lstrip-blocks', end, to, layout ? layout.tags.length : -1);
    }
    emitSource(from, end);
  };

  const rawBegin = RAW_BEGIN;
  const rawEnd = trim ? RAW_END_TRIMMED : RAW_END;
  const tagStart = TAG_START;
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
      const rawTag = tagAt('block', at, raw[1]);
      if (layout) layout.tags[rawTag].name = 'raw';
      tagEnds(rawTag, at + raw[0].indexOf('%}') + 2, raw[0].includes('-%}') ? '-' : '');
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
      const endTag = tagAt('block', end!.index, end![1]);
      const closeAt = end!.index + end![0].indexOf('%}') + 2;
      if (layout) layout.tags[endTag].name = 'endraw';
      tagEnds(endTag, closeAt, src[closeAt - 3] === '-' ? '-' : src[closeAt - 3] === '+' ? '+' : '');
      if (src[closeAt - 3] !== '-') removed('trim-blocks', closeAt, end!.index + end![0].length, endTag);
      pos = end!.index + end![0].length;
      lineStarting = end![0].endsWith('\n');
      continue;
    }
    const kind = src[at + 1];
    const sign = src[at + 2] === '-' || src[at + 2] === '+' ? src[at + 2] : '';
    emitData(pos, at, sign, kind !== '{', lineStarting);
    const tag = tagAt(kind === '%' ? 'block' : kind === '{' ? 'variable' : 'comment', at, sign);
    let cursor = at + 2 + sign.length;
    if (kind === '#') {
      // (.*?)((?:\+#}|\-#}\s*|#}\n?)): the first `#}`, with a `+` or `-` just before it taken as its sign.
      const close = src.indexOf('#}', cursor);
      if (close < 0) fail('Missing end of comment tag', at);
      let end = close + 2;
      const closeSign = close > cursor && (src[close - 1] === '-' || src[close - 1] === '+') ? src[close - 1] : '';
      tagEnds(tag, end, closeSign);
      if (closeSign === '-') end = skipSpace(end);
      else if (closeSign !== '+' && trim && src[end] === '\n') removed('trim-blocks', end, ++end, tag);
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
        const closer = kind === '%' ? '%}' : '}}';
        const closeSign = src[cursor] === '-' || (src[cursor] === '+' && kind === '%') ? src[cursor] : '';
        let end = -1;
        if (src.startsWith(closer, cursor + closeSign.length)) {
          end = cursor + closeSign.length + 2;
          tagEnds(tag, end, closeSign);
          if (closeSign === '-') end = skipSpace(end);
          else if (kind === '%' && closeSign === '' && trim && src[end] === '\n') removed('trim-blocks', end, ++end, tag);
        }
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
      // The one rule that can match at an ASCII letter, space or operator (the others start otherwise); any other
      // character (a digit, a quote, beyond ASCII) tries the rules in jinja2's order.
      const c = src.charCodeAt(cursor);
      const only = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 ? 'name' : c === 32 || c === 9 || c === 10 ? 'ws' : OPERATOR_START.has(src[cursor]) ? 'op' : undefined;
      if (only === 'name') {
        match = matchName(src, cursor);
        tokenKind = 'name';
      } else if (only) {
        const re = only === 'ws' ? WS_RULE : OP_RULE;
        re.lastIndex = cursor;
        match = re.exec(src);
        tokenKind = only;
      } else {
        for (const [k, re] of TAG_RULES) {
          if (re) re.lastIndex = cursor;
          match = re ? re.exec(src) : matchName(src, cursor);
          if (match) {
            tokenKind = k;
            break;
          }
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
        if (!isValidName(text)) fail('Invalid character in identifier', start);
        if (previous?.kind === 'op' && previous.text === '|') out.filters.push({ name: text, offset: origin(start) });
        else if (kind === '%' && first === 'filter' && previous?.text === 'filter' && beforePrevious === undefined) out.filters.push({ name: text, offset: origin(start) });
        else if (previous?.text === 'is' && previous.kind === 'name' && text !== 'not') out.tests.push({ name: text, offset: origin(start) });
        else if (previous?.text === 'not' && beforePrevious?.text === 'is') out.tests.push({ name: text, offset: origin(start) });
        if (first === undefined && kind === '%') {
          first = text;
          if (layout) layout.tags[tag].name = text;
          const needsExtension = text === 'break' || text === 'continue' || text === 'generation' || text === 'endgeneration';
          if (needsExtension && !profile.extensions && !out.unknownTag) out.unknownTag = { name: text, offset: origin(start) };
        }
      }
      if (first === undefined && kind === '%') first = '';
      emit(libraryToken(tokenKind, text, start, fail), start);
      beforePrevious = previous;
      previous = { kind: tokenKind, text };
    }
    if (!closed) {
      tagEnds(tag, src.length, '');
      pos = src.length; // jinja2's lexer stops here; its parser reports the unclosed tag (so does ours)
    }
  }
  out.map.push(template.length);
  return out;
}

