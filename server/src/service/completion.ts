// Completion from schemas/: the keys valid at the cursor for the entry's backend (and not yet present), values for
// enums, booleans, backend names and language codes, and whole-entry snippets per backend between entries.
import { findNodeAtOffset, getLocation } from 'jsonc-parser';
import { parseJson } from './jsonText';
import type { RegistryDocument } from './registryDocument';
import { appliesTo, getSchemaSet, type KeySchema, type SchemaSet } from './schemaSet';
import { entryValue } from './entryText';
import { ISO639_1 } from './data/languages';
import type { Span } from './types';

export interface CompletionEntry {
  label: string;
  kind: 'key' | 'value' | 'entry';
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Snippet syntax (`${1:...}`) when `isSnippet`, plain text otherwise. */
  insertText: string;
  isSnippet: boolean;
  /** The text the item replaces (a partly typed key or value with its quotes); the cursor position when absent. */
  replace?: Span;
  sortText: string;
}

/** What the local Hugging Face cache holds, for completing `huggingface_id` and `filename` (read by the caller). */
export interface LocalModels {
  repos(): string[];
  files(huggingfaceId: string): string[];
}

export function complete(doc: RegistryDocument, offset: number, local?: LocalModels): CompletionEntry[] {
  const schemas = getSchemaSet();
  const version = doc.version;
  const entry = doc.entryAt(offset);
  if (!entry || offset <= entry.start || offset >= entry.start + entry.length) return entrySnippets(schemas, version);
  const location = getLocation(entry.text, offset - entry.start);
  const value = entryValue(entry.text);
  const backend = schemas.knownBackend(value);
  // Inside a string (a key or value being typed, with its quotes), the item replaces the whole string.
  const root = parseJson(entry.text).root;
  const here = root && findNodeAtOffset(root, offset - entry.start, true);
  const replace = here?.type === 'string' ? { offset: entry.start + here.offset, length: here.length } : undefined;
  if (location.isAtPropertyKey) {
    // The last segment is the key being typed (empty when nothing is typed yet).
    const parentPath = location.path.slice(0, -1).filter((p): p is string => typeof p === 'string');
    return keyItems(schemas, backend, version, parentPath, valueAt(value, parentPath), replace);
  }
  const path = location.path.filter((p): p is string | number => p !== '');
  const key = path[path.length - 1];
  const parentPath = path.filter((p): p is string => typeof p === 'string');
  if (typeof key === 'number') {
    const listKey = parentPath[parentPath.length - 1];
    const schema = schemas.objectSchemaAt(backend, parentPath.slice(0, -1))?.properties?.[listKey];
    return schema?.['x-clem-kind'] === 'language-codes' ? languageItems(replace) : [];
  }
  if (key === 'backend' && parentPath.length === 1) return backendItems(schemas, version, replace);
  const schema = schemas.objectSchemaAt(backend, parentPath.slice(0, -1))?.properties?.[key];
  if (!schema) return [];
  if (local && key === 'huggingface_id' && parentPath.length === 1) return [...cachedRepoItems(local, replace), ...valueItems(schema, replace)];
  if (local && schema['x-clem-kind'] === 'glob' && typeof value.huggingface_id === 'string') {
    return [...cachedGgufItems(local, value.huggingface_id, replace), ...valueItems(schema, replace)];
  }
  return valueItems(schema, replace);
}

function cachedRepoItems(local: LocalModels, replace?: Span): CompletionEntry[] {
  return local.repos().map((repo) => ({
    label: repo,
    kind: 'value' as const,
    detail: 'in the local Hugging Face cache',
    insertText: JSON.stringify(repo),
    isSnippet: false,
    replace,
    sortText: `0${repo}`,
  }));
}

