// A huggingface_local entry's tokenizer as the local Hugging Face cache holds it, for Test model entry:
// tokenizer_config.json (special tokens, chat template, pad token), chat_template.jinja, config.json (context size)
// and tokenizer.json, run with @huggingface/tokenizers. Only files already on disk are read; nothing is downloaded.
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { parseContextSize37 } from '../clemcore/contextSize';
import { isDict } from '../clemcore/python';
import { cachedRepoFile, isRepoId, type HubCache } from './modelFiles';
import { specialTokenText } from './tokenizerFacts';

interface JsonFile {
  file: string;
  value: Record<string, unknown>;
}

export interface HfTokenizerFiles {
  /** tokenizer_config.json. */
  config?: JsonFile;
  /** chat_template.jinja, which transformers prefers to the config's chat_template. */
  jinja?: { file: string; text: string };
  /** The model's config.json (its context size). */
  modelConfig?: JsonFile;
  /** tokenizer.json, loaded. */
  tokenizer?: { file: string; tokenizer: HfTokenizer };
  /** Files that are cached but cannot be read or loaded, with why. */
  unreadable: string[];
}

/** The Hugging Face tokenizer, as far as clemcore's text path uses it. */
export interface HfTokenizer {
  encode(text: string, addSpecialTokens: boolean): number[];
  /** Decoded with special tokens kept, as transformers' decode and batch_decode do by default. */
  decode(ids: number[]): string;
  /** A token's text in the vocabulary, for messages. */
  tokenText(id: number): string | undefined;
}


/** The cached tokenizer files of `repo` (none when it is not cached). */
export function readHfTokenizerFiles(repo: string, cache: HubCache): HfTokenizerFiles {
  const out: HfTokenizerFiles = { unreadable: [] };
  if (!isRepoId(repo)) return out;
  const json = (name: string): JsonFile | undefined => {
    const file = cachedRepoFile(repo, name, cache);
    if (!file) return undefined;
    try {
      const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (isDict(value)) return { file, value };
      out.unreadable.push(`${file}: not a JSON object`);
    } catch (err) {
      out.unreadable.push(`${file}: ${(err as Error).message}`);
    }
    return undefined;
  };
  out.config = json('tokenizer_config.json');
  out.modelConfig = json('config.json');
  const jinjaFile = cachedRepoFile(repo, 'chat_template.jinja', cache);
  if (jinjaFile) out.jinja = { file: jinjaFile, text: readFileSync(jinjaFile, 'utf8') };
  const tokenizerJson = json('tokenizer.json');
  if (tokenizerJson) {
    try {
      out.tokenizer = { file: tokenizerJson.file, tokenizer: wrap(new Tokenizer(tokenizerJson.value, out.config?.value ?? {})) };
    } catch (err) {
      out.unreadable.push(`${tokenizerJson.file}: @huggingface/tokenizers cannot load it (${(err as Error).message})`);
    }
  }
  return out;
}

function wrap(tokenizer: Tokenizer): HfTokenizer {
  return {
    encode: (text, addSpecialTokens) => tokenizer.encode(text, { add_special_tokens: addSpecialTokens }).ids,
    decode: (ids) => tokenizer.decode(ids, { skip_special_tokens: false }),
    tokenText: (id) => tokenizer.id_to_token(id),
  };
}

/**
 * The special tokens transformers passes to a chat template (its special_tokens_map): every `*_token` of
 * tokenizer_config.json with a text, and additional_special_tokens.
 */
export function specialTokenVariables(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const text = key.endsWith('_token') ? specialTokenText(value) : undefined;
    if (text) out[key] = text;
  }
  const extra = config.additional_special_tokens;
  if (Array.isArray(extra)) out.additional_special_tokens = extra.map(specialTokenText).filter((t): t is string => t !== undefined);
  return out;
}

/**
 * The context size clemcore reads from AutoConfig: max_position_embeddings, else n_positions, else (3.7)
 * text_config.max_position_embeddings; undefined when config.json has none of them.
 */
export function configContextSize(modelConfig: Record<string, unknown>, version: string): { size: number; key: string } | undefined {
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
  const direct = int(modelConfig.max_position_embeddings);
  if (direct) return { size: direct, key: 'max_position_embeddings' };
  const n = int(modelConfig.n_positions);
  if (n) return { size: n, key: 'n_positions' };
  const nested = version !== '3.3' && isDict(modelConfig.text_config) ? int(modelConfig.text_config.max_position_embeddings) : undefined;
  return nested ? { size: nested, key: 'text_config.max_position_embeddings' } : undefined;
}

/** clemcore 3.7's _parse_context_size of the entry's context_size: an int, or digits with an optional k / m. */
export function parseContextSize(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return typeof value === 'string' ? parseContextSize37(value) : undefined;
}
