// `context_size` (x-clem-kind "context-size"). clemcore 3.7 huggingface_local parses it as a fallback with
// `(\d+)([km])?` after lower()/strip() (k = 1024, m = 1048576); clemcore 3.3 huggingface_multimodal reads it as
// `int(value.replace("k", "")) * 1000`, where "", "128K", "1M" crash and "4096" becomes 4,096,000. Everything else
// ignores it, so outside huggingface_multimodal these are format hints and warnings.
import { stringValue } from '../jsonText';
import { parseContextSize37 } from '../../clemcore/contextSize';
import type { ValueCheck } from './valueKinds';
import type { EntryContext } from '../context';

/** Python's int() on a str: optional sign, digits with single underscores between them, surrounding whitespace. */
function pythonInt(s: string): number | undefined {
  const t = s.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) return undefined;
  return Number(t.replace(/_/g, ''));
}


/** A cleaned-up spelling that both runtimes parse, when one can be derived without guessing. */
function cleanUp(s: string): string | undefined {
  let t = s.trim().toLowerCase();
  t = t.replace(/\s*(tokens?|toks?)$/, '');
  t = t.replace(/(\d)[,_\s](?=\d{3}\b)/g, '$1');
  t = t.replace(/^(\d+)\s+([km])$/, '$1$2');
  return /^\d+[km]?$/.test(t) ? t : undefined;
}

/** `/^\d+[km]?$/` without a regex. */
function isPlainSize(value: string): boolean {
  let n = value.length;
  if (n === 0) return false;
  const last = value.charCodeAt(n - 1);
  if (last === 107 || last === 109) n--; // k, m
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A 3.3-multimodal spelling (k = ×1000) of a token count. */
function multimodalSpelling(tokens: number): string {
  if (tokens % 1000 === 0) return `${tokens / 1000}k`;
  if (tokens % 1024 === 0) return `${tokens / 1024}k`;
  return `${Math.round(tokens / 1000)}k`;
}

function isLiveMultimodal(ctx: EntryContext): boolean {
  return ctx.backend === 'huggingface_multimodal' && (ctx.backendSchema?.['x-clem-backend'].versions ?? []).includes(ctx.version);
}

export const checkContextSize: ValueCheck = (ctx, node, path) => {
  const key = String(path[path.length - 1] ?? 'context_size');
  const multimodal = isLiveMultimodal(ctx);

  if (node.type === 'number') {
    const n = node.value as number;
    if (multimodal) {
      ctx.report('context-size', node, path, `huggingface_multimodal reads \`${key}\` with \`value.replace("k", "")\`, which fails on a number (AttributeError when the model is loaded). Write it as a string such as "${Number.isInteger(n) && n > 0 ? multimodalSpelling(n) : '32k'}".`, {
        severity: 'error',
        data: Number.isInteger(n) && n > 0 ? { replacement: JSON.stringify(multimodalSpelling(n)) } : undefined,
      });
    } else {
      ctx.report('context-size', node, path, `\`${key}\` is a number. clemcore ${ctx.version} accepts that, but the registry README writes it as a string such as "128k"; write "${n}" or a "k" form for consistency.`, {
        data: Number.isInteger(n) ? { replacement: JSON.stringify(String(n)) } : undefined,
      });
    }
    return;
  }
  if (node.type !== 'string') return;
  const value = stringValue(ctx.text, node);
  // The usual spelling, digits with an optional "k" or "m", is fine everywhere but in huggingface_multimodal.
  if (!multimodal && isPlainSize(value)) return;
  const shown = JSON.stringify(value);

  if (multimodal) {
    const n = pythonInt(value.replace(/k/g, ''));
    if (n === undefined) {
      const tokens = parseContextSize37(value) ?? (cleanUp(value) ? parseContextSize37(cleanUp(value)!) : undefined);
      const suggestion = tokens ? multimodalSpelling(tokens) : undefined;
      const what = value === '' ? 'an empty value' : `${shown}`;
      ctx.report('context-size', node, path, `huggingface_multimodal uses \`${key}\` as the model's context size and parses it with \`int(value.replace("k", "")) * 1000\`; ${what} makes that raise ValueError when the model is loaded (only a lower-case "k" is understood). Write ${suggestion ? `"${suggestion}"` : 'the size like "32k" (k = 1000 tokens)'}.`, {
        severity: 'error',
        data: suggestion ? { replacement: JSON.stringify(suggestion) } : undefined,
      });
      return;
    }
    if (!/k/.test(value)) {
      const tokens = n;
      const suggestion = multimodalSpelling(tokens);
      ctx.report('context-size', node, path, `huggingface_multimodal multiplies \`${key}\` by 1000 (\`int(value.replace("k", "")) * 1000\`), so ${shown} becomes ${(n * 1000).toLocaleString('en-US')} tokens. Write "${suggestion}".`, {
        severity: 'error',
        data: { replacement: JSON.stringify(suggestion) },
      });
    }
    return;
  }

  if (value === '') {
    // Remote backends never read it: an empty size is as good as any there.
    if (ctx.backendSchema?.['x-clem-backend'].remote) return;
    ctx.report('context-size', node, path, `\`${key}\` is empty: the context size is unknown. That is fine for closed models; for a local model write it like "128k".`);
    return;
  }
  const plain = /^\d+[km]?$/.test(value);
  if (plain) return;
  if (parseContextSize37(value) !== undefined) {
    const fixed = value.trim().toLowerCase();
    ctx.report('context-size', node, path, `\`${key}\` ${shown} is accepted by clemcore 3.7, which lower-cases it, but the usual form is lower-case without spaces, and clemcore 3.3's huggingface_multimodal crashed on an upper-case "K" or "M". Write "${fixed}".`, {
      data: { replacement: JSON.stringify(fixed) },
    });
    return;
  }
  const fixed = cleanUp(value);
  ctx.report('context-size', node, path, `\`${key}\` ${shown} is not in a form clemcore parses (digits with an optional "k" or "m", e.g. "128k" or "32768"); where clemcore reads it (huggingface_local's fallback), it is ignored. Write ${fixed ? `"${fixed}"` : 'the number of tokens like "32k" or "32768"'}.`, {
    severity: 'warning',
    data: fixed ? { replacement: JSON.stringify(fixed) } : undefined,
  });
};
