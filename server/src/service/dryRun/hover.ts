// The dry run in the hover of the keys it judges: the probe before and after each stage of clemcore's text path,
// where the end marker came from, and what the probe assumes.
import { visible } from '../../pyre';
import type { TextPathStageName } from '../../clemcore/textPath';
import { PROBE_ANSWER, type DryRun } from './probe';
import { pythonStrip } from '../../clemcore/python';

/** The keys whose hover shows the dry run. */
export const DRY_RUN_KEYS = new Set(['eos_to_cull', 'cot_end_tag', 'cot_start_tag', 'output_split_prefix']);

const STAGE_WORDS: Record<TextPathStageName, string> = {
  prompt: 'prompt removed',
  strip: 'after `.strip()`',
  output_split_prefix: 'after `output_split_prefix` (rsplit, last part)',
  pad: 'after pad removal',
  eos_to_cull: 'after `re.sub(eos_to_cull, "", …)`',
  cot_start_tag: 'after removing `cot_start_tag`',
  cot_end_tag: 'the answer after `re.split(cot_end_tag, …)`',
  cot_output: 'the CoT branch',
};

const code = (text: string) => (text === '' ? '`""`' : `\`${visible(text).replace(/`/g, "'")}\``);

export function dryRunMarkdown(run: DryRun): string {
  const lines = [`**Dry run** through clemcore ${run.version}'s ${run.backend} text path (no model):`, ''];
  lines.push(run.marker ? `End marker \`${run.marker.text}\`: ${run.marker.source}${run.marker.inText ? '.' : ', so it does not reach the text.'}` : 'End marker: not known here.');
  lines.push('', `- probe: ${code(run.probe)}`);
  for (const stage of run.result.stages) {
    if (stage.error) lines.push(`- ${STAGE_WORDS[stage.name]}: clemcore raises ${stage.error}`);
    else if (stage.text !== undefined) lines.push(`- ${STAGE_WORDS[stage.name]}: ${code(stage.text)}${stage.note ? ` — ${stage.note}` : ''}`);
  }
  const ok = run.reply !== undefined && pythonStrip(run.reply) === PROBE_ANSWER;
  lines.push('', run.reply === undefined ? 'The game gets no reply.' : `The game gets ${code(run.reply)}${ok ? ': the answer, as it should.' : `, not the answer ${code(PROBE_ANSWER)}.`}`);
  if (run.assumptions.length) lines.push('', 'Assumptions:', ...run.assumptions.map((a) => `- ${a}`));
  return lines.join('\n');
}
