// Where CPython patch releases of 3.11 judge the differential batch differently, and which side pyre follows.
//
// pyre follows the newest 3.11 patch releases, which 3.12 and 3.13 agree with: the changes below are bug fixes, the
// older answers are the bugs. The differential test asserts this table: a judge on the old side of a change must
// give exactly the listed old answers, pyre the listed new ones, and everything else must agree as usual.
// `npm run pyre:versions -- --python A --python B` (two patch releases of one minor version) prints these lists.
import type { Verdict } from './judge';

export interface CompileDifference {
  pattern: string;
  /** re.compile before the change */
  before: Verdict;
  /** re.compile after the change: pyre's verdict */
  after: Verdict;
}

export interface MatchAnswer {
  full: boolean;
  search: [number, number] | null;
  sub: string;
}

export interface MatchDifference {
  pattern: string;
  text: string;
  /** fullmatch, search and sub('') before the change */
  before: MatchAnswer;
  /** the same after the change: what pyre's matcher does */
  after: MatchAnswer;
}

export interface PatchChange {
  /** the CPython issue */
  id: string;
  what: string;
  /**
   * The first release with the change in each minor version that got it in a patch release. A later minor version
   * has it from its first release, an earlier one never.
   */
  since: string[];
  compile: CompileDifference[];
  match: MatchDifference[];
}

const FIXED_WIDTH: Verdict = { valid: false, exc: 'error', msg: 'look-behind requires fixed-width pattern', pos: null };
const TOO_MUCH: Verdict = { valid: false, exc: 'error', msg: 'looks too much behind', pos: null };

