// JSON syntax as Python's json.load judges it: every parse error, with the exact characters and a plain message.
import { createScanner, ParseErrorCode, SyntaxKind } from 'jsonc-parser';
import type { ParsedJson } from '../jsonText';
import { hugeIntegers } from './jsonLimits';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../codes';
import type { RegistryDiagnostic, Severity } from '../types';

const FILE_IGNORED = 'clemcore cannot load the file and silently ignores all of it';
const JSON_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't', 'u']);

function diag(code: DiagnosticCode, offset: number, length: number, message: string, data?: RegistryDiagnostic['data']): RegistryDiagnostic {
  return { code, severity: DIAGNOSTIC_CODES[code].severity as Severity, message, offset, length, path: [], data };
}

/** Findings listed one by one, at most; the rest are counted in one more finding. Python stops at the first. */
export const MAX_LISTED_SYNTAX_FINDINGS = 100;

/**
 * The JSON-level findings of a text the strict parser read (`parsed` is its result): syntax errors, Python's
 * non-finite literals, and integers past Python's digit limit. Past MAX_LISTED_SYNTAX_FINDINGS, one finding says how
 * many more there are: a broken file (garbage, a binary, a file in another encoding) would otherwise list one per
 * character.
 */
export function checkJsonSyntax(text: string, parsed: ParsedJson): RegistryDiagnostic[] {
  const all = collect(text, parsed);
  for (const d of hugeIntegers(text)) all.push(d);
  // At least one character wide where there is one, never past the end (an error at the end of the text is empty).
  for (const d of all) d.length = Math.max(0, Math.min(Math.max(d.length, 1), text.length - d.offset));
  all.sort((a, b) => a.offset - b.offset);
  if (all.length <= MAX_LISTED_SYNTAX_FINDINGS) return all;
  const listed = all.slice(0, MAX_LISTED_SYNTAX_FINDINGS);
  const next = all[MAX_LISTED_SYNTAX_FINDINGS];
  const more = all.length - MAX_LISTED_SYNTAX_FINDINGS;
  listed.push(diag('json-syntax', next.offset, next.length,
    `${more.toLocaleString('en-US')} more JSON syntax ${more === 1 ? 'problem follows' : 'problems follow'} from here, not listed one by one; ${FILE_IGNORED}. Python's json stops at the first error: fix the first ones and check again.`));
  return listed;
}

function collect(text: string, parsed: ParsedJson): RegistryDiagnostic[] {
  const out: RegistryDiagnostic[] = [];
  const bom = byteOrderMarkDiagnostic(text);
  if (bom) out.push(bom);
  // Offsets that already have a finding of their own (a BOM, an exotic space): the parser's "invalid symbol" there
  // would say the same thing again, worse.
  const explained = new Set<number>(bom ? [0] : []);
  for (const d of exoticWhitespace(text)) {
    out.push(d);
    explained.add(d.offset);
  }
  const errorAt = new Set<number>();
  for (const e of parsed.errors) errorAt.add(e.offset);
  for (const literal of parsed.nonFinite) {
    // A literal where no value may stand (a key, after a value without a comma) is the parser's error to report.
    if (errorAt.has(literal.offset)) continue;
    const word = text.slice(literal.offset, literal.offset + literal.length);
    out.push(diag('json-nan', literal.offset, literal.length,
      `\`${word}\` is not JSON. Python's json reads it as a float, other tools reject the file; write a number or a string instead.`));
  }
  const trailingCommas = new Set<number>();
  for (const e of parsed.errors) {
    switch (e.error) {
      case ParseErrorCode.InvalidSymbol:
        if (explained.has(e.offset)) break;
        out.push(diag('json-syntax', e.offset, e.length, `${describe(e.error)}; ${FILE_IGNORED}.`));
        break;
      case ParseErrorCode.InvalidEscapeCharacter:
        for (const d of invalidEscapes(text, e.offset, e.length)) out.push(d);
        break;
      case ParseErrorCode.InvalidCharacter:
        for (const d of controlCharacters(text, e.offset, e.length)) out.push(d);
        break;
      case ParseErrorCode.InvalidCommentToken:
        out.push(diag('json-comment', e.offset, e.length, `Comments are not allowed: Python's json rejects them, so ${FILE_IGNORED}. Remove the comment.`));
        break;
      case ParseErrorCode.PropertyNameExpected:
      case ParseErrorCode.ValueExpected: {
        const comma = trailingCommaBefore(text, e.offset);
        if (comma >= 0) {
          if (!trailingCommas.has(comma)) {
            trailingCommas.add(comma);
            out.push(diag('json-trailing-comma', comma, 1, `Trailing comma: Python's json rejects it, so ${FILE_IGNORED}. Remove the comma.`, { replacement: '' }));
          }
        } else {
          out.push(diag('json-syntax', e.offset, e.length, `${e.error === ParseErrorCode.ValueExpected ? 'A value is expected here' : 'A property name in double quotes is expected here'}; ${FILE_IGNORED}.`));
        }
        break;
      }
      default:
        out.push(diag('json-syntax', e.offset, e.length, `${describe(e.error)}; ${FILE_IGNORED}.`));
    }
  }
  return out;
}

