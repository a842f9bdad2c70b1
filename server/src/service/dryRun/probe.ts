// The dry run of one entry: a probe reply (a short answer, then the end marker, then what follows it in that
// runtime) pushed through clemcore's own text path for the entry's backend and version (clemcore/textPath.ts, the
// module Test model entry runs), and what the game would get back instead of the answer.
import { parsePattern, search } from '../../pyre';
import { textPathOf, type TextPathResult, type TextPathStage, type DecodeFacts } from '../../clemcore/textPath';
import { isTruthy, pythonStrip } from '../../clemcore/python';
import type { GgufFacts, GgufFactsSource, TokenizerFacts, TokenizerFactsSource } from '../../clemcore/facts';
import { endMarker, entryTemplate, type EndMarker } from './marker';
import { exampleOf } from './example';
import { analyzable } from '../rules/regexValue';

export const PROBE_ANSWER = 'Blue, and then green.';
const PROBE_REASONING = 'The user wants a colour.';
/** Pads after a reply that ended before the longest one of its batch. */
const PADS = 2;

export type DryRunKind = 'marker-left' | 'answer-deleted' | 'cot-answer-lost' | 'split-prefix-missing';

export interface DryRunOutcome {
  kind: DryRunKind;
  /** The model_config key that causes it. */
  key: string;
}

export interface DryRun {
  backend: string;
  version: string;
  marker?: EndMarker;
  /** The CoT end tag's text as the probe writes it, with cot_output. */
  cotTag?: string;
  /** What the probe assumes, for the hover. */
  assumptions: string[];
  /** The probe as the backend's decoding hands it to clemcore's text path. */
  probe: string;
  result: TextPathResult;
  /** What the game gets (the reply, or the text before a stage clemcore 3.3's vllm crashes in anyway). */
  reply?: string;
  outcome?: DryRunOutcome;
}

/** The dry run of an entry, or undefined for backends without a text path or when the probe cannot be built. */
export function dryRun(value: Record<string, unknown>, backend: string | undefined, version: string, tokenizerSource?: TokenizerFactsSource, ggufSource?: GgufFactsSource): DryRun | undefined {
  const rawConfig = value.model_config;
  if (!backend || !rawConfig || typeof rawConfig !== 'object' || Array.isArray(rawConfig)) return undefined;
  const config = rawConfig as Record<string, unknown>;
  const path = textPathOf(backend, version, config);
  if (!path) return undefined;
  // Patterns past the regex rules' analysis limit get their syntax checked only: a pasted megabyte must not stall typing.
  if (['eos_to_cull', 'cot_end_tag', 'cot_start_tag', 'output_split_prefix'].some((k) => typeof config[k] === 'string' && !analyzable(config[k] as string))) return undefined;
  const id = value.huggingface_id;
  const tokenizer = backend !== 'llamacpp' && typeof id === 'string' ? tokenizerSource?.(id) : undefined;
  const gguf = backend === 'llamacpp' && typeof id === 'string' && typeof config.filename === 'string' ? ggufSource?.(id, config.filename) : undefined;
  // The same configurations repeat across entries and keystrokes: one run per distinct one (and the same facts).
  // The template, often kilobytes, is a Map key of its own rather than part of a JSON key to build per entry.
  const key = memoKey(backend, version, tokenizer || gguf ? (id as string) : '', config);
  let byTemplate = memo.get(key);
  const hit = byTemplate?.get(config.custom_chat_template);
  if (hit && hit.tokenizer === tokenizer && hit.gguf === gguf) return hit.run;
  const run = probeEntry(value, config, backend, version, path, tokenizer, gguf);
  if (memoSize >= MEMO_LIMIT) {
    memo.clear();
    memoSize = 0;
    byTemplate = undefined;
  }
  if (!byTemplate) memo.set(key, (byTemplate = new Map()));
  // Only string templates can hit again; another value is judged afresh each time.
  if (typeof config.custom_chat_template === 'string' || config.custom_chat_template === undefined) {
    byTemplate.set(config.custom_chat_template, { tokenizer, gguf, run });
    memoSize++;
  }
  return run;
}

