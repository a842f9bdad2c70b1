// jinja2's literals re-written for @huggingface/jinja: strings with Python's escapes, integers in any base, floats in
// any notation; and the digit helpers Python's repr() needs.
import { errorMessage } from './errors';
import type { TokenKind } from './jinja2Lexer';

/** A jinja2 token re-written for the library's lexer. */
export function libraryToken(kind: TokenKind, text: string, at: number, fail: (message: string, at: number) => never): string {
  switch (kind) {
    case 'string':
      try {
        return libraryString(pyUnescape(text.slice(1, -1)));
      } catch (e) {
        return fail(errorMessage(e), at);
      }
    case 'int': {
      const digits = text.replace(/_/g, '').toLowerCase();
      const base = digits.startsWith('0b') ? 2 : digits.startsWith('0o') ? 8 : digits.startsWith('0x') ? 16 : 10;
      const value = base === 10 ? BigInt(digits) : BigInt(`0${digits[1]}${digits.slice(2)}`);
      return value.toString();
    }
    case 'float': {
      // The library reads only digits with a dot as a float: write the value in positional notation.
      const value = Number(text.replace(/_/g, ''));
      if (!Number.isFinite(value)) return '1e999'; // an overflow, as Python's float('1e999'): not expressible here
      const { digits, exp } = decimalDigits(value);
      if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
      return `${digits.slice(0, exp + 1).padEnd(exp + 1, '0')}.${digits.slice(exp + 1) || '0'}`;
    }
    default:
      return text;
  }
}

const NEEDS_ESCAPE = /[\\"{]/;

/** A string literal the library reads back as `value`: only \\ and \" escaped, `{` hidden from its preprocessing. */
export function libraryString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(/[\\"{]/g, (c) => (c === '{' ? '\\x7b' : `\\${c}`))}"` : `"${value}"`;
}

/** jinja2's string literal value: `.encode("ascii", "backslashreplace").decode("unicode-escape")`. */
function pyUnescape(body: string): string {
  // Without a backslash the text is its own value (other characters go out as escapes and come back as themselves).
  if (!body.includes('\\')) return body;
  let ascii = '';
  for (const ch of body) {
    const cp = ch.codePointAt(0)!;
    ascii += cp < 0x80 ? ch : cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
  }
  let out = '';
  for (let i = 0; i < ascii.length; i++) {
    const c = ascii[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = ascii[++i];
    const simple: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    if (e === undefined) throw new Error('\\ at end of string');
    if (e in simple) out += simple[e];
    else if (/[0-7]/.test(e)) {
      const digits = /^[0-7]{1,3}/.exec(ascii.slice(i))![0];
      out += String.fromCodePoint(parseInt(digits, 8));
      i += digits.length - 1;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const length = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const digits = ascii.slice(i + 1, i + 1 + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) throw new Error(`truncated \\${e}${'X'.repeat(length)} escape`);
      const cp = parseInt(digits, 16);
      if (cp > 0x10ffff) throw new Error('illegal Unicode character');
      out += String.fromCodePoint(cp);
      i += length;
    } else if (e === 'N') throw new Error('\\N{...} escapes (Unicode character names) are not supported by this renderer');
    else out += `\\${e}`;
  }
  return out;
}

/** The shortest digits that read back as `x` (> 0), and the decimal exponent of the first. */
export function decimalDigits(x: number): { digits: string; exp: number } {
  const [mantissa, e] = x.toExponential().split('e');
  return { digits: mantissa.replace('.', ''), exp: Number(e) };
}

export function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
