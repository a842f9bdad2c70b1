// JSON text helpers: parsing with Python-json strictness, node lookup, and mapping string values through escapes.
import { visit, type Node, type NodeType, type ParseError, type ParseErrorCode } from 'jsonc-parser';
import { keepShape } from './shapes';
import type { JsonPath, Span } from './types';

export type { Node };

export interface ParsedJson {
  root: Node | undefined;
  /** How many elements the root has when it is an array (the tree keeps at most the number asked for). */
  topElements: number;
  /** The first MAX_KEPT_ERRORS errors, in text order. */
  errors: ParseError[];
  /** How many errors there are in all, and where each starts (text order). */
  errorCount: number;
  errorOffsets: Int32Array;
  /** Where `NaN`, `Infinity` and `-Infinity` stand that Python's json reads as numbers, in text order. */
  nonFinite: Int32Array;
}

/** Errors kept whole; past them only offsets are kept (a file of garbage has one error per character). */
export const MAX_KEPT_ERRORS = 1000;

/** Where the parser's errors go: the first few whole, all of them as offsets (there may be millions). */
class ErrorSink {
  readonly kept: ParseError[] = [];
  readonly offsets = new OffsetList();

  push(error: ParseErrorCode, offset: number, length: number): void {
    if (this.kept.length < MAX_KEPT_ERRORS) this.kept.push({ error, offset, length });
    this.offsets.push(offset);
  }
}

/**
 * Parses as strictly as jsonc-parser allows: comments and trailing commas are errors (Python's json has neither).
 * Python's json also reads `NaN`, `Infinity` and `-Infinity` as numbers; jsonc-parser knows none of them, and its
 * recovery from such a symbol hides the errors next to it. So they are parsed as numbers of the same length and their
 * nodes get Python's values back: the errors around them are then the ones Python meets.
 */
export function parseJson(text: string, maxTopElements = Infinity): ParsedJson {
  const sink = new ErrorSink();
  const nonFinite = nonFiniteLiterals(text);
  const source = nonFinite.length ? maskLiterals(text, nonFinite) : text;
  const { root, topElements } = buildTree(source, sink, maxTopElements);
  if (root && nonFinite.length) restoreNonFinite(root, text, nonFinite);
  return { root, topElements, errors: sink.kept, errorCount: sink.offsets.length, errorOffsets: sink.offsets.values(), nonFinite };
}

type MutableNode = { -readonly [K in keyof Node]: K extends 'children' ? MutableNode[] : K extends 'parent' ? MutableNode : Node[K] };

/**
 * jsonc-parser's parseTree, with the top-level array's elements past `maxTopElements` parsed (for their errors) but
 * not kept: a file of a million broken entries then holds a tree of the entries it checks only.
 */
function buildTree(text: string, sink: ErrorSink, maxTopElements: number): { root: Node | undefined; topElements: number } {
  const top: MutableNode = { type: 'array', offset: -1, length: -1, children: [] }; // the artificial root
  let current = top;
  let topElements = 0;
  // Containers being parsed without nodes: an element past the cap, and what is inside it.
  let skipping = 0;
  const atTop = () => current.parent === top && current.type === 'array';
  /** Whether the value that begins now gets no node: it is inside a skipped element, or is one. */
  const skip = (): boolean => {
    if (skipping > 0) return true;
    return atTop() && topElements++ >= maxTopElements;
  };
  const ensurePropertyComplete = (end: number) => {
    if (current.type === 'property') {
      current.length = end - current.offset;
      current = current.parent!;
    }
  };
  const onValue = (node: MutableNode): MutableNode => {
    current.children!.push(node);
    return node;
  };
  visit(text, {
    onObjectBegin: (offset) => {
      if (skip()) skipping++;
      else current = onValue({ type: 'object', offset, length: -1, parent: current, children: [] });
    },
    onObjectProperty: (name, offset, length) => {
      if (skipping) return;
      current = onValue({ type: 'property', offset, length: -1, parent: current, children: [] });
      current.children!.push({ type: 'string', value: name, offset, length, parent: current });
    },
    onObjectEnd: (offset, length) => {
      if (skipping) {
        skipping--;
        return;
      }
      ensurePropertyComplete(offset + length);
      current.length = offset + length - current.offset;
      current = current.parent!;
      ensurePropertyComplete(offset + length);
    },
    onArrayBegin: (offset) => {
      if (skip()) skipping++;
      else current = onValue({ type: 'array', offset, length: -1, parent: current, children: [] });
    },
    onArrayEnd: (offset, length) => {
      if (skipping) {
        skipping--;
        return;
      }
      current.length = offset + length - current.offset;
      current = current.parent!;
      ensurePropertyComplete(offset + length);
    },
    onLiteralValue: (value: unknown, offset, length) => {
      if (skip()) return;
      onValue({ type: getNodeType(value), offset, length, parent: current, value });
      ensurePropertyComplete(offset + length);
    },
    onSeparator: (sep, offset) => {
      if (skipping || current.type !== 'property') return;
      if (sep === ':') current.colonOffset = offset;
      else if (sep === ',') ensurePropertyComplete(offset);
    },
    onError: (error, offset, length) => sink.push(error, offset, length),
  }, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  const root = top.children![0];
  if (root) delete root.parent;
  return { root: root as Node | undefined, topElements: root?.type === 'array' ? topElements : 0 };
}

function getNodeType(value: unknown): NodeType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'boolean' || t === 'number' || t === 'string' ? t : typeof value === 'object' ? 'object' : 'null';
}

