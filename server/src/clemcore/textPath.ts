// What clemcore does to the text a model generated before the game sees it, one function per backend's text path
// (spec: ../shared/spec/clemcore-runtime.md §2.1–2.4, §3.1). Test model entry runs the llamacpp and huggingface_local
// paths on a real completion; the dry run runs every path on a probe reply. Python's semantics throughout: str.strip() as
// str.isspace() sees it, str.rsplit, str.replace, and re.sub / re.split through pyre (re.sub on a translated
// JavaScript RegExp where one is equivalent, under a time limit).
import { parsePattern, split } from '../pyre';
import { isTruthy, pythonStrip, rsplitWhitespace } from './python';
import { pySub } from './pySub';

export { pythonStrip } from './python';

export type TextPathStageName = 'prompt' | 'strip' | 'output_split_prefix' | 'pad' | 'eos_to_cull' | 'cot_start_tag' | 'cot_end_tag' | 'cot_output';

export interface TextPathStage {
  name: TextPathStageName;
  /** The text after the stage, when it ran. */
  text?: string;
  /** What clemcore raises here, when it does. */
  error?: string;
  note?: string;
  /** How a regex stage was computed: the translated JavaScript RegExp, or why the Python-semantics matcher ran. */
  engine?: string;
}

export interface TextPathResult {
  stages: TextPathStage[];
  /** The reply clemcore hands to the game, or undefined when a stage raised (or could not be computed). */
  reply?: string;
  /** With cot_output: what clemcore keeps as the reasoning (`cot_content`). */
  cot?: string;
}

/** What the decoded text holds besides the completion, and how to compute re.sub. */
export interface DecodeFacts {
  /**
   * A short probe (the dry run): re.sub runs on pyre's Python-semantics matcher under a step budget, which costs
   * microseconds, instead of a JavaScript RegExp in a sandbox with a time limit, which costs a watchdog per call.
   */
  probe?: boolean;
  /** The decoded prompt, which clemcore removes with str.replace. */
  prompt?: string;
  /** The pad token's text: the tokenizer's pad token, else its EOS (clemcore sets pad = EOS when there is none). */
  padToken?: string;
  /**
   * The CoT answer's round trip: `tokenizer(answer)` (special tokens added, as by default), cut to `maxTokens`, then
   * `tokenizer.decode` (special tokens kept). Without it the round trip is taken as the identity.
   */
  answerTokens?: AnswerTokens;
}

export interface AnswerTokens {
  encode(text: string): number[];
  decode(ids: number[]): string;
  maxTokens: number;
}

type Path = (raw: string, config: Record<string, unknown>, decode?: DecodeFacts) => TextPathResult;

/**
 * The text path of a backend in a clemcore version, or undefined for backends whose reply clemcore does not
 * post-process (remote APIs; huggingface_local with `multimodal: true` in 3.7, which decodes without special tokens;
 * huggingface_multimodal in 3.3, which cuts a literal eos_to_cull).
 */
export function textPathOf(backend: string | undefined, version: string, config: Record<string, unknown>): Path | undefined {
  if (backend === 'llamacpp') return llamacppTextPath;
  if (backend === 'huggingface_local') return version !== '3.3' && isTruthy(config.multimodal) ? undefined : huggingfaceTextPath;
  if (backend === 'vllm' && version === '3.3') return vllmTextPath;
  return undefined;
}

/**
 * llamacpp (generate_response, identical in 3.3 and 3.7; spec §2.3, §3.1 "Output"): `choices[0].text.strip()`, then
 * `output_split_prefix` with an unguarded `rsplit(prefix, maxsplit=1)[1]` (IndexError when the prefix is absent),
 * then `re.sub(eos_to_cull, "", text)`; no strip afterwards. The completion holds no prompt, and llama-cpp-python
 * detokenizes control tokens as nothing.
 */
export function llamacppTextPath(raw: string, config: Record<string, unknown>, decode: DecodeFacts = {}): TextPathResult {
  const stages: TextPathStage[] = [];
  let text = pythonStrip(raw);
  stages.push({ name: 'strip', text });
  if ('output_split_prefix' in config) {
    const split = rsplitLast(text, config.output_split_prefix);
    stages.push(split);
    if (split.text === undefined) return { stages };
    text = split.text;
  }
  return cull(stages, text, config, decode.probe);
}

/**
 * huggingface_local's text path (split_and_clean_batch_outputs, the same in 3.3 (8bd08307 372–383) and 3.7
 * (ef82bb43 589–606); spec §2.1 "Exact order"): the whole sequence decoded with special tokens kept, the prompt
 * removed with `str.replace(prompt_text, '')`, `.strip()`; `output_split_prefix` only when it occurs (rsplit, last
 * part); when the text starts or ends with the pad token, every pad token removed; `re.sub(eos_to_cull, "", text)`;
 * then, with a truthy `cot_output`, the CoT split (split_and_clean_cot_output).
 */
