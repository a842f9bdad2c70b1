// The context each entry rule receives, and the sink it reports into.
import type { Node } from './jsonText';
import { nodeValue, propertyNode } from './jsonText';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from './codes';
import type { BackendSchema, SchemaSet } from './schemaSet';
import type { DiagnosticData, JsonPath, RelatedInformation, Severity, Span } from './types';

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

  constructor(
    /** The text the entry's node offsets refer to. */
    readonly text: string,
    readonly entry: Node,
    /** Offset of the entry in `text`; reported offsets are made relative to it. */
    readonly base: number,
    readonly version: string,
    readonly schemas: SchemaSet,
    readonly documentPath: string | undefined,
  ) {
    const v = plainValue(text, entry);
    this.value = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    const backend = this.value.backend;
    this.backendSchema = typeof backend === 'string' ? schemas.backends.get(backend) : undefined;
    this.backend = this.backendSchema ? (backend as string) : undefined;
  }

  /** The model_config object node, if the entry has one that is an object. */
  get configNode(): Node | undefined {
    const n = propertyNode(this.entry, 'model_config');
    return n?.type === 'object' ? n : undefined;
  }

  get config(): Record<string, unknown> {
    const c = this.value.model_config;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : {};
  }

  report(code: DiagnosticCode, where: Node | Span, path: JsonPath, message: string, options: ReportOptions = {}): void {
    this.diagnostics.push({
      code,
      severity: options.severity ?? (DIAGNOSTIC_CODES[code].severity as Severity),
      message,
      offset: where.offset - this.base,
      length: where.length,
      path,
      data: options.data?.remove ? { ...options.data, remove: { ...options.data.remove, offset: options.data.remove.offset - this.base } } : options.data,
      related: options.related?.map((r) => ({ ...r, offset: r.offset - this.base })),
      tags: options.tags,
    });
  }
}

/** The entry's value: JSON.parse is native and fast; text it rejects (NaN, ...) is read from the tree. */
function plainValue(text: string, entry: Node): unknown {
  try {
    return JSON.parse(text.slice(entry.offset, entry.offset + entry.length));
  } catch {
    return nodeValue(entry);
  }
}

/** One rule over one entry. Rules are pure: they read the context and report. */
export type EntryRule = (ctx: EntryContext) => void;
