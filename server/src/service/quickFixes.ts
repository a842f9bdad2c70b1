// Quick fixes from the diagnostics' data: each changes only what it names and leaves the file's formatting alone.
import { findNodeAtOffset } from 'jsonc-parser';
import type { RegistryDocument } from './registryDocument';
import { parseJson } from './jsonText';
import type { DiagnosticData, Span } from './types';

export interface FixEdit {
  offset: number;
  length: number;
  newText: string;
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
    case 'presence-flag-false':
    case 'json-duplicate-key': {
      if (!d.remove) return [];
      return [fix(`Remove \`${d.key ?? 'the key'}\``, [removalOf(doc.getText(), d.remove)])];
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
