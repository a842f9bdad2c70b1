// Robustness: thousands of mutated registries, each checked in full and incrementally. The service must never throw,
// every diagnostic must be well-formed and inside the text, and an incrementally updated document must report exactly
// what a fresh full check of the same text reports. Deterministic: each case comes from (family, index) alone.
// Each family runs in a worker thread with a watchdog, so a hang (a synchronous loop that node:test's own timeout
// cannot interrupt) fails with the case that hung instead of blocking the run.
import { Rng, seedOf } from '../support/random';
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const CORPUS = process.env.CLEM_SHARED_CORPUS ?? path.resolve(__dirname, '../../../shared/corpus');
const CORPUS_FILES = ['clemcore-2025-12-16-8bd08307.json', 'clemcore-2026-04-15-ef82bb43.json'];

const CHATML_FACTS = {
  chatTemplate: "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' }}{% endfor %}",
  eosToken: '</s>',
  stopTokens: ['</s>', '<|im_end|>'],
  source: 'a stand-in cache',
};

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness

// ---------------------------------------------------------------------------------------------------------------
// Seeds

const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const LICENSE = { name: 'Apache 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' };

/** A small valid registry over several backends, with regex and Jinja values, dates and languages. */
export function smallRegistry(): string {
  const meta = (params: string, open = true) => ({ release_date: '2024-09-19', open_weight: open, parameters: params, languages: ['en', 'de', 'zh'], context_size: '128k', license: LICENSE });
  return JSON.stringify([
    {
      model_name: 'qwen2.5-7b-local', backend: 'huggingface_local', huggingface_id: 'Qwen/Qwen2.5-7B-Instruct', ...meta('7B'),
      model_config: { premade_chat_template: false, custom_chat_template: CHATML_TEMPLATE, eos_to_cull: '<\\|im_end\\|>' },
    },
    {
      model_name: 'llama-3.1-8b-gguf', backend: 'llamacpp', huggingface_id: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF', ...meta('8B'),
      model_config: { premade_chat_template: true, filename: '*Q4_K_M.gguf', eos_to_cull: '<\\|eot_id\\|>', bos_string: '<|begin_of_text|>', eos_string: '<|eot_id|>' },
    },
    { model_name: 'gpt-4o-2024-08-06', backend: 'openai', model_id: 'gpt-4o-2024-08-06', ...meta('', false), model_config: {} },
    { model_name: 'claude-3-5-sonnet-20240620', backend: 'anthropic', model_id: 'claude-3-5-sonnet-20240620', ...meta('', false), model_config: {} },
    {
      model_name: 'mistral-7b-vllm', backend: 'vllm', huggingface_id: 'mistralai/Mistral-7B-Instruct-v0.3', ...meta('7B'),
      model_config: { premade_chat_template: true, eos_to_cull: '</s>', number_gpus: 1 },
    },
    { model_name: 'mistral-large-2407', backend: 'mistral', model_id: 'mistral-large-2407', ...meta('123B'), model_config: {} },
    { model_name: 'gpt-oss-20b-openrouter', backend: 'openrouter', model_id: 'openai/gpt-oss-20b', ...meta('20B'), model_config: { reasoning_model: true } },
    {
      model_name: 'llava-1.5-7b-hf', backend: 'huggingface_multimodal', huggingface_id: 'llava-hf/llava-1.5-7b-hf', ...meta('7B'),
      model_config: {
        model_class: 'transformers.LlavaForConditionalGeneration', processor_class: 'transformers.AutoProcessor', processor_config: {},
        mm_model_config: { device_map: 'auto' }, prompt: 'clemcore.backends.multimodal_utils.generate_llava_prompt_text',
        response: 'clemcore.backends.multimodal_utils.generate_llava_response', multimodality: { single_image: true, multiple_images: false },
      },
    },
    { model_name: 'slurk', backend: 'slurk', response_timeout: 1800, join_timeout: 300, bot_name: 'Game Master', room_layout_path: 'packaged' },
  ], null, 4);
}

interface Corpus {
  /** Entry texts of the real registries, as written. */
  entries: string[];
  wholeFiles: string[];
}

let corpusCache: Corpus | null | undefined;
function corpus(): Corpus | null {
  if (corpusCache !== undefined) return corpusCache;
  if (!existsSync(path.join(CORPUS, CORPUS_FILES[0]))) return (corpusCache = null);
  const entries: string[] = [];
  const wholeFiles: string[] = [];
  for (const f of CORPUS_FILES) {
    const p = path.join(CORPUS, f);
    if (!existsSync(p)) continue;
    const text = readFileSync(p, 'utf8');
    wholeFiles.push(text);
    // Entries are the objects at the top level, each written as "    {" ... "    }" with 4-space indentation.
    const re = /^ {4}\{$[\s\S]*?^ {4}\}/gm;
    for (let m = re.exec(text); m; m = re.exec(text)) entries.push(m[0].slice(4));
  }
  return (corpusCache = { entries, wholeFiles });
}

