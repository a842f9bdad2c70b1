// The keys of a backend's schema tree (the entry, model_config, and nested objects such as multimodality) that a
// rule cares about, listed once per backend, and a walk over those of them an entry has. Rules that look at
// annotated keys (presence flags, runtime notes, value kinds) visit a few paths instead of every key of every entry.
import type { KeySchema, SchemaSet } from './schemaSet';
import type { EntryContext } from './context';
import type { JsonPath } from './types';

export interface SchemaKey {
  key: string;
  /** Path of the key relative to the entry. */
  path: JsonPath;
  schema: KeySchema;
}

export interface KeySelection {
  /** A name for the selection, for readers and debugging. */
  name: string;
  /** Whether a key is listed. */
  wanted: (schema: KeySchema) => boolean;
  /** Whether the keys inside a listed object are listed too (default: yes). */
  descendIntoWanted?: boolean;
}

/** Per selection, per schema set, per backend (`''` for none). */
const lists = new WeakMap<KeySelection, WeakMap<SchemaSet, Map<string, SchemaKey[]>>>();

export function schemaKeys(schemas: SchemaSet, backend: string | undefined, selection: KeySelection): SchemaKey[] {
  let perSelection = lists.get(selection);
  if (!perSelection) lists.set(selection, (perSelection = new WeakMap()));
  let perBackend = perSelection.get(schemas);
  if (!perBackend) perSelection.set(schemas, (perBackend = new Map()));
  let list = perBackend.get(backend ?? '');
  if (!list) {
    list = [];
    collect(schemas.topKeys(backend), [], selection, list);
    perBackend.set(backend ?? '', list);
  }
  return list;
}

function collect(keys: Record<string, KeySchema>, parent: JsonPath, selection: KeySelection, out: SchemaKey[]): void {
  for (const [key, schema] of Object.entries(keys)) {
    const path = [...parent, key];
    const wanted = selection.wanted(schema);
    if (wanted) out.push({ key, path, schema });
    if (schema.properties && (!wanted || selection.descendIntoWanted !== false)) collect(schema.properties, path, selection, out);
  }
}

/** Calls `visit` for each selected key that the entry has (with a value of any type). */
export function forEachPresentKey(ctx: EntryContext, selection: KeySelection, visit: (key: string, value: unknown, schema: KeySchema, path: JsonPath) => void): void {
  for (const { key, path, schema } of schemaKeys(ctx.schemas, ctx.backend, selection)) {
    const value = ctx.valueAt(path);
    if (value !== undefined) visit(key, value, schema, path);
  }
}
