// Parser of Python 3.11 `re` syntax: a line-by-line port of CPython's re/_parser.py (plus the str-pattern checks of re/_compiler.py), building an AST with offsets.
import {
  AnchorKind,
  CategoryName,
  FLAG,
  GroupNode,
  LiteralNode,
  MAXREPEAT,
  Node,
  Pattern,
  RepeatNode,
  SequenceNode,
  SetItem,
} from './ast';
import { codePointsWithOffsets, cpIndexAt, cpLen, isAlphaStr, isAsciiDecimal, isIdentifier, lookupUnicodeName, pyInt, pyRepr } from './unicode';

export interface PyreError {
  /** Python's message (re.error.msg, or the text of the OverflowError/ValueError/RecursionError). */
  message: string;
  /** Code-point index into the pattern, as re.error.pos (for errors without a Python position: the construct at fault). */
  pos: number;
  /** UTF-16 index into the JS string corresponding to pos. */
  offset: number;
  /** UTF-16 units to underline (0 only when the error is at the very end of the pattern). */
  length: number;
  /** The Python exception re.compile raises; 'error' is re.error. */
  exception: 'error' | 'OverflowError' | 'ValueError' | 'RecursionError';
  /** re.error.pos exactly as Python reports it; null when Python gives no position (compile-time and non-re errors). */
  pythonPos: number | null;
}

export type ParseResult = { ok: true; ast: Pattern } | { ok: false; error: PyreError };

const MAXGROUPS = 1073741823n;
const MAXCODE = 4294967295n;
const MAXWIDTH = 1n << 64n;

/**
 * Python frames allowed for parsing nested groups before CPython's RecursionError (default limit 1000,
 * minus the frames of re.compile and its caller). Calibrated against a shallow caller; a deeper caller fails sooner.
 */
const FRAME_LIMIT = 991;

const FLAGS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {
  i: FLAG.IGNORECASE,
  L: FLAG.LOCALE,
  m: FLAG.MULTILINE,
  s: FLAG.DOTALL,
  x: FLAG.VERBOSE,
  a: FLAG.ASCII,
  t: FLAG.TEMPLATE,
  u: FLAG.UNICODE,
});
const TYPE_FLAGS = FLAG.ASCII | FLAG.LOCALE | FLAG.UNICODE;
const GLOBAL_FLAGS = FLAG.DEBUG | FLAG.TEMPLATE;

const SPECIAL_CHARS = '.\\[{()*+?^$|';
const REPEAT_CHARS = '*+?{';
const isDigit = (c: string | null): boolean => c !== null && c.length === 1 && c >= '0' && c <= '9';
const isOctDigit = (c: string | null): boolean => c !== null && c.length === 1 && c >= '0' && c <= '7';
const isHexDigit = (c: string | null): boolean => c !== null && c.length === 1 && /[0-9a-fA-F]/.test(c);
const isAsciiLetter = (c: string): boolean => c.length === 1 && /[a-zA-Z]/.test(c);
const WHITESPACE = ' \t\n\r\v\f';

const SIMPLE_ESCAPES: Record<string, number> = {
  '\\a': 7,
  '\\b': 8,
  '\\f': 12,
  '\\n': 10,
  '\\r': 13,
  '\\t': 9,
  '\\v': 11,
  '\\\\': 92,
};
const CATEGORY_ESCAPES: Record<string, CategoryName> = { '\\d': 'd', '\\D': 'D', '\\s': 's', '\\S': 'S', '\\w': 'w', '\\W': 'W' };
const ANCHOR_ESCAPES: Record<string, AnchorKind> = { '\\A': 'A', '\\b': 'b', '\\B': 'B', '\\Z': 'Z' };

/** Thrown inside the parser; converted to a PyreError at the top. */
class Fail {
  constructor(
    readonly message: string,
    readonly pos: number,
    readonly endPos: number,
    readonly exception: PyreError['exception'] = 'error',
    readonly hasPos = true,
  ) {}
}

/** Parser state, CPython's State plus the AST bookkeeping. */
interface GroupInfo {
  node?: GroupNode;
  closed: boolean;
}

class Tokenizer {
  readonly cps: number[];
  /** offs[i] = UTF-16 offset of code point i; offs[n] = string length. */
  readonly offs: number[];
  readonly n: number;
  index = 0;
  next: string | null = null;
  nextLen = 0;

  constructor(readonly string: string) {
    const { cps, offs } = codePointsWithOffsets(string);
    this.cps = cps;
    this.offs = offs;
    this.n = cps.length;
  }
  /** Reads the first token (may fail on a lone trailing backslash, as in CPython). */
  start(): void {
    this.advance();
  }

