// A registry file under check: parses once per version, validates per entry with a cache keyed by the entry's text,
// and re-checks only the edited entry (plus the cross-entry rules) when an edit stays inside one entry.
import { parseJson, propertyNode, type Node } from './jsonText';
import { parseStrictTree } from './strictJson';
import { EntryContext, type EntryDiagnostic } from './context';
import { ENTRY_RULES } from './rules';
import { checkJsonSyntax } from './rules/jsonSyntax';
import { checkTopLevelShape } from './rules/topLevelShape';
import { checkAcrossEntries, type EntrySummary } from './rules/acrossEntries';
import { getSchemaSet, type SchemaSet } from './schemaSet';
import type { RegistryDiagnostic, ServiceSettings } from './types';

interface EntryResult {
  diagnostics: EntryDiagnostic[];
  summary: Omit<EntrySummary, 'start' | 'index'>;
}

interface EntrySlot {
  start: number;
  /** The entry's own text: the cache key, and the base for incremental edits. */
  text: string;
  /** Array index of the entry, or undefined for a single-object file. */
  index: number | undefined;
  result: EntryResult;
  /** The diagnostics with absolute offsets and paths, valid while `start` equals `absStart`. */
  abs?: RegistryDiagnostic[];
  absStart?: number;
}

export interface TextEdit {
  offset: number;
  /** Number of UTF-16 units replaced. */
  length: number;
  text: string;
}

/** Edits kept before the full text is rebuilt; typing inside one entry never needs the full text. */
const MAX_UNAPPLIED_EDITS = 500;

export class RegistryDocument {
  /** The text as of the last full parse, before `unapplied`. */
  private text = '';
  private unapplied: TextEdit[] = [];
  private slots: EntrySlot[] = [];
  private fileDiagnostics: RegistryDiagnostic[] = [];
  private cache = new Map<string, EntryResult>();
  private readonly schemas: SchemaSet;
  readonly version: string;
  /** How the last update was done, for tests and benchmarks. */
  lastUpdate: 'full' | 'incremental' = 'full';

  constructor(text: string, private readonly settings: ServiceSettings = {}) {
    this.schemas = getSchemaSet();
    this.version = this.schemas.resolveVersion(settings.clemcoreVersion);
    this.setText(text);
  }

  get entryCount(): number {
    return this.slots.length;
  }

  /** The length of the current text, without rebuilding it. */
  get textLength(): number {
    let n = this.text.length;
    for (const e of this.unapplied) n += e.text.length - e.length;
    return n;
  }

  getText(): string {
    if (this.unapplied.length) {
      this.text = applyEdits(this.text, this.unapplied);
      this.unapplied = [];
    }
    return this.text;
  }

  /** Replaces the whole text and re-checks; unchanged entries come from the cache. */
  setText(text: string): void {
    this.text = text;
    this.unapplied = [];
    this.lastUpdate = 'full';
    const parsed = parseJsonGuarded(text);
    const { root, errors } = parsed;
    this.fileDiagnostics = parsed.tooDeep
      ? [parsed.tooDeep]
      : [...(parsed.strict ? [] : checkJsonSyntax(text, errors)), ...checkTopLevelShape(root)];
    const previous = this.cache;
    this.cache = new Map();
    const slots: EntrySlot[] = [];
    const add = (node: Node, index: number | undefined) => {
      const key = text.slice(node.offset, node.offset + node.length);
      let result = previous.get(key) ?? this.cache.get(key);
      if (!result) result = this.checkEntry(text, node);
      this.cache.set(key, result);
      slots.push({ start: node.offset, text: key, index, result });
    };
    if (root?.type === 'array') root.children?.forEach((child, i) => child.type === 'object' && add(child, i));
    else if (root?.type === 'object') add(root, undefined);
    this.slots = slots;
  }

  /**
   * Applies edits (in order, each against the text left by the previous one). An edit strictly inside one entry
   * re-parses and re-checks that entry only; anything else re-parses the file.
   */
  update(edits: TextEdit[]): void {
    let incremental = this.fileDiagnostics.length === 0 && this.slots.length > 0;
    for (let i = 0; i < edits.length; i++) {
      if (incremental && this.tryIncremental(edits[i])) {
        this.unapplied.push(edits[i]);
        continue;
      }
      incremental = false;
      this.setText(applyEdits(this.getText(), edits.slice(i)));
      return;
    }
    this.lastUpdate = 'incremental';
    if (this.unapplied.length > MAX_UNAPPLIED_EDITS) this.getText();
  }

  private tryIncremental(edit: TextEdit): boolean {
    const i = this.findSlot(edit.offset);
    if (i < 0) return false;
    const slot = this.slots[i];
    const rel = edit.offset - slot.start;
    // Strictly inside: the braces that delimit the entry stay untouched.
    if (!(rel > 0 && rel + edit.length < slot.text.length)) return false;
    const entryText = slot.text.slice(0, rel) + edit.text + slot.text.slice(rel + edit.length);
    const root = parseStrictTree(entryText);
    if (root?.type !== 'object') return false;
    // The old text's result is dropped with it: the cache holds the current entries only.
    if (!this.slots.some((s, j) => j !== i && s.text === slot.text)) this.cache.delete(slot.text);
    const result = this.cache.get(entryText) ?? this.checkEntry(entryText, root, 0);
    this.cache.set(entryText, result);
    this.slots[i] = { start: slot.start, text: entryText, index: slot.index, result };
    const delta = edit.text.length - edit.length;
    if (delta) for (let j = i + 1; j < this.slots.length; j++) this.slots[j].start += delta;
    return true;
  }

