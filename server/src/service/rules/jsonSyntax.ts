// JSON syntax as Python's json.load judges it: every parse error, with the exact characters and a plain message.
import { createScanner, ParseErrorCode, SyntaxKind } from 'jsonc-parser';
import { literalLength, type ParsedJson } from '../jsonText';
import { hugeIntegers } from './jsonLimits';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../codes';
import type { RegistryDiagnostic, Severity } from '../types';

const FILE_IGNORED = 'clemcore cannot load the file and silently ignores all of it';
const JSON_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't', 'u']);

function diag(code: DiagnosticCode, offset: number, length: number, message: string, data?: RegistryDiagnostic['data']): RegistryDiagnostic {
  return { code, severity: DIAGNOSTIC_CODES[code].severity as Severity, message, offset, length, path: [], data };
}

/**
 * Findings listed one by one, at most, of those that make Python's json refuse the file and, apart, of the NaNs it
 * reads; the rest of each are counted in one more finding. Python stops at the first error.
 */
export const MAX_LISTED_SYNTAX_FINDINGS = 100;

/**
 * The findings of one kind, in text order: the first MAX_LISTED_SYNTAX_FINDINGS whole, the rest only counted (a file
 * of garbage has one error per character, millions of them).
 */
class Listing {
  readonly items: RegistryDiagnostic[] = [];
  more = 0;
  moreAt = Infinity;

  get full(): boolean {
    return this.items.length >= MAX_LISTED_SYNTAX_FINDINGS;
  }

  add(d: RegistryDiagnostic): void {
    if (this.full) this.count(d.offset);
    else this.items.push(d);
  }

  /** Counts `n` findings from `offset` on without building them. */
  count(offset: number, n = 1): void {
    this.more += n;
    if (offset < this.moreAt) this.moreAt = offset;
  }
}

/**
 * The JSON-level findings of a text the strict parser read (`parsed` is its result): syntax errors, Python's
 * non-finite literals, and integers past Python's digit limit. Past MAX_LISTED_SYNTAX_FINDINGS of each kind (errors,
 * NaNs), one finding says how many more there are.
 */
export function checkJsonSyntax(text: string, parsed: ParsedJson): RegistryDiagnostic[] {
  const sources = [exoticWhitespace(text), parseErrors(text, parsed), hugeIntegerListing(text)];
  const bom = byteOrderMarkDiagnostic(text);
  if (bom) sources[0].items.unshift(bom);
  const errors = merged(sources, 'json-syntax', (more) =>
    `${more} more JSON syntax ${more === '1' ? 'problem follows' : 'problems follow'} from here, not listed one by one; ${FILE_IGNORED}. Python's json stops at the first error: fix the first ones and check again.`);
  const nans = merged([nonFiniteLiterals(text, parsed.nonFinite, parsed.errorOffsets)], 'json-nan', nanMore);
  const all = errors.concat(nans);
  // At least one character wide where there is one, never past the end (an error at the end of the text is empty).
  for (const d of all) d.length = Math.max(0, Math.min(Math.max(d.length, 1), text.length - d.offset));
  return all.sort((a, b) => a.offset - b.offset);
}

/** The first MAX_LISTED_SYNTAX_FINDINGS of several listings, in text order, and one finding of `code` for the rest. */
function merged(listings: Listing[], code: DiagnosticCode, message: (more: string) => string): RegistryDiagnostic[] {
  const all = listings.flatMap((l) => l.items).sort((a, b) => a.offset - b.offset);
  let more = 0;
  let moreAt = Infinity;
  for (const l of listings) {
    more += l.more;
    moreAt = Math.min(moreAt, l.moreAt);
  }
  const listed = all.slice(0, MAX_LISTED_SYNTAX_FINDINGS);
  for (const d of all.slice(MAX_LISTED_SYNTAX_FINDINGS)) {
    more++;
    moreAt = Math.min(moreAt, d.offset);
  }
  if (more) listed.push(diag(code, moreAt, 0, message(more.toLocaleString('en-US'))));
  return listed;
}

function hugeIntegerListing(text: string): Listing {
  const listing = new Listing();
  for (const d of hugeIntegers(text)) listing.add(d);
  return listing;
}

/** The json-nan findings of a text that is strict JSON but for Python's non-finite `literals`. */
export function nonFiniteFindings(text: string, literals: Int32Array): RegistryDiagnostic[] {
  const listing = nonFiniteLiterals(text, literals, new Int32Array(0));
  return merged([listing], 'json-nan', nanMore);
}

