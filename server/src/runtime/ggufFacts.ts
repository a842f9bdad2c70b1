// Reads what a llamacpp entry's GGUF says for the dry run (its chat template, BOS/EOS texts, which texts are control
// tokens), when the file is found in the local Hugging Face cache the way llama-cpp-python matches `filename`.
// Only files already on disk are read, and only their metadata; nothing is downloaded.
import { statSync } from 'node:fs';
import type { GgufFacts } from '../clemcore/facts';
import { readGgufMetadata, summarizeGguf, type GgufMetadata } from './gguf';
import { cachedFiles, hubCache, isRepoId, resolveGguf, type HubCache } from './modelFiles';

const memo = new Map<string, { stamp: number; facts: GgufFacts | undefined }>();

/** The facts of an entry's GGUF, or undefined when the file is not cached (or not readable). */
export function readGgufFacts(huggingfaceId: string, filename: string, cache: HubCache = hubCache()): GgufFacts | undefined {
  let file: string;
  try {
    const resolved = resolveGguf(huggingfaceId, filename, cache);
    if (!resolved.ok) return undefined;
    file = resolved.path;
  } catch {
    return undefined;
  }
  try {
    const stamp = statSync(file).mtimeMs;
    const hit = memo.get(file);
    if (hit && hit.stamp === stamp) return hit.facts;
    const facts = ggufFactsOf(readGgufMetadata(file), `read from the GGUF ${file}`);
    if (memo.size > 100) memo.clear();
    memo.set(file, { stamp, facts });
    return facts;
  } catch {
    return undefined; // a malformed file says nothing
  }
}

/** The dry run's view of GGUF metadata. */
export function ggufFactsOf(meta: GgufMetadata, source: string): GgufFacts {
  const summary = summarizeGguf(meta);
  const tokens = meta.values.get('tokenizer.ggml.tokens');
  const types = meta.values.get('tokenizer.ggml.token_type');
  let byText: Map<string, number> | undefined;
  const typeOf = (text: string): number | undefined => {
    if (!byText) {
      byText = new Map();
      if (Array.isArray(tokens)) tokens.forEach((t, i) => typeof t === 'string' && !byText!.has(t) && byText!.set(t, Array.isArray(types) ? Number(types[i]) : 1));
    }
    return byText.get(text);
  };
  return {
    chatTemplate: summary.chatTemplate,
    bosToken: summary.bos?.text,
    eosToken: summary.eos?.text,
    // llama.cpp's token_to_piece with special=false renders control tokens (type 3) as nothing.
    isControlToken: (text) => typeOf(text) === 3,
    isToken: (text) => typeOf(text) !== undefined,
    source,
  };
}

const listings = new Map<string, { at: number; files: string[] | undefined }>();
/** A full check asks once per llamacpp entry: a listing is reused for this long. */
const LISTING_REUSE_MS = 10_000;

/** The files of a repository's snapshot in the local cache, or undefined when it is not cached. */
export function readRepoFiles(huggingfaceId: string, cache: HubCache = hubCache(), now = Date.now()): string[] | undefined {
  if (!isRepoId(huggingfaceId)) return undefined;
  const key = `${cache.dir}\n${huggingfaceId}`;
  const hit = listings.get(key);
  if (hit && now - hit.at < LISTING_REUSE_MS) return hit.files;
  const files = cachedFiles(huggingfaceId, cache);
  if (listings.size > 1000) listings.clear();
  listings.set(key, { at: now, files: files.length ? files : undefined });
  return files.length ? files : undefined;
}