export function huggingfaceTextPath(raw: string, config: Record<string, unknown>, decode: DecodeFacts = {}): TextPathResult {
  const stages: TextPathStage[] = [];
  let text = raw;
  if (decode.prompt) {
    text = text.split(decode.prompt).join('');
    stages.push({ name: 'prompt', text });
  }
  text = pythonStrip(text);
  stages.push({ name: 'strip', text });
  if ('output_split_prefix' in config) {
    const prefix = config.output_split_prefix;
    if (typeof prefix !== 'string') {
      stages.push({ name: 'output_split_prefix', error: `TypeError: 'in <string>' requires string as left operand, not ${pyTypeName(prefix)}` });
      return { stages };
    }
    if (text.includes(prefix)) {
      const split = rsplitLast(text, prefix);
      stages.push(split);
      if (split.text === undefined) return { stages };
      text = split.text;
    } else {
      stages.push({ name: 'output_split_prefix', text, note: 'The prefix does not occur, so clemcore leaves the text as it is.' });
    }
  }
  const pad = decode.padToken;
  if (pad === undefined) {
    stages.push({ name: 'pad', text, note: 'The pad token is not known here, so pad removal is not shown.' });
  } else if (text.startsWith(pad) || text.endsWith(pad)) {
    text = text.split(pad).join('');
    stages.push({ name: 'pad', text, note: `The text starts or ends with the pad token ${JSON.stringify(pad)}, so clemcore removes every occurrence of it.` });
  } else {
    stages.push({ name: 'pad', text, note: `The text neither starts nor ends with the pad token ${JSON.stringify(pad)}: nothing removed.` });
  }
  const culled = cull(stages, text, config, decode.probe);
  if (culled.reply === undefined || !isTruthy(config.cot_output)) return culled;
  return cotSplit(stages, culled.reply, config, decode.answerTokens);
}

/**
 * vllm in 3.3 (vllm_api.py generate_response at 8bd08307; spec §2.4): `model_output.replace(prompt_text, '').strip()`,
 * then, when `output_split_prefix` is present, `model_output.rsplit(prefix, maxsplit=1)[1]` on the raw output (the
 * stripped text is overwritten; IndexError when the prefix is absent), then `re.sub(eos_to_cull, "", text)`. vLLM
 * returns text without special tokens (its SamplingParams default skip_special_tokens=True [inf]). Its CoT branch
 * reads `self.model.model_spec`, an AttributeError on vLLM's LLM object in every 3.3.x call (PR #269), and since
 * fc49bfd1 every call takes that branch's condition: the path ends there.
 */
export function vllmTextPath(raw: string, config: Record<string, unknown>, decode: DecodeFacts = {}): TextPathResult {
  const stages: TextPathStage[] = [];
  let text = pythonStrip(decode.prompt ? raw.split(decode.prompt).join('') : raw);
  stages.push({ name: 'strip', text });
  if ('output_split_prefix' in config) {
    const split = rsplitLast(raw, config.output_split_prefix);
    stages.push({ ...split, note: 'vllm splits the raw output, not the stripped text.' });
    if (split.text === undefined) return { stages };
    text = split.text;
  }
  const culled = cull(stages, text, config, decode.probe);
  if (culled.reply === undefined) return culled;
  stages.push({ name: 'cot_output', error: "AttributeError: 'LLM' object has no attribute 'model_spec' (clemcore 3.3's vllm backend, in every call)" });
  return { stages };
}

/** `text.rsplit(prefix, maxsplit=1)[1]`. */
function rsplitLast(text: string, prefix: unknown): TextPathStage {
  if (prefix === null) {
    // rsplit(None, 1) splits at whitespace.
    const parts = rsplitWhitespace(text);
    if (parts.length < 2) return { name: 'output_split_prefix', error: 'IndexError: list index out of range (output_split_prefix is null, so rsplit splits at whitespace, and the reply has none)' };
    return { name: 'output_split_prefix', text: parts[1], note: 'output_split_prefix is null: rsplit(None) splits at the last whitespace.' };
  }
  if (typeof prefix !== 'string') {
    return { name: 'output_split_prefix', error: `TypeError: must be str or None, not ${pyTypeName(prefix)}` };
  }
  if (prefix === '') return { name: 'output_split_prefix', error: 'ValueError: empty separator (rsplit with an empty output_split_prefix)' };
  const at = text.lastIndexOf(prefix);
  if (at < 0) {
    return { name: 'output_split_prefix', error: `IndexError: list index out of range (the reply does not contain ${JSON.stringify(prefix)}, and clemcore takes rsplit(...)[1])` };
  }
  return { name: 'output_split_prefix', text: text.slice(at + prefix.length) };
}