/** The model_config keys a dry run reads. */
const READ_KEYS = ['eos_to_cull', 'output_split_prefix', 'cot_output', 'cot_start_tag', 'cot_end_tag', 'premade_chat_template', 'custom_chat_template', 'chat_template_kwargs', 'chat_template_language', 'multimodal', 'filename'];
const MEMO_LIMIT = 2000;

/**
 * The memo's key for a configuration: what a run reads, with strings length-prefixed and other values as JSON (each
 * JSON text ends where its grammar says, so no two configurations share a key). The template counts by its type
 * only: it keys the inner map.
 */
function memoKey(backend: string, version: string, id: string, config: Record<string, unknown>): string {
  let key = `${backend}|${version}|${id.length}:${id}`;
  for (const k of READ_KEYS) {
    const v = k === 'custom_chat_template' ? typeof config[k] : config[k];
    key += typeof v === 'string' ? `|s${v.length}:${v}` : v === undefined ? '|u' : `|j${JSON.stringify(v)}`;
  }
  return key;
}
const memo = new Map<string, Map<unknown, { tokenizer?: TokenizerFacts; gguf?: GgufFacts; run: DryRun | undefined }>>();
let memoSize = 0;

function probeEntry(value: Record<string, unknown>, config: Record<string, unknown>, backend: string, version: string, path: NonNullable<ReturnType<typeof textPathOf>>, tokenizer: TokenizerFacts | undefined, gguf: GgufFacts | undefined): DryRun | undefined {
  const template = entryTemplate(backend, version, value, config, tokenizer, gguf);
  const marker = endMarker(backend, template, tokenizer, gguf);
  const assumptions = [...(marker?.assumptions ?? [])];
  if (!marker) assumptions.push('The end marker is not known here (no custom template, no cached tokenizer or GGUF), so the probe ends with the answer.');

  let probe = '';
  let cotTag: string | undefined;
  if (backend === 'huggingface_local' && isTruthy(config.cot_output)) {
    const tag = typeof config.cot_end_tag === 'string' ? parsePattern(config.cot_end_tag) : undefined;
    cotTag = tag?.ok ? exampleOf(tag.ast) : undefined;
    // Without a text the tag matches, the probe cannot hold reasoning; cot_end_tag's own rules judge the rest.
    if (cotTag === undefined) return undefined;
    const start = typeof config.cot_start_tag === 'string' && config.cot_start_tag ? config.cot_start_tag : '';
    probe += `${start}${PROBE_REASONING}${cotTag}`;
    assumptions.push(`With cot_output, the probe writes its reasoning${start ? ' after `cot_start_tag`' : ''}, then \`${cotTag}\`, a text \`cot_end_tag\` matches, then the answer.`);
  }
  const prefix = config.output_split_prefix;
  if (typeof prefix === 'string' && prefix !== '') {
    const tail = template?.facts.generationTail;
    // Only a prefix with some text of its own that the prompt ends with is surely not written again (a line break
    // or a colon can well occur in a reply).
    if (tail !== undefined && pythonStrip(prefix).length >= 3 && pythonStrip(tail).endsWith(pythonStrip(prefix))) {
      assumptions.push(`The prompt already ends with \`${visibleText(tail)}\` (${template!.label}, add_generation_prompt), so the model does not write \`output_split_prefix\` \`${visibleText(prefix)}\` again: the probe lacks it.`);
    } else if (gguf?.isControlToken(prefix)) {
      assumptions.push(`\`output_split_prefix\` \`${prefix}\` is a control token of the GGUF, which llama-cpp-python renders as nothing: the probe lacks it.`);
    } else if (!(cotTag ?? '').includes(prefix)) {
      // A prefix of whitespace alone would be stripped off the probe's start: some text comes before it.
      probe += pythonStrip(prefix) === '' && !probe ? `Sure.${prefix}` : prefix;
      assumptions.push(`The model writes \`output_split_prefix\` \`${visibleText(prefix)}\` before its answer.`);
    }
  }
  probe += PROBE_ANSWER;
  if (marker?.inText) probe += marker.lead + marker.text;

  const decode: DecodeFacts = { probe: true, padToken: tokenizer ? (tokenizer.padToken ?? tokenizer.eosToken) : undefined };
  const variants = backend === 'huggingface_local' && decode.padToken ? [probe, probe + decode.padToken.repeat(PADS)] : [probe];
  let run: DryRun | undefined;
  for (const variant of variants) {
    const result = path(variant, config, decode);
    const reply = replyOf(result);
    run = { backend, version, marker, cotTag, assumptions, probe: variant, result, reply, outcome: judge(result, reply, marker, config) };
    if (run.outcome) break;
  }
  if (run && variants.length > 1 && run.probe !== probe) run.assumptions = [...assumptions, `This reply ended before the longest of its batch, so ${PADS} pad tokens \`${decode.padToken}\` follow it (${tokenizer?.padToken ? 'the tokenizer\'s pad token' : 'the tokenizer has no pad token, so clemcore pads with its EOS'}).`];
  return run;
}

