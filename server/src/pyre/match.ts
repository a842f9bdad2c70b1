// Backtracking matcher over the pyre AST with CPython `re` semantics (str patterns), bounded by a step budget.
//
// Indices in results are UTF-16 offsets into the JS string; matching itself works on code points as Python does.
// IGNORECASE uses sre's simple lower-case table, a simple upper-case table and re._casefix; sets under IGNORECASE
// are approximated (sre builds a case-folded charset; we test the character, its lower and upper forms and the
// _EXTRA_CASES variants), which can differ for exotic Unicode ranges. LOCALE cannot occur in str patterns.
import { FLAG, Node, Pattern, SetItem } from './ast';
import { codePointsWithOffsets, cpIndexAt, extraCases, isDecimalCp, isSpaceCp, isWordCp, simpleLower, simpleUpper } from './unicode';

export interface MatchOptions {
  /** Upper bound on matcher steps; exceeded means "unknown" (undefined result). Default 1,000,000. */
  maxSteps?: number;
}

export interface SearchResult {
  start: number;
  end: number;
  /** Group spans (index 1..n; index 0 unused) as UTF-16 offsets, or null for groups that did not participate. */
  groups: ([number, number] | null)[];
}

class Budget {}

type Cont = (i: number) => boolean;

class Matcher {
  readonly cps: number[];
  readonly offs: number[];
  readonly n: number;
  caps: Int32Array;
  steps = 0;
  /** sre's must_advance: the next search refuses an empty match at its starting position. */
  mustAdvance = false;

  constructor(
    readonly ast: Pattern,
    readonly text: string,
    readonly maxSteps: number,
  ) {
    const { cps, offs } = codePointsWithOffsets(text);
    this.cps = cps;
    this.offs = offs;
    this.n = cps.length;
    this.caps = new Int32Array(2 * (ast.groupCount + 1)).fill(-1);
  }

  tick(): void {
    if (++this.steps > this.maxSteps) throw new Budget();
  }

  /** Tries to match at code point i; returns the end index or -1. */
  matchAt(i: number, anchoredEnd: boolean, refuseEmpty = false): number {
    this.caps.fill(-1);
    let end = -1;
    const ok = this.m(this.ast.body, i, this.ast.flags, (j) => {
      if (anchoredEnd && j !== this.n) return false;
      if (refuseEmpty && j === i) return false;
      end = j;
      return true;
    });
    return ok ? end : -1;
  }

  isWordAt(i: number, flags: number): boolean {
    if (i < 0 || i >= this.n) return false;
    const c = this.cps[i];
    return flags & FLAG.ASCII ? c < 128 && isWordCp(c) : isWordCp(c);
  }

  category(cat: string, c: number, flags: number): boolean {
    const ascii = (flags & FLAG.ASCII) !== 0;
    switch (cat) {
      case 'd':
        return ascii ? c >= 48 && c <= 57 : isDecimalCp(c);
      case 'D':
        return !(ascii ? c >= 48 && c <= 57 : isDecimalCp(c));
      case 's':
        return ascii ? c === 32 || (c >= 9 && c <= 13) : isSpaceCp(c);
      case 'S':
        return !(ascii ? c === 32 || (c >= 9 && c <= 13) : isSpaceCp(c));
      case 'w':
        return ascii ? c < 128 && isWordCp(c) : isWordCp(c);
      default:
        return !(ascii ? c < 128 && isWordCp(c) : isWordCp(c));
    }
  }

  lower(c: number, flags: number): number {
    if (flags & FLAG.ASCII) return c >= 65 && c <= 90 ? c + 32 : c;
    return simpleLower(c);
  }

  litEq(lit: number, c: number, flags: number): boolean {
    if (lit === c) return true;
    if (!(flags & FLAG.IGNORECASE)) return false;
    const a = this.lower(lit, flags);
    const b = this.lower(c, flags);
    if (a === b) return true;
    return !(flags & FLAG.ASCII) && extraCases(a).includes(b);
  }

  setHas(items: SetItem[], c: number, flags: number): boolean {
    for (const it of items) {
      if (it.type === 'literal') {
        if (this.litEq(it.cp, c, flags)) return true;
      } else if (it.type === 'range') {
        if (c >= it.lo && c <= it.hi) return true;
        if (flags & FLAG.IGNORECASE) {
          const l = this.lower(c, flags);
          const u = flags & FLAG.ASCII ? (c >= 97 && c <= 122 ? c - 32 : c) : simpleUpper(l);
          if ((l >= it.lo && l <= it.hi) || (u >= it.lo && u <= it.hi)) return true;
          if (!(flags & FLAG.ASCII)) for (const x of extraCases(l)) if (x >= it.lo && x <= it.hi) return true;
        }
      } else if (this.category(it.cat, c, flags)) return true;
    }
    return false;
  }