  /** Index of the entry whose span contains `offset`, by binary search. */
  private findSlot(offset: number): number {
    let lo = 0;
    let hi = this.slots.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.slots[mid];
      if (offset < s.start) hi = mid - 1;
      else if (offset >= s.start + s.text.length) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  private checkEntry(text: string, node: Node, base = node.offset): EntryResult {
    let ctx: EntryContext;
    try {
      ctx = new EntryContext(text, node, base, this.version, this.schemas, this.settings.documentPath);
    } catch {
      // Only nesting deeper than the stack allows gets here; Python's json cannot read such a file either.
      return { diagnostics: [{ code: 'json-syntax', severity: 'error', offset: 0, length: 1, path: [], message: 'This entry is nested too deeply to check; Python\'s json fails on it with RecursionError.' }], summary: { length: node.length, hasModelName: false } };
    }
    for (const rule of ENTRY_RULES) {
      try {
        rule(ctx);
      } catch (err) {
        // A rule bug must never take the server down; say so on the entry instead.
        ctx.report('json-syntax', { offset: node.offset, length: 1 }, [], `clem-registry could not check this entry: ${String(err)}`, { severity: 'information' });
      }
    }
    const nameNode = propertyNode(node, 'model_name');
    const dateNode = propertyNode(node, 'release_date');
    return {
      diagnostics: ctx.diagnostics,
      summary: {
        length: node.length,
        hasModelName: nameNode !== undefined,
        modelName: typeof nameNode?.value === 'string' ? { value: nameNode.value, offset: nameNode.offset - base, length: nameNode.length } : undefined,
        releaseDate: typeof dateNode?.value === 'string' ? { value: dateNode.value, offset: dateNode.offset - base, length: dateNode.length } : undefined,
        lookupSource: typeof ctx.value.lookup_source === 'string' ? ctx.value.lookup_source : undefined,
      },
    };
  }

  /** All diagnostics of the file, with absolute offsets, severities overridden per settings. */
  diagnostics(): RegistryDiagnostic[] {
    const out: RegistryDiagnostic[] = [...this.fileDiagnostics];
    const summaries: EntrySummary[] = new Array(this.slots.length);
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (slot.abs === undefined || slot.absStart !== slot.start) {
        slot.abs = slot.result.diagnostics.map((d) => absolute(d, slot.start, slot.index));
        slot.absStart = slot.start;
      }
      for (const d of slot.abs) out.push(d);
      summaries[i] = { ...slot.result.summary, start: slot.start, index: slot.index };
    }
    for (const d of checkAcrossEntries(summaries, this.schemas)) out.push(d);
    return applySeverityOverrides(out, this.settings);
  }

  /** Entry spans and names, for the language status, outline and code lenses. */
  entries(): { start: number; length: number; index: number | undefined; modelName?: string }[] {
    return this.slots.map((s) => ({ start: s.start, length: s.text.length, index: s.index, modelName: s.result.summary.modelName?.value }));
  }
}

/** An entry's diagnostic placed in the file: offsets shifted by the entry's start, the index put before the path. */
function absolute(d: EntryDiagnostic, start: number, index: number | undefined): RegistryDiagnostic {
  const out: RegistryDiagnostic = {
    code: d.code,
    severity: d.severity,
    message: d.message,
    offset: d.offset + start,
    length: d.length,
    path: index === undefined ? d.path : [index, ...d.path],
  };
  if (d.related) out.related = d.related.map((r) => ({ ...r, offset: r.offset + start }));
  if (d.data) out.data = d.data.remove ? { ...d.data, remove: { ...d.data.remove, offset: d.data.remove.offset + start } } : d.data;
  if (d.tags) out.tags = d.tags;
  return out;
}

function applyEdits(text: string, edits: TextEdit[]): string {
  let t = text;
  for (const e of edits) t = t.slice(0, e.offset) + e.text + t.slice(e.offset + e.length);
  return t;
}

/**
 * jsonc-parser recurses per nesting level, so absurd nesting overflows the stack. Python's json gives up much
 * earlier (RecursionError), so such a file is unreadable for clemcore anyway: say so instead of crashing.
 */
function parseJsonGuarded(text: string): ReturnType<typeof parseJson> & { tooDeep?: RegistryDiagnostic } {
  try {
    return parseJson(text);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    const depthAt = Math.max(0, text.search(/[[{]{500}/));
    return {
      root: undefined,
      errors: [],
      strict: false,
      tooDeep: { code: 'json-syntax', severity: 'error', offset: depthAt, length: 1, path: [],
        message: "The file nests arrays or objects thousands of levels deep; Python's json fails on it with RecursionError, so clemcore ignores the file." },
    };
  }
}

function applySeverityOverrides(diags: RegistryDiagnostic[], settings: ServiceSettings): RegistryDiagnostic[] {
  const overrides = settings.severity;
  if (!overrides || Object.keys(overrides).length === 0) return diags;
  const out: RegistryDiagnostic[] = [];
  for (const d of diags) {
    const o = overrides[d.code];
    if (o === 'off') continue;
    out.push(o ? { ...d, severity: o } : d);
  }
  return out;
}

/** One-shot check of a registry text. */
export function checkRegistry(text: string, settings: ServiceSettings = {}): RegistryDiagnostic[] {
  return new RegistryDocument(text, settings).diagnostics();
}
