// Quick fixes from the diagnostics' data: each changes only what it names and leaves the file's formatting alone.
import { findNodeAtLocation, findNodeAtOffset, getNodePath, type JSONPath, type Node as JsonNode } from 'jsonc-parser';
import type { RegistryDocument, RegistryEntry } from './registryDocument';
import { parseJson } from './jsonText';
import { entryValue } from './entryText';
import type { DiagnosticData, Span } from './types';
import { endMarkerOf } from '../jinja2';
import { pyEscape } from './rules/regexValue';
import { indentationAt, migrateEntryText, oldFormatOf } from './oldFormat';
import { getSchemaSet } from './schemaSet';

export { endMarkerOf };

export interface FixEdit {
  offset: number;
  length: number;
  newText: string;
  /** The same text as a snippet with tab stops on the values to fill in, for editors that take snippet edits. */
  snippet?: string;
}

export interface QuickFix {
  title: string;
  code: string;
  edits: FixEdit[];
  /** The fix to apply first (Ctrl+.). */
  preferred: boolean;
  /** Safe to apply to every finding of its kind at once ("fix all"). */
  bulkSafe: boolean;
}

/** What a fix needs to know of a finding: the same fields an LSP diagnostic carries back. */
export interface FixableFinding extends Span {
  code: string;
  data?: DiagnosticData;
}

/** Codes whose fix only repairs escaping or punctuation, so applying all of them at once is safe. */
const BULK_SAFE = new Set(['json-invalid-escape', 'json-trailing-comma', 'regex-unescaped-bar', 'regex-over-escaped']);

export function quickFixes(doc: RegistryDocument, finding: FixableFinding): QuickFix[] {
  const d = finding.data ?? {};
  const fix = (title: string, edits: FixEdit[], preferred = true): QuickFix => ({ title, code: finding.code, edits, preferred, bulkSafe: BULK_SAFE.has(finding.code) });
  const whole = () => stringValueAt(doc, finding.offset);
  switch (finding.code) {
    case 'regex-unescaped-bar':
    case 'regex-over-escaped': {
      const value = whole();
      if (!value || typeof d.fixedValue !== 'string') return [];
      const title = finding.code === 'regex-unescaped-bar' ? `Escape the \`|\` of the token: ${d.fixedValue}` : `Escape once: ${d.fixedValue}`;
      return [fix(title, [{ ...value, newText: d.fixedValue }])];
    }
    case 'unknown-key':
    case 'unknown-backend':
      return (d.suggestions ?? []).map((s, i) => fix(`Rename to \`${s}\``, [{ offset: finding.offset, length: finding.length, newText: JSON.stringify(s) }], i === 0));
    case 'id-key-mismatch':
      return (d.suggestions ?? []).map((s) => fix(`Rename to \`${s}\``, [{ offset: finding.offset, length: finding.length, newText: JSON.stringify(s) }]));
    case 'missing-key':
    case 'missing-doc-key':
    case 'missing-backend':
    case 'missing-model-name':
    case 'template-missing':
    case 'cot-end-tag-missing':
    case 'padding-side-missing':
    case 'license-format': {
      const entry = doc.entryAt(finding.offset);
      const missing = d.missingKeys ?? [];
      if (!entry || !missing.length) return [];
      const value = entryValue(entry.text);
      const edits = missing.map((m, i) => insertProperty(entry.text, entry.start, m.parentPath.filter((p): p is string => typeof p === 'string'), m.key, valueFor(m.key, m.type, value), i + 1));
      if (edits.some((e) => !e)) return [];
      const names = missing.map((m) => `\`${m.key}\``).join(', ');
      return [fix(`Add ${names}`, mergeInsertions(edits as FixEdit[]))];
    }
    case 'old-format-entry': {
      const entry = doc.entryAt(finding.offset);
      const own = entry && migrationOf(entry);
      if (!own) return [];
      const all = doc.entries().map(migrationOf).filter((e): e is FixEdit => e !== undefined);
      return [
        fix('Migrate this entry to the model_config format', [own]),
        ...(all.length > 1 ? [fix(`Migrate all ${all.length} old-format entries of the file`, all, false)] : []),
      ];
    }
    case 'misplaced-key': {
      const entry = doc.entryAt(finding.offset);
      if (!entry || typeof d.key !== 'string' || !Array.isArray(d.targetPath)) return [];
      const where = keyPathAt(entry.text, finding.offset - entry.start);
      if (!where) return [];
      const target = d.targetPath.filter((p): p is string => typeof p === 'string');
      const insert = insertProperty(entry.text, entry.start, target, d.key, where.valueText)
        // The target object may not exist yet (multimodality): create it in its parent.
        ?? insertProperty(entry.text, entry.start, target.slice(0, -1), target[target.length - 1], `{${JSON.stringify(d.key)}: ${where.valueText}}`);
      if (!insert) return [];
      const removal = removalOf(doc.getText(), { offset: entry.start + where.pair.offset, length: where.pair.length });
      return [fix(`Move \`${d.key}\` to ${target.length ? `\`${target.join('.')}\`` : 'the entry'}`, [removal, insert])];
    }
    case 'ignored-key': {
      // Remove the key, or where another key switched it off, switch it back on (`premade_chat_template: false`).
      const entry = doc.entryAt(finding.offset);
      if (!entry || typeof d.key !== 'string') return [];
      const where = keyPathAt(entry.text, finding.offset - entry.start);
      if (!where) return [];
      const fixes: QuickFix[] = [];
      const use = d.use as { key?: unknown; value?: unknown } | undefined;
      if (use && typeof use.key === 'string' && typeof use.value === 'string') {
        const sibling = findNodeAtLocation(where.root, [...where.path.slice(0, -1), use.key]);
        if (sibling) fixes.push(fix(`Set \`${use.key}\` to ${use.value}`, [{ offset: entry.start + sibling.offset, length: sibling.length, newText: use.value }]));
      }
      fixes.push(fix(`Remove \`${d.key}\``, [removalOf(doc.getText(), { offset: entry.start + where.pair.offset, length: where.pair.length })], fixes.length === 0));
      return fixes;
    }
    case 'presence-flag-false':
    case 'json-duplicate-key': {
      if (!d.remove) return [];
      return [fix(`Remove \`${d.key ?? 'the key'}\``, [removalOf(doc.getText(), d.remove)])];
    }
    case 'jinja-whitespace': {
      // Two ways to fix one span: render what the text shows, or make the text show what is rendered.
      const fixes = Array.isArray(d.fixes) ? (d.fixes as { title?: unknown; replacement?: unknown }[]) : [];
      return fixes
        .filter((f): f is { title: string; replacement: string } => typeof f.title === 'string' && typeof f.replacement === 'string')
        .map((f, i) => fix(f.title, [{ offset: finding.offset, length: finding.length, newText: f.replacement }], i === 0));
    }
    case 'duplicate-model-name': {
      const entry = doc.entryAt(finding.offset);
      if (!entry || typeof d.name !== 'string') return [];
      const taken = new Set(doc.entries().map((e) => e.modelName));
      let n = 2;
      while (taken.has(`${d.name}-${n}`)) n++;
      return [
        fix(`Rename to \`${d.name}-${n}\``, [{ offset: finding.offset, length: finding.length, newText: JSON.stringify(`${d.name}-${n}`) }]),
        fix('Remove this entry', [removalOf(doc.getText(), { offset: entry.start, length: entry.length })], false),
      ];
    }
    default: {
      if (typeof d.replacement !== 'string') return [];
      const span = d.replaceWholeValue ? whole() : { offset: finding.offset, length: finding.length };
      if (!span) return [];
      const title = d.replacement === '' ? 'Remove it' : `Replace with ${d.replacement}`;
      return [fix(title, [{ ...span, newText: d.replacement }])];
    }
  }
}