/** The cached repository's GGUF files, each as a glob that matches exactly it (fnmatch's specials bracketed). */
function cachedGgufItems(local: LocalModels, repo: string, replace?: Span): CompletionEntry[] {
  return local.files(repo).filter((f) => f.toLowerCase().endsWith('.gguf')).map((file) => ({
    label: file,
    kind: 'value' as const,
    detail: `a GGUF of ${repo} in the local Hugging Face cache`,
    insertText: JSON.stringify(file.replace(/[*?[]/g, (c) => `[${c}]`)),
    isSnippet: false,
    replace,
    sortText: `0${file}`,
  }));
}

function valueAt(value: Record<string, unknown>, path: string[]): Record<string, unknown> {
  let v: unknown = value;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function keyItems(schemas: SchemaSet, backend: string | undefined, version: string, parentPath: string[], present: Record<string, unknown>, replace?: Span): CompletionEntry[] {
  const keys = schemas.objectSchemaAt(backend, parentPath)?.properties ?? {};
  const items: CompletionEntry[] = [];
  for (const [key, schema] of Object.entries(keys)) {
    if (key in present || schema['x-clem-replacedBy'] || schema.deprecated) continue;
    if (schema['x-clem-versions'] && !schema['x-clem-versions'].includes(version)) continue;
    // Keys the runtime ignores or crashes on are not worth suggesting; their diagnostics explain them.
    if ((schema['x-clem-runtime'] ?? []).some((n) => n.effect !== 'note' && appliesTo(n.versions, version))) continue;
    const required = (schema['x-clem-required'] ?? []).some((r) => r.when !== 'docs' && appliesTo(r.versions, version) && !r.if);
    items.push({
      label: key,
      kind: 'key',
      detail: `${typeName(schema)}${required ? ', required' : ''}`,
      documentation: schema.markdownDescription ?? schema.description,
      insertText: `"${key}": ${valueSnippet(schema, 1)}`,
      isSnippet: true,
      replace,
      sortText: `${required ? '0' : '1'}${key}`,
    });
  }
  return items;
}

function valueItems(schema: KeySchema, replace?: Span): CompletionEntry[] {
  const values = schema.enum ?? (typeName(schema) === 'boolean' ? [true, false] : []);
  return values.map((v, i) => ({
    label: JSON.stringify(v),
    kind: 'value' as const,
    documentation: schema.markdownDescription,
    insertText: JSON.stringify(v),
    isSnippet: false,
    replace,
    sortText: String(i).padStart(3, '0'),
  }));
}

function backendItems(schemas: SchemaSet, version: string, replace?: Span): CompletionEntry[] {
  return schemas.backendsIn(version).map((name) => {
    const schema = schemas.backends.get(name)!;
    return {
      label: JSON.stringify(name),
      kind: 'value' as const,
      detail: schema.description,
      documentation: schema.markdownDescription,
      insertText: JSON.stringify(name),
      isSnippet: false,
      replace,
      sortText: name,
    };
  });
}

function languageItems(replace?: Span): CompletionEntry[] {
  return [...ISO639_1.values()].map((l) => ({
    label: JSON.stringify(l.code),
    kind: 'value' as const,
    detail: l.name,
    insertText: JSON.stringify(l.code),
    isSnippet: false,
    replace,
    sortText: l.code,
  }));
}

/** A new entry with every key its backend needs in this version, as a snippet with tab stops. */
function entrySnippets(schemas: SchemaSet, version: string): CompletionEntry[] {
  return schemas.backendsIn(version).map((name) => {
    let stop = 1;
    const lines: string[] = [];
    const add = (indent: string, key: string, schema: KeySchema | undefined) => {
      lines.push(`${indent}"${key}": ${valueSnippet(schema, stop++, false)}`);
    };
    const top = schemas.topKeys(name);
    const meta = schemas.backends.get(name)!['x-clem-backend'];
    lines.push(`    "model_name": "\${${stop++}:new-model}"`, `    "backend": "${name}"`);
    for (const [key, schema] of Object.entries(top)) {
      if (key === 'model_name' || key === 'backend' || key === 'model_config') continue;
      const rules = (schema['x-clem-required'] ?? []).filter((r) => appliesTo(r.versions, version) && !r.if);
      if (rules.some((r) => r.when !== 'docs') || (meta.metadata !== false && rules.some((r) => r.when === 'docs'))) add('    ', key, schema);
    }
    const config = schemas.configKeys(name);
    const needed = Object.entries(config).filter(([, s]) => (s['x-clem-required'] ?? []).some((r) => r.when !== 'docs' && appliesTo(r.versions, version) && !r.if));
    if (top.model_config && (needed.length || meta.metadata !== false)) {
      const inner = needed.map(([key, schema]) => `        "${key}": ${valueSnippet(schema, stop++, false)}`);
      lines.push(inner.length ? `    "model_config": {\n${inner.join(',\n')}\n    }` : '    "model_config": {}');
    }
    return {
      label: `${name} entry`,
      kind: 'entry' as const,
      detail: `a new ${name} entry with the keys clemcore ${version} needs`,
      documentation: schemas.backends.get(name)!.markdownDescription,
      insertText: `{\n${lines.join(',\n')}\n}`,
      isSnippet: true,
      sortText: name,
    };
  });
}

/**
 * A value placeholder that fits the key's type. A single key may use its schema's snippet (which numbers its own tab
 * stops from 1); inside a whole entry the stops are numbered across keys, so only the type decides.
 */
function valueSnippet(schema: KeySchema | undefined, stop: number, useSchemaSnippet = true): string {
  const snippet = useSchemaSnippet ? schema?.defaultSnippets?.[0] : undefined;
  if (snippet?.bodyText) return snippet.bodyText;
  if (snippet && snippet.body !== undefined && typeof snippet.body !== 'object') return JSON.stringify(snippet.body);
  switch (typeName(schema)) {
    case 'boolean':
      return `\${${stop}|true,false|}`;
    case 'integer':
    case 'number':
      return `\${${stop}:0}`;
    case 'object':
      return `{$${stop}}`;
    case 'array':
      return `[$${stop}]`;
    default:
      return `"$${stop}"`;
  }
}

function typeName(schema: KeySchema | undefined): string {
  const t = schema?.type;
  return (Array.isArray(t) ? t[0] : t) ?? 'string';
}
