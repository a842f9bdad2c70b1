// A position-keeping port of the lexer of @huggingface/jinja 0.5.11 (MIT, huggingface.js): the same algorithm and the
// same tokens, but every token remembers where it starts and ends in the original template, and an error says where it
// happened. The library's own `tokenize` stays the reference: analysis.ts compares both token lists and uses
// these positions only when they agree.

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

const ORDERED_MAPPING_TABLE: [string, JinjaTokenType][] = [
  ['{%', 'OpenStatement'], ['%}', 'CloseStatement'], ['{{', 'OpenExpression'], ['}}', 'CloseExpression'],
  ['(', 'OpenParen'], [')', 'CloseParen'], ['{', 'OpenCurlyBracket'], ['}', 'CloseCurlyBracket'],
  ['[', 'OpenSquareBracket'], [']', 'CloseSquareBracket'], [',', 'Comma'], ['.', 'Dot'], [':', 'Colon'], ['|', 'Pipe'],
  ['<=', 'ComparisonBinaryOperator'], ['>=', 'ComparisonBinaryOperator'], ['==', 'ComparisonBinaryOperator'],
  ['!=', 'ComparisonBinaryOperator'], ['<', 'ComparisonBinaryOperator'], ['>', 'ComparisonBinaryOperator'],
  ['+', 'AdditiveBinaryOperator'], ['-', 'AdditiveBinaryOperator'], ['~', 'AdditiveBinaryOperator'],
  ['**', 'ExponentiationBinaryOperator'], ['*', 'MultiplicativeBinaryOperator'], ['//', 'MultiplicativeBinaryOperator'],
  ['/', 'MultiplicativeBinaryOperator'], ['%', 'MultiplicativeBinaryOperator'], ['=', 'Equals'],
];

const ESCAPE_CHARACTERS = new Map([['n', '\n'], ['t', '\t'], ['r', '\r'], ['b', '\b'], ['f', '\f'], ['v', '\v'], ["'", "'"], ['"', '"'], ['\\', '\\']]);

