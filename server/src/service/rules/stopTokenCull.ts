// huggingface_local decodes replies with their special tokens, so `eos_to_cull` has to remove the token that ends the
// model's turn. Which token that is, the entry does not say: the local Hugging Face cache does (the chat template's
// end-of-turn marker, when generation_config.json lists it among the tokens that stop generation). Without a cached
// tokenizer there is nothing to compare with and nothing is reported.
import { sub } from '../../pyre';
import { analyzable, parsedPattern, pyEscape } from './regexValue';
import { conditionallyIgnored } from './runtimeNotes';
import { endMarkerOf } from '../../jinja2';
import type { EntryContext } from '../context';

/** The matcher's step budget: an end marker is short, and a pattern that needs more is judged by the regex rules. */
const MAX_STEPS = 100_000;

export function checkStopTokenCull(ctx: EntryContext): void {
  const source = ctx.tokenizerFacts;
  if (!source || ctx.backend !== 'huggingface_local') return;
  const config = ctx.config;
  const id = ctx.value.huggingface_id;
  const cull = config.eos_to_cull;
  if (typeof id !== 'string' || typeof cull !== 'string' || !analyzable(cull)) return;
  // What the schemas say the runtime skips in this entry: all of it on the multimodal path (3.7), which decodes
  // without special tokens; the custom template when premade_chat_template is true.
  const ignored = conditionallyIgnored(ctx);
  if (ignored?.has('eos_to_cull')) return;
  const facts = source(id);
  if (!facts) return;
  const custom = !ignored?.has('custom_chat_template') && typeof config.custom_chat_template === 'string' ? config.custom_chat_template : undefined;
  const marker = endMarkerOf(custom ?? facts.chatTemplate);
  if (!marker || !facts.stopTokens.includes(marker)) return;
  // clemcore removes the pad token from replies that start or end with it; without a pad token it pads with the EOS.
  if ((facts.padToken ?? facts.eosToken) === marker) return;
  const parsed = parsedPattern(cull);
  if (!parsed.ok) return;
  const left = sub(parsed.ast, marker, '', { maxSteps: MAX_STEPS });
  // Culled wholly or in part (a partial cull is the regex rules' finding): nothing to add.
  if (left !== marker) return;
  const node = ctx.locate(['model_config', 'eos_to_cull'])?.value;
  if (!node) return;
  const escaped = pyEscape(marker);
  const template = custom !== undefined ? 'the custom chat template' : `${id}'s chat template`;
  ctx.report(
    'eos-not-culled',
    node,
    ['model_config', 'eos_to_cull'],
    `\`eos_to_cull\` ${JSON.stringify(cull)} does not remove \`${marker}\`, which ends the assistant's turn in ${template} and stops the model's generation (${facts.source}). clemcore decodes replies with special tokens, so \`${marker}\` stays at the end of every reply. Cull it: ${JSON.stringify(escaped)}.`,
    { data: { replacement: JSON.stringify(escaped), replaceWholeValue: true } },
  );
}