/** A value for a missing key: taken from the entry where it can be (eos_to_cull from eos_string), else by type. */
function valueFor(key: string, type: string | undefined, entry: Record<string, unknown>): string {
  const config = (entry.model_config ?? {}) as Record<string, unknown>;
  if (key === 'eos_to_cull') {
    const marker = typeof config.eos_string === 'string' && config.eos_string ? config.eos_string : endMarkerOf(config.custom_chat_template);
    if (marker) return JSON.stringify(pyEscape(marker));
  }
  if (key === 'premade_chat_template') return 'true';
  if (key === 'padding_side') return '"left"';
  if (key === 'cot_end_tag') return JSON.stringify('</think>');
  switch (type) {
    case 'boolean':
      return 'false';
    case 'integer':
    case 'number':
      return '1';
    case 'object':
      return key === 'license' ? '{"name": "", "url": ""}' : '{}';
    case 'array':
      return '[]';
    default:
      return '""';
  }
}

/**
 * Inserts `"key": value` as the last property of the object at `objectPath` in an entry (offsets of the file),
 * in the indentation the object's other properties use. Undefined when there is no such object.
 */
function insertProperty(entryText: string, entryStart: number, objectPath: string[], key: string, valueText: string, tabStop?: number): FixEdit | undefined {
  const root = parseJson(entryText).root;
  let node = root;
  for (const seg of objectPath) node = node?.children?.find((p) => p.children?.[0]?.value === seg)?.children?.[1];
  if (!node || node.type !== 'object') return undefined;
  const close = node.offset + node.length - 1;
  const last = node.children?.[node.children.length - 1];
  const layout = (property: string, escape: (t: string) => string) => {
    if (last) {
      const sameLine = !entryText.slice(node!.offset, last.offset).includes('\n');
      return sameLine ? `, ${property}` : `,\n${escape(indentationAt(entryText, last.offset))}${property}`;
    }
    const outer = escape(indentationAt(entryText, node!.offset));
    return `\n${outer}    ${property}\n${outer}`;
  };
  const edit: FixEdit = last
    ? { offset: entryStart + last.offset + last.length, length: 0, newText: '' }
    : { offset: entryStart + node.offset + 1, length: close - node.offset - 1, newText: '' };
  edit.newText = layout(`${JSON.stringify(key)}: ${valueText}`, (t) => t);
  if (tabStop !== undefined) {
    // A placeholder over the value (inside its quotes for a string), so the editor selects what is to fill in.
    const quoted = /^".*"$/s.test(valueText);
    const inner = quoted ? valueText.slice(1, -1) : valueText;
    const placeholder = `\${${tabStop}:${escapeSnippet(inner)}}`;
    edit.snippet = layout(`${escapeSnippet(JSON.stringify(key))}: ${quoted ? `"${placeholder}"` : placeholder}`, escapeSnippet);
  }
  return edit;
}

