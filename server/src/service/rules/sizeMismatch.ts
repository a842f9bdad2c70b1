// A size in the model name (`gpt-oss-20b`) that disagrees with the id it loads (`openai/gpt-oss-120b`) or with
// `parameters`: the usual trace of an entry copied from a sibling and not fully edited.
import type { EntryContext } from '../context';

/** Sizes such as `7B`, `0.5b`, `120b` standing as their own name part (not `A22B` or `8x7B`). */
const SIZE = /(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)([bBmM])(?![A-Za-z0-9])/g;
/** Mixture-of-experts names give active or per-expert sizes, which differ from the total by design. */
const MOE = /(?<![A-Za-z])\d+[eE](?![A-Za-z])|\d+x\d|(?<![A-Za-z])A\d+(?:\.\d+)?B/;

function sizes(text: string): string[] {
  const found = text.match(SIZE);
  return found ? found.map((m) => `${Number(m.slice(0, -1))}${m[m.length - 1].toUpperCase()}`) : [];
}

export function checkSizeMismatch(ctx: EntryContext): void {
  const name = ctx.value.model_name;
  if (typeof name !== 'string') return;
  if (!/\d[bBmM]/.test(name)) return;
  const inName = sizes(name);
  if (inName.length !== 1) return;
  const size = inName[0];
  for (const idKey of ['model_id', 'huggingface_id']) {
    const id = ctx.value[idKey];
    if (typeof id !== 'string') continue;
    const inId = sizes(id.split('/').pop()!);
    if (inId.length === 1 && inId[0] !== size) {
      const node = ctx.lazyNode([idKey], id);
      ctx.report('size-mismatch', node, [idKey],
        `The name \`${name}\` says ${size}, but \`${idKey}\` loads a ${inId[0]} model. Check that the id belongs to this entry (a copied sibling entry is the usual cause).`,
        { data: { key: idKey } });
    }
  }
  const paramsValue = ctx.value.parameters;
  if (typeof paramsValue === 'string' && !MOE.test(name)) {
    const inParams = sizes(paramsValue);
    if (inParams.length === 1 && inParams[0] !== size) {
      const params = ctx.lazyNode(['parameters'], paramsValue);
      ctx.report('size-mismatch', params, ['parameters'],
        `The name \`${name}\` says ${size}, but \`parameters\` is ${paramsValue}. Check which one is right.`,
        { severity: 'information', data: { key: 'parameters' } });
    }
  }
}