  /** Matches node at i with flags, then the continuation. */
  m(node: Node, i: number, flags: number, k: Cont): boolean {
    this.tick();
    switch (node.type) {
      case 'literal':
        return i < this.n && this.litEq(node.cp, this.cps[i], flags) && k(i + 1);
      case 'any':
        return i < this.n && (flags & FLAG.DOTALL || this.cps[i] !== 10) ? k(i + 1) : false;
      case 'category':
        return i < this.n && this.category(node.cat, this.cps[i], flags) && k(i + 1);
      case 'set':
        return i < this.n && this.setHas(node.items, this.cps[i], flags) !== node.negated && k(i + 1);
      case 'anchor':
        return this.anchor(node.kind, i, flags) && k(i);
      case 'sequence':
        return this.seq(node.items, 0, i, flags, k);
      case 'alternation':
        for (const b of node.branches) if (this.m(b, i, flags, k)) return true;
        return false;
      case 'group':
        return this.group(node, i, flags, k);
      case 'repeat':
        if (node.mode === 'possessive') return this.possessive(node.body, node.min, node.max, i, flags, k);
        if (node.mode === 'greedy') return this.greedy(node.body, node.min, node.max, 0, i, -1, flags, k);
        return this.lazy(node.body, node.min, node.max, 0, i, -1, flags, k);
      case 'backref': {
        const s = this.caps[2 * node.group];
        const e = this.caps[2 * node.group + 1];
        if (s < 0 || e < 0) return false;
        const len = e - s;
        if (i + len > this.n) return false;
        for (let t = 0; t < len; t++) {
          const a = this.cps[s + t];
          const b = this.cps[i + t];
          if (a !== b && !(flags & FLAG.IGNORECASE && this.lower(a, flags) === this.lower(b, flags))) return false;
        }
        return k(i + len);
      }
      case 'conditional': {
        const set = this.caps[2 * node.group] >= 0 && this.caps[2 * node.group + 1] >= 0;
        if (set) return this.m(node.yes, i, flags, k);
        return node.no ? this.m(node.no, i, flags, k) : k(i);
      }
    }
  }

  seq(items: Node[], idx: number, i: number, flags: number, k: Cont): boolean {
    if (idx === items.length) return k(i);
    return this.m(items[idx], i, flags, (j) => this.seq(items, idx + 1, j, flags, k));
  }

  anchor(kind: string, i: number, flags: number): boolean {
    const n = this.n;
    switch (kind) {
      case '^':
        return i === 0 || ((flags & FLAG.MULTILINE) !== 0 && this.cps[i - 1] === 10);
      case '$':
        if (flags & FLAG.MULTILINE) return i === n || this.cps[i] === 10;
        return i === n || (i === n - 1 && this.cps[i] === 10);
      case 'A':
        return i === 0;
      case 'Z':
        return i === n;
      case 'b':
        // sre: \b and \B never match in an empty string
        return n > 0 && this.isWordAt(i - 1, flags) !== this.isWordAt(i, flags);
      default:
        return n > 0 && this.isWordAt(i - 1, flags) === this.isWordAt(i, flags);
    }
  }

  /** Runs `node` once, committing to its first match (atomic groups, lookarounds, possessive iterations). */
  once(node: Node, i: number, flags: number): number {
    let end = -1;
    this.m(node, i, flags, (j) => {
      end = j;
      return true;
    });
    return end;
  }

