// JSON text helpers: parsing with Python-json strictness, node lookup, and mapping string values through escapes.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { JsonPath, Span } from './types';

export type { Node };

export interface ParsedJson {
  root: Node | undefined;
  errors: ParseError[];
}

/** Parses as strictly as the parser allows: comments and trailing commas are errors (Python's json has neither). */
export function parseJson(text: string): ParsedJson {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  return { root, errors };
}

export { printParseErrorCode };

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

/** The property node (key + value) of `key`, last one wins. */
export function propertyPair(obj: Node | undefined, key: string): Node | undefined {
  if (!obj || obj.type !== 'object' || !obj.children) return undefined;
  let found: Node | undefined;
  for (const prop of obj.children) if (prop.children?.[0]?.value === key) found = prop;
  return found;
}

/** Key/value pairs of an object node, in file order, duplicates included. */
export function* properties(obj: Node | undefined): Generator<{ key: string; keyNode: Node; valueNode: Node | undefined; pair: Node }> {
  if (!obj || obj.type !== 'object' || !obj.children) return;
  for (const pair of obj.children) {
    const keyNode = pair.children?.[0];
    if (!keyNode || typeof keyNode.value !== 'string') continue;
    yield { key: keyNode.value, keyNode, valueNode: pair.children?.[1], pair };
  }
}

/** The plain JavaScript value of a node (last duplicate key wins). */
export function nodeValue(node: Node | undefined): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const p of properties(node)) out[p.key] = nodeValue(p.valueNode);
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
 */
export interface DecodedString {
  value: string;
  offsets: number[];
}

export function decodeStringNode(text: string, node: Node): DecodedString {
  const start = node.offset + 1;
  const end = node.offset + node.length - 1; // the closing quote (or end of an unterminated string)
  let value = '';
  const offsets: number[] = [];
  let i = start;
  while (i < end) {
    const ch = text.charCodeAt(i);
    if (ch === 92 /* \ */ && i + 1 < end) {
      const esc = text[i + 1];
      if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        offsets.push(i);
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      offsets.push(i);
      value += simple[esc] ?? esc; // an invalid escape is reported elsewhere; keep the character
      i += 2;
      continue;
    }
    offsets.push(i);
    value += text[i];
    i++;
  }
  offsets.push(Math.max(i, start));
  return { value, offsets };
}

/** The file span of characters [from, to) of a decoded string value. */
export function valueSpan(decoded: DecodedString, from: number, to: number): Span {
  const a = decoded.offsets[Math.max(0, Math.min(from, decoded.value.length))];
  const b = decoded.offsets[Math.max(0, Math.min(to, decoded.value.length))];
  return { offset: a, length: Math.max(b - a, 0) };
}

/** Escapes a string for the inside of a JSON string literal, leaving non-ASCII characters as they are. */
export function escapeJsonString(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}
