// A size in the model name (`gpt-oss-20b`) that disagrees with the id it loads (`openai/gpt-oss-120b`) or with
// `parameters`: the usual trace of an entry copied from a sibling and not fully edited.
import type { EntryContext } from '../context';

/** Sizes such as `7B`, `0.5b`, `120b` standing as their own name part (not `A22B` or `8x7B`). */
const SIZE = /(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)([bBmM])(?![A-Za-z0-9])/g;
/** Mixture-of-experts names give active or per-expert sizes, which differ from the total by design. */
const MOE = /(?<![A-Za-z])\d+[eE](?![A-Za-z])|\d+x\d|(?<![A-Za-z])A\d+(?:\.\d+)?B/;

/**
 * The number of the one size in `text`, or NaN when it has none or several; its unit (`B` or `M`) is left in
 * `lastUnit`. Sizes are compared as number and unit, and spelled out (`7B`, `0.5B`, `135M`) only for a finding.
 */
function onlySize(text: string): number {
  // Most ids hold no digit before a unit at all: a simpler search rules them out first.
  if (!MAYBE_SIZE.test(text)) return NaN;
  SIZE.lastIndex = 0;
  const m = SIZE.exec(text);
  if (!m || SIZE.exec(text)) return NaN;
  lastUnit = m[2] === 'b' || m[2] === 'B' ? 'B' : 'M';
  return Number(m[1]);
}

let lastUnit = '';
const MAYBE_SIZE = /\d[bBmM]/;

export function checkSizeMismatch(ctx: EntryContext): void {
  const name = ctx.value.model_name;
  if (typeof name !== 'string') return;
  const size = onlySize(name);
  if (Number.isNaN(size)) return;
  const unit = lastUnit;
  for (const idKey of ID_KEYS) {
    const id = ctx.value[idKey];
    if (typeof id !== 'string') continue;
    const inId = onlySize(id.slice(id.lastIndexOf('/') + 1));
    if (!Number.isNaN(inId) && (inId !== size || lastUnit !== unit)) {
      const node = ctx.lazyNode([idKey], id);
      ctx.report('size-mismatch', node, [idKey],
        `The name \`${name}\` says ${size}${unit}, but \`${idKey}\` loads a ${inId}${lastUnit} model. Check that the id belongs to this entry (a copied sibling entry is the usual cause).`,
        { data: { key: idKey } });
    }
  }
  const paramsValue = ctx.value.parameters;
  if (typeof paramsValue === 'string' && !MOE.test(name)) {
    const inParams = onlySize(paramsValue);
    if (!Number.isNaN(inParams) && (inParams !== size || lastUnit !== unit)) {
      const params = ctx.lazyNode(['parameters'], paramsValue);
      ctx.report('size-mismatch', params, ['parameters'],
        `The name \`${name}\` says ${size}${unit}, but \`parameters\` is ${paramsValue}. Check which one is right.`,
        { severity: 'information', data: { key: 'parameters' } });
    }
  }
}

const ID_KEYS = ['model_id', 'huggingface_id'] as const;
