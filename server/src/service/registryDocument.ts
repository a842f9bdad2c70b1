// A registry file under check: validates each entry on its own (reusing the results of unchanged entries),
// and re-checks only the edited entry (plus the cross-entry rules) when an edit stays inside one entry.
import { maskLiterals, nonFiniteLiterals, parseJson, propertyNode, type Node, type ParsedJson } from './jsonText';
import { locate, nestingDepth, scanTopLevel, type ElementSpan } from './topLevelScan';
import { EntryContext, type EntryDiagnostic } from './context';
import { ENTRY_RULES, OLD_FORMAT_RULES, REMOVED_BACKEND_RULES } from './rules';
import { oldFormatOf } from './oldFormat';
import { checkJsonSyntax, nonFiniteFindings } from './rules/jsonSyntax';
import { bracketDepth, hasLongDigitRun, hugeIntegers, maxJsonDepth, nestingTooDeep } from './rules/jsonLimits';
import { checkShape, checkTopLevelShape, kindOf, type ShapeItem } from './rules/topLevelShape';
import { AcrossEntriesIndex, ISO_DATE, type EntrySummary } from './rules/acrossEntries';
import { getSchemaSet, type SchemaSet } from './schemaSet';
import { keepShape } from './shapes';
import { FindingCap } from './findingCap';
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

/**
 * Entries checked one by one, at most. The largest real registry has a few hundred entries, and 10 MB of real
 * entries are about 10,000; a file of a million tiny entries is a flood, whose rest is read for JSON errors only.
 */
const MAX_CHECKED_ENTRIES = 50_000;

function uncheckedEntries(count: number, offset: number): RegistryDiagnostic {
  return { code: 'top-level-shape', severity: 'information', offset, length: 1, path: [MAX_CHECKED_ENTRIES],
    message: `The file has ${count.toLocaleString('en-US')} entries; clem-registry checks the first ${MAX_CHECKED_ENTRIES.toLocaleString('en-US')} one by one, and of the rest only what Python's json reads.` };
}