/**
 * The literals Python's json reads as floats: `NaN`, `Infinity`, and `-Infinity` written as one word, outside strings
 * and comments, found with the tolerant parser's notion of a word. A word that goes on (`NaNa`, `NaN5`) or that
 * follows a number (`1NaN`) is a syntax error for Python too, and is left to the parser, as is `-NaN`.
 */
export function nonFiniteLiterals(text: string): Int32Array {
  if (!text.includes('NaN') && !text.includes('Infinity')) return NO_OFFSETS;
  const found = new OffsetList();
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // To the closing quote, or to a line break, where the tolerant parser ends a broken string too.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34 || d === 10 || d === 13) break;
      }
      i++;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
    } else if (!isWordCharacter(c)) {
      i++;
    } else {
      const start = i;
      while (i < n && isWordCharacter(text.charCodeAt(i))) i++;
      const length = i - start;
      const literal = length === literalLength(c) && (length === 3 ? text.startsWith('NaN', start) : length === 8 ? text.startsWith('Infinity', start) : text.startsWith('-Infinity', start));
      // Glued to a number before it, the literal would read as more digits once replaced.
      if (literal && !gluesToNumber(text.charCodeAt(start - 1))) found.push(start);
    }
  }
  return found.values();
}

/** The length of the literal that starts with character `c` (N, I or -), or -1. */
export function literalLength(c: number): number {
  return c === 78 /* N */ ? 3 : c === 73 /* I */ ? 8 : c === 45 /* - */ ? 9 : -1;
}

const NO_OFFSETS = new Int32Array(0);

/** A growing list of offsets in a typed array: there may be millions. */
export class OffsetList {
  private items = new Int32Array(64);
  length = 0;

  push(offset: number): void {
    if (this.length === this.items.length) {
      const grown = new Int32Array(this.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = offset;
  }

  values(): Int32Array {
    return this.items.subarray(0, this.length);
  }
}

/** 0-9 . e E + - */
function gluesToNumber(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}

/** Characters the tolerant parser reads into one word (anything but whitespace and JSON punctuation). */
function isWordCharacter(c: number): boolean {
  return !(c === 32 || c === 9 || c === 10 || c === 13 || c === 123 || c === 125 || c === 91 || c === 93 || c === 34 || c === 58 || c === 44 || c === 47);
}

/**
 * The text with each literal replaced by a number of the same length (`0.5`, `0.500000`, `-0.500000`): not 0, so that
 * the parser makes its number nodes with a fractional value, whose field later takes NaN without reshaping millions
 * of nodes.
 */
export function maskLiterals(text: string, literals: Int32Array): string {
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  for (const offset of literals) {
    const end = offset + literalLength(units[offset]);
    const at = units[offset] === 45 /* - */ ? offset + 1 : offset;
    units[at] = 48; // 0
    units[at + 1] = 46; // .
    units[at + 2] = 53; // 5
    for (let k = at + 3; k < end; k++) units[k] = 48;
  }
  return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
}

/**
 * Gives the number nodes at the literals Python's values (the tree's nodes are built mutable, only typed read-only).
 * The walk visits nodes in text order, as the literals are listed, so one cursor follows both.
 */
function restoreNonFinite(root: Node, text: string, literals: Int32Array): void {
  let next = 0;
  const stack: Node[] = [root];
  while (stack.length && next < literals.length) {
    const node = stack.pop()!;
    const children = node.children;
    if (children) for (let k = children.length - 1; k >= 0; k--) stack.push(children[k]);
    if (node.type !== 'number') continue;
    while (next < literals.length && literals[next] < node.offset) next++;
    const c = text.charCodeAt(node.offset);
    if (literals[next] === node.offset && literalLength(c) === node.length) {
      (node as { value?: unknown }).value = c === 78 /* N */ ? NaN : c === 73 /* I */ ? Infinity : -Infinity;
      next++;
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