/** A registry of `count` consecutive real entries from a random place. */
function corpusSlice(rng: Rng, c: Corpus): string {
  if (rng.chance(0.03)) return rng.pick(c.wholeFiles.slice(1).concat(c.wholeFiles[0]));
  const count = rng.int(1, 8);
  const start = rng.int(0, Math.max(0, c.entries.length - count));
  return `[\n${c.entries.slice(start, start + count).map((e) => `    ${e}`).join(',\n')}\n]`;
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations

const TOKENS = [
  '"', '\\', '\\\\', '{', '}', '[', ']', ',', ':', ' ', '\n', '\t', '\r\n', '\u0000', '\\u0000', '\\u00', '\\x', '\\|',
  '\\\\|', '\uD800', '\uDC00', '\uDBFF\uDFFF', '😀', '\\uD83D', '\\uDE00', '|', '(', ')', '[', '{%', '%}', '{{', '}}',
  '{#', '#}', 'null', 'true', 'false', '1e999', '-1e999', 'NaN', '-Infinity', 'Infinity', '//', '/*', '*/', 'é',
  '\u2028', '\uFEFF', '0', '-', '1.', '.5', '"model_name": "x",', '"backend": "llamacpp",', '"eos_to_cull": "(",',
  '"model_config": {},', '"backend": "vllm"', ',,', '{}', '[]', '""', '"a": 1', 'model_name', 'backend',
];
const REGEX_PIECES = [
  '(', ')', '[', ']', '[^', '\\', '\\|', '\\\\|', '|', '*', '+?', '{2,1}', '{,3}', '{99999999999}', '(?P<n>', '(?P=n)',
  '(?<=a)', '(?<!ab*)', '(?i)', '(?x)', '(?', '(?#', '\\1', '\\99', '\\d', '\\p{L}', '\\N{DASH}', '\\u12', '$', '^',
  '<|im_end|>', '<\\|eot_id\\|>', '(a*)*b', '[\\]', '[a-', 'z-a]', '.', '\\Z', '\\z', '\\A', '(?>a)', 'a++', '(?-i:x)',
];
const JINJA_PIECES = [
  '{%', '%}', '{{', '}}', '{#', '#}', '{%-', '-%}', '{% for m in messages %}', '{% endfor %}', '{% if x %}', '{% endif %}',
  '{% else %}', '{% elif %}', '{{ messages[0][\'content\'] }}', '|tojson', '| trim', '{% set x = %}', '{% raw %}',
  '{% endraw %}', '{{ add_generation_prompt }}', "{{ raise_exception('no') }}", '{% macro m() %}', '{% endmacro %}',
  "'", '"', '\\n', '(', ')', '[', ']', '.', '~', '**', 'loop.index0', '{% break %}', '{% generation %}',
];

function insertAt(text: string, at: number, piece: string): string {
  return text.slice(0, at) + piece + text.slice(at);
}

/** Offsets just inside the string values of `key` (after the opening quote). */
function valueStarts(text: string, key: string): number[] {
  const out: number[] = [];
  const needle = `"${key}": "`;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) out.push(i + needle.length);
  return out;
}

/** Offsets just inside any string value (after `": "`). */
function anyValueStarts(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('": "'); i >= 0; i = text.indexOf('": "', i + 1)) out.push(i + 4);
  return out;
}

/** The insides (between the quotes) of the simple string values of `key`. */
function stringValueSpans(text: string, key: string): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  const re = new RegExp(`"${key}": "([^"\\\\\\n]*)"`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ offset: m.index + key.length + 5, length: m[1].length });
  return out;
}

