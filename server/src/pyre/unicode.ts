// Python 3.11 string predicates (isidentifier, isdecimal, isspace, isalnum, isprintable), repr(), int() and unicodedata.lookup, over generated tables.
import * as T from './unicodeTables';
import { CJK_UNIFIED_RANGES, NAME_BLOB } from './unicodeNames';

/** Decodes a generated table into a flat array [start0, end0, start1, end1, ...]. */
function decode(table: string): Uint32Array {
  const parts = table.split(',');
  const out = new Uint32Array(parts.length);
  let prev = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const start = prev + parseInt(parts[i], 16);
    const end = start + parseInt(parts[i + 1], 16);
    out[i] = start;
    out[i + 1] = end;
    prev = end;
  }
  return out;
}

/** Index of the [lo, hi] pair of a sorted range table that holds `cp`, or -1. */
function rangeIndex(r: Uint32Array, cp: number): number {
  let lo = 0;
  let hi = (r.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < r[2 * mid]) hi = mid - 1;
    else if (cp > r[2 * mid + 1]) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function inRanges(r: Uint32Array, cp: number): boolean {
  return rangeIndex(r, cp) >= 0;
}

// Tables are decoded on first use so that loading the module stays cheap.
const cache: Record<string, Uint32Array> = {};
function table(name: 'XID_START' | 'XID_CONTINUE' | 'DECIMAL' | 'SPACE' | 'WORD' | 'PRINTABLE' | 'ALPHA'): Uint32Array {
  return (cache[name] ??= decode(T[name]));
}

export const isXidStart = (cp: number): boolean => inRanges(table('XID_START'), cp);
export const isXidContinue = (cp: number): boolean => inRanges(table('XID_CONTINUE'), cp);
/** str.isdecimal for one code point (what \d matches in a str pattern). */
export const isDecimalCp = (cp: number): boolean => (cp >= 48 && cp <= 57) || (cp > 127 && inRanges(table('DECIMAL'), cp));
/** str.isspace for one code point (what \s matches). */
export const isSpaceCp = (cp: number): boolean =>
  cp < 128 ? cp === 32 || (cp >= 9 && cp <= 13) || (cp >= 28 && cp <= 31) : inRanges(table('SPACE'), cp);
/** str.isalnum() or '_' (what \w matches). */
export const isWordCp = (cp: number): boolean =>
  cp < 128
    ? (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) || cp === 95
    : inRanges(table('WORD'), cp);
export const isPrintableCp = (cp: number): boolean => inRanges(table('PRINTABLE'), cp);
export const isAlphaCp = (cp: number): boolean => inRanges(table('ALPHA'), cp);

/**
 * Code points of a JS string, and the UTF-16 offset where each starts (plus the string's length at the end); a lone
 * surrogate counts as one code point, as in a Python str.
 */
export function codePointsWithOffsets(s: string): { cps: number[]; offs: number[] } {
  const cps: number[] = [];
  const offs: number[] = [];
  for (let i = 0; i < s.length; i++) {
    offs.push(i);
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cps.push((c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    cps.push(c);
  }
  offs.push(s.length);
  return { cps, offs };
}

/** The code-point index of a UTF-16 offset, given the start offsets from codePointsWithOffsets. */
export function cpIndexAt(offs: number[], offset: number): number {
  let lo = 0;
  let hi = offs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offs[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Code points of a JS string; a lone surrogate counts as one code point, as in a Python str. */
export function codePoints(s: string): number[] {
  return codePointsWithOffsets(s).cps;
}

/** len() of a Python str given as a JS string. */
export function cpLen(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** str.isidentifier(). */
export function isIdentifier(s: string): boolean {
  const cps = codePoints(s);
  if (cps.length === 0) return false;
  if (!(cps[0] === 95 || isXidStart(cps[0]))) return false;
  for (let i = 1; i < cps.length; i++) if (!isXidContinue(cps[i])) return false;
  return true;
}

/** str.isalpha() for a token (a backslash makes it false). */
export function isAlphaStr(s: string): boolean {
  const cps = codePoints(s);
  return cps.length > 0 && cps.every(isAlphaCp);
}

/** str.isdecimal() and str.isascii() together. */
export function isAsciiDecimal(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

/** Python's repr() of a str, as used in re error messages (%r). */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const cp of codePoints(s)) {
    const ch = String.fromCodePoint(cp);
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (cp === 9) out += '\\t';
    else if (cp === 10) out += '\\n';
    else if (cp === 13) out += '\\r';
    else if (cp < 32 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x7f) out += ch;
    else if (isPrintableCp(cp)) out += ch;
    else if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + quote;
}

/** Value of a decimal digit code point (Unicode Nd runs always start at digit zero). */
function digitValue(cp: number): number {
  if (cp >= 48 && cp <= 57) return cp - 48;
  const r = table('DECIMAL');
  const i = rangeIndex(r, cp);
  return i >= 0 ? (cp - r[2 * i]) % 10 : -1;
}

/** Python int(s) for a str in base 10, or null where Python raises ValueError. */
export function pyInt(s: string): bigint | null {
  const cps = codePoints(s);
  let i = 0;
  let j = cps.length;
  while (i < j && isSpaceCp(cps[i])) i++;
  while (j > i && isSpaceCp(cps[j - 1])) j--;
  let neg = false;
  if (i < j && (cps[i] === 43 || cps[i] === 45)) {
    neg = cps[i] === 45;
    i++;
  }
  if (i >= j) return null;
  let digits = '';
  let prevUnderscore = true; // no leading underscore
  for (let k = i; k < j; k++) {
    if (cps[k] === 95) {
      if (prevUnderscore) return null;
      prevUnderscore = true;
      continue;
    }
    const v = digitValue(cps[k]);
    if (v < 0) return null;
    digits += String(v);
    prevUnderscore = false;
  }
  if (prevUnderscore) return null;
  const n = BigInt(digits);
  return neg ? -n : n;
}

// ---- unicodedata.lookup, as used by \N{...}

let names: Map<string, number> | undefined;
function nameMap(): Map<string, number> {
  if (names) return names;
  names = new Map();
  let cp = 0;
  let prev = '';
  let i = 0;
  const blob = NAME_BLOB;
  while (i < blob.length) {
    let nl = blob.indexOf('\n', i);
    if (nl < 0) nl = blob.length;
    const sp = blob.indexOf(' ', i);
    cp += parseInt(blob.slice(i, sp), 16);
    const k = parseInt(blob[sp + 1], 36);
    const name = prev.slice(0, k) + blob.slice(sp + 2, nl);
    names.set(name, cp);
    prev = name;
    i = nl + 1;
  }
  return names;
}

const JAMO_L = ['G', 'GG', 'N', 'D', 'DD', 'R', 'M', 'B', 'BB', 'S', 'SS', '', 'J', 'JJ', 'C', 'K', 'T', 'P', 'H'];
const JAMO_V = ['A', 'AE', 'YA', 'YAE', 'EO', 'E', 'YEO', 'YE', 'O', 'WA', 'WAE', 'OE', 'YO', 'U', 'WEO', 'WE', 'WI', 'YU', 'EU', 'YI', 'I'];
const JAMO_T = ['', 'G', 'GG', 'GS', 'N', 'NJ', 'NH', 'D', 'L', 'LG', 'LM', 'LB', 'LS', 'LT', 'LP', 'LH', 'M', 'B', 'BS', 'S', 'SS', 'NG', 'J', 'C', 'K', 'T', 'P', 'H'];

/** CPython's find_syllable: the longest jamo name at the start of s (case-sensitive). */
function findSyllable(s: string, list: string[]): [number, number] {
  let len = -1;
  let pos = -1;
  for (let i = 0; i < list.length; i++) {
    const n = list[i];
    if (n.length <= len) continue;
    if (s.startsWith(n)) {
      len = n.length;
      pos = i;
    }
  }
  return [len < 0 ? 0 : len, pos];
}

/**
 * unicodedata.lookup(name) restricted to single characters (named sequences make re's ord() fail), or null.
 * Mirrors CPython: Hangul syllables and CJK unified ideographs are computed case-sensitively,
 * everything else (names and aliases) matches after ASCII upper-casing.
 */
export function lookupUnicodeName(name: string): number | null {
  if (name.startsWith('HANGUL SYLLABLE ')) {
    let rest = name.slice(16);
    const [l1, L] = findSyllable(rest, JAMO_L);
    rest = rest.slice(l1);
    const [l2, V] = findSyllable(rest, JAMO_V);
    rest = rest.slice(l2);
    const [l3, Tt] = findSyllable(rest, JAMO_T);
    rest = rest.slice(l3);
    if (L >= 0 && V >= 0 && Tt >= 0 && rest === '') return 0xac00 + (L * 21 + V) * 28 + Tt;
    return null;
  }
  if (name.startsWith('CJK UNIFIED IDEOGRAPH-')) {
    const hex = name.slice(22);
    if (!/^[0-9A-F]{4,5}$/.test(hex)) return null;
    const v = parseInt(hex, 16);
    for (let i = 0; i < CJK_UNIFIED_RANGES.length; i += 2) {
      if (v >= CJK_UNIFIED_RANGES[i] && v <= CJK_UNIFIED_RANGES[i + 1]) return v;
    }
    return null;
  }
  // Only ASCII letters are upper-cased (Py_TOUPPER); names are ASCII, so anything else cannot match.
  const upper = name.replace(/[a-z]+/g, (m) => m.toUpperCase());
  return nameMap().get(upper) ?? null;
}

// ---- case mappings used by IGNORECASE matching

function decodePairs(table: string): Map<number, number> {
  const m = new Map<number, number>();
  const parts = table.split(',');
  let prev = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const cp = prev + parseInt(parts[i], 16);
    m.set(cp, cp + parseInt(parts[i + 1], 16) - 0x200000);
    prev = cp;
  }
  return m;
}
let lowerMap: Map<number, number> | undefined;
let upperMap: Map<number, number> | undefined;
/** sre's unicode_tolower (simple lower-case mapping). */
export function simpleLower(cp: number): number {
  return (lowerMap ??= decodePairs(T.LOWER)).get(cp) ?? cp;
}
/** Simple upper-case mapping (str.upper() when it yields one character). */
export function simpleUpper(cp: number): number {
  return (upperMap ??= decodePairs(T.UPPER)).get(cp) ?? cp;
}
/** re._casefix._EXTRA_CASES for a lower-cased code point. */
export function extraCases(lowerCp: number): readonly number[] {
  return T.EXTRA_CASES[lowerCp] ?? [];
}

/**
 * The code-point ranges [lo, hi] that \d, \s or \w match, as the predicates above decide them (`ascii`: under the
 * ASCII flag), for building equivalent character classes in other regex dialects.
 */
export function categoryRanges(cat: 'd' | 's' | 'w', ascii: boolean): [number, number][] {
  // Under ASCII, \s is [ \t\n\r\f\v] only: Python's str.isspace also counts \x1c-\x1f.
  const asciiSpace = (cp: number) => cp === 32 || (cp >= 9 && cp <= 13);
  const test = cat === 'd' ? isDecimalCp : cat === 's' ? (ascii ? asciiSpace : isSpaceCp) : isWordCp;
  const out: [number, number][] = [];
  for (let cp = 0; cp < 128; cp++) {
    if (!test(cp)) continue;
    const last = out[out.length - 1];
    if (last && last[1] === cp - 1) last[1] = cp;
    else out.push([cp, cp]);
  }
  if (ascii) return out;
  const r = table(cat === 'd' ? 'DECIMAL' : cat === 's' ? 'SPACE' : 'WORD');
  for (let i = 0; i < r.length; i += 2) {
    const lo = Math.max(r[i], 128);
    if (r[i + 1] >= lo) out.push([lo, r[i + 1]]);
  }
  return out;
}