  group(node: Extract<Node, { type: 'group' }>, i: number, flags: number, k: Cont): boolean {
    let f = flags;
    if (node.addFlags || node.delFlags) {
      if (node.addFlags & (FLAG.ASCII | FLAG.UNICODE | FLAG.LOCALE)) f &= ~(FLAG.ASCII | FLAG.UNICODE | FLAG.LOCALE);
      f = (f | node.addFlags) & ~node.delFlags;
    }
    switch (node.kind) {
      case 'capture': {
        const g = node.index!;
        return this.m(node.body, i, f, (j) => {
          const os = this.caps[2 * g];
          const oe = this.caps[2 * g + 1];
          this.caps[2 * g] = i;
          this.caps[2 * g + 1] = j;
          if (k(j)) return true;
          this.caps[2 * g] = os;
          this.caps[2 * g + 1] = oe;
          return false;
        });
      }
      case 'noncapture':
        return this.m(node.body, i, f, k);
      case 'atomic': {
        const saved = this.caps.slice();
        const j = this.once(node.body, i, f);
        if (j >= 0 && k(j)) return true;
        this.caps = saved;
        return false;
      }
      case 'lookahead':
      case 'negLookahead':
      case 'lookbehind':
      case 'negLookbehind': {
        const behind = node.kind === 'lookbehind' || node.kind === 'negLookbehind';
        const positive = node.kind === 'lookahead' || node.kind === 'lookbehind';
        const saved = this.caps.slice();
        let ok: boolean;
        if (behind) {
          const w = fixedWidth(node.body, this.ast);
          ok = i - w >= 0 && this.once(node.body, i - w, f) >= 0;
        } else {
          ok = this.once(node.body, i, f) >= 0;
        }
        if (!positive) this.caps = saved;
        if (ok === positive && k(i)) return true;
        this.caps = saved;
        return false;
      }
    }
  }

  greedy(body: Node, min: number, max: number, count: number, i: number, lastPtr: number, flags: number, k: Cont): boolean {
    if (count < min) return this.m(body, i, flags, (j) => this.greedy(body, min, max, count + 1, j, lastPtr, flags, k));
    // sre MAX_UNTIL: another iteration unless the previous optional one matched empty here
    if (count < max && i !== lastPtr) {
      const saved = this.caps.slice();
      if (this.m(body, i, flags, (j) => this.greedy(body, min, max, count + 1, j, i, flags, k))) return true;
      this.caps = saved;
    }
    return k(i);
  }

  lazy(body: Node, min: number, max: number, count: number, i: number, lastPtr: number, flags: number, k: Cont): boolean {
    if (count < min) return this.m(body, i, flags, (j) => this.lazy(body, min, max, count + 1, j, lastPtr, flags, k));
    const saved = this.caps.slice();
    if (k(i)) return true;
    this.caps = saved;
    if (count >= max || i === lastPtr) return false;
    return this.m(body, i, flags, (j) => this.lazy(body, min, max, count + 1, j, i, flags, k));
  }

  possessive(body: Node, min: number, max: number, i: number, flags: number, k: Cont): boolean {
    const saved = this.caps.slice();
    let count = 0;
    let pos = i;
    while (count < min) {
      const j = this.once(body, pos, flags);
      if (j < 0) {
        this.caps = saved;
        return false;
      }
      pos = j;
      count++;
    }
    let prev = -1;
    while (count < max && pos !== prev) {
      prev = pos;
      const before = this.caps.slice();
      const j = this.once(body, pos, flags);
      if (j < 0) {
        this.caps = before;
        break;
      }
      pos = j;
      count++;
    }
    if (k(pos)) return true;
    this.caps = saved;
    return false;
  }

  groupsUtf16(): ([number, number] | null)[] {
    const out: ([number, number] | null)[] = [null];
    for (let g = 1; g <= this.ast.groupCount; g++) {
      const s = this.caps[2 * g];
      const e = this.caps[2 * g + 1];
      out.push(s >= 0 && e >= 0 ? [this.offs[s], this.offs[e]] : null);
    }
    return out;
  }

  /** sre_search from code point `start`: first position with a match. */
  searchFrom(start: number): [number, number] | null {
    for (let i = start; i <= this.n; i++) {
      const e = this.matchAt(i, false, this.mustAdvance && i === start);
      if (e >= 0) return [i, e];
    }
    return null;
  }

  cpIndex(offset: number): number {
    return cpIndexAt(this.offs, offset);
  }
}