/** The reply, or for clemcore 3.3's vllm, which crashes after culling in every call (backend-broken), the culled text. */
function replyOf(result: TextPathResult): string | undefined {
  if (result.reply !== undefined) return result.reply;
  const last = result.stages[result.stages.length - 1];
  if (last?.name === 'cot_output') return result.stages[result.stages.length - 2]?.text;
  return undefined;
}

/** What went wrong for the probe, and the key that causes it. */
function judge(result: TextPathResult, reply: string | undefined, marker: EndMarker | undefined, config: Record<string, unknown>): DryRunOutcome | undefined {
  const failed = result.stages.find((s) => s.error);
  if (failed && failed.name === 'output_split_prefix' && failed.error!.startsWith('IndexError')) return { kind: 'split-prefix-missing', key: 'output_split_prefix' };
  if (reply === undefined) return undefined; // other errors are the key rules' findings
  if (pythonStrip(reply) === PROBE_ANSWER) return undefined;
  const stages = result.stages;
  if (reply.includes(PROBE_ANSWER)) {
    // The answer is there, with more: a marker left whole or in part.
    if (!marker?.inText) return undefined;
    const rest = reply.replace(PROBE_ANSWER, '');
    const pieces = pythonStrip(rest);
    return pieces && (marker.text.includes(pieces) || rest.includes(marker.text)) ? { kind: 'marker-left', key: 'eos_to_cull' } : undefined;
  }
  // The answer is damaged or gone: find the stage that did it.
  const lostAt = firstStageWithout(stages, (t) => t.includes(PROBE_ANSWER));
  if (lostAt && lostAt.name !== 'cot_end_tag') return keyed(lostAt, 'answer-deleted');
  if (!isTruthy(config.cot_output)) return undefined;
  const tag = typeof config.cot_end_tag === 'string' ? parsePattern(config.cot_end_tag) : undefined;
  if (!tag?.ok) return undefined;
  const tagLostAt = firstStageWithout(stages.filter((s) => s.name !== 'cot_end_tag'), (t) => search(tag.ast, t, 0, { maxSteps: 100_000 }) !== null);
  return tagLostAt ? keyed(tagLostAt, 'cot-answer-lost') : { kind: 'cot-answer-lost', key: 'cot_end_tag' };
}

const STAGE_KEYS = new Set(['output_split_prefix', 'eos_to_cull', 'cot_start_tag', 'cot_end_tag']);

function keyed(stage: TextPathStage, kind: DryRunKind): DryRunOutcome | undefined {
  return STAGE_KEYS.has(stage.name) ? { kind, key: stage.name } : undefined;
}

/** The first stage whose text no longer has what `holds` looks for. */
function firstStageWithout(stages: TextPathStage[], holds: (text: string) => boolean): TextPathStage | undefined {
  return stages.find((s) => s.text !== undefined && !holds(s.text));
}

/** A text with its line breaks shown, for inline code in messages. */
export function visibleText(text: string): string {
  return text.replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/`/g, "'");
}
