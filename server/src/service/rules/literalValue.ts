// Literal text fields (x-clem-kind "literal": eos_string, bos_string, cot_start_tag, output_split_prefix, cot_bypass,
// and huggingface_multimodal's eos_to_cull). clemcore uses them verbatim (template variables, str.replace, split), so
// regex escaping such as `<\|END_OF_TURN_TOKEN\|>` puts real backslashes into the text it looks for.
import { decodeStringNode, escapeJsonString, valueSpan } from '../jsonText';
import type { ValueCheck } from './valueKinds';
import type { EntryContext } from '../context';

/** ASCII punctuation: a backslash before one of these is how a regex escapes it. */
const REGEX_ESCAPABLE = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;

/** Indexes of backslashes in `value` that escape punctuation, read left to right as a regex would. */
export function regexEscapes(value: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < value.length - 1; i++) {
    if (value[i] !== '\\') continue;
    if (REGEX_ESCAPABLE.test(value[i + 1])) out.push(i);
    i++; // the escaped character is consumed either way
  }
  return out;
}

/** The text a regex with these escapes would match: every `\X` at the given indexes becomes `X`. */
export function unescapeRegex(value: string, escapes: number[]): string {
  const drop = new Set(escapes);
  let out = '';
  for (let i = 0; i < value.length; i++) if (!drop.has(i)) out += value[i];
  return out;
}

function howUsed(key: string, ctx: EntryContext): string {
  switch (key) {
    case 'eos_string':
    case 'bos_string':
      return `clemcore passes \`${key}\` to the chat template as \`${key === 'eos_string' ? 'eos_token' : 'bos_token'}\` as it is`;
    case 'cot_start_tag':
      return 'clemcore removes `cot_start_tag` with a plain `str.replace`, not a regex';
    case 'output_split_prefix':
      return 'clemcore splits the output at `output_split_prefix` with a plain string split, not a regex';
    case 'cot_bypass':
      return 'clemcore appends `cot_bypass` as the text of a final assistant message, as it is';
    case 'eos_to_cull':
      return ctx.backend === 'huggingface_multimodal'
        ? 'huggingface_multimodal cuts the output at `eos_to_cull` with a plain `split`, not a regex (unlike the text backends)'
        : `clemcore uses \`${key}\` as plain text`;
    default:
      return `clemcore uses \`${key}\` as plain text, not as a regex`;
  }
}

export const checkLiteralValue: ValueCheck = (ctx, node, path) => {
  if (node.type !== 'string') return;
  const decoded = decodeStringNode(ctx.text, node);
  const escapes = regexEscapes(decoded.value);
  if (escapes.length === 0) return;
  const key = String(path[path.length - 1]);
  const fixed = unescapeRegex(decoded.value, escapes);
  const first = valueSpan(decoded, escapes[0], escapes[0] + 1);
  const last = valueSpan(decoded, escapes[escapes.length - 1], escapes[escapes.length - 1] + 1);
  const span = { offset: first.offset, length: last.offset + last.length - first.offset };
  const count = escapes.length === 1 ? 'a regex escape' : `${escapes.length} regex escapes`;
  ctx.report(
    'literal-has-escapes',
    span,
    path,
    `\`${key}\` has ${count} (a backslash before a punctuation character), but ${howUsed(key, ctx)}, so the backslashes become part of the text: it is taken as \`${decoded.value}\`, not \`${fixed}\`. Remove the backslashes: write \`${fixed}\`.`,
    { data: { replacement: `"${escapeJsonString(fixed)}"`, replaceWholeValue: true } },
  );
};
