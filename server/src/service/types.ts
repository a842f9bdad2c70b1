// Shapes shared by every part of the registry language service: diagnostics, paths and settings.

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type JsonPath = (string | number)[];

/** A place in the document, as UTF-16 offsets into the text. */
export interface Span {
  offset: number;
  length: number;
}

export interface RelatedInformation extends Span {
  message: string;
}

/**
 * One finding. Offsets are absolute in the document that was checked. `data` carries what a quick fix needs,
 * so that code actions never have to re-validate.
 */
export interface RegistryDiagnostic extends Span {
  code: string;
  severity: Severity;
  message: string;
  /** JSON path of the node the finding is about: `[]` for the whole file, array indexes as numbers. */
  path: JsonPath;
  data?: DiagnosticData;
  related?: RelatedInformation[];
  tags?: ('unnecessary' | 'deprecated')[];
}

/** What quick fixes need; every field is optional and specific to the rule that set it. */
export interface DiagnosticData {
  /** A replacement for the diagnostic's span, in file text (already JSON-escaped where needed). */
  replacement?: string;
  /** Candidate names for did-you-mean fixes. */
  suggestions?: string[];
  /** The key the finding is about. */
  key?: string;
  /** Where a misplaced key belongs, as a path relative to the entry. */
  targetPath?: JsonPath;
  /** A span whose removal is the fix (e.g. a whole `"key": value` pair); absolute like the diagnostic's own offset. */
  remove?: Span;
  /** Keys that are missing, with the value kind their schema gives. */
  missingKeys?: { key: string; parentPath: JsonPath; type?: string }[];
  [extra: string]: unknown;
}

export type { GgufFacts, GgufFactsSource, RepoFilesSource, TokenizerFacts, TokenizerFactsSource } from '../clemcore/facts';
import type { GgufFactsSource, RepoFilesSource, TokenizerFactsSource } from '../clemcore/facts';

export interface ServiceSettings {
  /** The clemcore runtime to check against, e.g. "3.7". */
  clemcoreVersion?: string;
  /** Per-code severity overrides; "off" drops the diagnostic. */
  severity?: Record<string, Severity | 'off'>;
  /** Absolute path of the file, when known (used by the lookup_source rule). */
  documentPath?: string;
  /** The local Hugging Face cache, for the checks that compare an entry with its tokenizer; none without it. */
  tokenizerFacts?: TokenizerFactsSource;
  /** A llamacpp entry's GGUF in the local caches (never downloaded), for the dry run's end marker; none without it. */
  ggufFacts?: GgufFactsSource;
  /** A repository's files in the local Hugging Face cache, for llamacpp `filename` globs; none without it. */
  repoFiles?: RepoFilesSource;
}
