// What Test model entry finds in the reply clemcore hands to the game, for every backend: end markers left behind,
// an eos_to_cull that matched nothing or too much, reasoning left in, an empty reply; and the token view of a
// generation.
import type { Token } from 'node-llama-cpp';
import { matchSpans, parsePattern, search } from '../pyre';
import { pythonStrip } from '../clemcore/python';
import { tokenType, type GgufMetadata } from './gguf';
import type { LoadedModel } from './llama';
import type { ReportBuilder } from './reportBuilder';

/** Special tokens shown in brackets, so a token-by-token view tells them from text. */
export function tokenView(model: LoadedModel, meta: GgufMetadata, tokens: Token[]): string {
  return tokens.map((t) => {
    const type = tokenType(meta, t);
    const text = model.detokenize([t], true);
    return type === 'control' || type === 'user_defined' ? `⟦${text}⟧` : `«${text}»`;
  }).join(' ');
}

const REASONING = new Set(['<think>', '</think>']);
/** End markers by their look, for vocabularies that do not mark them as special. */
const MARKER_LOOK = /<\|[^|<>\s]{1,40}\|>|<\/s>|<end_of_turn>|<eos>|<\|?end▁of▁sentence\|?>|<｜[^｜<>\s]{1,40}｜>/g;

/** The special-token texts of the vocabulary (control and user-defined tokens), longest first. */
export function specialTexts(meta: GgufMetadata): string[] {
  const tokens = meta.values.get('tokenizer.ggml.tokens');
  const types = meta.values.get('tokenizer.ggml.token_type');
  if (!Array.isArray(tokens) || !Array.isArray(types)) return [];
  const out = new Set<string>();
  tokens.forEach((t, i) => {
    if (typeof t === 'string' && t.length >= 2 && (types[i] === 3 || types[i] === 4) && !REASONING.has(t)) out.add(t);
  });
  return [...out].sort((a, b) => b.length - a.length);
}

export function markersIn(text: string, specials: string[]): string[] {
  const found = new Set<string>();
  for (const s of specials) if (text.includes(s)) found.add(s);
  for (const m of text.match(MARKER_LOOK) ?? []) found.add(m);
  return [...found];
}

/**
 * Where eos_to_cull's matches fall relative to the end markers in the text it culls: markers it removes only in part,
 * and text it removes outside every marker (whitespace next to a marker does not count).
 */
function cullCoverage(text: string, markers: string[], pattern: unknown): { partial: string[]; outside: string[] } | undefined {
  if (typeof pattern !== 'string') return undefined;
  const parsed = parsePattern(pattern);
  const spans = parsed.ok ? matchSpans(parsed.ast, text, { maxSteps: 5_000_000 }) : undefined;
  if (!spans) return undefined;
  const covered = new Uint8Array(text.length);
  for (const [s, e] of spans) covered.fill(1, s, e);
  const inMarker = new Uint8Array(text.length);
  const partial = new Set<string>();
  for (const m of markers) {
    for (let at = text.indexOf(m); at >= 0; at = text.indexOf(m, at + m.length)) {
      inMarker.fill(1, at, at + m.length);
      const hit = covered.subarray(at, at + m.length).reduce((a, b) => a + b, 0);
      if (hit > 0 && hit < m.length) partial.add(m);
    }
  }
  const outside: string[] = [];
  for (const [s, e] of spans) {
    let piece = '';
    for (let i = s; i < e; i++) if (!inMarker[i]) piece += text[i];
    if (piece.trim() !== '' && outside.length < 5) outside.push(piece);
  }
  return { partial: [...partial], outside };
}

/** The texts a reply is judged by: the reply, the text eos_to_cull ran on, and what it made of it. */
export interface ReplyTexts {
  reply: string;
  beforeCull: string;
  culled: string;
}

/**
 * The problems of a reply; `specials` are the vocabulary's special-token texts, `backend` words the advice for
 * reasoning left in the reply.
 */
export function checkReply(r: ReportBuilder, { reply, beforeCull, culled }: ReplyTexts, config: Record<string, unknown>, specials: string[], backend: 'llamacpp' | 'huggingface_local'): void {
  const left = markersIn(reply, specials);
  const before = markersIn(beforeCull, specials);
  const cull = cullCoverage(beforeCull, before, config.eos_to_cull);
  if (cull?.partial.length) {
    r.problem('end-marker-left', 'fail', `eos_to_cull removes only part of ${cull.partial.map((m) => JSON.stringify(m)).join(', ')}, and the rest stays in the reply. In a Python regex | means OR: escape it as \\| (in the JSON file "\\\\|").`);
  } else if (left.length) {
    r.problem('end-marker-left', 'fail', `The reply still holds ${left.map((m) => JSON.stringify(m)).join(', ')} after culling: the game sees it. Make eos_to_cull match it.`);
  }
  if (before.length && culled === beforeCull) {
    r.problem('cull-never-matched', 'fail', `eos_to_cull ${JSON.stringify(config.eos_to_cull)} matched nothing, although the text held ${before.map((m) => JSON.stringify(m)).join(', ')}.`);
  }
  if (cull?.outside.length) {
    r.problem('cull-outside-marker', 'warning', `eos_to_cull also removed ${cull.outside.map((m) => JSON.stringify(m)).join(', ')} outside any end marker: check that the pattern removes only what it should (an unescaped | removes every < and > of a reply).`);
  }
  if (/<\/think>/.test(reply)) {
    const tag = typeof config.cot_end_tag === 'string' ? config.cot_end_tag : undefined;
    const parsed = tag !== undefined ? parsePattern(tag) : undefined;
    const matches = parsed?.ok ? search(parsed.ast, reply, 0, { maxSteps: 1_000_000 }) : undefined;
    r.problem('reasoning-left', 'fail', backend === 'llamacpp'
      ? `The reply still holds the model's reasoning (…</think>).${tag !== undefined ? ` The llamacpp backend does not read cot_output or cot_end_tag${matches ? ' (though the tag would match here)' : ''}.` : ''} Cut it with output_split_prefix "</think>" or an eos_to_cull such as "(?s)<think>.*</think>\\\\s*".`
      : `The reply still holds the model's reasoning (…</think>). Set cot_output to true with a cot_end_tag that matches the end of the reasoning (e.g. "</think>"), so that clemcore splits it off.`);
  }
  if (pythonStrip(reply) === '') r.problem('empty-reply', 'fail', 'After post-processing the reply is empty: the game gets "".');
}