/** Escapes text for a snippet, where `$`, `}` and `\` are special. */
function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, (c) => `\\${c}`);
}


/** The edit that migrates an entry in the old format (oldFormat.ts), undefined for any other entry. */
function migrationOf(entry: RegistryEntry): FixEdit | undefined {
  const value = entryValue(entry.text);
  const backend = typeof value.backend === 'string' ? value.backend : undefined;
  const old = oldFormatOf(value, backend, getSchemaSet());
  const migrated = old && backend ? migrateEntryText(entry.text, old, backend) : undefined;
  return migrated && { offset: entry.start + migrated.offset, length: migrated.length, newText: migrated.newText };
}

/** Several insertions at one place become one edit, in order. */
function mergeInsertions(edits: FixEdit[]): FixEdit[] {
  const out: FixEdit[] = [];
  for (const e of edits) {
    const same = out.find((o) => o.offset === e.offset && o.length === 0 && e.length === 0);
    if (same) {
      if (same.snippet !== undefined || e.snippet !== undefined) same.snippet = (same.snippet ?? escapeSnippet(same.newText)) + (e.snippet ?? escapeSnippet(e.newText));
      same.newText += e.newText;
    } else out.push({ ...e });
  }
  return out;
}

/** The property pair whose key is at `offset` in an entry's text, with its value's text and JSON path, and the tree. */
function keyPathAt(entryText: string, offset: number): { pair: Span; valueText: string; path: JSONPath; root: JsonNode } | undefined {
  const root = parseJson(entryText).root;
  const keyNode = root && findNodeAtOffset(root, offset, true);
  const pair = keyNode?.parent;
  const value = pair?.children?.[1];
  if (!root || !pair || pair.type !== 'property' || !value) return undefined;
  return { pair: { offset: pair.offset, length: pair.length }, valueText: entryText.slice(value.offset, value.offset + value.length), path: getNodePath(value), root };
}

/** Every bulk-safe fix of the given findings, without overlapping edits, in file order. */
export function fixAll(doc: RegistryDocument, findings: FixableFinding[]): FixEdit[] {
  const edits = findings
    .filter((f) => BULK_SAFE.has(f.code))
    .flatMap((f) => quickFixes(doc, f).find((q) => q.preferred)?.edits ?? [])
    .sort((a, b) => a.offset - b.offset);
  const out: FixEdit[] = [];
  let end = -1;
  for (const e of edits) {
    if (e.offset < end || (e.offset === out[out.length - 1]?.offset && e.length === out[out.length - 1]?.length)) continue;
    out.push(e);
    end = e.offset + e.length;
  }
  return out;
}

/** The whole string value (quotes included) that contains `offset`. */
function stringValueAt(doc: RegistryDocument, offset: number): Span | undefined {
  const entry = doc.entryAt(offset);
  if (!entry) return undefined;
  const root = parseJson(entry.text).root;
  const node = root && findNodeAtOffset(root, offset - entry.start, true);
  return node?.type === 'string' ? { offset: entry.start + node.offset, length: node.length } : undefined;
}

/**
 * Removes a property or an array element with its separating comma: the comma before it when there is one, else the
 * comma after it, so the rest of the file keeps its layout.
 */
function removalOf(text: string, span: Span): FixEdit {
  let start = span.offset;
  let end = span.offset + span.length;
  let before = start - 1;
  while (before >= 0 && /\s/.test(text[before])) before--;
  if (text[before] === ',') {
    start = before;
  } else {
    let after = end;
    while (after < text.length && /\s/.test(text[after])) after++;
    if (text[after] === ',') {
      // The first of several: take the comma and the space after it, so the next one moves into its place.
      end = after + 1;
      while (end < text.length && /\s/.test(text[end])) end++;
    }
  }
  return { offset: start, length: end - start, newText: '' };
}
