// The dry run (service/dryRun/): for each entry whose backend post-processes text, a probe reply through clemcore's
// text path, and one finding, on the key that causes it, when the game would not get the probe's answer back: an end
// marker left in the reply (eos-not-culled), answer text deleted (reply-culled), the answer lost in the CoT split
// (cot-answer-lost), or IndexError from output_split_prefix (split-prefix-missing). Where another rule already
// reports on that key (the regex rules on an unescaped `|`, over-escaping, single characters...), that finding is the
// one: the dry run adds nothing to the same mistake.
import { dryRun, visibleText, type DryRun } from '../dryRun/probe';
import { hasIntentionalConstruct, parsedPattern, pyEscape } from './regexValue';
import { conditionallyIgnored } from './runtimeNotes';
import { search } from '../../pyre';
import type { EntryContext } from '../context';
import type { DiagnosticCode } from '../codes';
import type { JsonPath } from '../types';

const CODES: Record<NonNullable<DryRun['outcome']>['kind'], DiagnosticCode> = {
  'marker-left': 'eos-not-culled',
  'answer-deleted': 'reply-culled',
  'cot-answer-lost': 'cot-answer-lost',
  'split-prefix-missing': 'split-prefix-missing',
};

const SAME_CAUSE = /^(regex-|literal-has-escapes$|json-)/;

export function checkDryRun(ctx: EntryContext): void {
  const backend = ctx.backend;
  if (backend !== 'huggingface_local' && backend !== 'llamacpp' && backend !== 'vllm') return;
  const ignored = conditionallyIgnored(ctx);
  if (ignored?.has('eos_to_cull')) return;
  const run = dryRun(ctx.value, backend, ctx.version, ctx.tokenizerFacts, ctx.ggufFacts);
  const outcome = run?.outcome;
  if (!run || !outcome) return;
  const path: JsonPath = ['model_config', outcome.key];
  // One mistake, one finding: a regex rule's finding on this key (regex-unescaped-bar, regex-single-char, ...) or a
  // literal field's escapes already say what is wrong with the value.
  if (ctx.diagnostics.some((d) => d.path.length === 2 && d.path[0] === 'model_config' && d.path[1] === outcome.key && SAME_CAUSE.test(d.code))) return;
  const node = ctx.locate(path)?.value;
  if (!node) return;
  const code = CODES[outcome.kind];
  const fix = outcome.kind === 'marker-left' ? markerFix(ctx.config.eos_to_cull, run.marker!.text) : undefined;
  ctx.report(code, node, path, messageOf(run, ctx.config, fix), {
    data: { key: outcome.key, dryRun: summaryOf(run), ...(fix ? { replacement: JSON.stringify(fix), replaceWholeValue: true } : {}) },
  });
}

/**
 * The culling pattern that removes the marker: the escaped marker in place of a plain token (`</s>` on a ChatML
 * model), or added as one more alternative to a pattern with deliberate regex constructs, which stay.
 */
function markerFix(pattern: unknown, marker: string): string | undefined {
  if (typeof pattern !== 'string') return undefined;
  const escaped = pyEscape(marker);
  if (pattern === '') return escaped;
  const parsed = parsedPattern(pattern);
  if (!parsed.ok) return undefined;
  return hasIntentionalConstruct(parsed.ast.body) || parsed.ast.body.type === 'alternation' ? `${pattern}|${escaped}` : escaped;
}

const show = (text: string) => `\`${visibleText(text)}\``;

function messageOf(run: DryRun, config: Record<string, unknown>, fix: string | undefined): string {
  const outcome = run.outcome!;
  const value = config[outcome.key];
  const keyText = `\`${outcome.key}\` ${JSON.stringify(value)}`;
  const reply = run.reply === undefined ? '' : ` A probe reply ${show(run.probe)} reaches the game as ${run.reply === '' ? '""' : show(run.reply)}.`;
  const assumed = run.assumptions.length ? ' (The hover shows the probe and what it assumes.)' : '';
  switch (outcome.kind) {
    case 'marker-left': {
      const marker = run.marker!;
      const how = run.backend === 'huggingface_local' ? 'clemcore decodes replies with special tokens kept' : 'The model writes it as ordinary text';
      return `${keyText} does not remove \`${marker.text}\`, which ends the model's answer: ${marker.source}. ${how}, so \`${marker.text}\` stays in every reply.${reply}${betweenTurns(value, marker)}${fix ? ` Cull it: ${JSON.stringify(fix)}.` : ''}${assumed}`;
    }
    case 'answer-deleted':
      return outcome.key === 'output_split_prefix'
        ? `${keyText} occurs after the answer, and clemcore keeps only what follows its last occurrence: the answer is cut away.${reply}${assumed}`
        : `${keyText} removes the answer together with the end marker.${reply} Make the pattern match only the marker (and what may follow it).${assumed}`;
    case 'cot-answer-lost':
      return cotMessage(outcome.key, keyText, run) + reply + assumed;
    case 'split-prefix-missing':
      return `${keyText}: the model's reply does not contain it, and clemcore's ${run.backend} backend takes \`rsplit(output_split_prefix, 1)[1]\` unguarded, so every generation fails with IndexError. Remove \`output_split_prefix\`, or set it to what the model itself writes before its answer.${assumed}`;
  }
}

/**
 * Why a pattern misses a marker it seems to name: it matches the template's text between turns (`<|im_end|>\n`),
 * but the model's reply ends at the marker, and strip() takes whitespace off the ends.
 */
function betweenTurns(pattern: unknown, marker: NonNullable<DryRun['marker']>): string {
  if (typeof pattern !== 'string' || marker.follower === undefined) return '';
  const parsed = parsedPattern(pattern);
  if (!parsed.ok || !search(parsed.ast, marker.follower, 0, { maxSteps: 100_000 })) return '';
  return ` The pattern matches the template's text between turns, ${show(marker.follower)}, but the model's reply ends at \`${marker.text}\` (and clemcore strips whitespace off its ends), so it never matches there.`;
}

function cotMessage(key: string, keyText: string, run: DryRun): string {
  const tag = run.cotTag ? show(run.cotTag) : 'the CoT end tag';
  switch (key) {
    case 'eos_to_cull':
      return `${keyText} removes ${tag}, which ends the reasoning, before clemcore splits at \`cot_end_tag\`: the split finds no tag, so the whole reply counts as reasoning and the answer is "".`;
    case 'cot_start_tag':
      return `${keyText} is removed before the split and takes ${tag}, which ends the reasoning, with it: the answer is "".`;
    case 'output_split_prefix':
      return `${keyText} cuts the reply before the CoT split, and the reasoning with ${tag} goes with it: the split finds no tag and the answer is "".`;
    default:
      return `${keyText}: \`re.split\` on the reply leaves the answer empty (clemcore takes the last piece).`;
  }
}

/** What the hover shows: the probe before and after each stage, and the assumptions. */
export function summaryOf(run: DryRun): { probe: string; reply?: string; stages: { name: string; text?: string; error?: string }[]; assumptions: string[]; marker?: string; source?: string } {
  return {
    probe: run.probe,
    reply: run.reply,
    stages: run.result.stages.map((s) => ({ name: s.name, text: s.text, error: s.error })),
    assumptions: run.assumptions,
    marker: run.marker?.text,
    source: run.marker?.source,
  };
}
