// Seeded generator of Python `re` patterns (valid and invalid) and of texts that exercise them, for the differential test.

import { seededRandom } from '../support/random';

export class Gen {
  readonly r: () => number;
  constructor(seed: number) {
    this.r = seededRandom(seed);
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
}

const CHARS = ['a', 'b', 'c', 'x', 'y', 'z', 'A', 'B', '0', '1', '9', '_', '-', '<', '>', '/', ' ', '=', ',', ':', '!', '"', "'", 'é', 'ß', '▁', '｜', '😀', '𝔘', '\n', '\t', 'İ', 'K', 'k', '#', '&', '~', '%', '@'];
const GOOD_ESCAPES = [
  '\\d', '\\w', '\\s', '\\D', '\\W', '\\S', '\\n', '\\t', '\\r', '\\f', '\\v', '\\a', '\\\\', '\\.', '\\|', '\\<', '\\>', '\\[', '\\]', '\\(', '\\)',
  '\\{', '\\}', '\\-', '\\#', '\\ ', '\\*', '\\+', '\\?', '\\^', '\\$', '\\/', '\\x41', '\\x7c', '\\u00e9', '\\u2581', '\\U0001F600', '\\U0000007C',
  '\\N{EM DASH}', '\\N{em dash}', '\\N{LATIN SMALL LETTER A}', '\\N{LF}', '\\N{CJK UNIFIED IDEOGRAPH-4E00}', '\\N{HANGUL SYLLABLE GA}',
  '\\N{FULLWIDTH VERTICAL LINE}', '\\N{LOWER ONE EIGHTH BLOCK}', '\\0', '\\07', '\\012', '\\377', '\\_', '\\%', '\\😀', '\\é', '\\"', "\\'", '\\,', '\\=',
];
const ANCHOR_ESCAPES = ['\\b', '\\B', '\\A', '\\Z', '^', '$'];
const BAD_ESCAPES = [
  '\\q', '\\z', '\\E', '\\g', '\\e', '\\c', '\\k', '\\p', '\\P', '\\L', '\\8', '\\9', '\\x4', '\\x', '\\xg1', '\\u00e', '\\u', '\\U0011FFFF', '\\U00110000',
  '\\U0001F60', '\\N{NOPE}', '\\N{}', '\\N', '\\N{EM DASH', '\\N{hangul syllable ga}', '\\N{CJK UNIFIED IDEOGRAPH-4e00}', '\\N{LATIN SMALL LETTER É}',
  '\\400', '\\777', '\\1', '\\2', '\\10', '\\99', '\\1a', '\\I', '\\m',
];
const NAMES = ['name', 'n1', '_x', 'é', '名前', 'Tag', 'a'];
const BAD_NAMES = ['1bad', '', 'a-b', 'a b', 'x!', '😀', '-1', '0', 'a\\>'];

/** One pattern of the grammar. `bad` raises the odds of invalid constructs. */
export class PatternGen {
  private names: string[] = [];
  private groups = 0;
  constructor(
    private readonly g: Gen,
    private readonly bad: number,
  ) {}

  /** Picks from `good`, or from `worse` with odds growing with `bad`. */
  private either(good: readonly string[], worse: readonly string[]): string {
    return this.g.chance(0.01 + 0.5 * this.bad) ? this.g.pick(worse) : this.g.pick(good);
  }

  pattern(): string {
    this.names = [];
    this.groups = 0;
    const g = this.g;
    let prefix = '';
    if (g.chance(0.12)) prefix = this.either(['(?i)', '(?x)', '(?s)', '(?m)', '(?a)', '(?u)', '(?ix)', '(?x)(?i)', '(?#c)(?i)'], ['(?t)', '(?a)(?u)', '(?L)']);
    const verbose = prefix.includes('x');
    return prefix + this.alt(0, verbose);
  }

  private alt(depth: number, verbose: boolean): string {
    const g = this.g;
    const n = g.chance(0.25) ? 2 + g.int(3) : 1;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(this.seq(depth, verbose));
    return parts.join('|');
  }

  private seq(depth: number, verbose: boolean): string {
    const g = this.g;
    const n = g.int(depth > 2 ? 3 : 6);
    let s = '';
    for (let i = 0; i < n; i++) {
      const a = this.atom(depth, verbose);
      s += a;
      if (g.chance(ANCHOR_ESCAPES.includes(a) ? this.bad * 0.3 : 0.3)) s += this.quant();
      if (verbose && g.chance(0.15)) s += g.pick([' ', '\n', '  # note\n', '\t']);
      if (g.chance(this.bad * 0.03)) s += g.pick(['(?i)', '(?m)', '(?x)']);
    }
    return s;
  }