const widthCache = new WeakMap<Node, number>();
/** Width of a lookbehind body (the parser guarantees it is fixed). */
function fixedWidth(node: Node, ast: Pattern): number {
  const c = widthCache.get(node);
  if (c !== undefined) return c;
  const w = minWidth(node, ast);
  widthCache.set(node, w);
  return w;
}
function minWidth(node: Node, ast: Pattern): number {
  switch (node.type) {
    case 'literal':
    case 'any':
    case 'category':
    case 'set':
      return 1;
    case 'anchor':
      return 0;
    case 'sequence':
      return node.items.reduce((a, x) => a + minWidth(x, ast), 0);
    case 'alternation':
      return Math.min(...node.branches.map((b) => minWidth(b, ast)));
    case 'group':
      return node.kind === 'capture' || node.kind === 'noncapture' || node.kind === 'atomic' ? minWidth(node.body, ast) : 0;
    case 'repeat':
      return node.min * minWidth(node.body, ast);
    case 'backref': {
      const g = findGroup(ast.body, node.group);
      return g ? minWidth(g, ast) : 0;
    }
    case 'conditional':
      return node.no ? Math.min(minWidth(node.yes, ast), minWidth(node.no, ast)) : 0;
  }
}
function findGroup(node: Node, index: number): Node | null {
  if (node.type === 'group' && node.index === index) return node.body;
  const kids: Node[] =
    node.type === 'sequence'
      ? node.items
      : node.type === 'alternation'
        ? node.branches
        : node.type === 'group' || node.type === 'repeat'
          ? [node.body]
          : node.type === 'conditional'
            ? [node.yes, ...(node.no ? [node.no] : [])]
            : [];
  for (const k of kids) {
    const r = findGroup(k, index);
    if (r) return r;
  }
  return null;
}

function run<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    // budget exhausted, or a stack overflow on very long texts: the answer is unknown
    if (e instanceof Budget || e instanceof RangeError) return undefined;
    throw e;
  }
}

/** re.fullmatch(pattern, text) is not None; undefined when the step budget ran out. */
export function fullMatch(ast: Pattern, text: string, opts: MatchOptions = {}): boolean | undefined {
  const m = new Matcher(ast, text, opts.maxSteps ?? 1_000_000);
  return run(() => m.matchAt(0, true) >= 0);
}

/** re.search from UTF-16 offset `start`; spans are UTF-16 offsets. null = no match, undefined = budget exhausted. */
export function search(ast: Pattern, text: string, start = 0, opts: MatchOptions = {}): SearchResult | null | undefined {
  const m = new Matcher(ast, text, opts.maxSteps ?? 1_000_000);
  return run(() => {
    const r = m.searchFrom(m.cpIndex(start));
    if (!r) return null;
    return { start: m.offs[r[0]], end: m.offs[r[1]], groups: m.groupsUtf16() };
  });
}

/**
 * re.sub(pattern, replacement, text) with a literal replacement (no group templates),
 * including Python 3.7+ empty-match rules. undefined when the step budget ran out.
 */
export function sub(ast: Pattern, text: string, replacement = '', opts: MatchOptions = {}): string | undefined {
  const m = new Matcher(ast, text, opts.maxSteps ?? 1_000_000);
  return run(() => {
    let out = '';
    const last = eachMatch(m, (r, from) => {
      out += text.slice(m.offs[from], m.offs[r[0]]) + replacement;
    });
    return out + text.slice(m.offs[last]);
  });
}

/** The [start, end) UTF-16 spans of re.finditer(pattern, text); undefined when the step budget ran out. */
export function matchSpans(ast: Pattern, text: string, opts: MatchOptions = {}): [number, number][] | undefined {
  const m = new Matcher(ast, text, opts.maxSteps ?? 1_000_000);
  return run(() => {
    const out: [number, number][] = [];
    eachMatch(m, (r) => {
      out.push([m.offs[r[0]], m.offs[r[1]]]);
    });
    return out;
  });
}

/** re.split(pattern, text): pieces, with captured groups (null for groups that did not participate). */
export function split(ast: Pattern, text: string, opts: MatchOptions = {}): (string | null)[] | undefined {
  const m = new Matcher(ast, text, opts.maxSteps ?? 1_000_000);
  return run(() => {
    const out: (string | null)[] = [];
    const last = eachMatch(m, (r, from) => {
      out.push(text.slice(m.offs[from], m.offs[r[0]]));
      for (const g of m.groupsUtf16().slice(1)) out.push(g ? text.slice(g[0], g[1]) : null);
    });
    out.push(text.slice(m.offs[last]));
    return out;
  });
}

/**
 * The scan re.sub and re.split share: every non-overlapping match left to right, with Python 3.7+'s rule for empty
 * matches (one may follow a non-empty match directly). `visit` gets the match and where the text before it starts;
 * the result is where the text after the last match starts.
 */
function eachMatch(m: Matcher, visit: (r: [number, number], from: number) => void): number {
  let last = 0;
  let start = 0;
  m.mustAdvance = false;
  while (start <= m.n) {
    const r = m.searchFrom(start);
    if (!r) break;
    visit(r, last);
    m.mustAdvance = r[1] === r[0];
    last = start = r[1];
  }
  return last;
}