/** `re.sub(model_config['eos_to_cull'], "", text)`: KeyError without the key. */
function cull(stages: TextPathStage[], text: string, config: Record<string, unknown>, probe = false): TextPathResult {
  const pattern = config.eos_to_cull;
  if (typeof pattern !== 'string') {
    stages.push({ name: 'eos_to_cull', error: pattern === undefined ? "KeyError: 'eos_to_cull'" : 'TypeError: first argument must be string or compiled pattern' });
    return { stages };
  }
  const sub = pySub(pattern, text, probe);
  if ('error' in sub) {
    stages.push({ name: 'eos_to_cull', error: sub.error });
    return { stages };
  }
  if (sub.text === undefined) {
    stages.push({ name: 'eos_to_cull', engine: sub.engine, note: 'The pattern backtracks too much to finish here (catastrophic backtracking); Python would take very long as well.' });
    return { stages };
  }
  stages.push({ name: 'eos_to_cull', text: sub.text, engine: sub.engine, note: sub.text === text ? 'The pattern matched nothing.' : undefined });
  return { stages, reply: sub.text };
}

/**
 * split_and_clean_cot_output (3.3 and 3.7; spec §2.1 `cot_start_tag`, `cot_end_tag`): a truthy `cot_start_tag` removed
 * with literal str.replace, `re.split(cot_end_tag, text)`, the reasoning = the first piece, the answer = the last
 * piece when there are two or more, else "". The answer is then re-tokenized, cut to max_tokens, decoded and
 * stripped, with `tokens` when given; else that round trip is taken as the identity (a tokenizer that adds a BOS on
 * encode would put its text in front [inf]).
 */
function cotSplit(stages: TextPathStage[], text: string, config: Record<string, unknown>, tokens?: AnswerTokens): TextPathResult {
  const start = config.cot_start_tag;
  if (isTruthy(start)) {
    if (typeof start !== 'string') {
      stages.push({ name: 'cot_start_tag', error: `TypeError: replace() argument 1 must be str, not ${pyTypeName(start)}` });
      return { stages };
    }
    text = text.split(start).join('');
    stages.push({ name: 'cot_start_tag', text });
  }
  const tag = config.cot_end_tag;
  if (typeof tag !== 'string') {
    stages.push({ name: 'cot_end_tag', error: tag === undefined ? "KeyError: 'cot_end_tag'" : 'TypeError: first argument must be string or compiled pattern' });
    return { stages };
  }
  const parsed = parsePattern(tag);
  if (!parsed.ok) {
    stages.push({ name: 'cot_end_tag', error: `re.error: ${parsed.error.message} at position ${parsed.error.pos}` });
    return { stages };
  }
  const pieces = split(parsed.ast, text, { maxSteps: 5_000_000 });
  if (pieces === undefined) {
    stages.push({ name: 'cot_end_tag', note: 'The pattern backtracks too much to finish here (catastrophic backtracking).' });
    return { stages };
  }
  const last = pieces.length >= 2 ? pieces[pieces.length - 1] : '';
  if (last === null) {
    stages.push({ name: 'cot_end_tag', error: 'ValueError: the last piece of re.split is None (a group of cot_end_tag that did not take part), which the tokenizer cannot encode' });
    return { stages };
  }
  let roundTrip = last;
  let cut = '';
  if (tokens) {
    const ids = tokens.encode(last);
    roundTrip = tokens.decode(ids.length > tokens.maxTokens ? ids.slice(0, tokens.maxTokens) : ids);
    cut = ids.length > tokens.maxTokens ? ` It is re-tokenized to ${ids.length} tokens, cut to max_tokens ${tokens.maxTokens} and decoded.` : ` It is re-tokenized (${ids.length} tokens, within max_tokens ${tokens.maxTokens}) and decoded.`;
  }
  const answer = pythonStrip(roundTrip);
  const cot = pieces[0] ?? '';
  stages.push({
    name: 'cot_end_tag',
    text: answer,
    note: (pieces.length < 2 ? 'cot_end_tag does not match: clemcore takes the whole text as reasoning and the answer is "".' : `re.split gives ${pieces.length} pieces: the reasoning is the first, the answer the last (stripped).`) + cut,
  });
  return { stages, reply: answer, cot };
}

function pyTypeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'dict' : typeof value;
}
