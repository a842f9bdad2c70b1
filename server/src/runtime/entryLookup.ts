// Which registry entry clemcore really uses for a model name: the working directory's registry before the packaged
// one, and in each the first entry that unifies with {"model_name": NAME} (an entry without model_name unifies with
// every name). Python's json.load reads the files, so a file it rejects is ignored as a whole.
import { isDict } from '../clemcore/python';

export interface RegistrySource {
  /** A label for reports: the file path, or "packaged". */
  label: string;
  text: string;
}

export interface LoadedRegistry {
  label: string;
  entries: Record<string, unknown>[];
  /** Why clemcore ignores this registry, when it does. */
  ignored?: string;
  /** Why clemcore drops some of its entries (clemcore 3.3 and a missing backend). */
  note?: string;
}

export interface FoundEntry {
  registry: string;
  index: number;
  entry: Record<string, unknown>;
}

/** Reads a registry as clemcore does: JSON (NaN allowed, as in Python), a single object wrapped into a list. */
export function loadRegistry(source: RegistrySource, clemcoreVersion = '3.7'): LoadedRegistry {
  let value: unknown;
  try {
    // Python's json accepts NaN and Infinity; JSON.parse does not. Replace them outside strings only.
    value = JSON.parse(source.text.replace(/"(?:[^"\\]|\\.)*"|-?\bInfinity\b|\bNaN\b/g, (m) => (m.startsWith('"') ? m : 'null')));
  } catch (err) {
    return { label: source.label, entries: [], ignored: `it is not valid JSON (${(err as Error).message}), so clemcore ignores the whole file` };
  }
  const list = Array.isArray(value) ? value : [value];
  const entries = list.filter(isDict);
  if (entries.length !== list.length) {
    return { label: source.label, entries: [], ignored: 'it holds something other than entry objects, so clemcore fails to register it and ignores the whole file' };
  }
  const noBackend = entries.findIndex((e) => !('backend' in e));
  if (noBackend >= 0 && clemcoreVersion === '3.3') {
    return { label: source.label, entries: entries.slice(0, noBackend), note: `${entryName(entries[noBackend], noBackend)} has no "backend", so clemcore 3.3 drops it and every entry after it` };
  }
  if (noBackend >= 0) {
    return { label: source.label, entries, ignored: `${entryName(entries[noBackend], noBackend)} has no "backend", so clemcore ignores the whole file` };
  }
  return { label: source.label, entries };
}

/** An entry as a person names it: by its model_name, else by its place counted from 1 (`the 3rd entry`). */
export function entryName(entry: Record<string, unknown> | undefined, index: number): string {
  return typeof entry?.model_name === 'string' ? `the entry \`${entry.model_name}\`` : `the ${ordinal(index + 1)} entry`;
}

/** 1st, 2nd, 3rd, 4th, 11th, 21st, ... */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** The entry a lookup of `modelName` returns across `registries` in order, as nltk unification of a name selector does. */
export function lookupModel(registries: LoadedRegistry[], modelName: string): FoundEntry | undefined {
  for (const r of registries) {
    if (r.ignored) continue;
    const index = r.entries.findIndex((e) => !('model_name' in e) || e.model_name === modelName);
    if (index >= 0) return { registry: r.label, index, entry: r.entries[index] };
  }
  return undefined;
}

/** Every entry named `modelName`, in lookup order (to tell the user about shadowed duplicates). */
export function entriesNamed(registries: LoadedRegistry[], modelName: string): FoundEntry[] {
  const out: FoundEntry[] = [];
  for (const r of registries) {
    r.entries.forEach((entry, index) => {
      if (entry.model_name === modelName) out.push({ registry: r.label, index, entry });
    });
  }
  return out;
}
