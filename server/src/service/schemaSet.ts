// Reads schemas/ into the model every rule, hover and completion uses: keys per backend and level, with their
// x-clem-* annotations (see schemas/README.md). This is the only place that knows the schema file layout.
import entrySchema from '../../../schemas/entry.schema.json';
import alephalpha from '../../../schemas/backends/alephalpha.schema.json';
import anthropic from '../../../schemas/backends/anthropic.schema.json';
import azure from '../../../schemas/backends/azure.schema.json';
import cohere from '../../../schemas/backends/cohere.schema.json';
import google from '../../../schemas/backends/google.schema.json';
import huggingface_local from '../../../schemas/backends/huggingface_local.schema.json';
import huggingface_multimodal from '../../../schemas/backends/huggingface_multimodal.schema.json';
import llamacpp from '../../../schemas/backends/llamacpp.schema.json';
import mistral from '../../../schemas/backends/mistral.schema.json';
import openai from '../../../schemas/backends/openai.schema.json';
import openai_compatible from '../../../schemas/backends/openai_compatible.schema.json';
import openrouter from '../../../schemas/backends/openrouter.schema.json';
import slurk from '../../../schemas/backends/slurk.schema.json';
import vllm from '../../../schemas/backends/vllm.schema.json';

const BACKEND_FILES: Record<string, unknown> = {
  alephalpha, anthropic, azure, cohere, google, huggingface_local, huggingface_multimodal, llamacpp, mistral, openai,
  openai_compatible, openrouter, slurk, vllm,
};

export type Condition =
  | { truthy: string }
  | { falsy: string }
  | { present: string }
  | { absent: string }
  | { allOf: Condition[] };

export interface RequiredRule {
  when: 'load' | 'generation' | 'docs';
  versions?: string[];
  if?: Condition;
  message?: string;
  /** A diagnostic code more specific than missing-key, e.g. template-missing. */
  code?: string;
}

export interface IgnoredKeysRule {
  versions?: string[];
  if: Condition;
  keys: string[];
  message: string;
  /** A sibling key and the value that make the runtime read the keys after all, offered as a quick fix. */
  use?: { key: string; value: unknown };
}

export interface RuntimeNote {
  effect: 'ignored' | 'crash' | 'note';
  versions?: string[];
  message: string;
}

/** A JSON Schema object as written in schemas/, with the extension keywords this project defines. */
export interface KeySchema {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  markdownDescription?: string;
  deprecated?: boolean;
  default?: unknown;
  defaultSnippets?: { label?: string; description?: string; body: unknown; bodyText?: string }[];
  properties?: Record<string, KeySchema>;
  items?: KeySchema;
  additionalProperties?: boolean | KeySchema;
  'x-clem-required'?: RequiredRule[];
  /** On an object: keys of it that the runtime does not read while a condition on the object holds. */
  'x-clem-ignoredKeys'?: IgnoredKeysRule[];
  'x-clem-kind'?: string;
  'x-clem-presence'?: boolean;
  'x-clem-runtime'?: RuntimeNote[];
  'x-clem-versions'?: string[];
  'x-clem-replacedBy'?: string;
  'x-clem-truthy'?: boolean;
  /** clemcore lower-cases the string before comparing it with `enum`. */
  'x-clem-lowercased'?: boolean;
  [keyword: string]: unknown;
}

export interface BackendMeta {
  versions: string[];
  module?: string;
  remote?: boolean;
  idKey?: 'model_id' | 'huggingface_id';
  metadata?: boolean;
  removed?: string;
  /** Versions in which the backend exists but cannot run, with what fails. */
  broken?: { versions: string[]; message: string }[];
}

export interface BackendSchema extends KeySchema {
  title?: string;
  'x-clem-backend': BackendMeta;
}

export interface VersionInfo {
  label?: string;
  commit?: string;
  date?: string;
}

export interface EntrySchema {
  properties?: Record<string, KeySchema>;
  markdownDescription?: string;
  'x-clem-versions': Record<string, VersionInfo>;
  'x-clem-reservedKeys'?: string[];
  'x-clem-reservedNames'?: Record<string, string>;
}

export class SchemaSet {
  readonly entry: EntrySchema;
  readonly backends: ReadonlyMap<string, BackendSchema>;
  readonly versions: string[];
  private readonly topKeyCache = new Map<string, Record<string, KeySchema>>();

  constructor(entry: EntrySchema, backends: Record<string, BackendSchema>) {
    this.entry = entry;
    this.backends = new Map(Object.entries(backends));
    this.versions = Object.keys(entry['x-clem-versions']);
  }

