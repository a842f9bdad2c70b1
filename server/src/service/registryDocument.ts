// A registry file under check: parses once per version, validates per entry with a cache keyed by the entry's text,
// and re-checks only the edited entry (plus the cross-entry rules) when an edit stays inside one entry.
import { parseJson, propertyNode, type Node } from './jsonText';
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
  length: number;
  result: EntryResult;
}

export interface TextEdit {
  offset: number;
  /** Number of UTF-16 units replaced. */
  length: number;
  text: string;
}

export class RegistryDocument {
  private text = '';
  private slots: EntrySlot[] = [];
  /** Whether the top level is an array (entries have indexes) or a single object. */
  private isArray = true;
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

  getText(): string {
    return this.text;
  }

  /** Replaces the whole text and re-checks; unchanged entries come from the cache. */
  setText(text: string): void {
    this.text = text;
    this.lastUpdate = 'full';
    const parsed = parseJsonGuarded(text);
    const { root, errors } = parsed;
    this.fileDiagnostics = parsed.tooDeep
      ? [parsed.tooDeep]
      : [...checkJsonSyntax(text, errors), ...checkTopLevelShape(root)];
    const entries: Node[] = [];
    this.isArray = root?.type !== 'object';
    if (root?.type === 'array') for (const child of root.children ?? []) if (child.type === 'object') entries.push(child);
    if (root?.type === 'object') entries.push(root);
    const previous = this.cache;
    this.cache = new Map();
    this.slots = entries.map((node) => {
      const key = text.slice(node.offset, node.offset + node.length);
      const result = previous.get(key) ?? this.cache.get(key) ?? this.checkEntry(text, node);
      this.cache.set(key, result);
      return { start: node.offset, length: node.length, result };
    });
    // Arrays with non-object elements keep their indexes: remember them for paths.
    this.elementIndexes = root?.type === 'array' ? entries.map((n) => root.children!.indexOf(n)) : [];
  }

  private elementIndexes: number[] = [];

  /**
   * Applies edits (in order, each against the text left by the previous one). An edit strictly inside one entry
   * re-parses and re-checks that entry only; anything else re-parses the file.
   */
  update(edits: TextEdit[]): void {
    let text = this.text;
    let incremental = this.fileDiagnostics.length === 0 && this.slots.length > 0;
    for (const edit of edits) {
      text = text.slice(0, edit.offset) + edit.text + text.slice(edit.offset + edit.length);
      if (incremental) incremental = this.tryIncremental(text, edit);
    }
    if (incremental) {
      this.text = text;
      this.lastUpdate = 'incremental';
    } else {
      this.setText(text);
    }
  }

  private tryIncremental(newText: string, edit: TextEdit): boolean {
    const i = this.findSlot(edit.offset);
    if (i < 0) return false;
    const slot = this.slots[i];
    // Strictly inside: the braces that delimit the entry stay untouched.
    if (!(edit.offset > slot.start && edit.offset + edit.length < slot.start + slot.length)) return false;
    const delta = edit.text.length - edit.length;
    const entryText = newText.slice(slot.start, slot.start + slot.length + delta);
    const { root, errors, tooDeep } = parseJsonGuarded(entryText);
    if (tooDeep || errors.length > 0 || root?.type !== 'object' || root.offset !== 0 || root.length !== entryText.length) return false;
    const result = this.cache.get(entryText) ?? this.checkEntry(entryText, root, 0);
    this.cache.set(entryText, result);
    this.slots[i] = { start: slot.start, length: entryText.length, result };
    for (let j = i + 1; j < this.slots.length; j++) this.slots[j].start += delta;
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
      else if (offset >= s.start + s.length) lo = mid + 1;
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
    const summaries: EntrySummary[] = [];
    this.slots.forEach((slot, i) => {
      const index = this.isArray ? this.elementIndexes[i] ?? i : undefined;
      for (const d of slot.result.diagnostics) {
        out.push({
          ...d,
          offset: d.offset + slot.start,
          path: index === undefined ? d.path : [index, ...d.path],
          related: d.related?.map((r) => ({ ...r, offset: r.offset + slot.start })),
          data: d.data?.remove ? { ...d.data, remove: { ...d.data.remove, offset: d.data.remove.offset + slot.start } } : d.data,
        });
      }
      summaries.push({ ...slot.result.summary, start: slot.start, index });
    });
    out.push(...checkAcrossEntries(summaries, this.schemas));
    return applySeverityOverrides(out, this.settings);
  }

  /** Entry spans and names, for the language status, outline and code lenses. */
  entries(): { start: number; length: number; index: number | undefined; modelName?: string }[] {
    return this.slots.map((s, i) => ({
      start: s.start,
      length: s.length,
      index: this.isArray ? this.elementIndexes[i] ?? i : undefined,
      modelName: s.result.summary.modelName?.value,
    }));
  }
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
