// The context each entry rule receives, and the sink it reports into. Rules read the entry's plain value; the
// syntax tree, which positions need, is built only for entries that have something to report.
import { nodeAtPath, parseJson, type Node } from './jsonText';
import { locateIndexed, propertiesOf, type ElementSpan, type Located, type ObjectIndex } from './topLevelScan';
import { locateIn, readEntry } from './entryText';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from './codes';
import { getSchemaSet, type BackendSchema, type SchemaSet } from './schemaSet';
import { keepShape } from './shapes';
import { MAX_FINDINGS_PER_CODE, moreFindings } from './findingCap';
import type { DiagnosticData, GgufFactsSource, RepoFilesSource, JsonPath, RelatedInformation, Severity, Span, TokenizerFactsSource } from './types';
import type { OldFormat } from './oldFormat';

/** A diagnostic of one entry, with its offsets relative to the entry's start and its path relative to the entry. */
export interface EntryDiagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  offset: number;
  length: number;
  path: JsonPath;
  data?: DiagnosticData;
  related?: RelatedInformation[];
  tags?: ('unnecessary' | 'deprecated')[];
}

export interface ReportOptions {
  data?: DiagnosticData;
  related?: RelatedInformation[];
  severity?: Severity;
  tags?: ('unnecessary' | 'deprecated')[];
}

export class EntryContext {
  /** The entry as a plain value (last duplicate key wins, as in Python). */
  readonly value: Record<string, unknown>;
  /** The entry's backend when it names one the schemas know. */
  readonly backend: string | undefined;
  readonly backendSchema: BackendSchema | undefined;
  readonly diagnostics: EntryDiagnostic[] = [];
  /** Set when the entry is in the registry format before March 2025 (oldFormat.ts). */
  oldFormat: OldFormat | undefined = undefined;
  /** Offsets are relative to the entry's own text. */
  readonly base = 0;
  private tree?: Node;
  /** Whether the entry's text is valid JSON, so positions can be found by scanning instead of a tree. */
  readonly valid: boolean;
  /** What the rules derived from the schemas for this backend and version (see `derived`). */
  private readonly derivations: Map<object, unknown>;
  /** The properties of the entry's objects that `locate` has looked into (the entry's own, from the file's scan). */
  private objects?: ObjectIndex;
  /** Colons outside strings in `text` (its number of properties), when the caller counted them already. */
  readonly colonCount: number | undefined;
  /** Findings per code so far, and those past the cap (only counted). */
  private readonly listed = new Map<DiagnosticCode, number>();
  private readonly overflow = new Map<DiagnosticCode, { first: EntryDiagnostic; count: number }>();

  constructor(
    /** The entry's own text, from its `{` to its `}`. */
    readonly text: string,
    /** The entry's value when the caller has it (JSON.parse of the file); read from the text otherwise. */
    value: unknown,
    readonly version: string,
    readonly schemas: SchemaSet,
    readonly documentPath: string | undefined,
    /** What the caller's scan of the file found about `text`: its colons outside strings, its own properties. */
    scanned?: Pick<ElementSpan, 'colons' | 'properties'>,
    /** The local Hugging Face cache's tokenizer facts, when the caller can read them. */
    readonly tokenizerFacts?: TokenizerFactsSource,
    /** The caller knows the text is not strict JSON, so JSON.parse, whose exception costs more, is not tried. */
    brokenText = false,
    /** A llamacpp entry's GGUF metadata in the local caches, when the caller can read it. */
    readonly ggufFacts?: GgufFactsSource,
    /** A repository's files in the local Hugging Face cache, when the caller can list them. */
    readonly repoFiles?: RepoFilesSource,
  ) {
    this.colonCount = scanned?.colons;
    if (scanned?.properties && value !== undefined) this.objects = new Map([[0, scanned.properties]]);
    let v = value;
    this.valid = value !== undefined;
    if (v === undefined) {
      const read = readEntry(text, () => this.entry, brokenText);
      v = read.value;
      this.valid = read.valid;
    }
    this.value = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    this.backend = schemas.knownBackend(this.value);
    this.backendSchema = this.backend ? schemas.backends.get(this.backend) : undefined;
    this.derivations = schemas.derivationsFor(this.backend, version);
  }

  /**
   * What a rule derived from the schemas for this entry's backend and clemcore version (the keys it looks at, a
   * compiled validator), under the rule's own `token`; undefined until the rule stores it with `derive`. Every entry
   * of the same backend shares it, so a rule works it out once per backend instead of once per entry.
   */
  derived<T>(token: object): T | undefined {
    return this.derivations.get(token) as T | undefined;
  }

  derive<T>(token: object, value: T): T {
    this.derivations.set(token, value);
    return value;
  }

  /** The entry's syntax tree (its root object node), parsed on first use. */
  get entry(): Node {
    this.tree ??= parseJson(this.text).root ?? { type: 'object', offset: 0, length: this.text.length, children: [] };
    return this.tree;
  }

  /** The node at a path relative to the entry. */
  node(path: JsonPath): Node | undefined {
    return nodeAtPath(this.entry, path);
  }

