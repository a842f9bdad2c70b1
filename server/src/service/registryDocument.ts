// A registry file under check: validates each entry on its own (reusing the results of unchanged entries),
// and re-checks only the edited entry (plus the cross-entry rules) when an edit stays inside one entry.
import { parseJson, propertyNode, type Node } from './jsonText';
import { locate, nestingDepth, scanTopLevel } from './topLevelScan';
import { EntryContext, type EntryDiagnostic } from './context';
import { ENTRY_RULES } from './rules';
import { checkJsonSyntax } from './rules/jsonSyntax';
import { bracketDepth, hasLongDigitRun, hugeIntegers, maxJsonDepth, nestingTooDeep } from './rules/jsonLimits';
import { checkShape, checkTopLevelShape, kindOf, type ShapeItem } from './rules/topLevelShape';
import { AcrossEntriesIndex, ISO_DATE, type EntrySummary } from './rules/acrossEntries';
import { getSchemaSet, type SchemaSet } from './schemaSet';
import { keepShape } from './shapes';
import type { RegistryDiagnostic, ServiceSettings, Span } from './types';

interface EntryResult {
  diagnostics: EntryDiagnostic[];
  summary: Omit<EntrySummary, 'start' | 'index'>;
}

interface EntrySlot {
  start: number;
  /** The entry's own text: the base for incremental edits, and what tells an unchanged entry on a full re-parse. */
  text: string;
  /** Array index of the entry, or undefined for a single-object file. */
  index: number | undefined;
  result: EntryResult;
  /** What the cross-entry rules read, with the absolute start. */
  summary: EntrySummary;
  /** The diagnostics with absolute offsets and paths, built on first use and shifted in place when `start` moves. */
  abs: RegistryDiagnostic[] | undefined;
}

/** One entry of the file, for features that work on a single entry (hover, completion, outline). */
export interface RegistryEntry {
  start: number;
  length: number;
  /** The entry's own text; offsets inside it are relative to `start`. */
  text: string;
  index: number | undefined;
  modelName?: string;
  /** The clemcore version the document is checked against. */
  version: string;
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
  /** The cross-entry rules' index of names and dates, built on first use and updated entry by entry. */
  private across?: AcrossEntriesIndex;
  private readonly schemas: SchemaSet;
  readonly version: string;
  /** The deepest nesting clemcore's json.load reads (see rules/jsonLimits). */
  private readonly maxDepth: number;
  /** How the last update was done, for tests and benchmarks. */
  lastUpdate: 'full' | 'incremental' = 'full';