  private quant(): string {
    const g = this.g;
    let q = this.either(['*', '+', '?', '{2}', '{1,3}', '{,2}', '{2,}', '{0}', '{0,1}', '{}', '{x}', '{1,a}', '{', '{4294967294}', '{,}', '{ 1}'], ['{3,2}', '{4294967295}', '{99999999999}', '{1,4294967296}']);
    if (g.chance(0.25)) q += g.pick(['?', '+']);
    if (g.chance(this.bad * 0.1)) q += g.pick(['*', '+', '?', '{2}']);
    return q;
  }

  private atom(depth: number, verbose: boolean): string {
    const g = this.g;
    const k = g.r();
    if (k < 0.3) return g.pick(CHARS);
    if (k < 0.42) return g.pick(GOOD_ESCAPES);
    if (k < 0.45) return g.pick(ANCHOR_ESCAPES);
    if (k < 0.45 + 0.08 * this.bad) return g.pick(BAD_ESCAPES);
    if (k < 0.6) return this.set();
    if (k < 0.63) return '.';
    if (k < 0.66) return this.backref();
    if (depth > 3) return g.pick(CHARS);
    return this.group(depth, verbose);
  }

  private backref(): string {
    const g = this.g;
    if (this.names.length && g.chance(0.5)) return `(?P=${g.pick(this.names)})`;
    if (g.chance(0.2 * this.bad)) return `(?P=${g.pick([...NAMES, ...BAD_NAMES])})`;
    if (this.groups && g.chance(0.6)) return `\\${1 + g.int(this.groups)}`;
    return this.either(['\\0', '\\07'], ['\\1', '\\2', '\\10', '\\11']);
  }

  private set(): string {
    const g = this.g;
    let s = '[';
    if (g.chance(0.25)) s += '^';
    if (g.chance(0.1)) s += ']';
    const n = g.int(4);
    for (let i = 0; i < n; i++) {
      const k = g.r();
      if (k < 0.35) s += g.pick(CHARS.filter((c) => c !== ']'));
      else if (k < 0.55) s += this.either(['a-z', '0-9', 'A-Z', 'a-a', '\\x41-\\x5a', 'é-ü', '😀-😂', '-', 'a-', '\\--/', '!--'], ['z-a', '\\x5a-\\x41', '\\d-z', 'a-\\w']);
      else if (k < 0.8) s += this.either(['\\d', '\\w', '\\s', '\\W', '\\n', '\\]', '\\\\', '\\-', '\\^', '\\b', '\\0', '\\01', '\\377', '\\x41', '\\u00e9', '\\N{EM DASH}', '\\|', '[', '\\['], ['\\B', '\\A', '\\Z', '\\400', '\\8', '\\q']);
      else s += g.pick(['--', '&&', '~~', '||', '[:alpha:]']);
    }
    if (n === 0) s += g.pick(['a', '\\d', '-']);
    if (!g.chance(this.bad * 0.1)) s += ']';
    return s;
  }

