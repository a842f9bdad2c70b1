// Reads what the local Hugging Face cache holds about a model's tokenizer, for the checks that compare an entry with
// it (the language server and `clem-registry check`). Only files already on disk are read; nothing is downloaded.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { TokenizerFacts } from '../clemcore/facts';
import { isDict } from '../clemcore/python';
import { cachedRepoFile, hubCache, isRepoId, type HubCache } from './modelFiles';

/**
 * How long a lookup is reused without looking at the disk: a full check asks once per entry. After that, the files'
 * modification times tell whether to read them again, so a download shows up and a large tokenizer.json is not
 * parsed again for nothing.
 */
const REUSE_MS = 10_000;
const STAMPED = ['tokenizer_config.json', 'chat_template.jinja', 'generation_config.json'];
/** tokenizer.json can be tens of megabytes; it is read for added tokens only below this size. */
const MAX_TOKENIZER_JSON = 32 * 1024 * 1024;

const memo = new Map<string, { at: number; stamp: string; facts: TokenizerFacts | undefined }>();

/**
 * The names of the cache folder's entries, lower-cased, listed once for a run of many lookups (a check of a whole
 * registry), or undefined when the folder cannot be listed (then each lookup looks for itself). Empty when there is
 * no cache.
 */
export function listHubCache(cache: HubCache = hubCache()): ReadonlySet<string> | undefined {
  try {
    return new Set(readdirSync(cache.dir).map((name) => name.toLowerCase()));
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? new Set() : undefined;
  }
}

/** Whether a repository's folder is in a listing of the cache (true without a listing: then look for it). */
export function isListed(huggingfaceId: string, listed: ReadonlySet<string> | undefined): boolean {
  return !listed || listed.has(`models--${huggingfaceId.split('/').join('--')}`.toLowerCase());
}

/**
 * The facts of a cached repository, or undefined when its tokenizer files are not in the cache. With `listed` (from
 * listHubCache), a repository whose folder is not in the list is not looked for: most entries' repositories are not
 * cached, and each look costs a few file system calls. (Lower-cased, because a file system may ignore case.)
 */
export function readTokenizerFacts(huggingfaceId: string, cache: HubCache = hubCache(), now = Date.now(), listed?: ReadonlySet<string>): TokenizerFacts | undefined {
  if (!isListed(huggingfaceId, listed)) return undefined;
  const key = `${cache.dir}\n${huggingfaceId}`;
  const hit = memo.get(key);
  if (hit && now - hit.at < REUSE_MS) return hit.facts;
  const stamp = stampOf(huggingfaceId, cache);
  if (hit && hit.stamp === stamp) {
    hit.at = now;
    return hit.facts;
  }
  let facts: TokenizerFacts | undefined;
  try {
    facts = readUncached(huggingfaceId, cache);
  } catch {
    facts = undefined; // an unreadable cache says nothing
  }
  if (memo.size > 1000) memo.clear();
  memo.set(key, { at: now, stamp, facts });
  return facts;
}

/** Which snapshot's files, and when each was written: a change means the facts must be read again. */
function stampOf(repo: string, cache: HubCache): string {
  if (!isRepoId(repo)) return '';
  return STAMPED.map((name) => {
    const file = cachedRepoFile(repo, name, cache);
    if (!file) return '-';
    try {
      return `${file}@${statSync(file).mtimeMs}`;
    } catch {
      return '-';
    }
  }).join('|');
}

function readUncached(repo: string, cache: HubCache): TokenizerFacts | undefined {
  if (!isRepoId(repo)) return undefined;
  const configFile = cachedRepoFile(repo, 'tokenizer_config.json', cache);
  if (!configFile) return undefined;
  const config = readJson(configFile);
  if (!config) return undefined;
  const jinjaFile = cachedRepoFile(repo, 'chat_template.jinja', cache);
  const chatTemplate = jinjaFile ? readFileSync(jinjaFile, 'utf8') : configTemplate(config.chat_template);
  const eosToken = tokenText(config.eos_token);
  const padToken = tokenText(config.pad_token);
  const stop = new Set<string>();
  if (eosToken) stop.add(eosToken);
  const generationFile = cachedRepoFile(repo, 'generation_config.json', cache);
  const ids = generationFile ? idList(readJson(generationFile)?.eos_token_id) : [];
  if (ids.length) {
    const texts = addedTokens(config, repo, cache);
    for (const id of ids) {
      const text = texts.get(id);
      if (text) stop.add(text);
    }
  }
  return { chatTemplate, eosToken, padToken, stopTokens: [...stop], source: `read from the local Hugging Face cache` };
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A special token as tokenizer_config.json writes it: a string, or an object with `content`. */
export function specialTokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return undefined;
}

/** The same, with an empty token counted as none. */
function tokenText(value: unknown): string | undefined {
  return specialTokenText(value) || undefined;
}

/** A template of tokenizer_config.json's chat_template: a string, or the named one of a list (`default` without a name). */
export function configTemplate(value: unknown, name = 'default'): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  const named = value.find((t) => isDict(t) && t.name === name);
  return isDict(named) && typeof named.template === 'string' ? named.template : undefined;
}

function idList(value: unknown): number[] {
  if (typeof value === 'number' && Number.isInteger(value)) return [value];
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number' && Number.isInteger(v)) : [];
}

/** Token ids to texts: tokenizer_config.json's added_tokens_decoder, else tokenizer.json's added_tokens. */
function addedTokens(config: Record<string, unknown>, repo: string, cache: HubCache): Map<number, string> {
  const out = new Map<number, string>();
  const decoder = config.added_tokens_decoder;
  if (decoder && typeof decoder === 'object' && !Array.isArray(decoder)) {
    for (const [id, token] of Object.entries(decoder as Record<string, unknown>)) {
      const text = tokenText(token);
      if (text && /^\d+$/.test(id)) out.set(Number(id), text);
    }
    if (out.size) return out;
  }
  const tokenizerFile = cachedRepoFile(repo, 'tokenizer.json', cache);
  if (!tokenizerFile || statSync(tokenizerFile).size > MAX_TOKENIZER_JSON) return out;
  const added = readJson(tokenizerFile)?.added_tokens;
  if (Array.isArray(added)) {
    for (const t of added) {
      const { id, content } = (t ?? {}) as { id?: unknown; content?: unknown };
      if (typeof id === 'number' && typeof content === 'string') out.set(id, content);
    }
  }
  return out;
}