  private advance(): void {
    let index = this.index;
    if (index >= this.n) {
      this.next = null;
      this.nextLen = 0;
      return;
    }
    let ch = String.fromCodePoint(this.cps[index]);
    if (ch === '\\') {
      index += 1;
      if (index >= this.n) throw new Fail('bad escape (end of pattern)', this.n - 1, this.n);
      ch += String.fromCodePoint(this.cps[index]);
      this.nextLen = 2;
    } else {
      this.nextLen = 1;
    }
    this.index = index + 1;
    this.next = ch;
  }
  match(ch: string): boolean {
    if (ch === this.next) {
      this.advance();
      return true;
    }
    return false;
  }
  get(): string | null {
    const t = this.next;
    this.advance();
    return t;
  }
  getwhile(n: number, pred: (c: string | null) => boolean): string {
    let result = '';
    for (let i = 0; i < n; i++) {
      const c = this.next;
      if (!pred(c)) break;
      result += c;
      this.advance();
    }
    return result;
  }
  getuntil(terminator: string, name: string): string {
    let result = '';
    for (;;) {
      const c = this.next;
      this.advance();
      if (c === null) {
        if (!result) throw this.error('missing ' + name);
        throw this.error(`missing ${terminator}, unterminated name`, cpLen(result));
      }
      if (c === terminator) {
        if (!result) throw this.error('missing ' + name, 1);
        break;
      }
      result += c;
    }
    return result;
  }
  tell(): number {
    return this.index - this.nextLen;
  }
  seek(index: number): void {
    this.index = index;
    this.advance();
  }
  /** CPython's source.error(msg, offset): the error points `offset` code points before the current position. */
  error(msg: string, offset = 0, underline?: number): Fail {
    const here = this.tell();
    const pos = here - offset;
    return new Fail(msg, pos, underline !== undefined ? pos + underline : offset > 0 ? here : pos + 1);
  }
  checkgroupname(name: string, offset: number): void {
    if (!isIdentifier(name)) throw this.error(`bad character in group name ${pyRepr(name)}`, cpLen(name) + offset);
  }
  /** UTF-16 offset of a code-point index. */
  off(cpIndex: number): number {
    return this.offs[Math.min(Math.max(cpIndex, 0), this.n)];
  }
}

/** Thrown in 3.10 mode when (?x) appears late: CPython 3.10 then re-parses the whole pattern as verbose. */
class Verbose {}

class State {
  /** Emulate Python 3.10's parser (no atomic groups/possessive quantifiers; late global flags only warn). */
  py310 = false;
  flags = 0;
  groupdict = new Map<string, number>();
  /** groups[gid]: index 0 is the whole match. */
  groups: GroupInfo[] = [{ closed: false }];
  lookbehindgroups: number | null = null;
  grouprefpos = new Map<bigint, [number, number]>();
  frames = 0;
  comments: { start: number; end: number }[] = [];
  globalFlagSpans: { start: number; end: number }[] = [];
  /** CPython's state.groups: number of groups opened so far, plus one. */
  get ngroups(): number {
    return this.groups.length;
  }
  opengroup(name: string | null): number {
    const gid = this.groups.length;
    this.groups.push({ closed: false });
    if (BigInt(this.groups.length) > MAXGROUPS) throw new Error('too many groups');
    if (name !== null) {
      const ogid = this.groupdict.get(name);
      if (ogid !== undefined) {
        throw new Error(`redefinition of group name ${pyRepr(name)} as group ${gid}; was group ${ogid}`);
      }
      this.groupdict.set(name, gid);
    }
    return gid;
  }
  checkgroup(gid: number): boolean {
    return gid < this.groups.length && this.groups[gid].closed;
  }
  checklookbehindgroup(gid: number, source: Tokenizer): void {
    if (this.lookbehindgroups !== null) {
      if (!this.checkgroup(gid)) throw source.error('cannot refer to an open group');
      if (gid >= this.lookbehindgroups) {
        throw source.error('cannot refer to group defined in the same lookbehind subpattern');
      }
    }
  }
  enter(source: Tokenizer): void {
    if (++this.frames > FRAME_LIMIT) {
      const p = source.tell();
      throw new Fail('maximum recursion depth exceeded', p, p + 1, 'RecursionError', false);
    }
  }
}

function literal(source: Tokenizer, cp: number, startCp: number, escape: string | undefined): LiteralNode {
  const start = source.off(startCp);
  const end = source.off(source.tell());
  const node: LiteralNode = { type: 'literal', cp, escaped: escape !== undefined, start, end };
  if (escape !== undefined) node.escape = source.string.slice(start, end);
  return node;
}

