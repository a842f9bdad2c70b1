// `parameters` (x-clem-kind "parameters"): the total parameter count like "7B", "46.7B", "1.76T", "135M", or "" when
// unknown. clemcore never reads it; these are format hints for the result tables.
import { stringValue } from '../jsonText';
import type { ValueCheck } from './valueKinds';

const UNIT: Record<string, string> = {
  k: 'K', thousand: 'K', m: 'M', million: 'M', mio: 'M', b: 'B', bn: 'B', billion: 'B', t: 'T', trillion: 'T',
};

function trimNumber(n: number): string {
  return String(Number(n.toPrecision(6)));
}

/** A normalised spelling, when the value is a count in another notation. */
export function normaliseParameters(raw: string): string | undefined {
  let v = raw.trim().replace(/^(~|\u2248|approx\.?|about|ca\.?)\s*/i, '');
  v = v.replace(/\s*(parameters|params|param)$/i, '');
  let m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(v);
  if (m) {
    const unit = UNIT[m[2].toLowerCase()];
    if (!unit || unit === 'K') return undefined;
    return `${trimNumber(Number(m[1]))}${unit}`;
  }
  m = /^(\d{1,3}(?:[,_ ]\d{3})+|\d{7,})$/.exec(v);
  if (m) {
    const n = Number(m[1].replace(/[,_ ]/g, ''));
    if (n >= 1e12) return `${trimNumber(n / 1e12)}T`;
    if (n >= 1e9) return `${trimNumber(n / 1e9)}B`;
    if (n >= 1e6) return `${trimNumber(n / 1e6)}M`;
  }
  return undefined;
}

export const checkParameters: ValueCheck = (ctx, node, path) => {
  if (node.type !== 'string') return; // other types: the type rule
  const key = String(path[path.length - 1] ?? 'parameters');
  const value = stringValue(ctx.text, node);
  if (value === '' || /^\d+(\.\d+)?[MBT]$/.test(value)) return;
  const shown = JSON.stringify(value);

  if (/^\d+(\.\d+)?[mbt]$/.test(value)) {
    const fixed = value.toUpperCase();
    ctx.report('parameters-format', node, path, `\`${key}\` ${shown} uses a lower-case unit; the registry writes the unit upper-case. Write "${fixed}".`, {
      data: { replacement: JSON.stringify(fixed) },
    });
    return;
  }
  if (/^\s*\d+\s*[x\u00d7]\s*\d+(\.\d+)?\s*[mbt]\s*$/i.test(value)) {
    ctx.report('parameters-format', node, path, `\`${key}\` ${shown} is mixture-of-experts notation (experts × expert size); the registry gives the total parameter count, which is smaller because experts share layers (e.g. "46.7B" for Mixtral 8x7B). Write the total from the model card.`);
    return;
  }
  if (/^\d+(\.\d+)?[MBT]\s*[-/(,]\s*A?\d+(\.\d+)?[MBT]\)?/i.test(value) || /active/i.test(value)) {
    const total = /^(\d+(?:\.\d+)?[MBT])/i.exec(value)?.[1]?.toUpperCase();
    ctx.report('parameters-format', node, path, `\`${key}\` ${shown} mixes the total and the active parameter count; the registry gives only the total${total ? `, "${total}"` : ''}.`, {
      data: total ? { replacement: JSON.stringify(total) } : undefined,
    });
    return;
  }
  const fixed = normaliseParameters(value);
  ctx.report('parameters-format', node, path, `\`${key}\` ${shown} is not in the form the registry uses: a number with the unit M, B or T, such as "7B", "46.7B" or "1.76T" ("" when unknown). ${fixed ? `Write "${fixed}".` : 'Write the total parameter count in that form.'}`, {
    data: fixed ? { replacement: JSON.stringify(fixed) } : undefined,
  });
};
