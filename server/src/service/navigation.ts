// Navigation around duplicate names: a code lens above an entry that an earlier one shadows, and go-to-definition
// from a duplicated name to the entry that wins lookups.
import type { RegistryDocument } from './registryDocument';
import type { Span } from './types';

export interface ShadowLens {
  /** The shadowed entry's model_name value. */
  at: Span;
  title: string;
  /** The model_name of the entry that wins. */
  target: Span;
}

export function shadowLenses(doc: RegistryDocument): ShadowLens[] {
  return doc
    .diagnostics()
    .filter((d) => d.code === 'duplicate-model-name' && d.related?.length)
    .map((d) => ({
      at: { offset: d.offset, length: d.length },
      title: `An earlier entry (${d.data?.winnerIndex}) named ${JSON.stringify(d.data?.name)} wins every lookup of this name`,
      target: { offset: d.related![0].offset, length: d.related![0].length },
    }));
}

/** From inside a duplicated model_name, the name of the entry that wins; undefined elsewhere. */
export function winnerOf(doc: RegistryDocument, offset: number): Span | undefined {
  const lens = shadowLenses(doc).find((l) => offset >= l.at.offset && offset <= l.at.offset + l.at.length);
  return lens?.target;
}

/** Backends whose entries can be run with llama.cpp, and those with a chat template to preview. */
const RUNNABLE = new Set(['llamacpp', 'huggingface_local']);
const WITH_TEMPLATE = new Set(['llamacpp', 'huggingface_local']);

export interface EntryLens {
  /** The entry's opening brace. */
  at: Span;
  index: number;
  modelName: string;
  action: 'test' | 'preview';
}

/** "Test entry" above each llamacpp and huggingface_local entry and "Preview template" above each entry with a chat template. */
export function entryLenses(doc: RegistryDocument): EntryLens[] {
  const out: EntryLens[] = [];
  for (const entry of doc.entries()) {
    if (entry.modelName === undefined) continue;
    // A file holding one entry object has no index: clemcore wraps it into a list, where it is entry 0.
    const index = entry.index ?? 0;
    const backend = backendOf(entry.text);
    const at = { offset: entry.start, length: 1 };
    if (backend && RUNNABLE.has(backend)) out.push({ at, index, modelName: entry.modelName, action: 'test' });
    if (backend && WITH_TEMPLATE.has(backend)) out.push({ at, index, modelName: entry.modelName, action: 'preview' });
  }
  return out;
}

function backendOf(entryText: string): string | undefined {
  try {
    const value = JSON.parse(entryText) as { backend?: unknown };
    return typeof value.backend === 'string' ? value.backend : undefined;
  } catch {
    return undefined;
  }
}
