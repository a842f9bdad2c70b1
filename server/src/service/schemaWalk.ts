// Walks the values of an entry that its backend's schema knows, descending into object schemas (model_config,
// multimodality, license, ...). The shared traversal of the rules that look at every known key.
import type { KeySchema } from './schemaSet';
import type { EntryContext } from './context';
import type { JsonPath } from './types';

/** Return `false` from the visitor to skip the value's children. */
export type KnownValueVisitor = (key: string, value: unknown, schema: KeySchema, path: JsonPath) => boolean | void;

export function walkKnownValues(ctx: EntryContext, visit: KnownValueVisitor): void {
  walk(ctx.value, ctx.schemas.topKeys(ctx.backend), [], visit);
}

function walk(obj: Record<string, unknown>, keys: Record<string, KeySchema>, path: JsonPath, visit: KnownValueVisitor): void {
  for (const key of Object.keys(obj)) {
    const schema = keys[key];
    if (!schema) continue;
    const value = obj[key];
    const here = path.length ? [...path, key] : [key];
    if (visit(key, value, schema, here) === false) continue;
    if (schema.properties && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      walk(value as Record<string, unknown>, schema.properties, here, visit);
    }
  }
}
