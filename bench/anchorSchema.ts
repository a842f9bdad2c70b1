// Derives, from schemas/, the plain draft-07 JSON Schema that the anchor (vscode-json-languageservice) validates with:
// the same keys, types, enums and descriptions, but one flat entry shape (no per-backend branches, no oneOf).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

type Schema = Record<string, unknown>;

const SCHEMAS_DIR = path.resolve(__dirname, '../schemas');

function readJson(file: string): Schema {
  return JSON.parse(readFileSync(file, 'utf8')) as Schema;
}

/** A copy without the project's `x-clem-*` keywords (and `$schema`/`$id`, which would make it a separate resource). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (!value || typeof value !== 'object') return value;
  const out: Schema = {};
  for (const [k, v] of Object.entries(value as Schema)) {
    if (k.startsWith('x-clem-') || k === '$schema' || k === '$id') continue;
    out[k] = plain(v);
  }
  return out;
}

function types(s: Schema): string[] | undefined {
  if (s.type === undefined) return undefined;
  return Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
}

/**
 * Two schemas of one key (from two backends) as one that accepts what either accepts: types and enums are united
 * (an enum is dropped when one side has none), object properties merged recursively; the first description stays.
 */
function unite(a: Schema, b: Schema): Schema {
  const out: Schema = { ...b, ...a };
  const ta = types(a);
  const tb = types(b);
  if (ta && tb) {
    const all = [...new Set([...ta, ...tb])];
    out.type = all.length === 1 ? all[0] : all;
  } else delete out.type;
  if (Array.isArray(a.enum) && Array.isArray(b.enum)) {
    const byText = new Map<string, unknown>();
    for (const v of [...a.enum, ...b.enum]) byText.set(JSON.stringify(v), v);
    out.enum = [...byText.values()];
  } else delete out.enum;
  if (a.properties || b.properties) {
    out.properties = uniteProperties([(a.properties ?? {}) as Record<string, Schema>, (b.properties ?? {}) as Record<string, Schema>]);
    if (a.additionalProperties !== b.additionalProperties) delete out.additionalProperties;
  }
  if (a.items && b.items && typeof a.items === 'object' && typeof b.items === 'object') out.items = unite(a.items as Schema, b.items as Schema);
  return out;
}

function uniteProperties(sets: Record<string, Schema>[]): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const set of sets) for (const [key, s] of Object.entries(set)) out[key] = out[key] ? unite(out[key], s) : s;
  return out;
}

export interface AnchorSchemaInfo {
  schema: Schema;
  backends: string[];
  entryKeys: number;
  configKeys: number;
}

/** Whether schemas/ holds the entry schema and backend schemas yet. */
export function schemasPresent(): boolean {
  try {
    return readdirSync(path.join(SCHEMAS_DIR, 'backends')).some((f) => f.endsWith('.schema.json'));
  } catch {
    return false;
  }
}

export function buildAnchorSchema(): AnchorSchemaInfo {
  const entry = plain(readJson(path.join(SCHEMAS_DIR, 'entry.schema.json'))) as Schema;
  const dir = path.join(SCHEMAS_DIR, 'backends');
  const backends = readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort();
  const backendSchemas = backends.map((f) => plain(readJson(path.join(dir, f))) as Schema);
  const names = backends.map((f) => f.replace(/\.schema\.json$/, ''));

  const topSets = [(entry.properties ?? {}) as Record<string, Schema>, ...backendSchemas.map((b) => (b.properties ?? {}) as Record<string, Schema>)];
  const withoutConfig = topSets.map((set) => Object.fromEntries(Object.entries(set).filter(([k]) => k !== 'model_config')));
  const properties = uniteProperties(withoutConfig);

  const configs = topSets.map((set) => set.model_config).filter((s): s is Schema => !!s && typeof s === 'object');
  const configProperties = uniteProperties(configs.map((c) => (c.properties ?? {}) as Record<string, Schema>));
  const generic = (entry.properties as Record<string, Schema> | undefined)?.model_config ?? {};
  properties.model_config = {
    type: 'object',
    description: generic.description,
    markdownDescription: generic.markdownDescription,
    properties: configProperties,
    additionalProperties: false,
  };
  const backendKey = properties.backend ?? {};
  properties.backend = { ...backendKey, type: 'string', enum: names };

  const schema: Schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'clembench model registry (flat anchor schema)',
    type: 'array',
    items: {
      type: 'object',
      properties,
      required: ['model_name', 'backend'],
      additionalProperties: false,
    },
  };
  return { schema, backends: names, entryKeys: Object.keys(properties).length, configKeys: Object.keys(configProperties).length };
}
