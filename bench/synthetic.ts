// Builds large registries from a real one for benchmarks and fuzzing: every entry copied N times, renamed and varied,
// working on the entry texts themselves so escapes, key order and duplicate keys stay exactly as written.
import { parseTree, type Node } from 'jsonc-parser';

/** The text spans of the top-level entries of a registry (the objects of its top-level array). */
export function entrySpans(text: string): { offset: number; length: number }[] {
  const root = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  if (root?.type !== 'array') return [];
  return (root.children ?? []).filter((n) => n.type === 'object').map((n) => ({ offset: n.offset, length: n.length }));
}

function stringProperty(entry: Node, key: string): Node | undefined {
  let found: Node | undefined;
  for (const pair of entry.children ?? []) {
    if (pair.children?.[0]?.value === key && pair.children[1]?.type === 'string') found = pair.children[1];
  }
  return found;
}

/** Applies replacements (sorted, non-overlapping spans) to a text. */
function replaceSpans(text: string, reps: { node: Node; value: string }[]): string {
  let out = '';
  let at = 0;
  for (const r of [...reps].sort((a, b) => a.node.offset - b.node.offset)) {
    out += text.slice(at, r.node.offset) + r.value;
    at = r.node.offset + r.node.length;
  }
  return out + text.slice(at);
}

/**
 * One copy of an entry: `model_name` gets the suffix `-copy-N`, and the day of a `YYYY-MM-DD` `release_date` is
 * shifted (staying 01..28 so that a valid date stays valid), so no two copies have the same text.
 */
export function varyEntry(entryText: string, copy: number): string {
  const entry = parseTree(entryText, [], { disallowComments: true });
  if (entry?.type !== 'object') return entryText;
  const reps: { node: Node; value: string }[] = [];
  const name = stringProperty(entry, 'model_name');
  if (name) reps.push({ node: name, value: JSON.stringify(`${name.value}-copy-${copy}`) });
  const date = stringProperty(entry, 'release_date');
  const m = typeof date?.value === 'string' ? /^(\d{4}-\d{2}-)(\d{2})$/.exec(date.value) : null;
  if (date && m) {
    const day = Number(m[2]);
    const shifted = day >= 1 && day <= 28 ? ((day - 1 + copy) % 28) + 1 : day;
    reps.push({ node: date, value: JSON.stringify(`${m[1]}${String(shifted).padStart(2, '0')}`) });
  }
  return replaceSpans(entryText, reps);
}

/**
 * A registry `times` times the size of `text`: each entry followed by its copies, laid out with 4-space indentation
 * like the real files (entries as written in the source, so the inner indentation is the original one).
 */
export function multiplyRegistry(text: string, times: number): string {
  const spans = entrySpans(text);
  const entries: string[] = [];
  for (const s of spans) {
    const entryText = text.slice(s.offset, s.offset + s.length);
    for (let copy = 0; copy < times; copy++) entries.push(varyEntry(entryText, copy));
  }
  return `[\n${entries.map((e) => `    ${e}`).join(',\n')}\n]`; // no final newline, like the real files
}

/** Offset of the `model_name` string value (its opening quote) of the entry at `index`, or -1. */
export function modelNameValueOffset(text: string, index: number): { offset: number; length: number } | undefined {
  const s = entrySpans(text)[index];
  if (!s) return undefined;
  const entryText = text.slice(s.offset, s.offset + s.length);
  const entry = parseTree(entryText, [], { disallowComments: true });
  const name = entry && stringProperty(entry, 'model_name');
  return name ? { offset: s.offset + name.offset, length: name.length } : undefined;
}