  constructor(text: string, private readonly settings: ServiceSettings = {}) {
    this.schemas = getSchemaSet();
    this.version = this.schemas.resolveVersion(settings.clemcoreVersion);
    this.maxDepth = maxJsonDepth(this.version);
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

  /** Replaces the whole text and re-checks; entries whose text did not change keep their results. */
  setText(text: string): void {
    this.text = text;
    this.unapplied = [];
    this.lastUpdate = 'full';
    this.across = undefined;
    // Looking entries up by text costs a hash of the whole file, so it is done only when there are results to reuse.
    let previous = this.slots.length ? new Map(this.slots.map((s) => [s.text, s.result])) : undefined;
    const slots: EntrySlot[] = [];
    // The common case, a valid file: a scan finds the elements, and JSON.parse reads each one right before its
    // check, so that values die young instead of piling up for the whole check.
    const scan = scanTopLevel(text);
    let valid = scan !== undefined;
    if (scan) {
      const kinds: ShapeItem['kind'][] = [];
      let allObjects = true;
      let depth = 0;
      for (let i = 0; i < scan.spans.length && valid; i++) {
        const span = scan.spans[i];
        const entryText = text.slice(span.start, span.end);
        const item = parseValid(entryText);
        if (item === INVALID) valid = false;
        else {
          const kind = kindOf(item);
          kinds.push(kind);
          depth = Math.max(depth, span.depth + (scan.isArray ? 1 : 0));
          if (kind === 'object') slots.push(this.slotOf(entryText, span.start, scan.isArray ? i : undefined, item, previous, span.colons, span.depth));
          else allObjects = false;
        }
      }
      if (valid) {
        // Shapes are built only when some element is not an entry object, the rare case they report on.
        const shapes = allObjects ? [] : kinds.map((kind, i): ShapeItem => ({ kind, offset: scan.spans[i].start, length: scan.spans[i].end - scan.spans[i].start }));
        this.fileDiagnostics = scan.isArray ? checkShape({ kind: 'array', offset: 0, length: text.length }, shapes) : allObjects ? [] : checkShape(shapes[0], []);
        // What Python's json refuses in valid JSON: both are rare, and each costs one pass only when present.
        if (depth > this.maxDepth) this.fileDiagnostics.unshift(nestingTooDeep(text, bracketDepth(text), this.version));
        for (const d of hugeIntegers(text)) this.fileDiagnostics.push(d);
      }
    }
    if (!valid) {
      // Entries checked before the scan hit the broken one keep their results.
      if (slots.length) previous = new Map([...(previous ?? []), ...slots.map((s): [string, EntryResult] => [s.text, s.result])]);
      slots.length = 0;
      const depth = bracketDepth(text);
      // Past MAX_PARSE_DEPTH, the tolerant parser would overflow the stack: the depth is the one finding then.
      const parsed = depth > MAX_PARSE_DEPTH ? undefined : parseJson(text);
      this.fileDiagnostics = [];
      if (depth > this.maxDepth) this.fileDiagnostics.push(nestingTooDeep(text, depth, this.version));
      if (parsed) {
        for (const d of checkJsonSyntax(text, parsed)) this.fileDiagnostics.push(d);
        for (const d of checkTopLevelShape(parsed.root, text)) this.fileDiagnostics.push(d);
        const addNode = (node: Node, index: number | undefined) =>
          slots.push(this.slotOf(text.slice(node.offset, node.offset + node.length), node.offset, index, undefined, previous));
        const root = parsed.root;
        if (root?.type === 'array') root.children?.forEach((child, i) => child.type === 'object' && addNode(child, i));
        else if (root?.type === 'object') addNode(root, undefined);
      }
    }
    this.slots = slots;
  }

  /** The slot of one entry: its previous result when its text did not change, else a new check. */
  private slotOf(text: string, start: number, index: number | undefined, value: unknown, previous: Map<string, EntryResult> | undefined, colons?: number, depth?: number): EntrySlot {
    const outer = index === undefined ? 0 : 1; // the top-level array is one level too
    const result = previous?.get(text) ?? this.checkEntry(text, value, colons, (depth ?? nestingDepth(text)) + outer);
    return { start, text, index, result, summary: summaryAt(result, start, index), abs: undefined };
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
    // Still one valid object from the same `{` to the same `}`: the rest of the file is untouched and still valid.
    const value = parseValid(entryText);
    if (value === INVALID || value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    // Too deep, or an integer too long for Python: findings about the whole file, which a full check makes.
    const depth = nestingDepth(entryText) + (slot.index === undefined ? 0 : 1);
    if (depth > this.maxDepth || hasLongDigitRun(entryText)) return false;
    const result = this.checkEntry(entryText, value, undefined, depth);
    this.slots[i] = { start: slot.start, text: entryText, index: slot.index, result, summary: summaryAt(result, slot.start, slot.index), abs: undefined };
    const delta = edit.text.length - edit.length;
    if (delta) for (let j = i + 1; j < this.slots.length; j++) shiftSlot(this.slots[j], delta);
    this.across?.replace(i, this.slots[i].summary);
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

  /** Checks one entry from its own text (offsets in the result are relative to it) and its value when known. */
  private checkEntry(text: string, value: unknown, colons: number | undefined, depth: number): EntryResult {
    // Past the depth Python's json reads, the file-level finding says all there is to say (and the rules would
    // recurse that deep too).
    if (depth > this.maxDepth) return uncheckedEntry(text);
    let ctx: EntryContext;
    try {
      ctx = new EntryContext(text, value, this.version, this.schemas, this.settings.documentPath, colons, this.settings.tokenizerFacts);
    } catch {
      // Only nesting deeper than the stack allows gets here; Python's json cannot read such a file either.
      return uncheckedEntry(text);
    }
    for (const rule of ENTRY_RULES) {
      try {
        rule(ctx);
      } catch (err) {
        // Nesting deeper than the stack allows overflows the rules' recursion; Python's json gave up long before.
        if (err instanceof RangeError) return uncheckedEntry(text);
        // A rule bug must never take the server down; say so on the entry instead.
        ctx.report('json-syntax', { offset: 0, length: 1 }, [], `clem-registry could not check this entry: ${String(err)}`, { severity: 'information' });
      }
    }
    const v = ctx.value;
    const name = v.model_name;
    const date = v.release_date;
    return {
      diagnostics: ctx.diagnostics,
      summary: {
        length: text.length,
        hasModelName: 'model_name' in v,
        modelName: typeof name === 'string' ? new LazyValueSpan(name, text, 'model_name', ctx.valid) : undefined,
        releaseDate: typeof date === 'string' ? new LazyValueSpan(date, text, 'release_date', ctx.valid) : undefined,
        releaseDay: typeof date === 'string' && ISO_DATE.test(date) ? date.slice(4) : undefined,
        lookupSource: typeof v.lookup_source === 'string' ? v.lookup_source : undefined,
      },
    };
  }

  /**
   * All diagnostics of the file, with absolute offsets, severities overridden per settings. The objects belong to
   * the document: an update may shift their offsets in place, so read them before the next update.
   */
  diagnostics(): RegistryDiagnostic[] {
    const out: RegistryDiagnostic[] = [...this.fileDiagnostics];
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      let abs = slot.abs;
      if (abs === undefined) {
        const own = slot.result.diagnostics;
        abs = own.length ? [] : NO_DIAGNOSTICS;
        for (let j = 0; j < own.length; j++) abs.push(absolute(own[j], slot.start, slot.index));
        slot.abs = abs;
      }
      for (let j = 0; j < abs.length; j++) out.push(abs[j]);
    }
    if (!this.across) {
      const summaries: EntrySummary[] = [];
      for (let i = 0; i < slots.length; i++) summaries.push(slots[i].summary);
      this.across = new AcrossEntriesIndex(summaries);
    }
    for (const d of this.across.diagnostics()) out.push(d);
    return applySeverityOverrides(out, this.settings);
  }

  /** The entries: where each stands, its own text, and what the cross-entry rules know of it. */
  entries(): RegistryEntry[] {
    return this.slots.map((_, i) => this.entryOf(i));
  }

  /** The entry whose text contains `offset`, if any. */
  entryAt(offset: number): RegistryEntry | undefined {
    const i = this.findSlot(offset);
    return i < 0 ? undefined : this.entryOf(i);
  }

  private entryOf(i: number): RegistryEntry {
    const s = this.slots[i];
    return { start: s.start, length: s.text.length, text: s.text, index: s.index, modelName: s.result.summary.modelName?.value, version: this.version };
  }

}

/** The placed diagnostics of an entry without findings (never added to). */
const NO_DIAGNOSTICS: RegistryDiagnostic[] = [];

/** An entry the rules did not check: nesting too deep for Python's json, which a file-level finding reports. */
function uncheckedEntry(text: string): EntryResult {
  // Said to have a model_name, so that the cross-entry rules do not report it missing.
  return { diagnostics: [], summary: { length: text.length, hasModelName: true } };
}

/** An entry's summary placed in the file. */
function summaryAt(result: EntryResult, start: number, index: number | undefined): EntrySummary {
  const s = result.summary;
  return { start, index, length: s.length, hasModelName: s.hasModelName, modelName: s.modelName, releaseDate: s.releaseDate, releaseDay: s.releaseDay, lookupSource: s.lookupSource };
}

const INVALID = Symbol('invalid JSON');

/** The value of strictly valid JSON text (what Python's json reads without complaint), or INVALID. */
function parseValid(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}

/**
 * A top-level string value of an entry whose position is found only when a cross-entry finding needs it: by a scan
 * of the entry's text when it is valid JSON, else from its tree.
 */
class LazyValueSpan {
  private span?: Span;
  constructor(readonly value: string, private readonly entryText: string, private readonly key: string, private readonly valid: boolean) {}

  private resolve(): Span {
    if (!this.span) {
      const found = this.valid ? locate(this.entryText, [this.key])?.value : propertyNode(parseJson(this.entryText).root, this.key);
      this.span = found ? { offset: found.offset, length: found.length } : { offset: 0, length: 1 };
    }
    return this.span;
  }

  get offset(): number {
    return this.resolve().offset;
  }

  get length(): number {
    return this.resolve().length;
  }
}

keepShape(new LazyValueSpan('', '{}', 'model_name', true));

/** Moves an entry that follows an edit: its start, its summary and its placed diagnostics (copies, not the result's). */
function shiftSlot(slot: EntrySlot, delta: number): void {
  slot.start += delta;
  slot.summary.start += delta;
  if (!slot.abs) return;
  for (const d of slot.abs) {
    d.offset += delta;
    if (d.related) for (const r of d.related) r.offset += delta;
    if (d.data?.remove) d.data.remove.offset += delta;
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
 * Nesting past which the file is not handed to jsonc-parser: it recurses per level and overflows the stack a few
 * thousand levels down, at a depth that depends on the stack and the JIT. Python's json gave up long before
 * (RecursionError), so such a file is unreadable for clemcore anyway. A fixed limit keeps the finding the same on
 * every run, for a full check and an incremental one alike.
 */
const MAX_PARSE_DEPTH = 1500;

export function applySeverityOverrides(diags: RegistryDiagnostic[], settings: ServiceSettings): RegistryDiagnostic[] {
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

keepShape(new RegistryDocument('[]'));

/** One-shot check of a registry text. */
export function checkRegistry(text: string, settings: ServiceSettings = {}): RegistryDiagnostic[] {
  return new RegistryDocument(text, settings).diagnostics();
}