  private group(depth: number, verbose: boolean): string {
    const g = this.g;
    const kind = g.int(20);
    const body = (): string => this.alt(depth + 1, verbose);
    const close = (): string => (g.chance(this.bad * 0.08) ? '' : ')');
    switch (kind) {
      case 0:
      case 1:
      case 2: {
        const b = body();
        this.groups++;
        return `(${b}${close()}`;
      }
      case 3:
        return `(?:${body()}${close()}`;
      case 4: {
        const name = g.chance(0.85 - this.bad * 0.3) ? g.pick(NAMES) : g.pick(BAD_NAMES);
        const b = body();
        this.groups++;
        this.names.push(name);
        return `(?P<${name}>${b}${close()}`;
      }
      case 5:
        return `(?${g.pick(['=', '!'])}${body()}${close()}`;
      case 6:
      case 7: {
        const fixed = g.pick(['abc', 'a|b', 'ab|cd', 'a{3}', '\\d\\w', '[ab]c', 'x|yz', 'a*', '(?:ab)+', 'a?', '\\b', '(a)', '.', '(?=b)a', '(?<=x)y', 'a{2,2}', '(?:a|b)', '(?:a{4294967294}){2}', '(?>ab)']);
        return `(?${g.pick(['<=', '<!'])}${g.chance(0.6) ? fixed : body()}${close()}`;
      }
      case 8:
        return `(?>${body()}${close()}`;
      case 9:
        return `(?#${g.pick(['', 'comment', 'a(b', 'x\\)y', '😀'])}${close()}`;
      case 10:
        return `(?${this.either(['i', 'm', 's', 'x', 'a', 'u', 'im', '-i', 'i-s', '-x', 'x-i', 'ai'], ['au', 'L', 't', 'i-i', '-a', 'z', 'i-', '-', 'iz', 'i-z', 'i-1', 'i1', '-:'])}:${body()}${close()}`;
      case 11:
        return this.either(['(?#)', '(?:)', '(?=)', '(?!x)'], ['(?i)', '(?m)', '(?x)', '(?s)', '(?-i)', '(?', '(?P', '(?P>', '(?<', '(?<n>a)', '(?<x', '(?Px)', '(?q)', '(?&)', '(?+)', '(?R)', '(?|a)', '(?\\q)']);
      case 12:
      case 13: {
        const ref = g.chance(0.7)
          ? this.groups && g.chance(0.7)
            ? String(1 + g.int(this.groups))
            : this.names.length
              ? g.pick(this.names)
              : '1'
          : this.either(['1', '01'], ['0', '-1', '99', ' 1', '+1', '1_0', '١', 'nope', '', '1a', '4294967296', '1073741823', '1 ']);
        const yes = this.seq(depth + 1, verbose);
        const no = g.chance(0.5) ? '|' + this.seq(depth + 1, verbose) : '';
        const extra = g.chance(this.bad * 0.1) ? '|c' : '';
        return `(?(${ref})${yes}${no}${extra}${close()}`;
      }
      default: {
        const b = body();
        this.groups++;
        return `(${b}${close()}`;
      }
    }
  }
}

const MUTATION_CHARS = ['(', ')', '[', ']', '{', '}', '*', '+', '?', '|', '\\', '^', '$', '.', '-', ',', '<', '>', '=', '!', 'P', ':', '#', 'a', '1', '0', 'x', 'N', ' ', '😀'];

/** Inserts, deletes or replaces one to three characters. */
export function mutate(g: Gen, p: string): string {
  const chars = Array.from(p);
  const n = 1 + g.int(3);
  for (let i = 0; i < n; i++) {
    const at = g.int(chars.length + 1);
    const op = g.int(3);
    if (op === 0 || chars.length === 0) chars.splice(at, 0, g.pick(MUTATION_CHARS));
    else if (op === 1) chars.splice(Math.min(at, chars.length - 1), 1);
    else chars[Math.min(at, chars.length - 1)] = g.pick(MUTATION_CHARS);
  }
  return chars.join('');
}

/** Fixed patterns worth always checking (edge cases of CPython's parser). */
export const FIXED_PATTERNS: string[] = [
  '', '\\', 'a\\', '(?', '(?P', '(?P<', '(?P<a', '(?P<a>', '(?P=', '(?P=a', '(?#', '(?#abc', '(?<', '(?<=', '(?(', '(?(1', '(?(1)', '[', '[^', '[]', '[^]', '[]]', '[a-]', '[-a]', '[a-\\d]',
  '{', '{}', 'a{', 'a{1', 'a{1,', 'a{1,2', 'a{,}', 'x{1}{2}', '*', '+', '?', '^*', '$+', '\\b*', '\\A?', 'a*?', 'a*+', 'a*??', 'a*?+', 'a++?', '(?:)*', '()*', '(?=a)*',
  '(a)\\1', '(a)\\2', '(a\\1)', '\\1(a)', '(?P<a>x)(?P<a>y)', '(?P<a>(?P=a))', '(?<=(a)\\1)', '(a)(?<=\\1)', '(?<=(?P<a>x)(?P=a))', '(?(1)a)(b)', '(?(2)a)(b)', '(?<=(?(1)a|b))(c)',
  'a|b|c', '(?x) a b # c\n d', '(?x)[ a]', '(?x)a #(', '(?x)\\ ', '(?x)a\\\n', '(?x)(?#x) (?i)a', '(?x) (?i)a', ' (?i)a', '(?i)(?x)', '(?i)|(?m)', '(?x)\n(?i)', '(?ai)', '(?a)(?u)',
  '\\N{EM DASH}', '\\N{EMDASH}', '\\N{ EM DASH}', '\\N{em dash}', '\\N{Em Dash}', '\\N{BYTE ORDER MARK}', '\\N{BOM}', '\\N{NULL}', '\\N{LATIN CAPITAL LETTER A WITH MACRON AND GRAVE}',
  '\\N{HANGUL SYLLABLE GAG}', '\\N{HANGUL SYLLABLE }', '\\N{HANGUL SYLLABLE A}', '\\N{CJK UNIFIED IDEOGRAPH-04E00}', '\\N{CJK UNIFIED IDEOGRAPH-9FFF}', '\\N{CJK UNIFIED IDEOGRAPH-2A6DF}',
  '\\N{CJK UNIFIED IDEOGRAPH-2A6E0}', '\\N{CJK COMPATIBILITY IDEOGRAPH-F900}', '\\N{cjk compatibility ideograph-f900}', '\\N{TANGUT IDEOGRAPH-17000}', '\\N{KHITAN SMALL SCRIPT CHARACTER-18B00}',
  '\\N{LINE FEED}', '\\N{END OF LINE}', '\\N{NEW LINE}', '\\N{ZWJ}', '\\N{ZERO WIDTH JOINER}', '\\N{LATIN CAPITAL LETTER GHA}', '[\\N{EM DASH}-\\N{HORIZONTAL BAR}]',
  '(?<=a{4294967294}a)', '(?<=(?:a{4294967294}){2})', '(?<=a{0,4294967294})', '(?<=a*)', '(?<=a|bc)', '(?<=(?:ab|cd))', '(?<!(?=a*)b)', '(?<=\\b)', '(?<=(?>ab))',
  '(?t)a', '(?t)a*', '(?t)(?<=a*)', '(?t:a)', '(?-t:a)', '(?L:a)', '(?u)a', '(?a:a)(?u:b)', '(?au:a)', '(?-u:a)', '(?i-i:a)', '(?x-x:a b)', '(?-x: a)',
  '(' .repeat(100) + ')'.repeat(100), '(?:'.repeat(150) + 'a' + ')'.repeat(150), '('.repeat(200), '[' + 'a'.repeat(1000),
  // the nesting depth where CPython's parser runs out of frames (RecursionError), at the judge's call depth
  '('.repeat(494) + ')'.repeat(494), '('.repeat(495) + ')'.repeat(495), '(?:'.repeat(494) + 'a' + ')'.repeat(494), '(?:'.repeat(495) + 'a' + ')'.repeat(495),
  '\\x{41}', '\\u{41}', '\\U{41}', '\\0777', '\\08', '\\18', '\\81', '\\378', '\\400', '[\\400]', '[\\08]', '[\\18]', '\\1\\2', 'a{1}?{2}',
  '(?P<名前>a)(?P=名前)', '(?P<a1>a)(?(a1)b|c)', '(?(a1)b)', '(?P<é>a)', '(?P<x\\>y>a)', '(?(1_0)a)', '(?(+1)a)(b)', '(?( 1)a)(b)', '(?(١)a)(b)', '(?(1)a|b|c)', '(?(0)a)',
  '(?(4294967296)a)', '(?(1073741823)a)', '(?(1073741822)a)', '(?(-0)a)', '(?(00)a)', '(?(1\u00a0)a)(b)',
  '<\\|im_end\\|>', '<|im_end|>', '<end_of_turn>\\n*<eos>', '<\\|end\\|><\\|start\\|>assistant(<\\|channel\\|>commentary to=assistant)*<\\|channel\\|>final<\\|message\\|>',
  '<｜end▁of▁sentence｜>', '\\[EOS\\]', '</s>', '<\\/s>', '\\<\\/s\\>', '<|eot_id|>', '(?s)<think>.*?</think>', '<think>[\\s\\S]*?</think>\\s*', '^\\s*', '\\s+$',
  '😀*', '😀{2}', '[😀-😂]+', '\\😀', '(?P<😀>a)', '(?#😀', '[😀', 'a😀**', '😀(?i)', '\\N{😀}', '\\x😀', '(😀', '😀)',
];

/** Strings likely to match `pattern`: its own literal pieces glued with special-token-like text. */
export const TOKENS = ['<|im_end|>', '</s>', '<end_of_turn>\n\n<eos>', 'a<b>c<|im_end|>', '<think>x</think>', '[EOS]', '<｜end▁of▁sentence｜>', '', 'abc', 'é', '😀', '\n', ' ', 'AbC', 'K', 'ß'];