export const PATCH_CHANGES: PatchChange[] = [
  {
    id: 'gh-109747',
    // merged in October 2023, after 3.11.6
    what:
      'look-behind width: before, a look-behind 2**31 to 2**32-2 characters wide raised RuntimeError "invalid SRE code" and a wider one ' +
      're.error "look-behind requires fixed-width pattern" (widths were capped below 2**32); after, widths up to 2**32-1 are accepted ' +
      'and a wider look-behind is re.error "looks too much behind"',
    since: ['3.11.7', '3.12.1'],
    compile: [
      { pattern: "(?<=a{4294967294}a)", before: FIXED_WIDTH, after: { valid: true } },
      ...[
        "(?<=(?:a{4294967294}){2})",
        "$(?:x[𝔘\"]{?(\\A\\U0000007C\\B(([]\\d])(?#a(b)))(?<!(?:a{4294967294}){2}){x})1{x}",
        "9(\\%(!{1,a}?[^]&-&]{}+){0}?|(:(?m:_.)[]\\s][]\\01&&\\x41-\\x5a])[]a]{x}[]a-a0-9]|:(?<=(a)){x}?.(?<=(?:a{4294967294}){2})\n{0,1})|()(?P<名前>\\3ß^\\N{LOWER ONE EIGHTH BLOCK}B|&{,}_(?-x:\t{,2}[@\\x41]((|\\\"{x})){,2})$|9>{,2}[&&]).{0,1}?((?P<Tag>\\B)(){\\B\\Z){+",
        "[\\d]{4294967294}\t??([\\\\=]{ 1}(?<!｜z)c[^\\]\\w>]|[\\x41][\\^](?#x\\)y){\\<|[[]{\\0(?<=(?:a{4294967294}){2}),*?){2,}",
        "(?#a(b)(?<!(?:a{4294967294}){2})[a-a][!--]B",
        "(?>[~~!--!--](İ{x}()\\N{CJK UNIFIED IDEOGRAPH-4E00}{}%{,}+)K{0}+|\\*x|[B\\[A]{}+\\N{LOWER ONE EIGHTH BLOCK})(?<!(?:a{4294967294}){2}){0}[\\d]\\$",
        "(?P<a>/9(?<=abc)-)([-]{}|[0😀]!!)(?i:((?P=a)?(?>İ))[^\\d]()){1,a}?.(?=[^--[:alpha:]](?<!(?:a{4294967294}){2}){1,3}(0*\n[\\u00e9\\^-][\\N{EM DASH}é])){,}",
        "|(?#x\\)y)z{2,}?\\0(1??x*(?(1)(0)(?<!(?:a{4294967294}){2}){(?>(\\N{LOWER ONE EIGHTH BLOCK}\\D|){x})|｜=[[:alpha:]\\^]\\(\\A))|(_[_[:alpha:]]:|([^a]$){2,}|(\t{(?(01)\\[([--]))\\\")){,2}|[a](?(7)(|([-]()|)(?:)?[^&&--]|(){1,a}+|\"a(?P<name>\")){ 1}+K)\\u00e9{,}+",
        "😀{0,1}\\Z\\-(?<!(?:a{4294967294}){2})0+",
        "([é-ü||](?>(?>[&]{,}?(?<!(?:a{4294967294}){2}))(?#😀)[^0-9@&&])(?<=.){1,a})[^\\d]{0}\\1\\^<|\\=|([b]){x}|(?<=(?<!(?:@)){ 1}+\\377{0,1} {0}()[y\\--/0-9]||(?<!\\1|9{2}|\\1.[]\\01]:\\Z|([]\\N{EM DASH}_]\\0|(~){x}|é[😀]{2,}|)𝔘)[^\\w,\\s]{0,1}%*?[0-9c@]\"|)!+[&A]\t",
        "\\N{HANGUL SYLLABLE GA}(?=\t(?<=\\Wé{4294967294}(?:'+\\\\)𝔘)<){}",
        "(é-|'+|[^]\\01\\]][za-z😀-😂]ß(?(1)[~~A-Z\\\\]{1,a}+\\B/([^-]{x}+|(?<=\\d\\w)|(😀{1,3}[^a])|(?<=a|b){}:){2,}\\[)|\\A\t{,2}+/{0})(?(1)\\_\\>\\]\\N{LF},{1,3})(?<=(?:a{4294967294}){2}){x}:.",
        "(\\07{?(?<!(?:a{4294967294}){2})-)",
        "(?x)(?i)(((\\[|(?P<名前>=)||(?#))) )(?ai:[é~~[:alpha:]]{}(?m:(|éx|B |:{0,1}\"{ 1})){2}?((?#comment){1,a}+ \\A)(?<!(?:a{4294967294}){2}){4294967294}(?P=名前))\n\\s(?a:9\\%{0} >{x}(?P=名前))",
        "\\N{LOWER ONE EIGHTH BLOCK}.\\?{|(%\t\\A(?:\\A)){}(?!(?=|(%?)\\\\{1,a}(([^\\ba#]{0,1}?)[--]|[\\]a-a\\01]|[^--\\-\\01]|)|\\N{em dash}(?(1)\\4(?#x\\)y))+?(?:)([a]▁)([^｜\\d=][%])|[-](){1,3}(?P<a>$😀)@){}%A\\Z(\\w{0})){ 1}(?<!(?:a{4294967294}){2})|x(?m:((?(a)[a-a%]z|)((?<!|.?|.){x})\\t{ 1}?[||<\t](\\\\)){2}?)()(_[\n||\\w]\\07{x}.(((&)?\\'{2})[\t]>(?>())!||(?P<名前>0{x}?)$(0]\\377--]{4294967294}+)\\.))(?P=名前){0}|%{4294967294}\\N{HANGUL SYLLABLE GA}(?>\\A){,}",
        "b[^a-][^\\^](😀?+(?P<name>=(?>/(?>|\\v|｜))!|[\\|\\n-]?\\w{}9{0}|@{x}){ 1}(?:[!--İ][[:alpha:]é-ü]{0,1}b\\A)[\"])?(?(1)[\\x41-\\x5a][-]{,}?^(.\\N{LF}9{,}?)|[-]{1,a}(?:)){}+|<ß{,}|(?(name)[^\\010-9]\\N{CJK UNIFIED IDEOGRAPH-4E00}(\\B\\?(?<!){1,3}?(z\\/)){,}(?=\\x41{0,1}\\/😀{1,a}()\\07{0,1}){1,3}(?P<a>\\.([^]\\d]{0,1}+)(?:){4294967294}?\\😀(?(1)(?(1))|){2,})|[\"\\W]{,2})x(((?(3).{0}\\B)[\\d]()\\N{em dash}.|(?<!(?:a{4294967294}){2})\\7(\\U0001F600{,2}\\.{4294967294})(z?[\\0]{2}+))(?>(#😀){2,}(▁)):\\B) {2}|(?(2)c{2})={1,3}",
      ].map((pattern) => ({ pattern, before: FIXED_WIDTH, after: TOO_MUCH })),
    ],
    match: [],
  },
  {
    id: 'gh-100061, gh-106052',
    what:
      'possessive quantifiers: before, a possessive repeat (*+ ++ ?+ {m,n}+) of a subpattern that can backtrack or holds a ' +
      'negative lookahead could match differently from the atomic group it is documented to equal, (?>x*) for x*+; after, it ' +
      'matches as that atomic group (both fixes merged in August 2023, so in 3.11.5 and 3.12.0)',
    since: ['3.11.5', '3.12.0'],
    compile: [],
    match: [
      {
        pattern: "𝔘(?ai:)+|(<{ 1}?(()?|\\v(|)(?!()(-{2}+){ 1}){2,}1|()|)$[^\\W])?+[^\\\\<\\d]",
        text: "<{ 1_sa<b>c<|im_end|><{ 1_s",
        before: { full: false, search: [0, 5], sub: "<<" },
        after: { full: false, search: [1, 2], sub: "<1<<<1" },
      },
      {
        pattern: "((){ 1}\\0ß{(\\😀([\\d]{2}B)){,2}(?<!a{2,2}))(?<=(?>ab))*+\\>{,2}",
        text: "<think>x</think>{ 1}\u0000ß{😀kſBab",
        before: { full: false, search: [16, 21], sub: "<think>x</think>ß{😀kſBab" },
        after: { full: false, search: [16, 23], sub: "<think>x</think>😀kſBab" },
      },
      {
        pattern: "((){ 1}\\0ß{(\\😀([\\d]{2}B)){,2}(?<!a{2,2}))(?<=(?>ab))*+\\>{,2}",
        text: "é{ 1}\u0000ß{>>{ 1}\u0000ß{>>",
        before: { full: false, search: [1, 6], sub: "éß{>>ß{>>" },
        after: { full: false, search: [1, 10], sub: "é" },
      },
      {
        pattern: "((){ 1}\\0ß{(\\😀([\\d]{2}B)){,2}(?<!a{2,2}))(?<=(?>ab))*+\\>{,2}",
        text: "{ 1}\u0000ß{ab>>",
        before: { full: false, search: [0, 5], sub: "ß{ab>>" },
        after: { full: false, search: [0, 7], sub: "ab>>" },
      },
    ],
  },
];

/** Parses "3.11.2" (or "3.13.0rc1") into numbers. */
function versionParts(v: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  if (!m) throw new Error(`not a Python version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Whether a CPython version has the change. */
export function hasChange(change: PatchChange, version: string): boolean {
  const [major, minor, patch] = versionParts(version);
  const since = change.since.map(versionParts);
  const same = since.find(([a, b]) => a === major && b === minor);
  if (same) return patch >= same[2];
  const key = major * 1000 + minor;
  if (since.every(([a, b]) => key > a * 1000 + b)) return true;
  if (since.every(([a, b]) => key < a * 1000 + b)) return false;
  throw new Error(`${change.id}: no entry for ${version} in ${change.since.join(', ')}`);
}