/** Escapes inside [...]: CPython's _class_escape. Returns a literal or a category item. */
function classEscape(source: Tokenizer, escape: string, startCp: number): SetItem {
  const simple = SIMPLE_ESCAPES[escape];
  if (simple !== undefined) return literal(source, simple, startCp, escape);
  const cat = CATEGORY_ESCAPES[escape];
  if (cat !== undefined) {
    return { type: 'category', cat, start: source.off(startCp), end: source.off(source.tell()) };
  }
  const c = escape.slice(1);
  const cp = numericEscape(source, escape, c, true);
  if (cp !== undefined) return literal(source, cp, startCp, escape);
  if (isDigit(c)) throw source.error(`bad escape ${escape}`, cpLen(escape));
  if (cpLen(escape) === 2) {
    if (isAsciiLetter(c)) throw source.error(`bad escape ${escape}`, cpLen(escape));
    return literal(source, c.codePointAt(0)!, startCp, escape);
  }
  throw source.error(`bad escape ${escape}`, cpLen(escape));
}

/**
 * The \x \u \U \N and (inside classes) octal escapes shared by _escape and _class_escape.
 * Returns the code point, or undefined when `c` is none of them.
 */
function numericEscape(source: Tokenizer, escape: string, c: string, inClass: boolean): number | undefined {
  if (c === 'x') {
    escape += source.getwhile(2, isHexDigit);
    if (escape.length !== 4) throw source.error(`incomplete escape ${escape}`, escape.length);
    return parseInt(escape.slice(2), 16);
  }
  if (c === 'u') {
    escape += source.getwhile(4, isHexDigit);
    if (escape.length !== 6) throw source.error(`incomplete escape ${escape}`, escape.length);
    return parseInt(escape.slice(2), 16);
  }
  if (c === 'U') {
    escape += source.getwhile(8, isHexDigit);
    if (escape.length !== 10) throw source.error(`incomplete escape ${escape}`, escape.length);
    const v = parseInt(escape.slice(2), 16);
    // chr() raises ValueError, which re reports as a bad escape
    if (v > 0x10ffff) throw source.error(`bad escape ${escape}`, escape.length);
    return v;
  }
  if (c === 'N') {
    if (!source.match('{')) throw source.error('missing {');
    const charname = source.getuntil('}', 'character name');
    const v = lookupUnicodeName(charname);
    if (v === null) {
      throw source.error(`undefined character name ${pyRepr(charname)}`, cpLen(charname) + 4);
    }
    return v;
  }
  if (inClass && isOctDigit(c)) {
    escape += source.getwhile(2, isOctDigit);
    const v = parseInt(escape.slice(1), 8);
    if (v > 0o377) {
      throw source.error(`octal escape value ${escape} outside of range 0-0o377`, escape.length);
    }
    return v;
  }
  return undefined;
}

/** Escapes outside classes: CPython's _escape. */
function escapeNode(source: Tokenizer, escape: string, state: State, startCp: number): Node {
  const anchor = ANCHOR_ESCAPES[escape];
  if (anchor !== undefined) {
    return { type: 'anchor', kind: anchor, start: source.off(startCp), end: source.off(source.tell()) };
  }
  const cat = CATEGORY_ESCAPES[escape];
  if (cat !== undefined) return { type: 'category', cat, start: source.off(startCp), end: source.off(source.tell()) };
  const simple = SIMPLE_ESCAPES[escape];
  if (simple !== undefined) return literal(source, simple, startCp, escape);
  const c = escape.slice(1);
  const cp = numericEscape(source, escape, c, false);
  if (cp !== undefined) return literal(source, cp, startCp, escape);
  if (c === '0') {
    escape += source.getwhile(2, isOctDigit);
    return literal(source, parseInt(escape.slice(1), 8), startCp, escape);
  }
  if (isDigit(c)) {
    // octal escape *or* decimal group reference
    if (isDigit(source.next)) {
      escape += source.get();
      if (isOctDigit(escape[1]) && isOctDigit(escape[2]) && isOctDigit(source.next)) {
        escape += source.get();
        const v = parseInt(escape.slice(1), 8);
        if (v > 0o377) {
          throw source.error(`octal escape value ${escape} outside of range 0-0o377`, escape.length);
        }
        return literal(source, v, startCp, escape);
      }
    }
    const group = parseInt(escape.slice(1), 10);
    if (group < state.ngroups) {
      if (!state.checkgroup(group)) throw source.error('cannot refer to an open group', escape.length);
      state.checklookbehindgroup(group, source);
      return { type: 'backref', group, start: source.off(startCp), end: source.off(source.tell()) };
    }
    throw source.error(`invalid group reference ${group}`, escape.length - 1);
  }
  if (cpLen(escape) === 2) {
    if (isAsciiLetter(c)) throw source.error(`bad escape ${escape}`, cpLen(escape));
    return literal(source, c.codePointAt(0)!, startCp, escape);
  }
  throw source.error(`bad escape ${escape}`, cpLen(escape));
}

