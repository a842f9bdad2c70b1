// JSON text helpers: parsing with Python-json strictness, node lookup, and mapping string values through escapes.
import { createScanner, parseTree, SyntaxKind, type Node, type ParseError } from 'jsonc-parser';
import { keepShape } from './shapes';
import type { JsonPath, Span } from './types';

export type { Node };

export interface ParsedJson {
  root: Node | undefined;
  errors: ParseError[];
  /** `NaN`, `Infinity` and `-Infinity` where Python's json reads them as numbers, in text order. */
  nonFinite: Span[];
}

/**
 * Parses as strictly as jsonc-parser allows: comments and trailing commas are errors (Python's json has neither).
 * Python's json also reads `NaN`, `Infinity` and `-Infinity` as numbers; jsonc-parser knows none of them, and its
 * recovery from such a symbol hides the errors next to it. So they are parsed as numbers of the same length and their
 * nodes get Python's values back: the errors around them are then the ones Python meets.
 */
export function parseJson(text: string): ParsedJson {
  const errors: ParseError[] = [];
  const nonFinite = nonFiniteLiterals(text);
  const source = nonFinite.length ? maskLiterals(text, nonFinite) : text;
  const root = parseTree(source, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  if (root && nonFinite.length) restoreNonFinite(root, text, nonFinite);
  return { root, errors, nonFinite };
}

/**
 * The literals Python's json reads as floats: `NaN`, `Infinity`, and `-Infinity` written as one word. A word that goes
 * on (`NaNa`, `NaN5`) is a syntax error for Python too, so it is left to the parser, as is `-NaN`.
 */
function nonFiniteLiterals(text: string): Span[] {
  if (!text.includes('NaN') && !text.includes('Infinity')) return [];
  const out: Span[] = [];
  const scanner = createScanner(text, false);
  let minusAt = -1;
  for (let t = scanner.scan(); t !== SyntaxKind.EOF; t = scanner.scan()) {
    if (t !== SyntaxKind.Unknown) {
      minusAt = -1;
      continue;
    }
    const at = scanner.getTokenOffset();
    const word = scanner.getTokenValue();
    if (word === 'Infinity' && minusAt === at - 1) out.push({ offset: minusAt, length: 9 });
    else if ((word === 'NaN' && minusAt !== at - 1) || word === 'Infinity') out.push({ offset: at, length: word.length });
    minusAt = word === '-' ? at : -1;
  }
  return out;
}

/** The text with each literal replaced by a number of the same length (`0.0`, `0.000000`, `-0.000000`). */
function maskLiterals(text: string, literals: Span[]): string {
  const parts: string[] = [];
  let last = 0;
  for (const { offset, length } of literals) {
    parts.push(text.slice(last, offset), text[offset] === '-' ? `-0.${'0'.repeat(length - 3)}` : `0.${'0'.repeat(length - 2)}`);
    last = offset + length;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/** Gives the number nodes at the literals Python's values (the tree's nodes are built mutable, only typed read-only). */
function restoreNonFinite(root: Node, text: string, literals: Span[]): void {
  const at = new Map(literals.map((l) => [l.offset, l]));
  const stack: Node[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.children) for (const child of node.children) stack.push(child);
    const literal = node.type === 'number' ? at.get(node.offset) : undefined;
    if (literal && literal.length === node.length) {
      const word = text.slice(literal.offset, literal.offset + literal.length);
      (node as { value?: unknown }).value = word === 'NaN' ? NaN : word === 'Infinity' ? Infinity : -Infinity;
    }
  }
}

/** The value node of `key` in an object node, or undefined. When a key repeats, the last one wins, as in Python. */
export function propertyNode(obj: Node | undefined, key: string): Node | undefined {
  if (!obj || obj.type !== 'object' || !obj.children) return undefined;
  let found: Node | undefined;
  for (const prop of obj.children) {
    const k = prop.children?.[0];
    if (k && k.value === key) found = prop.children?.[1];
  }
  return found;
}

/** The plain JavaScript value of a node (last duplicate key wins). */
export function nodeValue(node: Node | undefined): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const pair of node.children ?? []) {
        const key = pair.children?.[0]?.value;
        if (typeof key !== 'string') continue;
        // As JSON.parse does: `__proto__` is an ordinary key, not the prototype.
        Object.defineProperty(out, key, { value: nodeValue(pair.children?.[1]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

/** Python's truthiness of a JSON value. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value as object).length > 0;
  return true;
}

/** The node at a path below `root`, following object keys and array indexes. */
export function nodeAtPath(root: Node | undefined, path: JsonPath): Node | undefined {
  let node = root;
  for (const seg of path) {
    if (!node) return undefined;
    if (typeof seg === 'number') node = node.type === 'array' ? node.children?.[seg] : undefined;
    else node = propertyNode(node, seg);
  }
  return node;
}

/**
 * A string value decoded from its JSON source, with the source offset of every UTF-16 unit:
 * `offsets[i]` is where value[i] starts in the file, `offsets[value.length]` is the closing quote.
 * The offsets are computed on first use: most values are checked and never reported.
 */
export class DecodedString {
  private table?: number[];
  readonly value: string;

  constructor(private readonly text: string, private readonly node: Node) {
    // Both parsers decode escapes into node.value; the per-character offsets are built only when a finding needs them.
    this.value = typeof node.value === 'string' ? node.value : decode(text, node).value;
  }

  get offsets(): number[] {
    this.table ??= decode(this.text, this.node).offsets;
    return this.table;
  }
}

export function decodeStringNode(text: string, node: Node): DecodedString {
  return new DecodedString(text, node);
}

/** The decoded value of a string node, for checks that need no offsets inside it (`decodeStringNode(...).value`). */
export function stringValue(text: string, node: Node): string {
  return typeof node.value === 'string' ? node.value : decode(text, node).value;
}

keepShape(new DecodedString('""', { type: 'string', value: '', offset: 0, length: 2 }));

function decode(text: string, node: Node): { value: string; offsets: number[] } {
  const start = node.offset + 1;
  const end = node.offset + node.length - 1; // the closing quote (or end of an unterminated string)
  const parts: string[] = [];
  const offsets: number[] = [];
  let i = start;
  let runStart = start;
  const flush = (to: number) => {
    if (to > runStart) parts.push(text.slice(runStart, to));
  };
  while (i < end) {
    if (text.charCodeAt(i) === 92 /* \ */ && i + 1 < end) {
      flush(i);
      const esc = text[i + 1];
      offsets.push(i);
      if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        parts.push(String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)));
        i += 6;
      } else {
        parts.push(SIMPLE_ESCAPES[esc] ?? esc); // an invalid escape is reported elsewhere; keep the character
        i += 2;
      }
      runStart = i;
      continue;
    }
    offsets.push(i);
    i++;
  }
  flush(Math.min(i, end));
  offsets.push(Math.max(i, start));
  return { value: parts.join(''), offsets };
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** The file span of characters [from, to) of a decoded string value. */
export function valueSpan(decoded: DecodedString, from: number, to: number): Span {
  // In a string with a broken escape the parser's value and this decoding can differ in length: clamp to the table.
  const last = decoded.offsets.length - 1;
  const a = decoded.offsets[Math.max(0, Math.min(from, last))];
  const b = decoded.offsets[Math.max(0, Math.min(to, last))];
  return { offset: a, length: Math.max(b - a, 0) };
}

/** Escapes a string for the inside of a JSON string literal, leaving non-ASCII characters as they are. */
export function escapeJsonString(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}
