// Before "Test model entry" offers to install the llama.cpp runtime: is there a model file to run? The GGUF that the
// clemRegistry.modelFiles setting names, else (llamacpp entries) the one the entry resolves to in the Hugging Face
// cache, as the test itself finds it. No editor API here, so it is tested on its own.
import { statSync } from 'node:fs';
import { isDict } from '../../server/src/clemcore/python';
import { loadRegistry } from '../../server/src/runtime/entryLookup';
import { hubCache, resolveGguf, type HubCache } from '../../server/src/runtime/modelFiles';
import { sentence } from '../../server/src/runtime/reportBuilder';

export type ModelFileCheck =
  /** The model file is there: running the test needs the runtime. */
  | { kind: 'found'; path: string }
  /** The test stops before loading a model (no such entry, or a backend it does not run): no runtime needed. */
  | { kind: 'not-needed' }
  /** The entry needs a model file and none is there; `message` says why, in sentences. */
  | { kind: 'missing'; message: string };

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function checkModelFile(options: {
  registryText: string;
  entryIndex: number;
  /** The GGUF the clemRegistry.modelFiles setting names for the entry, and how to name that setting. */
  override?: { path: string; source: string };
  clemcoreVersion?: string;
  cache?: HubCache;
}): ModelFileCheck {
  const entry = loadRegistry({ label: 'registry', text: options.registryText }, options.clemcoreVersion).entries[options.entryIndex];
  if (!entry || (entry.backend !== 'llamacpp' && entry.backend !== 'huggingface_local')) return { kind: 'not-needed' };
  if (options.override) {
    return isFile(options.override.path)
      ? { kind: 'found', path: options.override.path }
      : { kind: 'missing', message: `The GGUF file ${options.override.path} (from ${options.override.source}) does not exist or is not a file.` };
  }
  if (entry.backend === 'huggingface_local') {
    return { kind: 'missing', message: 'A huggingface_local entry runs here on a GGUF of the same model, in place of transformers, and none is named.' };
  }
  const repo = entry.huggingface_id;
  const pattern = isDict(entry.model_config) ? entry.model_config.filename : undefined;
  if (typeof repo !== 'string' || typeof pattern !== 'string') {
    return { kind: 'missing', message: 'The entry names no model file: it needs a huggingface_id and a model_config.filename.' };
  }
  const resolved = resolveGguf(repo, pattern, options.cache ?? hubCache());
  return resolved.ok ? { kind: 'found', path: resolved.path } : { kind: 'missing', message: sentence(resolved.error.split('\n')[0]) };
}