/**
 * A UTF-8 byte order mark at the start: Python's json.load rejects it ("Unexpected UTF-8 BOM"), while the JSON parser
 * here reads it as whitespace. Editors hide the BOM from the text, so the CLI, which reads bytes, reports it too.
 */
export function byteOrderMarkDiagnostic(text: string): RegistryDiagnostic | undefined {
  if (!text.startsWith('\uFEFF')) return undefined;
  return diag('json-syntax', 0, 1, 'The file starts with a UTF-8 byte order mark (BOM): Python\'s json.load rejects it ("Unexpected UTF-8 BOM"), so clemcore ignores the whole file. Save the file as UTF-8 without BOM.');
}

/** Whitespace the JSON parser skips but Python's json does not (it allows only space, tab, CR and LF). */
const EXOTIC_SPACE = /[\u000b\u000c\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/g;

function exoticWhitespace(text: string): RegistryDiagnostic[] {
  EXOTIC_SPACE.lastIndex = 0;
  if (!EXOTIC_SPACE.test(text)) return [];
  const out: RegistryDiagnostic[] = [];
  // The strings, in text order, as [start, end) pairs; the matches come in text order too, so one cursor walks both.
  const strings: number[] = [];
  const scanner = createScanner(text, false);
  for (let t = scanner.scan(); t !== SyntaxKind.EOF; t = scanner.scan()) {
    if (t === SyntaxKind.StringLiteral) strings.push(scanner.getTokenOffset(), scanner.getTokenOffset() + scanner.getTokenLength());
  }
  let s = 0;
  EXOTIC_SPACE.lastIndex = 0;
  for (let m = EXOTIC_SPACE.exec(text); m; m = EXOTIC_SPACE.exec(text)) {
    const at = m.index;
    if (at === 0 && text[0] === '\uFEFF') continue; // the BOM has its own message
    while (s < strings.length && strings[s + 1] <= at) s += 2;
    if (s < strings.length && at > strings[s] && at < strings[s + 1]) continue;
    out.push(diag('json-syntax', at, 1, `U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} is not whitespace for Python's json, so ${FILE_IGNORED}. Replace it with a plain space or remove it.`, { replacement: ' ' }));
  }
  return out;
}

function invalidEscapes(text: string, offset: number, length: number): RegistryDiagnostic[] {
  const out: RegistryDiagnostic[] = [];
  const end = offset + length;
  for (let i = offset + 1; i < end; i++) {
    if (text[i] !== '\\') continue;
    const next = text[i + 1];
    if (next === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out.push(diag('json-invalid-escape', i, Math.min(6, end - i), `\`${text.slice(i, Math.min(i + 6, end))}\` is not a valid \\u escape (four hex digits are needed); ${FILE_IGNORED}.`));
      }
      i += 1;
      continue;
    }
    if (next !== undefined && !JSON_ESCAPES.has(next)) {
      out.push(diag('json-invalid-escape', i, 2,
        `\`\\${next}\` is not a JSON escape, so ${FILE_IGNORED}. For a regex escape write \`\\\\${next}\` (JSON turns it into \`\\${next}\`).`,
        { replacement: `\\\\${next}` }));
    }
    i += 1;
  }
  return out;
}

function controlCharacters(text: string, offset: number, length: number): RegistryDiagnostic[] {
  const out: RegistryDiagnostic[] = [];
  for (let i = offset; i < offset + length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      const name = c === 9 ? 'a tab' : c === 10 ? 'a line break' : c === 13 ? 'a carriage return' : `control character U+${c.toString(16).padStart(4, '0')}`;
      const esc = c === 9 ? '\\t' : c === 10 ? '\\n' : c === 13 ? '\\r' : `\\u${c.toString(16).padStart(4, '0')}`;
      out.push(diag('json-syntax', i, 1, `The string contains ${name}, which Python's json rejects; ${FILE_IGNORED}. Write \`${esc}\` instead.`, { replacement: esc }));
    }
  }
  if (out.length === 0) out.push(diag('json-syntax', offset, length, `Invalid character; ${FILE_IGNORED}.`));
  return out;
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