function seq(source: Tokenizer, items: Node[], startCp: number, endCp: number): Node {
  if (items.length === 1) return items[0];
  const node: SequenceNode = { type: 'sequence', items, start: source.off(startCp), end: source.off(endCp) };
  return node;
}

/** An alternation a|b|c: CPython's _parse_sub. */
function parseSub(source: Tokenizer, state: State, verbose: boolean, nested: number): Node {
  state.enter(source);
  const start = source.tell();
  const items: Node[] = [];
  const bars: number[] = [];
  for (;;) {
    items.push(parse(source, state, verbose, nested + 1, !nested && items.length === 0));
    const bar = source.tell();
    if (!source.match('|')) break;
    bars.push(source.off(bar));
    if (!nested) verbose = (state.flags & FLAG.VERBOSE) !== 0;
  }
  state.frames--;
  if (items.length === 1) return items[0];
  return { type: 'alternation', branches: items, bars, start: source.off(start), end: source.off(source.tell()) };
}

/** A sequence of items up to `|`, `)` or the end: CPython's _parse. */
function parse(source: Tokenizer, state: State, verbose: boolean, nested: number, first = false): Node {
  state.enter(source);
  const subpattern: Node[] = [];
  const startCp = source.tell();
  let endCp = startCp;

  for (;;) {
    const thisStart = source.tell();
    const tok = source.next;
    if (tok === null) break;
    if (tok === '|' || tok === ')') break;
    source.get();

    if (verbose) {
      if (tok.length === 1 && WHITESPACE.includes(tok)) continue;
      if (tok === '#') {
        for (;;) {
          const t = source.get();
          if (t === null || t === '\n') break;
        }
        continue;
      }
    }

    if (tok[0] === '\\') {
      subpattern.push(escapeNode(source, tok, state, thisStart));
    } else if (!SPECIAL_CHARS.includes(tok)) {
      subpattern.push(literal(source, tok.codePointAt(0)!, thisStart, undefined));
    } else if (tok === '[') {
      subpattern.push(parseSet(source, thisStart));
    } else if (REPEAT_CHARS.includes(tok)) {
      const here = source.tell();
      let min = 0;
      let max = MAXREPEAT;
      if (tok === '?') {
        max = 1;
      } else if (tok === '+') {
        min = 1;
      } else if (tok === '{') {
        if (source.next === '}') {
          subpattern.push(literal(source, 123, thisStart, undefined));
          continue;
        }
        let lo = '';
        let hi = '';
        while (isDigit(source.next)) lo += source.get();
        if (source.match(',')) {
          while (isDigit(source.next)) hi += source.get();
        } else {
          hi = lo;
        }
        if (!source.match('}')) {
          subpattern.push({ type: 'literal', cp: 123, escaped: false, start: source.off(thisStart), end: source.off(here) });
          source.seek(here);
          continue;
        }
        if (lo) {
          const v = BigInt(lo);
          if (v >= BigInt(MAXREPEAT)) {
            throw new Fail('the repetition number is too large', thisStart, source.tell(), 'OverflowError', false);
          }
          min = Number(v);
        }
        if (hi) {
          const v = BigInt(hi);
          if (v >= BigInt(MAXREPEAT)) {
            throw new Fail('the repetition number is too large', thisStart, source.tell(), 'OverflowError', false);
          }
          max = Number(v);
          if (max < min) throw source.error('min repeat greater than max repeat', source.tell() - here);
        }
      }
      const item = subpattern.length ? subpattern[subpattern.length - 1] : undefined;
      if (!item || item.type === 'anchor') {
        throw source.error('nothing to repeat', source.tell() - here + 1);
      }
      if (item.type === 'repeat') throw source.error('multiple repeat', source.tell() - here + 1);
      let mode: RepeatNode['mode'] = 'greedy';
      if (source.match('?')) mode = 'lazy';
      else if (!state.py310 && source.match('+')) mode = 'possessive';
      const quantEnd = source.off(source.tell());
      subpattern[subpattern.length - 1] = {
        type: 'repeat',
        min,
        max: max === MAXREPEAT ? Infinity : max,
        mode,
        body: item,
        quantStart: source.off(thisStart),
        quantEnd,
        start: item.start,
        end: quantEnd,
      };
    } else if (tok === '.') {
      subpattern.push({ type: 'any', start: source.off(thisStart), end: source.off(source.tell()) });
    } else if (tok === '(') {
      const node = parseGroup(source, state, verbose, nested, first, subpattern.length > 0, thisStart);
      if (node === 'verbose-on') verbose = true;
      else if (node === 'verbose-off') verbose = false;
      else if (node !== null) subpattern.push(node);
    } else if (tok === '^') {
      subpattern.push({ type: 'anchor', kind: '^', start: source.off(thisStart), end: source.off(source.tell()) });
    } else if (tok === '$') {
      subpattern.push({ type: 'anchor', kind: '$', start: source.off(thisStart), end: source.off(source.tell()) });
    }
    endCp = source.tell();
  }
  state.frames--;
  return seq(source, subpattern, startCp, Math.max(endCp, startCp));
}