/** Entries up to this long are checked once per text in a full check (longer ones are rarely repeated). */
const MAX_REPEATED_ENTRY_LENGTH = 256;

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
  /** The results of the short entries checked by the running full check, by text. */
  private repeated = new Map<string, EntryResult>();
  /** How the last update was done, for tests and benchmarks. */
  lastUpdate: 'full' | 'incremental' = 'full';

  constructor(text: string, readonly settings: ServiceSettings = {}) {
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
    // check, so that values die young instead of piling up for the whole check. Python's NaN and Infinity are not
    // JSON for JSON.parse: a file that is valid once they are masked takes the same way.
    let valid = this.checkStrict(text, text, new Int32Array(0), previous, slots);
    if (!valid) {
      const literals = nonFiniteLiterals(text);
      if (literals.length) {
        if (slots.length) previous = new Map([...(previous ?? []), ...slots.map((s): [string, EntryResult] => [s.text, s.result])]);
        slots.length = 0;
        valid = this.checkStrict(text, maskLiterals(text, literals), literals, previous, slots);
      }
    }
    if (!valid) {
      // Entries checked before the scan hit the broken one keep their results.
      if (slots.length) previous = new Map([...(previous ?? []), ...slots.map((s): [string, EntryResult] => [s.text, s.result])]);
      slots.length = 0;
      const depth = bracketDepth(text);
      // Past MAX_PARSE_DEPTH, the tolerant parser would overflow the stack: the depth is the one finding then.
      const parsed = depth > MAX_PARSE_DEPTH ? undefined : parseJson(text, MAX_CHECKED_ENTRIES + 1);
      this.fileDiagnostics = [];
      if (depth > this.maxDepth) this.fileDiagnostics.push(nestingTooDeep(text, depth, this.version));
      if (parsed) {
        for (const d of checkJsonSyntax(text, parsed)) this.fileDiagnostics.push(d);
        for (const d of checkTopLevelShape(parsed.root, text)) this.fileDiagnostics.push(d);
        // An entry with no parse error inside is read by JSON.parse; one with an error is not even tried, as
        // thousands of broken entries would each cost an exception.
        let broken: ArrayLike<number> | undefined;
        const addNode = (node: Node, index: number | undefined) => {
          const entryText = text.slice(node.offset, node.offset + node.length);
          broken ??= errorStarts(parsed);
          const hasError = anyIn(broken, node.offset, node.offset + node.length);
          const value = hasError ? INVALID : parseValid(entryText);
          slots.push(this.slotOf(entryText, node.offset, index, value === INVALID ? undefined : value, previous, undefined, hasError));
        };
        const root = parsed.root;
        const children = root?.type === 'array' ? root.children ?? [] : [];
        for (let i = 0; i < children.length && i < MAX_CHECKED_ENTRIES; i++) if (children[i].type === 'object') addNode(children[i], i);
        if (parsed.topElements > MAX_CHECKED_ENTRIES) this.fileDiagnostics.push(uncheckedEntries(parsed.topElements, children[MAX_CHECKED_ENTRIES].offset));
        if (root?.type === 'object') addNode(root, undefined);
      }
    }
    this.slots = slots;
    this.repeated.clear();
  }

  /**
   * The check of a text that is strict JSON once Python's non-finite `literals` are masked (`source` is the masked
   * text; the same as `text` without literals): the file-level findings, and the entries' slots into `slots`. False
   * when `source` is not strict JSON after all (nothing is kept then but the slots checked so far).
   */
  private checkStrict(text: string, source: string, literals: Int32Array, previous: Map<string, EntryResult> | undefined, slots: EntrySlot[]): boolean {
    const scan = scanTopLevel(source, MAX_CHECKED_ENTRIES);
    if (!scan) return false;
    const kinds: ShapeItem['kind'][] = [];
    let allObjects = true;
    let depth = 0;
    for (let i = 0; i < scan.spans.length; i++) {
      const span = scan.spans[i];
      const item = parseValid(source.slice(span.start, span.end));
      if (item === INVALID) return false;
      const kind = kindOf(item);
      kinds.push(kind);
      depth = Math.max(depth, span.depth + (scan.isArray ? 1 : 0));
      if (kind !== 'object') allObjects = false;
      else {
        // An entry with a NaN is read by the tolerant parser, which gives it Python's value.
        const nan = anyIn(literals, span.start, span.end);
        slots.push(this.slotOf(text.slice(span.start, span.end), span.start, scan.isArray ? i : undefined, nan ? undefined : item, previous, span, nan));
      }
    }
    // Entries past those checked one by one are still read, a run at a time, for what Python's json says.
    const rest = scan.rest;
    for (let c = 0; rest && c < rest.chunks.length; c += 2) if (parseValid(`[${source.slice(rest.chunks[c], rest.chunks[c + 1])}]`) === INVALID) return false;
    if (rest) depth = Math.max(depth, rest.depth + 1);
    // Shapes are read only when some element is not an entry object, the rare case they report on.
    const shape = (i: number): ShapeItem => ({ kind: kinds[i], offset: scan.spans[i].start, length: scan.spans[i].end - scan.spans[i].start });
    this.fileDiagnostics = allObjects ? [] : scan.isArray ? checkShape({ kind: 'array', offset: 0, length: text.length }, kinds.length, shape) : checkShape(shape(0), 0, shape);
    // What Python's json refuses in valid JSON: both are rare, and each costs one pass only when present.
    if (depth > this.maxDepth) this.fileDiagnostics.unshift(nestingTooDeep(text, bracketDepth(text), this.version));
    for (const d of hugeIntegers(text)) this.fileDiagnostics.push(d);
    for (const d of nonFiniteFindings(text, literals)) this.fileDiagnostics.push(d);
    if (rest) this.fileDiagnostics.push(uncheckedEntries(scan.spans.length + rest.count, rest.chunks[0]));
    return true;
  }

  /** The slot of one entry: its previous result when its text did not change, else a new check. */
  private slotOf(text: string, start: number, index: number | undefined, value: unknown, previous: Map<string, EntryResult> | undefined, scanned?: ElementSpan, broken = false): EntrySlot {
    const outer = index === undefined ? 0 : 1; // the top-level array is one level too
    // Short entries are looked up among those of this check too: a file of thousands of `{}` checks one.
    const short = text.length <= MAX_REPEATED_ENTRY_LENGTH;
    let result = previous?.get(text) ?? (short ? this.repeated.get(text) : undefined);
    if (!result) {
      result = this.checkEntry(text, value, scanned, (scanned?.depth ?? nestingDepth(text)) + outer, broken);
      if (short) this.repeated.set(text, result);
    }
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
  private checkEntry(text: string, value: unknown, scanned: ElementSpan | undefined, depth: number, broken = false): EntryResult {
    // Past the depth Python's json reads, the file-level finding says all there is to say (and the rules would
    // recurse that deep too).
    if (depth > this.maxDepth) return uncheckedEntry(text);
    let ctx: EntryContext;
    try {
      ctx = new EntryContext(text, value, this.version, this.schemas, this.settings.documentPath, scanned, this.settings.tokenizerFacts, broken, this.settings.ggufFacts, this.settings.repoFiles);
    } catch {
      // Only nesting deeper than the stack allows gets here; Python's json cannot read such a file either.
      return uncheckedEntry(text);
    }
    const removed = ctx.backend !== undefined && !this.schemas.backendsIn(this.version).includes(ctx.backend);
    if (!removed) ctx.oldFormat = oldFormatOf(ctx.value, ctx.backend, this.schemas);
    for (const rule of removed ? REMOVED_BACKEND_RULES : ctx.oldFormat ? OLD_FORMAT_RULES : ENTRY_RULES) {
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
      diagnostics: ctx.findings(),
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
    const cap = new FindingCap(this.settings);
    for (const d of this.fileDiagnostics) cap.add(d);
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      const own = slot.result.diagnostics;
      if (!own.length) continue;
      // Placed copies are built only for entries with a finding still to be listed (or to be the first one past the
      // cap); the others are only counted.
      let whole = slot.abs !== undefined;
      for (let j = 0; j < own.length && !whole; j++) whole = cap.wantsWhole(own[j].code);
      if (!whole) {
        for (let j = 0; j < own.length; j++) cap.count(own[j].code);
        continue;
      }
      let abs = slot.abs;
      if (abs === undefined) {
        abs = [];
        for (let j = 0; j < own.length; j++) abs.push(absolute(own[j], slot.start, slot.index));
        slot.abs = abs;
      }
      for (let j = 0; j < abs.length; j++) cap.add(abs[j]);
    }
    if (!this.across) {
      const summaries: EntrySummary[] = [];
      for (let i = 0; i < slots.length; i++) summaries.push(slots[i].summary);
      this.across = new AcrossEntriesIndex(summaries);
    }
    for (const d of this.across.diagnostics()) cap.add(d);
    return cap.finish();
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

/** Where the parser found errors or Python's non-finite literals (which JSON.parse rejects), in text order. */
function errorStarts(parsed: ParsedJson): ArrayLike<number> {
  const errors = parsed.errorOffsets;
  // The parser moves forward, so its errors come in order; sorting millions of them would cost seconds.
  let sorted = true;
  for (let i = 1; i < errors.length && sorted; i++) sorted = errors[i - 1] <= errors[i];
  if (!sorted) errors.sort();
  if (!parsed.nonFinite.length) return errors;
  const merged = new Int32Array(errors.length + parsed.nonFinite.length);
  let i = 0;
  let k = 0;
  for (const offset of parsed.nonFinite) {
    while (i < errors.length && errors[i] < offset) merged[k++] = errors[i++];
    merged[k++] = offset;
  }
  while (i < errors.length) merged[k++] = errors[i++];
  return merged;
}

/** Whether a sorted list has a number in [from, to). */
function anyIn(sorted: ArrayLike<number>, from: number, to: number): boolean {
  if (!sorted.length) return false;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] < to;
}

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