  get defaultVersion(): string {
    return this.versions[this.versions.length - 1];
  }

  /** The version string to use: the requested one when known, else the newest. */
  resolveVersion(requested: string | undefined): string {
    return requested && this.versions.includes(requested) ? requested : this.defaultVersion;
  }

  /** The entry's backend when it names one the schemas know. */
  knownBackend(entry: Record<string, unknown>): string | undefined {
    const b = entry.backend;
    return typeof b === 'string' && this.backends.has(b) ? b : undefined;
  }

  backendNames(): string[] {
    return [...this.backends.keys()];
  }

  private readonly backendsInVersion = new Map<string, string[]>();
  /** Per clemcore version, per backend (`''` for none): what rules derived from the schemas (EntryContext.derived). */
  private readonly derivations = new Map<string, Map<string, Map<object, unknown>>>();

  derivationsFor(backend: string | undefined, version: string): Map<object, unknown> {
    let perBackend = this.derivations.get(version);
    if (!perBackend) this.derivations.set(version, (perBackend = new Map()));
    let derived = perBackend.get(backend ?? '');
    if (!derived) perBackend.set(backend ?? '', (derived = new Map()));
    return derived;
  }

  /** The backends a version has (the same array on every call: do not change it). */
  backendsIn(version: string): string[] {
    let list = this.backendsInVersion.get(version);
    if (!list) {
      list = this.backendNames().filter((b) => this.backends.get(b)!['x-clem-backend'].versions.includes(version));
      this.backendsInVersion.set(version, list);
    }
    return list;
  }

  /** Top-level keys valid for an entry of this backend: the common ones, overridden by the backend's own. */
  topKeys(backend: string | undefined): Record<string, KeySchema> {
    const cacheKey = backend ?? '';
    let keys = this.topKeyCache.get(cacheKey);
    if (!keys) {
      const own: Record<string, KeySchema> = backend ? this.backends.get(backend)?.properties ?? {} : {};
      keys = { ...(this.entry.properties ?? {}), ...own };
      if (backend && own.model_config && this.entry.properties?.model_config) {
        // The backend's model_config replaces the generic one, but keeps the generic docs when it has none.
        keys.model_config = { ...this.entry.properties.model_config, ...own.model_config };
      }
      this.topKeyCache.set(cacheKey, keys);
    }
    return keys;
  }

  /** model_config keys of a backend. */
  configKeys(backend: string | undefined): Record<string, KeySchema> {
    return this.topKeys(backend).model_config?.properties ?? {};
  }

  /** The schema of the object at `path` (relative to the entry), e.g. [] or ['model_config'] or ['model_config','multimodality']. */
  objectSchemaAt(backend: string | undefined, path: (string | number)[]): KeySchema | undefined {
    let schema: KeySchema | undefined = { properties: this.topKeys(backend) };
    for (const seg of path) {
      if (!schema) return undefined;
      schema = typeof seg === 'number' ? schema.items : schema.properties?.[seg];
    }
    return schema;
  }

  private reservedKeySet?: ReadonlySet<string>;

  reservedKeys(): ReadonlySet<string> {
    this.reservedKeySet ??= new Set(this.entry['x-clem-reservedKeys'] ?? []);
    return this.reservedKeySet;
  }

  reservedNames(): Record<string, string> {
    return this.entry['x-clem-reservedNames'] ?? {};
  }

  private reservedNameMap?: ReadonlyMap<string, string>;

  /**
   * The reserved names with why each is reserved, as a Map: looking a name read from the file up in an object costs a
   * string-table lookup each time, a Map only a hash.
   */
  reservedNameReasons(): ReadonlyMap<string, string> {
    this.reservedNameMap ??= new Map(Object.entries(this.reservedNames()));
    return this.reservedNameMap;
  }
}

let shared: SchemaSet | undefined;

/** The schema set built from the files in schemas/ (bundled into the server). */
export function getSchemaSet(): SchemaSet {
  shared ??= new SchemaSet(entrySchema as unknown as EntrySchema, BACKEND_FILES as Record<string, BackendSchema>);
  return shared;
}

const entryLists = new WeakMap<Record<string, KeySchema>, [string, KeySchema][]>();

/** The key/schema pairs of a properties object, listed once: rules walk them for every entry. */
export function keyEntries(keys: Record<string, KeySchema>): [string, KeySchema][] {
  let list = entryLists.get(keys);
  if (!list) {
    list = Object.entries(keys);
    entryLists.set(keys, list);
  }
  return list;
}

/** Whether a statement limited to `versions` holds for `version`. */
export function appliesTo(versions: string[] | undefined, version: string): boolean {
  return !versions || versions.includes(version);
}