/** A character class after its `[`. */
function parseSet(source: Tokenizer, here: number): Node {
  const items: SetItem[] = [];
  const negated = source.match('^');
  for (;;) {
    const itemStart = source.tell();
    const tok = source.get();
    if (tok === null) throw source.error('unterminated character set', source.tell() - here, 1);
    if (tok === ']' && items.length) break;
    let code1: SetItem;
    if (tok[0] === '\\') code1 = classEscape(source, tok, itemStart);
    else code1 = literal(source, tok.codePointAt(0)!, itemStart, undefined);
    if (source.match('-')) {
      const thatStart = source.tell();
      const that = source.get();
      if (that === null) throw source.error('unterminated character set', source.tell() - here, 1);
      if (that === ']') {
        items.push(code1);
        items.push({ type: 'literal', cp: 45, escaped: false, start: source.off(thatStart - 1), end: source.off(thatStart) });
        break;
      }
      let code2: SetItem;
      if (that[0] === '\\') code2 = classEscape(source, that, thatStart);
      else code2 = literal(source, that.codePointAt(0)!, thatStart, undefined);
      const msg = `bad character range ${tok}-${that}`;
      const off = cpLen(tok) + 1 + cpLen(that);
      if (code1.type !== 'literal' || code2.type !== 'literal') throw source.error(msg, off);
      if (code2.cp < code1.cp) throw source.error(msg, off);
      items.push({ type: 'range', lo: code1.cp, hi: code2.cp, start: code1.start, end: code2.end });
    } else {
      items.push(code1);
    }
  }
  return { type: 'set', negated, items, start: source.off(here), end: source.off(source.tell()) };
}

/**
 * A parenthesised construct after its `(`. Returns the node, null for comments and global flags,
 * or a verbose switch when global flags changed the verbose mode.
 */