function jsonInner(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

type Mutation = (rng: Rng, text: string) => string;

const MUTATIONS: Record<string, Mutation> = {
  truncate: (rng, t) => t.slice(0, rng.int(0, t.length)),
  insert: (rng, t) => {
    let out = t;
    for (let n = rng.int(1, 4); n > 0; n--) out = insertAt(out, rng.int(0, out.length), rng.pick(TOKENS));
    return out;
  },
  insertChar: (rng, t) => insertAt(t, rng.int(0, t.length), String.fromCharCode(rng.int(0, 0xffff))),
  delete: (rng, t) => {
    const at = rng.int(0, t.length);
    return t.slice(0, at) + t.slice(at + rng.int(1, rng.chance(0.8) ? 8 : 400));
  },
  swap: (rng, t) => {
    const len = rng.int(1, 200);
    const a = rng.int(0, Math.max(0, t.length - 2 * len));
    const b = rng.int(a + len, Math.max(a + len, t.length - len));
    return t.slice(0, a) + t.slice(b, b + len) + t.slice(a + len, b) + t.slice(a, a + len) + t.slice(b + len);
  },
  duplicateKey: (rng, t) => {
    const lines = t.split('\n');
    const candidates = lines.map((l, i) => (/^\s*"[^"]*": /.test(l) ? i : -1)).filter((i) => i >= 0);
    if (candidates.length === 0) return t;
    const i = rng.pick(candidates);
    const copy = lines[i].endsWith(',') ? lines[i] : `${lines[i].replace(/[{[]$/, '"dup"')},`;
    lines.splice(i, 0, copy);
    return lines.join('\n');
  },
  regexValue: (rng, t) => {
    const starts = valueStarts(t, rng.pick(['eos_to_cull', 'cot_end_tag', 'eos_string', 'bos_string']));
    if (starts.length === 0) return insertAt(t, rng.int(0, t.length), jsonInner(rng.pick(REGEX_PIECES)));
    let out = t;
    const at = rng.pick(starts);
    for (let n = rng.int(1, 4); n > 0; n--) {
      const p = rng.pick(REGEX_PIECES);
      out = insertAt(out, at + rng.int(0, 3), rng.chance(0.85) ? jsonInner(p) : p);
    }
    return out;
  },
  jinjaValue: (rng, t) => {
    const starts = valueStarts(t, 'custom_chat_template');
    const at = starts.length ? rng.pick(starts) + rng.int(0, 60) : rng.int(0, t.length);
    let out = t;
    for (let n = rng.int(1, 4); n > 0; n--) {
      const p = rng.pick(JINJA_PIECES);
      out = insertAt(out, Math.min(at, out.length), rng.chance(0.85) ? jsonInner(p) : p);
    }
    return out;
  },
  stringValue: (rng, t) => {
    const starts = anyValueStarts(t);
    if (starts.length === 0) return t;
    return insertAt(t, rng.pick(starts) + rng.int(0, 4), jsonInner(rng.pick([...TOKENS, ...REGEX_PIECES, ...JINJA_PIECES])));
  },
  weirdValue: (rng, t) => {
    const re = /": ("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)/g;
    const hits: RegExpExecArray[] = [];
    for (let m = re.exec(t); m; m = re.exec(t)) hits.push(m);
    if (hits.length === 0) return t;
    const m = rng.pick(hits);
    const value = rng.pick(['1e999', '-1e999', 'NaN', 'Infinity', '-Infinity', '-0', '1e-999', '123456789012345678901234567890', '0.1e', '01', '-', '[]', '{}', 'null', '""', '"\\ud800"', '"2024-02-30"', '"99999-01-01"', '"128K"', '"46.7B"', '["en","xx-Yyyy-ZZ","1"]', '{"name": "", "url": ""}', 'true']);
    const start = m.index + 3;
    return t.slice(0, start) + value + t.slice(start + m[1].length);
  },
  longKey: (rng, t) => {
    const braces: number[] = [];
    for (let i = t.indexOf('{'); i >= 0; i = t.indexOf('{', i + 1)) braces.push(i);
    if (braces.length === 0) return t;
    return insertAt(t, rng.pick(braces) + 1, `"${rng.pick(['k', 'model_config', '\\u0000', 'é'])}${'k'.repeat(rng.int(200, 5000))}": 1,`);
  },
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

// ---------------------------------------------------------------------------------------------------------------
// Cases

export interface FuzzEdit {
  offset: number;
  length: number;
  text: string;
}

export interface FuzzCase {
  family: string;
  index: number;
  seed: number;
  text: string;
  steps: string[];
  /** Edits applied one after the other, each in its own update() unless `batched`. */
  edits: FuzzEdit[];
  batched: boolean;
  /** The clemcore version checked against (undefined: the default). */
  version: '3.3' | '3.7' | undefined;
}

/** Random edits, each against the text the previous one left; most land inside string values (incremental path). */
function randomEdits(rng: Rng, text: string, count: number): FuzzEdit[] {
  const edits: FuzzEdit[] = [];
  let t = text;
  for (let i = 0; i < count; i++) {
    if (rng.chance(0.15)) {
      // Rewrite a whole model_name or backend value: exercises the cross-entry rules and a backend switch.
      const key = rng.pick(['model_name', 'backend']);
      const spans = stringValueSpans(t, key);
      if (spans.length > 0) {
        const span = rng.pick(spans);
        const other = rng.pick(spans); // another entry's name: a duplicate
        const text = key === 'backend'
          ? rng.pick(['openai', 'llamacpp', 'huggingface_local', 'vllm', 'slurk', 'huggingface_multimodal', 'openaii', ''])
          : rng.chance(0.7) ? t.slice(other.offset, other.offset + other.length) : rng.pick(['mock', 'human', '', 'x']);
        edits.push({ offset: span.offset, length: span.length, text });
        t = t.slice(0, span.offset) + text + t.slice(span.offset + span.length);
        continue;
      }
    }
    const starts = anyValueStarts(t);
    const offset = starts.length && rng.chance(0.6) ? Math.min(t.length, rng.pick(starts) + rng.int(0, 5)) : rng.int(0, t.length);
    const length = Math.min(rng.pick([0, 0, 1, 1, 1, 2, 5, 30]), t.length - offset);
    const pool = rng.chance(0.5) ? TOKENS : rng.chance(0.5) ? REGEX_PIECES.map(jsonInner) : JINJA_PIECES.map(jsonInner);
    const replacement = rng.chance(0.2) ? '' : rng.chance(0.3) ? String.fromCharCode(rng.int(32, 126)) : rng.pick(pool);
    edits.push({ offset, length, text: replacement });
    t = t.slice(0, offset) + replacement + t.slice(offset + length);
  }
  return edits;
}

const DEEP_FORMS: ((n: number, small: string) => { name: string; text: string })[] = [
  (n) => ({ name: 'arrays', text: '['.repeat(n) + ']'.repeat(n) }),
  (n) => ({ name: 'unclosed arrays', text: '['.repeat(n) }),
  (n) => ({ name: 'objects', text: '{"a":'.repeat(n) + '1' + '}'.repeat(n) }),
  (n) => ({ name: 'unclosed objects', text: '{"a":'.repeat(n) }),
  (n) => ({ name: 'array of deep entry', text: `[${'{"a":'.repeat(n)}1${'}'.repeat(n)}]` }),
  (n, s) => ({ name: 'deep model_config', text: s.replace('"model_config": {}', `"model_config": ${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) }),
  (n, s) => ({ name: 'deep languages', text: s.replace(/"languages": \[[^\]]*\]/, `"languages": ${'['.repeat(n)}"en"${']'.repeat(n)}`) }),
  (n, s) => ({ name: 'deep license, unclosed', text: s.replace(/"license": \{/, `"license": ${'{"name":'.repeat(n)}`) }),
  (n, s) => ({ name: 'deep mixed', text: s.replace('"model_config": {}', `"model_config": ${'{"a":['.repeat(n >> 1)}1${']}'.repeat(n >> 1)}`) }),
];

/** A registry whose `key` value in the first entry that has it is replaced by `valueJson`. */
function withValue(small: string, key: string, valueJson: string): string {
  const re = new RegExp(`"${key}": ("(?:[^"\\\\]|\\\\.)*"|[^,\\n]*)`);
  if (re.test(small)) return small.replace(re, () => `"${key}": ${valueJson}`);
  return small.replace('"model_config": {', () => `"model_config": {\n            "${key}": ${valueJson},`);
}

const MB = 1 << 20;
const HUGE_FORMS: ((rng: Rng, small: string) => { name: string; text: string })[] = [
  (_r, s) => ({ name: '1 MB eos_to_cull of (a*)*b', text: withValue(s, 'eos_to_cull', JSON.stringify('(a*)*b'.repeat(Math.ceil(MB / 6)))) }),
  (_r, s) => ({ name: 'eos_to_cull of 10,000 open parens', text: withValue(s, 'eos_to_cull', JSON.stringify('('.repeat(10_000))) }),
  (_r, s) => ({ name: 'eos_to_cull of 10,000 balanced groups', text: withValue(s, 'eos_to_cull', JSON.stringify('('.repeat(10_000) + 'a' + ')'.repeat(10_000))) }),
  (_r, s) => ({ name: 'eos_to_cull of 10,000 nested (?:', text: withValue(s, 'eos_to_cull', JSON.stringify('(?:'.repeat(10_000) + 'a' + ')'.repeat(10_000))) }),
  (_r, s) => ({ name: 'eos_to_cull backtracking on its own text', text: withValue(s, 'eos_to_cull', JSON.stringify(`(a+)+!${'a'.repeat(40)}`)) }),
  (_r, s) => ({ name: 'eos_to_cull (x+x+)+y on its own text', text: withValue(s, 'eos_to_cull', JSON.stringify(`(x+x+)+y${'x'.repeat(40)}`)) }),
  (_r, s) => ({ name: 'cot_end_tag backtracking', text: withValue(s, 'cot_end_tag', JSON.stringify(`(.*a){30}${'a'.repeat(40)}`)) }),
  (_r, s) => ({ name: 'eos_to_cull 1 MB of \\\\|', text: withValue(s, 'eos_to_cull', JSON.stringify('\\|'.repeat(MB / 2))) }),
  (_r, s) => ({ name: 'eos_to_cull 1 MB character class', text: withValue(s, 'eos_to_cull', JSON.stringify(`[${'a-z'.repeat(MB / 3)}]`)) }),
  (_r, s) => ({ name: 'eos_to_cull of 100,000 alternatives', text: withValue(s, 'eos_to_cull', JSON.stringify(Array.from({ length: 100_000 }, (_, i) => `<\\|t${i}\\|>`).join('|'))) }),
  (_r, s) => ({ name: 'eos_to_cull with 10,000 back-references', text: withValue(s, 'eos_to_cull', JSON.stringify('(a)' + '\\1'.repeat(10_000))) }),
  (_r, s) => ({ name: 'eos_to_cull {n,m} with huge bounds', text: withValue(s, 'eos_to_cull', JSON.stringify('a{4294967296,4294967297}b{0,99999999999999999999}')) }),
  (_r, s) => ({ name: '1 MB custom_chat_template of output tags', text: withValue(s, 'custom_chat_template', JSON.stringify('{{ messages[0] }}'.repeat(Math.ceil(MB / 17)))) }),
  (_r, s) => ({ name: 'custom_chat_template 10,000 nested for', text: withValue(s, 'custom_chat_template', JSON.stringify('{% for m in messages %}'.repeat(10_000) + '{{ m }}' + '{% endfor %}'.repeat(10_000))) }),
  (_r, s) => ({ name: 'custom_chat_template 20,000 unclosed if', text: withValue(s, 'custom_chat_template', JSON.stringify('{% if messages %}'.repeat(20_000))) }),
  (_r, s) => ({ name: 'custom_chat_template 10,000 nested parens', text: withValue(s, 'custom_chat_template', JSON.stringify('{{ ' + '('.repeat(10_000) + 'messages' + ')'.repeat(10_000) + ' }}')) }),
  (_r, s) => ({ name: 'custom_chat_template 10,000 chained filters', text: withValue(s, 'custom_chat_template', JSON.stringify('{{ messages' + '|trim'.repeat(10_000) + ' }}')) }),
  (_r, s) => ({ name: 'custom_chat_template 1 MB of {{', text: withValue(s, 'custom_chat_template', JSON.stringify('{{'.repeat(MB / 2))) }),
  (_r, s) => ({ name: 'custom_chat_template 10,000 nested lists', text: withValue(s, 'custom_chat_template', JSON.stringify('{{ ' + '['.repeat(10_000) + ']'.repeat(10_000) + ' }}')) }),
  (_r, s) => ({ name: '1 MB model_name', text: withValue(s, 'model_name', JSON.stringify('m'.repeat(MB))) }),
  (_r, s) => ({ name: '1 MB release_date', text: withValue(s, 'release_date', JSON.stringify('2024-01-01'.repeat(MB / 10))) }),
  (_r, s) => ({ name: '1 MB of escapes in a value', text: withValue(s, 'model_id', JSON.stringify('\u0001\uD800"\\'.repeat(MB / 4))) }),
  (_r, s) => ({ name: '100,000 languages', text: withValue(s, 'languages', JSON.stringify(Array.from({ length: 100_000 }, (_, i) => (i % 2 ? 'en' : `x${i}`)))) }),
  (_r, s) => ({ name: 'numbers out of range', text: withValue(withValue(withValue(s, 'parameters', '1e999'), 'context_size', '-1e999'), 'open_weight', '1'.repeat(10_000)) }),
  (_r, s) => ({ name: 'NaN and Infinity values', text: withValue(withValue(s, 'context_size', 'NaN'), 'parameters', '-Infinity') }),
  (_r, s) => ({ name: '30,000-character key', text: s.replace('{', () => `{\n        "${'k'.repeat(30_000)}": 1,`) }),
  (_r, s) => ({ name: '30,000-character model_config key', text: s.replace('"model_config": {', () => `"model_config": {\n            "${'c'.repeat(30_000)}": 1,`) }),
  (_r, s) => ({ name: '20,000 duplicate keys', text: s.replace('{', () => `{\n${'        "model_name": "dup",\n'.repeat(20_000)}`) }),
  (_r, s) => ({ name: '20,000 entries of one name', text: `[${Array.from({ length: 20_000 }, () => '{"model_name":"a","backend":"openai"}').join(',')}]` }),
  (_r) => ({ name: '1 MB of whitespace', text: ' '.repeat(MB) + '[]' }),
  (_r) => ({ name: '1 MB of unclosed string', text: '["' + 'a'.repeat(MB) }),
  (_r) => ({ name: '1 MB of garbage', text: Array.from({ length: MB / 8 }, (_, i) => TOKENS[(i * 7919) % TOKENS.length]).join('') }),
];

export const FAMILIES = {
  small: 1200,
  corpus: 1000,
  deep: 42,
  huge: HUGE_FORMS.length,
  edits: 800,
} as const;
export type Family = keyof typeof FAMILIES;

export function makeCase(family: Family, index: number): FuzzCase {
  const seed = seedOf(family, index);
  const rng = new Rng(seed);
  const small = smallRegistry();
  const steps: string[] = [];
  let text: string;
  switch (family) {
    case 'small':
    case 'corpus': {
      const c = corpus();
      text = family === 'corpus' && c ? corpusSlice(rng, c) : small;
      for (let n = rng.int(1, 3); n > 0; n--) {
        const m = rng.pick(MUTATION_NAMES);
        steps.push(m);
        text = MUTATIONS[m](rng, text);
      }
      break;
    }
    case 'deep': {
      if (index >= DEEP_FORMS.length * 3) {
        // A valid registry, then deep nesting pasted into one entry: the incremental path parses that entry alone.
        const n = [1_000, 3_000, 5_000, 10_000, 20_000, 4_000][index % 6];
        const at = small.indexOf('"en"');
        const paste = index % 2 ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n - (index % 3 === 0 ? 1 : 0));
        steps.push(`deep paste into an entry x${n}`);
        return { family, index, seed, text: small, steps, edits: [{ offset: at, length: 4, text: paste }, { offset: at, length: 1, text: '[' }], batched: false, version: undefined };
      }
      const form = DEEP_FORMS[index % DEEP_FORMS.length];
      const n = [5_000, 10_000, 20_000][Math.floor(index / DEEP_FORMS.length) % 3] + rng.int(0, 100);
      const made = form(n, small);
      steps.push(`deep ${made.name} x${n}`);
      text = made.text;
      break;
    }
    case 'huge': {
      const made = HUGE_FORMS[index](rng, small);
      steps.push(made.name);
      text = made.text;
      break;
    }
    case 'edits': {
      const c = corpus();
      text = c && rng.chance(0.6) ? corpusSlice(rng, c) : small;
      steps.push('valid seed');
      break;
    }
  }
  const edits = randomEdits(rng, text, family === 'huge' ? 1 : rng.int(1, family === 'edits' ? 6 : 3));
  return { family, index, seed, text, steps, edits, batched: rng.chance(0.3), version: rng.pick(['3.3', '3.7', undefined] as const) };
}

// ---------------------------------------------------------------------------------------------------------------
// Checking one case (in the worker)

export interface Failure {
  family: string;
  index: number;
  seed: number;
  steps: string[];
  problem: string;
  /** What failures of one bug have in common, to report each bug once. */
  group: string;
  stack?: string;
  textLength: number;
  textHead: string;
}

export interface FamilyReport {
  family: string;
  documents: number;
  incrementalUpdates: number;
  fullUpdates: number;
  times: number[];
  failures: Failure[];
  slowest: { index: number; steps: string; ms: number }[];
  /** Diagnostic codes the family's documents produced: shows how deep the mutations reach. */
  codesSeen: string[];
  codesNotSeen?: string[];
}

type ServiceModule = typeof import('../../server/src/service');

function describeText(text: string): string {
  return JSON.stringify(text.length > 600 ? `${text.slice(0, 300)} … ${text.slice(-200)}` : text);
}

export function checkCase(svc: ServiceModule, c: FuzzCase, report: FamilyReport): void {
  const fail = (problem: string, text: string, err?: unknown, group?: string) => {
    report.failures.push({
      family: c.family, index: c.index, seed: c.seed, steps: c.steps, problem,
      group: group ?? problem.replace(/\d+/g, 'N').slice(0, 160),
      stack: err instanceof Error ? err.stack?.split('\n').slice(0, 12).join('\n') : undefined,
      textLength: text.length, textHead: describeText(text),
    });
  };
  const codes = new Set(Object.keys(svc.DIAGNOSTIC_CODES));
  const severities = new Set(['error', 'warning', 'information', 'hint']);
  const wellFormed = (diags: import('../../server/src/service').RegistryDiagnostic[], text: string, where: string): boolean => {
    for (const d of diags) {
      if (!report.codesSeen.includes(d.code)) report.codesSeen.push(d.code);
      // RegistryDocument turns an exception in a rule into an information diagnostic: for the fuzzer it is a crash.
      if (typeof d.message === 'string' && d.message.includes('could not check this entry')) {
        fail(`${where}: a rule threw: ${d.message.slice(0, 300)}`, text, undefined, `a rule threw: ${d.message.replace(/\d+/g, 'N').slice(0, 160)}`);
        return false;
      }
      const bad =
        !codes.has(d.code) ? `unknown code ${JSON.stringify(d.code)}` :
          !severities.has(d.severity) ? `severity ${JSON.stringify(d.severity)}` :
            typeof d.message !== 'string' || d.message.trim() === '' ? 'empty message' :
              !Number.isInteger(d.offset) || d.offset < 0 || d.offset > text.length ? `offset ${d.offset} outside 0..${text.length}` :
                !Number.isInteger(d.length) || d.length < 0 || d.offset + d.length > text.length ? `span ${d.offset}+${d.length} past the end (${text.length})` :
                  !Array.isArray(d.path) ? 'path is not an array' :
                    (d.related ?? []).some((r) => r.offset < 0 || r.offset + r.length > text.length) ? 'related span outside the text' :
                      undefined;
      if (bad) {
        fail(`${where}: ${bad} in ${d.code}: ${String(d.message).slice(0, 200)}`, text, undefined, `${bad.replace(/\d+/g, 'N')} in ${d.code}`);
        return false;
      }
    }
    return true;
  };

  const started = performance.now();
  // Every other case also has a stand-in Hugging Face cache in which every model is a ChatML one, so the check that
  // compares eos_to_cull with the cached tokenizer runs on mutated entries too.
  const settings = {
    ...(c.version ? { clemcoreVersion: c.version } : {}),
    ...(c.seed % 2 ? { tokenizerFacts: () => CHATML_FACTS } : {}),
  };
  // checkRegistry(text) is `new RegistryDocument(text, settings).diagnostics()`: the document's first diagnostics
  // are the full check, and the same document then takes the edits (one full check saved per case).
  let doc: InstanceType<ServiceModule['RegistryDocument']>;
  try {
    doc = new svc.RegistryDocument(c.text, settings);
    wellFormed(doc.diagnostics(), c.text, 'checkRegistry');
  } catch (err) {
    fail(`checkRegistry threw: ${String(err).slice(0, 300)}`, c.text, err);
    report.times.push(performance.now() - started);
    return;
  }

  let finalText = c.text;
  let incremental: ReturnType<ServiceModule['checkRegistry']>;
  try {
    if (c.batched) {
      doc.update(c.edits);
      if (doc.lastUpdate === 'incremental') report.incrementalUpdates++; else report.fullUpdates++;
    } else {
      for (const e of c.edits) {
        doc.update([e]);
        if (doc.lastUpdate === 'incremental') report.incrementalUpdates++; else report.fullUpdates++;
      }
    }
    for (const e of c.edits) finalText = finalText.slice(0, e.offset) + e.text + finalText.slice(e.offset + e.length);
    if (doc.getText() !== finalText) fail('RegistryDocument text after update() differs from the edited text', finalText);
    incremental = doc.diagnostics();
  } catch (err) {
    fail(`RegistryDocument update()/diagnostics() threw: ${String(err).slice(0, 300)}`, finalText, err);
    report.times.push(performance.now() - started);
    return;
  }
  let fresh: ReturnType<ServiceModule['checkRegistry']>;
  try {
    fresh = svc.checkRegistry(finalText, settings);
  } catch (err) {
    fail(`checkRegistry of the edited text threw: ${String(err).slice(0, 300)}`, finalText, err);
    report.times.push(performance.now() - started);
    return;
  }
  report.times.push(performance.now() - started);
  wellFormed(incremental, finalText, 'after update()');
  const key = (d: { code: string; offset: number; length: number; message: string; path: (string | number)[]; severity: string }) =>
    ({ code: d.code, offset: d.offset, length: d.length, message: d.message, path: d.path, severity: d.severity });
  const order = (a: ReturnType<typeof key>, b: ReturnType<typeof key>) =>
    a.offset - b.offset || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0) || a.length - b.length;
  const a = incremental.map(key).sort(order);
  const b = fresh.map(key).sort(order);
  try {
    assert.deepEqual(a, b);
  } catch {
    const onlyInc = a.filter((x) => !b.some((y) => JSON.stringify(x) === JSON.stringify(y)));
    const onlyFull = b.filter((y) => !a.some((x) => JSON.stringify(x) === JSON.stringify(y)));
    const codesOf = (xs: { code: string }[]) => [...new Set(xs.map((x) => x.code))].sort().join(',') || '-';
    fail(`incremental != full after edits ${JSON.stringify(c.edits).slice(0, 400)}${c.batched ? ' (one update)' : ''}: ` +
      `only incremental ${JSON.stringify(onlyInc).slice(0, 600)}; only full ${JSON.stringify(onlyFull).slice(0, 600)}`, finalText, undefined,
      `incremental != full (only incremental: ${codesOf(onlyInc)}; only full: ${codesOf(onlyFull)})`);
  }
}

/** The worker's progress, shared with the main thread: the case being checked and when it started. */
function progressViews(buffer: SharedArrayBuffer): { index: Int32Array; startedAt: Float64Array } {
  return { index: new Int32Array(buffer, 0, 1), startedAt: new Float64Array(buffer, 8, 1) };
}

function runFamily(family: Family, progress: SharedArrayBuffer): FamilyReport {
  // Loaded here so that the main thread never runs service code (a hang there could not be interrupted).
  const svc = require('../../server/src/service') as ServiceModule;
  const report: FamilyReport = { family, documents: 0, incrementalUpdates: 0, fullUpdates: 0, times: [], failures: [], slowest: [], codesSeen: [] };
  const { index, startedAt } = progressViews(progress);
  const only = process.env.FUZZ_CASE?.split(':');
  for (let i = 0; i < FAMILIES[family]; i++) {
    if (only && (only[0] !== family || Number(only[1]) !== i)) continue;
    const c = makeCase(family, i);
    Atomics.store(index, 0, i);
    startedAt[0] = Date.now();
    if (only) console.log(`case ${family}:${i} seed ${c.seed} version ${c.version} steps ${c.steps.join(', ')}\ntext ${JSON.stringify(c.text)}\nedits ${JSON.stringify(c.edits)} batched ${c.batched}`);
    checkCase(svc, c, report);
    report.documents++;
    report.slowest.push({ index: i, steps: c.steps.join(', '), ms: report.times[report.times.length - 1] ?? 0 });
    report.slowest = report.slowest.sort((x, y) => y.ms - x.ms).slice(0, 3);
  }
  startedAt[0] = 0;
  report.codesNotSeen = Object.keys(svc.DIAGNOSTIC_CODES).filter((code) => !report.codesSeen.includes(code));
  return report;
}

if (!isMainThread && workerData?.fuzzFamily) {
  const { fuzzFamily, progress } = workerData as { fuzzFamily: Family; progress: SharedArrayBuffer };
  parentPort!.postMessage(runFamily(fuzzFamily, progress));
}

// ---------------------------------------------------------------------------------------------------------------
// The tests (main thread): one worker per family, with a watchdog per case

/**
 * Runs a family in a worker thread whose stack is as small as the main thread's (so stack overflows show as they
 * would in the server). A case that runs longer than `caseLimitMs` is reported as a hang and the worker is ended.
 */
function runInWorker(family: Family, caseLimitMs: number): Promise<FamilyReport> {
  const progress = new SharedArrayBuffer(16);
  const { index, startedAt } = progressViews(progress);
  const tsx = require.resolve('tsx/cjs');
  const worker = new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(__filename)});`, {
    eval: true, workerData: { fuzzFamily: family, progress }, resourceLimits: { stackSizeMb: 1 },
  });
  const where = () => {
    const at = Atomics.load(index, 0);
    return { at, text: `case ${family}:${at} (seed ${seedOf(family, at)}); reproduce with FUZZ_CASE=${family}:${at}` };
  };
  return new Promise<FamilyReport>((resolve, reject) => {
    const done = (fn: () => void) => { clearInterval(watchdog); fn(); };
    const watchdog = setInterval(() => {
      if (startedAt[0] === 0 || Date.now() - startedAt[0] < caseLimitMs) return;
      const { at, text } = where();
      void worker.terminate();
      const c = makeCase(family, at);
      done(() => reject(new Error(`fuzz ${family}: ${text} ran over ${caseLimitMs} ms (a hang); steps ${c.steps.join(', ')}; ` +
        `text (${c.text.length} chars) ${describeText(c.text)}; edits ${JSON.stringify(c.edits).slice(0, 300)}`)));
    }, 250);
    worker.once('message', (r: FamilyReport) => done(() => { void worker.terminate(); resolve(r); }));
    worker.once('error', (err) => done(() => reject(new Error(`fuzz ${family}: the worker died on ${where().text}: ${err.stack ?? err}`))));
    worker.once('exit', (code) => done(() => reject(new Error(`fuzz ${family}: the worker exited (${code}) on ${where().text}`))));
  });
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : 0;
}

function summarize(r: FamilyReport): string {
  return `fuzz ${r.family}: ${r.documents} documents, max ${percentile(r.times, 100).toFixed(0)} ms, p99 ${percentile(r.times, 99).toFixed(1)} ms, ` +
    `median ${percentile(r.times, 50).toFixed(1)} ms, total ${(r.times.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s; ` +
    `updates incremental ${r.incrementalUpdates}, full ${r.fullUpdates}; ${r.codesSeen.length} codes seen; failures ${r.failures.length}; ` +
    `slowest ${r.slowest.map((x) => `${r.family}:${x.index} ${x.ms.toFixed(0)} ms (${x.steps})`).join('; ')}`;
}

function assertNoFailures(r: FamilyReport): void {
  if (r.failures.length === 0) return;
  // Group by problem (without numbers) so one bug does not hide the others; show the first case of each group.
  const groups = new Map<string, Failure[]>();
  for (const f of r.failures) {
    const k = f.group;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const lines = [...groups.values()].map((fs) => {
    const f = fs[0];
    return `- ${fs.length} x ${f.problem}\n  first: case ${f.family}:${f.index} seed ${f.seed} (${f.steps.join(', ')}); reproduce with FUZZ_CASE=${f.family}:${f.index}\n` +
      `  text (${f.textLength} chars): ${f.textHead}${f.stack ? `\n  ${f.stack.replace(/\n/g, '\n  ')}` : ''}`;
  });
  assert.fail(`fuzz ${r.family}: ${r.failures.length} failing documents\n${lines.join('\n')}`);
}

// FUZZ_PROBE=1 lets a script import the case generator without registering the tests.
if (isMainThread && !process.env.FUZZ_PROBE) {
  const families: [Family, string][] = [
    ['small', 'mutations of a small valid registry never break the service, and incremental equals full'],
    ['corpus', 'mutations of real registry slices never break the service, and incremental equals full'],
    ['deep', 'nesting 5,000 to 20,000 levels deep is reported, not a crash'],
    ['huge', 'huge strings, pathological regexes and templates, long keys and odd numbers are survived'],
    ['edits', 'random edits of valid registries: the incremental document equals a full check'],
  ];
  const all: FamilyReport[] = [];
  after(() => {
    const times = all.flatMap((r) => r.times);
    if (times.length === 0) return;
    console.log(`fuzz: ${times.length} documents, max ${percentile(times, 100).toFixed(0)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, ` +
      `median ${percentile(times, 50).toFixed(1)} ms; failures ${all.reduce((n, r) => n + r.failures.length, 0)}`);
  });
  for (const [family, title] of families) {
    test(`fuzz ${family}: ${title}`, { timeout: 120_000 }, async (t) => {
      if ((family === 'corpus') && !corpus()) {
        t.skip(`no real registries at ${CORPUS}`);
        return;
      }
      const report = await runInWorker(family, 20_000);
      t.diagnostic(summarize(report));
      t.diagnostic(`codes never produced: ${report.codesNotSeen?.join(', ') || 'none'}`);
      all.push(report);
      assertNoFailures(report);
    });
  }
}
