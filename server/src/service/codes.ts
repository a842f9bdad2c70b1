// The stable diagnostic codes: each with its default severity and the one-line explanation the README lists.
import type { Severity } from './types';

export interface CodeInfo {
  severity: Severity;
  summary: string;
  /** Set on the codes that mean Python's json.load fails on the file (clemcore then ignores all of it). */
  pythonJsonRejects?: true;
}

export const DIAGNOSTIC_CODES = {
  // JSON syntax, as Python's json module reads the file
  'json-syntax': { severity: 'error', summary: "The file is not JSON that Python's json.load reads (a syntax error, a BOM or an encoding other than UTF-8, nesting or an integer past Python's limits); clemcore ignores the whole file.", pythonJsonRejects: true },
  'json-invalid-escape': { severity: 'error', summary: 'A backslash escape JSON does not have, such as `\\|`; write `\\\\|` for a regex escape.', pythonJsonRejects: true },
  'json-trailing-comma': { severity: 'error', summary: "A trailing comma; Python's json rejects it and clemcore ignores the file.", pythonJsonRejects: true },
  'json-comment': { severity: 'error', summary: "A comment; Python's json rejects comments.", pythonJsonRejects: true },
  'json-duplicate-key': { severity: 'warning', summary: 'A key appears twice in one object; Python silently keeps the last one.' },
  'json-nan': { severity: 'warning', summary: '`NaN` or `Infinity`: Python accepts them, JSON does not.' },
  'top-level-shape': { severity: 'error', summary: 'The top level must be an array of entry objects or a single entry object.' },
  // backend
  'missing-backend': { severity: 'error', summary: 'An entry without `backend`; clemcore then silently ignores the whole file.' },
  'unknown-backend': { severity: 'error', summary: 'A backend clemcore does not have, with a did-you-mean.' },
  'removed-backend': { severity: 'error', summary: 'A backend the target clemcore version no longer has.' },
  // keys
  'missing-key': { severity: 'error', summary: 'A key the backend needs, with the moment clemcore fails without it (load or first generation).' },
  'missing-doc-key': { severity: 'information', summary: 'A key the registry README calls mandatory but clemcore never reads (or reads with a default that serves until a message carries an image).' },
  'type-mismatch': { severity: 'error', summary: 'A value of the wrong JSON type.' },
  'invalid-value': { severity: 'error', summary: 'A value outside the set the runtime accepts (e.g. `padding_side`).' },
  'unknown-key': { severity: 'warning', summary: 'A key no clemcore code reads for this backend, with a did-you-mean (old key names point to their replacement).' },
  'old-format-entry': { severity: 'error', summary: 'An entry in the registry format before March 2025 (backend keys at the top level, no `model_config`), with the migration clemcore\'s format change made.' },
  'misplaced-key': { severity: 'error', summary: 'A key at the wrong level: inside `model_config` instead of the top level, or the reverse, or outside `multimodality`.' },
  'id-key-mismatch': { severity: 'error', summary: '`huggingface_id` where the backend reads `model_id`, or the reverse.' },
  'size-mismatch': { severity: 'warning', summary: 'A size in `model_name` that disagrees with the id it loads or with `parameters`.' },
  'backend-broken': { severity: 'warning', summary: 'A backend that cannot run in the target clemcore version (e.g. vllm in 3.3.x).' },
  'reserved-key': { severity: 'error', summary: 'A key that shadows a `ModelSpec` method and breaks loading.' },
  'padding-side-missing': { severity: 'warning', summary: 'huggingface_local under clemcore 3.3 without `padding_side`: 3.3 pads decoder-only models on the right, which spoils batched replies.' },
  'presence-flag-false': { severity: 'warning', summary: 'A presence-only flag written as `false`: clemcore still switches it on.' },
  'ignored-key': { severity: 'warning', summary: 'A key the target clemcore version ignores (llamacpp `execute_on`), also because of another key (`custom_chat_template` next to `premade_chat_template: true`).' },
  'runtime-note': { severity: 'information', summary: 'A key that works, but not as its name or the README suggests.' },
  'key-crash': { severity: 'error', summary: 'A key whose presence makes the target clemcore version crash.' },
  'template-missing': { severity: 'error', summary: '`premade_chat_template: false` without a `custom_chat_template`.' },
  'cot-end-tag-missing': { severity: 'error', summary: '`cot_output` without a `cot_end_tag`: KeyError at the first generation.' },
  // Python regex fields
  'regex-syntax': { severity: 'error', summary: "A pattern Python's `re` rejects (judged as CPython 3.11 does), at the offending character." },
  'regex-py310': { severity: 'warning', summary: 'A pattern that Python 3.10, which clemcore also supports, judges differently.' },
  'regex-unescaped-bar': { severity: 'error', summary: 'An unescaped `|` inside a special token: `<|im_end|>` means `<` OR `im_end` OR `>`.' },
  'regex-over-escaped': { severity: 'error', summary: 'Doubled escaping such as `<\\\\\\\\|im_end\\\\\\\\|>`: the pattern looks for backslashes.' },
  'regex-empty-match': { severity: 'warning', summary: 'A pattern that can match the empty string.' },
  'regex-single-char': { severity: 'error', summary: 'A pattern that matches single ordinary characters, so it deletes them from every reply (when no other finding on the value explains why).' },
  'regex-self-mismatch': { severity: 'warning', summary: 'A pattern that does not match its own unescaped text.' },
  'regex-empty': { severity: 'information', summary: 'An empty pattern: culling does nothing.' },
  'eos-not-culled': { severity: 'warning', summary: 'The dry run: `eos_to_cull` does not remove the end marker the model writes after its answer (from the custom template, the cached tokenizer or the GGUF), so it stays in every reply.' },
  'reply-culled': { severity: 'error', summary: 'The dry run: `eos_to_cull` (or `output_split_prefix`) removes the answer together with the end marker.' },
  'cot-answer-lost': { severity: 'error', summary: 'The dry run: with `cot_output`, the answer is lost in the CoT split (`cot_end_tag` leaves it empty, or an earlier step removes the tag).' },
  'split-prefix-missing': { severity: 'warning', summary: 'The dry run: the reply cannot contain `output_split_prefix` (the prompt already ends with it, or it is a control token), and llamacpp/vllm fail with IndexError.' },
  'literal-has-escapes': { severity: 'warning', summary: 'A literal field (not a regex) that carries regex escapes such as `\\\\|`.' },
  // Jinja chat templates
  'jinja-syntax': { severity: 'error', summary: 'A chat template that does not parse, at the exact position.' },
  'jinja-no-messages': { severity: 'warning', summary: 'A chat template that never reads `messages`.' },
  'jinja-no-generation-prompt': { severity: 'information', summary: 'A chat template that ignores `add_generation_prompt`.' },
  'jinja-undefined-variable': { severity: 'warning', summary: 'A chat template that reads what its backend does not pass (huggingface_multimodal passes only `messages`).' },
  'jinja-whitespace': { severity: 'warning', summary: "A chat template whose prompt differs from its text because of Jinja2's whitespace rules: a last line break that is dropped, a line break or an indentation that trim_blocks or lstrip_blocks removes; with the fix." },
  // formats
  'release-date': { severity: 'warning', summary: '`release_date` is not a real ISO date (YYYY-MM-DD).' },
  'context-size': { severity: 'hint', summary: '`context_size` not in the form `128k`/`4096` that the runtime parses.' },
  'parameters-format': { severity: 'hint', summary: '`parameters` not in the form `7B`, `46.7B`, `1.76T` (or empty for unknown).' },
  'language-code': { severity: 'warning', summary: '`languages` entries that are not language codes.' },
  'license-format': { severity: 'warning', summary: '`license` without a `name` and a `url`.' },
  'gguf-filename': { severity: 'warning', summary: 'A llamacpp `filename` glob that cannot match the usual repository layout.' },
  // across entries
  'duplicate-model-name': { severity: 'warning', summary: 'A `model_name` used before: the first entry wins every lookup.' },
  'missing-model-name': { severity: 'error', summary: 'An entry without `model_name` matches every later lookup.' },
  'reserved-model-name': { severity: 'error', summary: 'A `model_name` clemcore intercepts (`human`, `terminal`, `mock`, `programmatic`).' },
  'lookup-source': { severity: 'warning', summary: 'A hand-written `lookup_source`; clemcore sets it itself.' },
} satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function defaultSeverity(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code].severity as Severity;
}

/** Whether a finding with this code means Python's json.load fails on the file (not json-nan, json-duplicate-key). */
export function pythonJsonRejects(code: string): boolean {
  return (DIAGNOSTIC_CODES as Record<string, CodeInfo>)[code]?.pythonJsonRejects === true;
}
