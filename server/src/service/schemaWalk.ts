// The keys of a backend's schema tree (the entry, model_config, and nested objects such as multimodality) that a
// rule cares about, listed once per backend (with the entry's context, see EntryContext.derived). Rules that look at
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

/** The keys of a backend's schema tree that a selection lists, in schema order. */
export function schemaKeys(schemas: SchemaSet, backend: string | undefined, selection: KeySelection): SchemaKey[] {
  const list: SchemaKey[] = [];
  collect(schemas.topKeys(backend), [], selection, list);
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

/** The selected keys of the entry's backend, listed once per backend; a rule reads each value with `ctx.valueAt(path)`. */
export function selectedKeys(ctx: EntryContext, selection: KeySelection): SchemaKey[] {
  return ctx.derived<SchemaKey[]>(selection) ?? ctx.derive(selection, schemaKeys(ctx.schemas, ctx.backend, selection));
}