function parseGroup(
  source: Tokenizer,
  state: State,
  verbose: boolean,
  nested: number,
  first: boolean,
  hasItems: boolean,
  start: number,
): Node | null | 'verbose-on' | 'verbose-off' {
  let capture = true;
  let kind: GroupNode['kind'] = 'capture';
  let name: string | null = null;
  let addFlags = 0;
  let delFlags = 0;
  const missingParen = (): Fail => source.error('missing ), unterminated subpattern', source.tell() - start, 1);
  if (source.match('?')) {
    const char = source.get();
    if (char === null) throw source.error('unexpected end of pattern');
    if (char === 'P') {
      if (source.match('<')) {
        name = source.getuntil('>', 'group name');
        source.checkgroupname(name, 1);
      } else if (source.match('=')) {
        const ref = source.getuntil(')', 'group name');
        source.checkgroupname(ref, 1);
        const gid = state.groupdict.get(ref);
        if (gid === undefined) throw source.error(`unknown group name ${pyRepr(ref)}`, cpLen(ref) + 1);
        if (!state.checkgroup(gid)) throw source.error('cannot refer to an open group', cpLen(ref) + 1);
        state.checklookbehindgroup(gid, source);
        return { type: 'backref', group: gid, name: ref, start: source.off(start), end: source.off(source.tell()) };
      } else {
        const c = source.get();
        if (c === null) throw source.error('unexpected end of pattern');
        throw source.error('unknown extension ?P' + c, cpLen(c) + 2);
      }
    } else if (char === ':') {
      capture = false;
      kind = 'noncapture';
    } else if (char === '#') {
      for (;;) {
        if (source.next === null) {
          throw source.error('missing ), unterminated comment', source.tell() - start, 1);
        }
        if (source.get() === ')') break;
      }
      state.comments.push({ start: source.off(start), end: source.off(source.tell()) });
      return null;
    } else if (char === '=' || char === '!' || char === '<') {
      let dir = 1;
      let c = char;
      let outerLookbehind: number | null = null;
      if (c === '<') {
        const c2 = source.get();
        if (c2 === null) throw source.error('unexpected end of pattern');
        if (c2 !== '=' && c2 !== '!') throw source.error('unknown extension ?<' + c2, cpLen(c2) + 2);
        c = c2;
        dir = -1;
        outerLookbehind = state.lookbehindgroups;
        if (outerLookbehind === null) state.lookbehindgroups = state.ngroups;
      }
      const p = parseSub(source, state, verbose, nested + 1);
      if (dir < 0 && outerLookbehind === null) state.lookbehindgroups = null;
      if (!source.match(')')) throw missingParen();
      const k: GroupNode['kind'] =
        dir > 0 ? (c === '=' ? 'lookahead' : 'negLookahead') : c === '=' ? 'lookbehind' : 'negLookbehind';
      return { type: 'group', kind: k, addFlags: 0, delFlags: 0, body: p, start: source.off(start), end: source.off(source.tell()) };
    } else if (char === '(') {
      const condname = source.getuntil(')', 'group name');
      let condgroup: number;
      let condName: string | undefined;
      if (isIdentifier(condname)) {
        const g = state.groupdict.get(condname);
        if (g === undefined) throw source.error(`unknown group name ${pyRepr(condname)}`, cpLen(condname) + 1);
        condgroup = g;
        condName = condname;
      } else {
        const v = pyInt(condname);
        if (v === null || v < 0n) {
          throw source.error(`bad character in group name ${pyRepr(condname)}`, cpLen(condname) + 1);
        }
        if (v === 0n) throw source.error('bad group number', cpLen(condname) + 1);
        if (v >= MAXGROUPS) throw source.error(`invalid group reference ${v}`, cpLen(condname) + 1);
        if (!state.grouprefpos.has(v)) state.grouprefpos.set(v, [source.tell() - cpLen(condname) - 1, cpLen(condname)]);
        condgroup = Number(v);
      }
      state.checklookbehindgroup(condgroup, source);
      const yes = parse(source, state, verbose, nested + 1);
      let no: Node | null = null;
      let bar: number | undefined;
      const barCp = source.tell();
      if (source.match('|')) {
        bar = source.off(barCp);
        no = parse(source, state, verbose, nested + 1);
        if (source.next === '|') throw source.error('conditional backref with more than two branches');
      }
      if (!source.match(')')) throw missingParen();
      const node: Node = { type: 'conditional', group: condgroup, yes, no, start: source.off(start), end: source.off(source.tell()) };
      if (condName !== undefined) node.name = condName;
      if (bar !== undefined) node.bar = bar;
      return node;
    } else if (char === '>' && !state.py310) {
      capture = false;
      kind = 'atomic';
    } else if (char in FLAGS || char === '-') {
      const flags = parseFlags(source, state, char);
      if (flags === null) {
        if ((!first || hasItems) && !state.py310) {
          throw source.error('global flags not at the start of the expression', source.tell() - start);
        }
        if (state.py310 && state.flags & FLAG.VERBOSE && !verbose) throw new Verbose();
        state.globalFlagSpans.push({ start: source.off(start), end: source.off(source.tell()) });
        return (state.flags & FLAG.VERBOSE) !== 0 ? 'verbose-on' : 'verbose-off';
      }
      [addFlags, delFlags] = flags;
      capture = false;
      kind = 'noncapture';
    } else {
      throw source.error('unknown extension ?' + char, cpLen(char) + 1);
    }
  }

  let group: number | undefined;
  if (capture) {
    try {
      group = state.opengroup(name);
    } catch (e) {
      throw source.error((e as Error).message, (name === null ? 0 : cpLen(name)) + 1);
    }
  }
  const subVerbose = (verbose || (addFlags & FLAG.VERBOSE) !== 0) && !(delFlags & FLAG.VERBOSE);
  const p = parseSub(source, state, subVerbose, nested + 1);
  if (!source.match(')')) throw missingParen();
  const node: GroupNode = { type: 'group', kind, addFlags, delFlags, body: p, start: source.off(start), end: source.off(source.tell()) };
  if (group !== undefined) {
    node.index = group;
    if (name !== null) node.name = name;
    state.groups[group] = { node, closed: true };
  }
  return node;
}