const isWord = (c: string | undefined) => c !== undefined && /\w/.test(c);
const isInteger = (c: string | undefined) => c !== undefined && /[0-9]/.test(c);
const isWhitespace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/** The library's preprocess (without trim/lstrip options), plus the original index of every remaining character. */
export function preprocessWithMap(template: string): { src: string; map: number[] } {
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
  let m = re.exec(text);
  // No {% generation %} tags (the usual template): the text as it is, without copying it character by character.
  if (!m) return { src: text, map: Array.from({ length: text.length + 1 }, (_, i) => i) };
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

/** Tokenizes like @huggingface/jinja's `tokenize(source)` (no options), keeping positions; throws JinjaLexError. */
export function tokenizeWithPositions(source: string): PositionedToken[] {
  const { src, map } = preprocessWithMap(source);
  const tokens: PositionedToken[] = [];
  let cursor = 0;
  let curlyBracketDepth = 0;
  const orig = (i: number) => map[Math.min(i, map.length - 1)];
  const fail = (message: string, from: number, to: number): never => {
    throw new JinjaLexError(message, orig(from), Math.max(orig(from) + 1, orig(Math.max(to - 1, from)) + 1), tokens);
  };
  const push = (value: string, type: JinjaTokenType, from: number, to: number) => {
    tokens.push({ value, type, start: orig(from), end: to > from ? orig(to - 1) + 1 : orig(from) });
  };
  /** Consumes while the predicate holds; `openedAt` is where the construct (a string literal) began, for errors. */
  const consumeWhile = (predicate: (c: string | undefined) => boolean, openedAt: number): string => {
    let str = '';
    while (predicate(src[cursor])) {
      if (src[cursor] === '\\') {
        const escStart = cursor;
        ++cursor;
        if (cursor >= src.length) fail('Unexpected end of input', openedAt, cursor);
        const escaped = src[cursor++];
        if (escaped === 'x' || escaped === 'u') {
          const length = escaped === 'x' ? 2 : 4;
          const hex = src.slice(cursor, cursor + length);
          if (hex.length !== length || /[^0-9a-f]/i.test(hex)) fail(`Invalid hexadecimal escape sequence: \\${escaped}${hex}`, escStart, cursor + hex.length);
          str += String.fromCharCode(parseInt(hex, 16));
          cursor += length;
          continue;
        }
        const unescaped = ESCAPE_CHARACTERS.get(escaped);
        if (unescaped === undefined) fail(`Unexpected escaped character: ${escaped}`, escStart, cursor);
        str += unescaped;
        continue;
      }
      str += src[cursor++];
      if (cursor >= src.length) fail('Unexpected end of input', openedAt, cursor);
    }
    return str;
  };
  const stripTrailingWhitespace = () => {
    const lastToken = tokens.at(-1);
    if (lastToken && lastToken.type === 'Text') {
      lastToken.value = lastToken.value.trimEnd();
      if (lastToken.value === '') tokens.pop();
    }
  };
  const skipLeadingWhitespace = () => {
    while (cursor < src.length && isWhitespace(src[cursor])) ++cursor;
  };

  main: while (cursor < src.length) {
    const lastTokenType = tokens.at(-1)?.type;
    if (lastTokenType === undefined || lastTokenType === 'CloseStatement' || lastTokenType === 'CloseExpression' || lastTokenType === 'Comment') {
      const from = cursor;
      let text = '';
      while (cursor < src.length && !(src[cursor] === '{' && (src[cursor + 1] === '%' || src[cursor + 1] === '{' || src[cursor + 1] === '#'))) {
        text += src[cursor++];
      }
      if (text.length > 0) {
        push(text, 'Text', from, cursor);
        continue;
      }
    }
    if (src[cursor] === '{' && src[cursor + 1] === '#') {
      const from = cursor;
      cursor += 2;
      const stripBefore = src[cursor] === '-';
      if (stripBefore) ++cursor;
      let comment = '';
      while (src[cursor] !== '#' || src[cursor + 1] !== '}') {
        if (cursor + 2 >= src.length) fail('Missing end of comment tag', from, from + 2);
        comment += src[cursor++];
      }
      const stripAfter = comment.endsWith('-');
      if (stripAfter) comment = comment.slice(0, -1);
      if (stripBefore) stripTrailingWhitespace();
      cursor += 2;
      push(comment, 'Comment', from, cursor);
      if (stripAfter) skipLeadingWhitespace();
      continue;
    }
    if (src.slice(cursor, cursor + 3) === '{%-') {
      stripTrailingWhitespace();
      push('{%', 'OpenStatement', cursor, cursor + 3);
      cursor += 3;
      continue;
    }
    if (src.slice(cursor, cursor + 3) === '{{-') {
      stripTrailingWhitespace();
      push('{{', 'OpenExpression', cursor, cursor + 3);
      curlyBracketDepth = 0;
      cursor += 3;
      continue;
    }
    consumeWhile(isWhitespace, cursor);
    if (src.slice(cursor, cursor + 3) === '-%}') {
      push('%}', 'CloseStatement', cursor, cursor + 3);
      cursor += 3;
      skipLeadingWhitespace();
      continue;
    }
    if (src.slice(cursor, cursor + 3) === '-}}') {
      push('}}', 'CloseExpression', cursor, cursor + 3);
      cursor += 3;
      skipLeadingWhitespace();
      continue;
    }
    const char = src[cursor];
    if (char === '-' || char === '+') {
      const lastTokenType2 = tokens.at(-1)?.type;
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
          let num = consumeWhile(isInteger, from);
          if (num.length > 0 && src[cursor] === '.' && isInteger(src[cursor + 1])) {
            ++cursor;
            const frac = consumeWhile(isInteger, from);
            num = `${num}.${frac}`;
          }
          push(`${char}${num}`, num.length > 0 ? 'NumericLiteral' : 'UnaryOperator', from, cursor);
          continue;
        }
      }
    }
    for (const [seq, type] of ORDERED_MAPPING_TABLE) {
      if (seq === '}}' && curlyBracketDepth > 0) continue;
      if (src.slice(cursor, cursor + seq.length) === seq) {
        push(seq, type, cursor, cursor + seq.length);
        if (type === 'OpenExpression') curlyBracketDepth = 0;
        else if (type === 'OpenCurlyBracket') ++curlyBracketDepth;
        else if (type === 'CloseCurlyBracket') --curlyBracketDepth;
        cursor += seq.length;
        continue main;
      }
    }
    if (char === "'" || char === '"') {
      const from = cursor;
      ++cursor;
      const str = consumeWhile((c) => c !== char, from);
      ++cursor;
      push(str, 'StringLiteral', from, cursor);
      continue;
    }
    if (isInteger(char)) {
      const from = cursor;
      let num = consumeWhile(isInteger, from);
      if (tokens.at(-1)?.type !== 'Dot' && src[cursor] === '.' && isInteger(src[cursor + 1])) {
        ++cursor;
        const frac = consumeWhile(isInteger, from);
        num = `${num}.${frac}`;
      }
      push(num, 'NumericLiteral', from, cursor);
      continue;
    }
    if (isWord(char)) {
      const from = cursor;
      const word = consumeWhile(isWord, from);
      push(word, 'Identifier', from, cursor);
      continue;
    }
    fail(`Unexpected character: ${char}`, cursor, cursor + 1);
  }
  return tokens;
}