  /** Where the value at a path is, and its key: by scanning valid text, or from the tree. */
  locate(path: JsonPath): Located | undefined {
    if (!this.valid) return locateIn(this.text, path, false, () => this.entry);
    this.objects ??= new Map();
    return locateIndexed(this.text, path, this.objects);
  }

  /**
   * The properties of the object whose `{` is at `open` in valid text: key start, key end, value start and value end
   * of each, four numbers each, in text order (listed once, and shared with `locate`).
   */
  properties(open: number): number[] {
    this.objects ??= new Map();
    let props = this.objects.get(open);
    if (!props) this.objects.set(open, (props = propertiesOf(this.text, open)));
    return props;
  }

  /** The key of the property at a path (`["model_config", "eos_to_cul"]`). */
  keyNode(path: JsonPath): Span | undefined {
    return this.locate(path)?.key;
  }

  /**
   * A node for the value at `path` that answers `type` and `value` from the plain value and resolves its position in
   * the tree only when asked, so that value checks that find nothing never parse the entry.
   */
  lazyNode(path: JsonPath, value: unknown): Node {
    return new LazyNode(this, path, value) as unknown as Node;
  }

  private topKeyList?: string[];

  /** The entry's own keys (Object.keys of its value), listed once for the rules that walk them. */
  get keys(): string[] {
    this.topKeyList ??= Object.keys(this.value);
    return this.topKeyList;
  }

  /** The plain value at a path relative to the entry. */
  valueAt(path: JsonPath): unknown {
    let v: unknown = this.value;
    for (const seg of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string | number, unknown>)[seg];
    }
    return v;
  }

  get config(): Record<string, unknown> {
    const c = this.value.model_config;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : {};
  }

  /** Whether a finding of `code` is still listed for this entry (see MAX_FINDINGS_PER_CODE); else only counted. */
  reportable(code: DiagnosticCode): boolean {
    return (this.listed.get(code) ?? 0) < MAX_FINDINGS_PER_CODE;
  }

  /** Counts a finding of `code` past the cap without building its message. */
  skip(code: DiagnosticCode, where: Node | Span, path: JsonPath): void {
    const over = this.overflow.get(code);
    if (over) over.count++;
    else this.overflow.set(code, { first: { code, severity: DIAGNOSTIC_CODES[code].severity as Severity, message: '', offset: where.offset, length: where.length, path }, count: 1 });
  }

  /** The findings, with one per code past the cap that says how many more there are. */
  findings(): EntryDiagnostic[] {
    for (const { first, count } of this.overflow.values()) this.diagnostics.push(moreFindings(first, count) as EntryDiagnostic);
    this.overflow.clear();
    return this.diagnostics;
  }

  report(code: DiagnosticCode, where: Node | Span, path: JsonPath, message: string, options: ReportOptions = {}): void {
    if (!this.reportable(code)) {
      this.skip(code, where, path);
      return;
    }
    this.listed.set(code, (this.listed.get(code) ?? 0) + 1);
    this.diagnostics.push({
      code,
      severity: options.severity ?? (DIAGNOSTIC_CODES[code].severity as Severity),
      message,
      offset: where.offset,
      length: where.length,
      path,
      data: options.data,
      related: options.related,
      tags: options.tags,
    });
  }
}

/** JSON value kinds as jsonc-parser names them. */
function nodeType(value: unknown): Node['type'] {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    default: return 'object';
  }
}

class LazyNode {
  readonly type: Node['type'];
  readonly value: unknown;
  private resolved?: Node | null;

  constructor(private readonly ctx: EntryContext, private readonly path: JsonPath, value: unknown) {
    this.type = nodeType(value);
    this.value = this.type === 'object' || this.type === 'array' ? undefined : value;
  }

  private span?: Span | null;

  private real(): Node | undefined {
    if (this.resolved === undefined) this.resolved = this.ctx.node(this.path) ?? null;
    return this.resolved ?? undefined;
  }

  /** Offsets come from a scan of the text; only structure (children, parent) needs the tree. */
  private where(): Span | undefined {
    if (this.span === undefined) this.span = this.ctx.locate(this.path)?.value ?? null;
    return this.span ?? undefined;
  }

  get offset(): number {
    return this.where()?.offset ?? 0;
  }

  get length(): number {
    return this.where()?.length ?? 0;
  }

  get children(): Node[] | undefined {
    return this.real()?.children;
  }

  get parent(): Node | undefined {
    return this.real()?.parent;
  }

  get colonOffset(): number | undefined {
    return this.real()?.colonOffset;
  }
}

/** One rule over one entry. Rules are pure: they read the context and report. */
export type EntryRule = (ctx: EntryContext) => void;

// See shapes.ts: a context and a lazy node made per entry and value, kept so that their hidden classes stay.
{
  const sample = new EntryContext('{}', {}, '', getSchemaSet(), undefined, { colons: 0 });
  keepShape(sample);
  keepShape(sample.lazyNode([], undefined));
}
