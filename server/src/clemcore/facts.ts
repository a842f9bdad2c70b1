// What the local caches say about a model without loading it: the tokenizer files of the Hugging Face cache and a
// GGUF's metadata. The service never reads files: its callers (the CLI, the language server's checker) read them
// and pass these facts in; nothing is downloaded.

/** What the local Hugging Face cache says about a model's tokenizer. Texts are the tokens' strings. */
export interface TokenizerFacts {
  /** The chat template transformers applies by default (chat_template.jinja, else tokenizer_config.json). */
  chatTemplate?: string;
  eosToken?: string;
  padToken?: string;
  /** The tokens that end generation: generation_config.json's eos_token_id, as texts, and the tokenizer's EOS. */
  stopTokens: string[];
  /** Where the facts were read, for messages. */
  source: string;
}

/** Looks a repository (`org/name`) up in the local cache; undefined when it is not there. */
export type TokenizerFactsSource = (huggingfaceId: string) => TokenizerFacts | undefined;

/** What a GGUF's metadata says, for llama-cpp-python's text path. */
export interface GgufFacts {
  /** `tokenizer.chat_template`, which `premade_chat_template: true` renders. */
  chatTemplate?: string;
  /** The texts of `tokenizer.ggml.bos_token_id` / `eos_token_id`, which clemcore passes as bos_token / eos_token. */
  bosToken?: string;
  eosToken?: string;
  /**
   * Whether a text is one token that llama-cpp-python detokenizes as nothing (a control token, or any token the
   * vocabulary marks special): such a marker never reaches the reply.
   */
  isControlToken(text: string): boolean;
  /** Whether a text is a token of the vocabulary at all; a marker that is not is written as ordinary text. */
  isToken(text: string): boolean;
  /** Where the facts were read, for messages. */
  source: string;
}

/** The GGUF of a llamacpp entry (`huggingface_id`, `filename`) when it is found locally; undefined otherwise. */
export type GgufFactsSource = (huggingfaceId: string, filename: string) => GgufFacts | undefined;

/**
 * The repository-relative paths of a repository's files in the local Hugging Face cache (what is downloaded of it),
 * or undefined when it is not cached.
 */
export type RepoFilesSource = (huggingfaceId: string) => string[] | undefined;