function nanMore(more: string): string {
  return `${more} more \`NaN\` or \`Infinity\` ${more === '1' ? 'value follows' : 'values follow'} from here, not listed one by one. Python's json reads them as floats, other tools reject the file.`;
}

function nonFiniteLiterals(text: string, literals: Int32Array, errors: ArrayLike<number>): Listing {
  const listing = new Listing();
  // A literal where no value may stand (a key, after a value without a comma) is the parser's error to report. Both
  // lists are in text order (the parser moves forward), so one cursor walks the errors.
  let e = 0;
  for (const offset of literals) {
    while (e < errors.length && errors[e] < offset) e++;
    if (errors[e] === offset) continue;
    if (listing.full) {
      listing.count(offset);
      continue;
    }
    const length = literalLength(text.charCodeAt(offset));
    const word = text.slice(offset, offset + length);
    listing.add(diag('json-nan', offset, length,
      `\`${word}\` is not JSON. Python's json reads it as a float, other tools reject the file; write a number or a string instead.`));
  }
  return listing;
}

function parseErrors(text: string, parsed: ParsedJson): Listing {
  const listing = new Listing();
  const trailingCommas = new Set<number>();
  for (const e of parsed.errors) {
    if (listing.full) {
      listing.count(e.offset);
      continue;
    }
    switch (e.error) {
      case ParseErrorCode.InvalidSymbol:
        // A BOM or an exotic space has its own finding; "invalid symbol" would say the same thing again, worse.
        if (isExoticSpace(text.charCodeAt(e.offset))) break;
        listing.add(diag('json-syntax', e.offset, e.length, `${describe(e.error)}; ${FILE_IGNORED}.`));
        break;
      case ParseErrorCode.InvalidEscapeCharacter:
        invalidEscapes(text, e.offset, e.length, listing);
        break;
      case ParseErrorCode.InvalidCharacter:
        controlCharacters(text, e.offset, e.length, listing);
        break;
      case ParseErrorCode.InvalidCommentToken:
        listing.add(diag('json-comment', e.offset, e.length, `Comments are not allowed: Python's json rejects them, so ${FILE_IGNORED}. Remove the comment.`));
        break;
      case ParseErrorCode.PropertyNameExpected:
      case ParseErrorCode.ValueExpected: {
        const comma = trailingCommaBefore(text, e.offset);
        if (comma >= 0) {
          if (!trailingCommas.has(comma)) {
            trailingCommas.add(comma);
            listing.add(diag('json-trailing-comma', comma, 1, `Trailing comma: Python's json rejects it, so ${FILE_IGNORED}. Remove the comma.`, { replacement: '' }));
          }
        } else {
          listing.add(diag('json-syntax', e.offset, e.length, `${e.error === ParseErrorCode.ValueExpected ? 'A value is expected here' : 'A property name in double quotes is expected here'}; ${FILE_IGNORED}.`));
        }
        break;
      }
      default:
        listing.add(diag('json-syntax', e.offset, e.length, `${describe(e.error)}; ${FILE_IGNORED}.`));
    }
  }
  // Errors the parser found past those it kept whole (see MAX_KEPT_ERRORS) are only counted.
  const unkept = parsed.errorCount - parsed.errors.length;
  if (unkept) listing.count(parsed.errorOffsets[parsed.errors.length], unkept);
  return listing;
}

/**
 * A UTF-8 byte order mark at the start: Python's json.load rejects it ("Unexpected UTF-8 BOM"), while the JSON parser
 * here reads it as whitespace. Editors hide the BOM from the text, so the CLI, which reads bytes, reports it too.
 */
export function byteOrderMarkDiagnostic(text: string): RegistryDiagnostic | undefined {
  if (!text.startsWith('\uFEFF')) return undefined;
  return diag('json-syntax', 0, 1, 'The file starts with a UTF-8 byte order mark (BOM): Python\'s json.load rejects it ("Unexpected UTF-8 BOM"), so clemcore ignores the whole file. Save the file as UTF-8 without BOM.');
}

