// Reading one entry from its own text: its value (JSON.parse, or the tolerant parser's tree for broken text) and
// where the value at a path stands (a scan of valid text, else the tree).
import { nodeAtPath, nodeValue, parseJson, type Node } from './jsonText';
import { locate, type Located } from './topLevelScan';
import type { JsonPath } from './types';

export interface EntryRead {
  value: Record<string, unknown>;
  /** Whether the text is valid JSON, so that positions can be found by scanning it. */
  valid: boolean;
}

/** The entry's value; `broken` when the caller knows JSON.parse would fail (its exceptions are slow in bulk). */
export function readEntry(text: string, tree?: () => Node | undefined, broken = false): EntryRead {
  let v: unknown;
  let valid = !broken;
  if (valid) {
    try {
      v = JSON.parse(text);
    } catch {
      valid = false;
    }
  }
  // Text JSON.parse rejects (NaN, a trailing comma, ...).
  if (!valid) v = nodeValue(tree ? tree() : parseJson(text).root);
  return { value: v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}, valid };
}

/** The plain value of an entry's text (an empty object when the text is not an object). */
export function entryValue(text: string): Record<string, unknown> {
  return readEntry(text).value;
}

/** Where the value at `path` stands in an entry's text, and its key. */
export function locateIn(text: string, path: JsonPath, valid: boolean, tree?: () => Node | undefined): Located | undefined {
  if (valid) return locate(text, path);
  const node = nodeAtPath(tree ? tree() : parseJson(text).root, path);
  if (!node) return undefined;
  const keyNode = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  return { value: { offset: node.offset, length: node.length }, key: keyNode && { offset: keyNode.offset, length: keyNode.length } };
}
