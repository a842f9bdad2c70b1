// A position-keeping port of the lexer of @huggingface/jinja 0.5.11 (MIT, huggingface.js): the same algorithm and the
// same tokens, but every token remembers where it starts and ends in the original template, and an error says where it
// happened. The library's parser reads these tokens as its own (test/jinja2/tokenizer.test.ts holds both lexers to
// the same tokens and the same failures); where ours fails, the library's own `tokenize` gives the error users see.
import { tokenize } from '@huggingface/jinja';

export type JinjaTokenType =
  | 'Text' | 'NumericLiteral' | 'StringLiteral' | 'Identifier' | 'Equals' | 'OpenParen' | 'CloseParen'
  | 'OpenStatement' | 'CloseStatement' | 'OpenExpression' | 'CloseExpression' | 'OpenSquareBracket'
  | 'CloseSquareBracket' | 'OpenCurlyBracket' | 'CloseCurlyBracket' | 'Comma' | 'Dot' | 'Colon' | 'Pipe'
  | 'CallOperator' | 'AdditiveBinaryOperator' | 'MultiplicativeBinaryOperator' | 'ExponentiationBinaryOperator'
  | 'ComparisonBinaryOperator' | 'UnaryOperator' | 'Comment';

export interface PositionedToken {
  value: string;
  type: JinjaTokenType;
  /** Index of the token's first character in the original template. */
  start: number;
  /** Index just after the token's last character in the original template. */
  end: number;
}

export class JinjaLexError extends Error {
  constructor(message: string, readonly start: number, readonly end: number, readonly tokensSoFar: PositionedToken[] = []) {
    super(message);
  }
}

const ESCAPE_CHARACTERS = new Map([['n', '\n'], ['t', '\t'], ['r', '\r'], ['b', '\b'], ['f', '\f'], ['v', '\v'], ["'", "'"], ['"', '"'], ['\\', '\\']]);

// The library tests single characters with /\w/, /[0-9]/ and /\s/; the same sets by character code (a character past
// the end is none of them here; the library never asks about one where that would differ).
const isWordCode = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigitCode = (c: number) => c >= 48 && c <= 57;
const isSpaceCode = (c: number) =>
  (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
  c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/**
 * The library's preprocess (without trim/lstrip options), plus the original index of every remaining character;
 * `map` is absent when every character kept its index (a template without {% generation %} tags).
 */
export function preprocessWithMap(template: string): { src: string; map?: number[] } {
  let text = template;
  if (text.endsWith('\n')) text = text.slice(0, -1);
  const re = /(\s*){%(-?)\s*(?:end)?generation\s*(-?)%}(\s*)/gs;
  let src = '';
  const map: number[] = [];
  let last = 0;
  const keep = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      src += text[i];
      map.push(i);
    }
  };
  // The rule needs the word itself; most templates lack it, and the rule's leading \s* is slow on long runs of spaces.
  let m = text.includes('generation') ? re.exec(text) : null;
  if (!m) return { src: text };
  for (; m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    keep(last, m.index);
    if (!m[2]) keep(m.index, m.index + m[1].length);
    const end = m.index + m[0].length;
    if (!m[3]) keep(end - m[4].length, end);
    last = end;
  }
  keep(last, text.length);
  map.push(text.length);
  return { src, map };
}

/** The one- and two-character tokens, as the library's ordered table matches them at a character. */
function symbolAt(src: string, at: number, curlyBracketDepth: number): [string, JinjaTokenType] | undefined {
  const next = src[at + 1];
  switch (src[at]) {
    case '{': return next === '%' ? ['{%', 'OpenStatement'] : next === '{' ? ['{{', 'OpenExpression'] : ['{', 'OpenCurlyBracket'];
    case '%': return next === '}' ? ['%}', 'CloseStatement'] : ['%', 'MultiplicativeBinaryOperator'];
    case '}': return next === '}' && curlyBracketDepth <= 0 ? ['}}', 'CloseExpression'] : ['}', 'CloseCurlyBracket'];
    case '(': return ['(', 'OpenParen'];
    case ')': return [')', 'CloseParen'];
    case '[': return ['[', 'OpenSquareBracket'];
    case ']': return [']', 'CloseSquareBracket'];
    case ',': return [',', 'Comma'];
    case '.': return ['.', 'Dot'];
    case ':': return [':', 'Colon'];
    case '|': return ['|', 'Pipe'];
    case '<': return next === '=' ? ['<=', 'ComparisonBinaryOperator'] : ['<', 'ComparisonBinaryOperator'];
    case '>': return next === '=' ? ['>=', 'ComparisonBinaryOperator'] : ['>', 'ComparisonBinaryOperator'];
    case '=': return next === '=' ? ['==', 'ComparisonBinaryOperator'] : ['=', 'Equals'];
    case '!': return next === '=' ? ['!=', 'ComparisonBinaryOperator'] : undefined;
    case '+': return ['+', 'AdditiveBinaryOperator'];
    case '-': return ['-', 'AdditiveBinaryOperator'];
    case '~': return ['~', 'AdditiveBinaryOperator'];
    case '*': return next === '*' ? ['**', 'ExponentiationBinaryOperator'] : ['*', 'MultiplicativeBinaryOperator'];
    case '/': return next === '/' ? ['//', 'MultiplicativeBinaryOperator'] : ['/', 'MultiplicativeBinaryOperator'];
    default: return undefined;
  }
}