/** Whitespace-like characters Python's json does not take for whitespace (it allows only space, tab, CR and LF). */
const EXOTIC_SPACE = /[\u000b\u000c\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/;

function isExoticSpace(c: number): boolean {
  return c === 0x0b || c === 0x0c || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200b) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function exoticWhitespace(text: string): Listing {
  const listing = new Listing();
  if (!EXOTIC_SPACE.test(text)) return listing;
  // The strings, in text order, as [start, end) pairs; the characters come in text order too, so one cursor walks both.
  const strings: number[] = [];
  const scanner = createScanner(text, false);
  for (let t = scanner.scan(); t !== SyntaxKind.EOF; t = scanner.scan()) {
    if (t === SyntaxKind.StringLiteral) strings.push(scanner.getTokenOffset(), scanner.getTokenOffset() + scanner.getTokenLength());
  }
  let s = 0;
  // The BOM has its own message.
  for (let at = text.charCodeAt(0) === 0xfeff ? 1 : 0; at < text.length; at++) {
    if (!isExoticSpace(text.charCodeAt(at))) continue;
    while (s < strings.length && strings[s + 1] <= at) s += 2;
    if (s < strings.length && at > strings[s] && at < strings[s + 1]) continue;
    if (listing.full) listing.count(at);
    else listing.add(diag('json-syntax', at, 1, `U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} is not whitespace for Python's json, so ${FILE_IGNORED}. Replace it with a plain space or remove it.`, { replacement: ' ' }));
  }
  return listing;
}

function invalidEscapes(text: string, offset: number, length: number, listing: Listing): void {
  const end = offset + length;
  for (let i = offset + 1; i < end; i++) {
    if (text.charCodeAt(i) !== 92 /* \ */) continue;
    const next = text[i + 1];
    if (next === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        if (listing.full) listing.count(i);
        else listing.add(diag('json-invalid-escape', i, Math.min(6, end - i), `\`${text.slice(i, Math.min(i + 6, end))}\` is not a valid \\u escape (four hex digits are needed); ${FILE_IGNORED}.`));
      }
      i += 1;
      continue;
    }
    if (next !== undefined && !JSON_ESCAPES.has(next)) {
      if (listing.full) listing.count(i);
      else {
        listing.add(diag('json-invalid-escape', i, 2,
          `\`\\${next}\` is not a JSON escape, so ${FILE_IGNORED}. For a regex escape write \`\\\\${next}\` (JSON turns it into \`\\${next}\`).`,
          { replacement: `\\\\${next}` }));
      }
    }
    i += 1;
  }
}

function controlCharacters(text: string, offset: number, length: number, listing: Listing): void {
  let found = false;
  for (let i = offset; i < offset + length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20) continue;
    found = true;
    if (listing.full) {
      listing.count(i);
      continue;
    }
    const name = c === 9 ? 'a tab' : c === 10 ? 'a line break' : c === 13 ? 'a carriage return' : `control character U+${c.toString(16).padStart(4, '0')}`;
    const esc = c === 9 ? '\\t' : c === 10 ? '\\n' : c === 13 ? '\\r' : `\\u${c.toString(16).padStart(4, '0')}`;
    listing.add(diag('json-syntax', i, 1, `The string contains ${name}, which Python's json rejects; ${FILE_IGNORED}. Write \`${esc}\` instead.`, { replacement: esc }));
  }
  if (!found) listing.add(diag('json-syntax', offset, length, `Invalid character; ${FILE_IGNORED}.`));
}

/** Offset of a comma that directly precedes a closing bracket at `offset` (whitespace between), or -1. */
function trailingCommaBefore(text: string, offset: number): number {
  if (text[offset] !== '}' && text[offset] !== ']') return -1;
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return text[i] === ',' ? i : -1;
}

function describe(code: ParseErrorCode): string {
  switch (code) {
    case ParseErrorCode.InvalidSymbol: return 'Invalid symbol';
    case ParseErrorCode.InvalidNumberFormat: return 'Invalid number';
    case ParseErrorCode.ColonExpected: return 'A colon is expected after the property name';
    case ParseErrorCode.CommaExpected: return 'A comma is expected';
    case ParseErrorCode.CloseBraceExpected: return 'A closing brace `}` is expected';
    case ParseErrorCode.CloseBracketExpected: return 'A closing bracket `]` is expected';
    case ParseErrorCode.EndOfFileExpected: return 'Only one top-level value is allowed; text follows it';
    case ParseErrorCode.UnexpectedEndOfComment: return 'Unterminated comment';
    case ParseErrorCode.UnexpectedEndOfString: return 'Unterminated string';
    case ParseErrorCode.UnexpectedEndOfNumber: return 'Unterminated number';
    case ParseErrorCode.InvalidUnicode: return 'Invalid \\u escape';
    default: return 'Syntax error';
  }
}