/** Inline flags after `(?`: CPython's _parse_flags. Returns null for global flags `(?i)`. */
function parseFlags(source: Tokenizer, state: State, char: string | null): [number, number] | null {
  let addFlags = 0;
  let delFlags = 0;
  if (char !== '-') {
    for (;;) {
      const flag = FLAGS[char as string];
      if (char === 'L') throw source.error("bad inline flags: cannot use 'L' flag with a str pattern");
      addFlags |= flag;
      if (flag & TYPE_FLAGS && (addFlags & TYPE_FLAGS) !== flag) {
        throw source.error("bad inline flags: flags 'a', 'u' and 'L' are incompatible");
      }
      char = source.get();
      if (char === null) throw source.error('missing -, : or )');
      if (char === ')' || char === '-' || char === ':') break;
      if (!(char in FLAGS)) {
        throw source.error(isAlphaStr(char) ? 'unknown flag' : 'missing -, : or )', cpLen(char));
      }
    }
  }
  if (char === ')') {
    state.flags |= addFlags;
    return null;
  }
  if (addFlags & GLOBAL_FLAGS) throw source.error('bad inline flags: cannot turn on global flag', 1);
  if (char === '-') {
    char = source.get();
    if (char === null) throw source.error('missing flag');
    if (!(char in FLAGS)) throw source.error(isAlphaStr(char) ? 'unknown flag' : 'missing flag', cpLen(char));
    for (;;) {
      const flag = FLAGS[char];
      if (flag & TYPE_FLAGS) throw source.error("bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
      delFlags |= flag;
      char = source.get();
      if (char === null) throw source.error('missing :');
      if (char === ':') break;
      if (!(char in FLAGS)) throw source.error(isAlphaStr(char) ? 'unknown flag' : 'missing :', cpLen(char));
    }
  }
  if (delFlags & GLOBAL_FLAGS) throw source.error('bad inline flags: cannot turn off global flag', 1);
  if (addFlags & delFlags) throw source.error('bad inline flags: flag turned on and off', 1);
  return [addFlags, delFlags];
}

// ---- compile-time checks of re/_compiler.py (in its traversal order)

type Width = [bigint, bigint];

function clamp(w: Width): Width {
  return [w[0] < MAXWIDTH ? w[0] : MAXWIDTH, w[1] < MAXWIDTH ? w[1] : MAXWIDTH];
}

/** SubPattern.getwidth() over the AST, exact (BigInt), including Python's clamping at 2**64. */
function getwidth(node: Node, groups: GroupInfo[], memo: Map<Node, Width>): Width {
  const m = memo.get(node);
  if (m) return m;
  let w: Width;
  switch (node.type) {
    case 'literal':
    case 'any':
    case 'category':
    case 'set':
      w = [1n, 1n];
      break;
    case 'anchor':
      w = [0n, 0n];
      break;
    case 'group':
      w =
        node.kind === 'capture' || node.kind === 'noncapture' || node.kind === 'atomic'
          ? getwidth(node.body, groups, memo)
          : [0n, 0n];
      break;
    case 'sequence': {
      let lo = 0n;
      let hi = 0n;
      for (const it of node.items) {
        const [a, b] = getwidth(it, groups, memo);
        lo += a;
        hi += b;
      }
      w = [lo, hi];
      break;
    }
    case 'alternation': {
      let lo = MAXWIDTH;
      let hi = 0n;
      for (const b of node.branches) {
        const [x, y] = getwidth(b, groups, memo);
        if (x < lo) lo = x;
        if (y > hi) hi = y;
      }
      w = [lo, hi];
      break;
    }
    case 'repeat': {
      const [i, j] = getwidth(node.body, groups, memo);
      const lo = i * BigInt(node.min);
      const hi = node.max === Infinity ? (j ? MAXWIDTH : 0n) : j * BigInt(node.max);
      w = [lo, hi];
      break;
    }
    case 'backref': {
      const g = groups[node.group].node;
      w = g ? getwidth(g.body, groups, memo) : [0n, 0n];
      break;
    }
    case 'conditional': {
      let [i, j] = getwidth(node.yes, groups, memo);
      if (node.no !== null) {
        const [l, h] = getwidth(node.no, groups, memo);
        if (l < i) i = l;
        if (h > j) j = h;
      } else {
        i = 0n;
      }
      w = [i, j];
      break;
    }
  }
  w = clamp(w);
  memo.set(node, w);
  return w;
}

const REPEAT_OPNAME = { greedy: 'MAX_REPEAT', lazy: 'MIN_REPEAT', possessive: 'POSSESSIVE_REPEAT' } as const;

interface CompileFault {
  message: string;
  node: Node;
}

/** Pre-order walk raising what _compiler._compile raises for str patterns, in its order. */
function compileCheck(node: Node, flags: number, groups: GroupInfo[], memo: Map<Node, Width>): CompileFault | null {
  switch (node.type) {
    case 'repeat':
      if (flags & FLAG.TEMPLATE) return { message: `internal: unsupported template operator ${REPEAT_OPNAME[node.mode]}`, node };
      return compileCheck(node.body, flags, groups, memo);
    case 'group':
      if (node.kind === 'lookbehind' || node.kind === 'negLookbehind') {
        const [lo, hi] = getwidth(node.body, groups, memo);
        if (lo > MAXCODE) return { message: 'looks too much behind', node };
        if (lo !== hi) return { message: 'look-behind requires fixed-width pattern', node };
      }
      return compileCheck(node.body, flags, groups, memo);
    case 'sequence':
      for (const it of node.items) {
        const f = compileCheck(it, flags, groups, memo);
        if (f) return f;
      }
      return null;
    case 'alternation':
      for (const b of node.branches) {
        const f = compileCheck(b, flags, groups, memo);
        if (f) return f;
      }
      return null;
    case 'conditional':
      return compileCheck(node.yes, flags, groups, memo) ?? (node.no ? compileCheck(node.no, flags, groups, memo) : null);
    default:
      return null;
  }
}

/** Parses `pattern` exactly as CPython 3.11 `re.compile(pattern)` (flags 0, str pattern) would accept or reject it. */
/**
 * Results by pattern: a registry's few patterns are read by the regex rules, the dry run and clemcore's text path,
 * none of which changes a result. Long patterns (a pasted megabyte) are parsed each time rather than kept.
 */
const parsedPatterns = new Map<string, ParseResult>();
const KEPT_PATTERN_LENGTH = 4096;

export function parsePattern(pattern: string): ParseResult {
  let result = parsedPatterns.get(pattern);
  if (result) return result;
  result = parseWith(pattern, false);
  if (pattern.length <= KEPT_PATTERN_LENGTH) {
    if (parsedPatterns.size >= 1000) parsedPatterns.clear();
    parsedPatterns.set(pattern, result);
  }
  return result;
}

/** The same check as Python 3.10's re.compile would do (see py310.ts for what differs). */
export function parsePattern310(pattern: string): ParseResult {
  return parseWith(pattern, true);
}

function parseWith(pattern: string, py310: boolean): ParseResult {
  const source = new Tokenizer(pattern);
  try {
    source.start();
    let state = new State();
    state.py310 = py310;
    let body: Node;
    try {
      body = parseSub(source, state, false, 0);
    } catch (e) {
      if (!(e instanceof Verbose)) throw e;
      state = new State();
      state.py310 = true;
      state.flags = FLAG.VERBOSE;
      source.seek(0);
      body = parseSub(source, state, true, 0);
    }
    // fix_flags
    if (state.flags & FLAG.ASCII) {
      if (state.flags & FLAG.UNICODE) throw new Fail('ASCII and UNICODE flags are incompatible', 0, 1, 'ValueError', false);
    } else {
      state.flags |= FLAG.UNICODE;
    }
    if (source.next !== null) throw source.error('unbalanced parenthesis');
    for (const [g, [pos, len]] of state.grouprefpos) {
      if (g >= BigInt(state.ngroups)) throw new Fail(`invalid group reference ${g}`, pos, pos + len);
    }
    const fault = compileCheck(body, state.flags, state.groups, new Map());
    if (fault) {
      // Python gives no position; point at the construct at fault.
      const f = new Fail(fault.message, cpIndexOf(source, fault.node.start), cpIndexOf(source, fault.node.end), 'error', false);
      throw f;
    }
    const groupNames: Record<string, number> = {};
    for (const [k, v] of state.groupdict) groupNames[k] = v;
    const ast: Pattern = {
      type: 'pattern',
      body,
      flags: state.flags,
      groupCount: state.ngroups - 1,
      groupNames,
      comments: state.comments,
      globalFlagSpans: state.globalFlagSpans,
      start: 0,
      end: pattern.length,
    };
    return { ok: true, ast };
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    return { ok: false, error: toError(e, pattern, source) };
  }
}

/** Code-point index of a UTF-16 offset. */
function cpIndexOf(source: Tokenizer, offset: number): number {
  return cpIndexAt(source.offs, offset);
}

function toError(f: Fail, pattern: string, source: Tokenizer): PyreError {
  const pos = f.pos;
  const offset = source.off(pos);
  let end = source.off(Math.max(f.endPos, pos));
  if (end <= offset) end = Math.min(offset + 1, pattern.length);
  // never split a surrogate pair at the end of the underline
  const c = pattern.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff && end < pattern.length) end++;
  return {
    message: f.message,
    pos,
    offset,
    length: Math.max(0, end - offset),
    exception: f.exception,
    pythonPos: f.hasPos ? f.pos : null,
  };
}