/**
 * Tokenizes like @huggingface/jinja's `tokenize(source)` (no options), keeping positions; throws JinjaLexError.
 * The same steps, with runs of characters taken as slices and character classes tested by code: the library's
 * character-by-character regular expressions cost a fresh process more than the rest of a template's checks.
 */
export function tokenizeWithPositions(source: string): PositionedToken[] {
  const { src, map } = preprocessWithMap(source);
  const length = src.length;
  const tokens: PositionedToken[] = [];
  let cursor = 0;
  let curlyBracketDepth = 0;
  const orig = map ? (i: number) => map[Math.min(i, map.length - 1)] : (i: number) => Math.min(i, length);
  const fail = (message: string, from: number, to: number): never => {
    throw new JinjaLexError(message, orig(from), Math.max(orig(from) + 1, orig(Math.max(to - 1, from)) + 1), tokens);
  };
  const push = (value: string, type: JinjaTokenType, from: number, to: number) => {
    tokens.push({ value, type, start: orig(from), end: to > from ? orig(to - 1) + 1 : orig(from) });
  };
  const lastType = () => (tokens.length ? tokens[tokens.length - 1].type : undefined);
  /** The library's consumeWhile for a class of characters: it fails when the run reaches the end of the input. */
  const consumeClass = (test: (c: number) => boolean, openedAt: number): string => {
    const from = cursor;
    while (test(src.charCodeAt(cursor))) {
      if (++cursor >= length) fail('Unexpected end of input', openedAt, cursor);
    }
    return src.slice(from, cursor);
  };
  /** The library's consumeWhile for a string literal's body, with its escapes. */
  const consumeString = (quote: string, openedAt: number): string => {
    let str = '';
    let run = cursor;
    for (;;) {
      if (cursor >= length) {
        // The library reads the character past the end as one of the body, then finds the end.
        cursor++;
        fail('Unexpected end of input', openedAt, cursor);
      }
      const c = src[cursor];
      if (c === quote) break;
      if (c === '\\') {
        str += src.slice(run, cursor);
        const escStart = cursor;
        ++cursor;
        if (cursor >= length) fail('Unexpected end of input', openedAt, cursor);
        const escaped = src[cursor++];
        if (escaped === 'x' || escaped === 'u') {
          const size = escaped === 'x' ? 2 : 4;
          const hex = src.slice(cursor, cursor + size);
          if (hex.length !== size || /[^0-9a-f]/i.test(hex)) fail(`Invalid hexadecimal escape sequence: \\${escaped}${hex}`, escStart, cursor + hex.length);
          str += String.fromCharCode(parseInt(hex, 16));
          cursor += size;
        } else {
          const unescaped = ESCAPE_CHARACTERS.get(escaped);
          if (unescaped === undefined) fail(`Unexpected escaped character: ${escaped}`, escStart, cursor);
          str += unescaped;
        }
        run = cursor;
        continue;
      }
      if (++cursor >= length) fail('Unexpected end of input', openedAt, cursor);
    }
    return str + src.slice(run, cursor);
  };
  const stripTrailingWhitespace = () => {
    const lastToken = tokens[tokens.length - 1];
    if (lastToken && lastToken.type === 'Text') {
      lastToken.value = lastToken.value.trimEnd();
      if (lastToken.value === '') tokens.pop();
    }
  };
  const skipLeadingWhitespace = () => {
    while (cursor < length && isSpaceCode(src.charCodeAt(cursor))) ++cursor;
  };
  const opensTag = (at: number) => {
    if (src.charCodeAt(at) !== 123) return false; // {
    const next = src.charCodeAt(at + 1);
    return next === 37 || next === 123 || next === 35; // % { #
  };

  while (cursor < length) {
    const lastTokenType = lastType();
    if (lastTokenType === undefined || lastTokenType === 'CloseStatement' || lastTokenType === 'CloseExpression' || lastTokenType === 'Comment') {
      const from = cursor;
      // Up to the next `{%`, `{{` or `{#` (found by indexOf: text is most of a template).
      for (;;) {
        cursor = src.indexOf('{', cursor);
        if (cursor < 0) cursor = length;
        if (cursor >= length || opensTag(cursor)) break;
        cursor++;
      }
      if (cursor > from) {
        push(src.slice(from, cursor), 'Text', from, cursor);
        continue;
      }
    }
    if (src[cursor] === '{' && src[cursor + 1] === '#') {
      const from = cursor;
      cursor += 2;
      const stripBefore = src[cursor] === '-';
      if (stripBefore) ++cursor;
      // The library reads up to the first `#}` and fails without one.
      const close = src.indexOf('#}', cursor);
      if (close < 0) fail('Missing end of comment tag', from, from + 2);
      let comment = src.slice(cursor, close);
      cursor = close;
      const stripAfter = comment.endsWith('-');
      if (stripAfter) comment = comment.slice(0, -1);
      if (stripBefore) stripTrailingWhitespace();
      cursor += 2;
      push(comment, 'Comment', from, cursor);
      if (stripAfter) skipLeadingWhitespace();
      continue;
    }
    if (src[cursor] === '{' && src[cursor + 2] === '-' && (src[cursor + 1] === '%' || src[cursor + 1] === '{')) {
      stripTrailingWhitespace();
      if (src[cursor + 1] === '%') push('{%', 'OpenStatement', cursor, cursor + 3);
      else {
        push('{{', 'OpenExpression', cursor, cursor + 3);
        curlyBracketDepth = 0;
      }
      cursor += 3;
      continue;
    }
    consumeClass(isSpaceCode, cursor);
    if (src[cursor] === '-' && src[cursor + 2] === '}' && (src[cursor + 1] === '%' || src[cursor + 1] === '}')) {
      if (src[cursor + 1] === '%') push('%}', 'CloseStatement', cursor, cursor + 3);
      else push('}}', 'CloseExpression', cursor, cursor + 3);
      cursor += 3;
      skipLeadingWhitespace();
      continue;
    }
    const char = src[cursor];
    if (char === '-' || char === '+') {
      const lastTokenType2 = lastType();
      if (lastTokenType2 === 'Text' || lastTokenType2 === undefined) fail(`Unexpected character: ${char}`, cursor, cursor + 1);
      switch (lastTokenType2) {
        case 'Identifier':
        case 'NumericLiteral':
        case 'StringLiteral':
        case 'CloseParen':
        case 'CloseSquareBracket':
          break;
        default: {
          const from = cursor;
          ++cursor;
          let num = consumeClass(isDigitCode, from);
          if (num.length > 0 && src[cursor] === '.' && isDigitCode(src.charCodeAt(cursor + 1))) {
            ++cursor;
            const frac = consumeClass(isDigitCode, from);
            num = `${num}.${frac}`;
          }
          push(`${char}${num}`, num.length > 0 ? 'NumericLiteral' : 'UnaryOperator', from, cursor);
          continue;
        }
      }
    }
    const symbol = symbolAt(src, cursor, curlyBracketDepth);
    if (symbol) {
      const [seq, type] = symbol;
      push(seq, type, cursor, cursor + seq.length);
      if (type === 'OpenExpression') curlyBracketDepth = 0;
      else if (type === 'OpenCurlyBracket') ++curlyBracketDepth;
      else if (type === 'CloseCurlyBracket') --curlyBracketDepth;
      cursor += seq.length;
      continue;
    }
    if (char === "'" || char === '"') {
      const from = cursor;
      ++cursor;
      const str = consumeString(char, from);
      ++cursor;
      push(str, 'StringLiteral', from, cursor);
      continue;
    }
    const code = src.charCodeAt(cursor);
    if (isDigitCode(code)) {
      const from = cursor;
      let num = consumeClass(isDigitCode, from);
      if (lastType() !== 'Dot' && src[cursor] === '.' && isDigitCode(src.charCodeAt(cursor + 1))) {
        ++cursor;
        const frac = consumeClass(isDigitCode, from);
        num = `${num}.${frac}`;
      }
      push(num, 'NumericLiteral', from, cursor);
      continue;
    }
    if (isWordCode(code)) {
      const from = cursor;
      const word = consumeClass(isWordCode, from);
      push(word, 'Identifier', from, cursor);
      continue;
    }
    fail(`Unexpected character: ${char}`, cursor, cursor + 1);
  }
  return tokens;
}

/** The library's tokens of a template: ours, or where our lexer stops, the library's own (or its error). */
export function libraryTokens(source: string): ReturnType<typeof tokenize> {
  try {
    return tokenizeWithPositions(source);
  } catch {
    return tokenize(source);
  }
}
