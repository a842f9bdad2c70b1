// llamacpp `filename` and `additional_files` items (x-clem-kind "glob"). clemcore hands them to llama-cpp-python's
// `Llama.from_pretrained`, which lists the repository recursively and keeps the files whose repo-relative path
// (e.g. `Q8_0/model-Q8_0-00001-of-00006.gguf`) matches with Python's fnmatch: `*` also matches `/`, matching is
// case-sensitive on Linux, and exactly one file must match. These checks need no file list, so they stay general:
// regex syntax, a `*/` before a folder, the extension, quantization-tag case, and globs that hit every shard.
import { decodeStringNode, valueSpan, type Node } from '../jsonText';
import { fnmatch } from '../../clemcore/fnmatch';
import type { EntryContext } from '../context';
import type { JsonPath, Severity, Span } from '../types';
import type { ValueCheck } from './valueKinds';

const QUANT_TAG = /(?<![A-Za-z0-9])(i?q[1-8](?:_[a-z0-9]+)*|bf16|f16|f32)(?![A-Za-z0-9])/gi;
const SHARD = /\d+-of-/;

/** A glob for a pattern written as a regex, when the translation is clear. */
function regexToGlob(p: string): string | undefined {
  let g = p.replace(/^\^/, '').replace(/\$$/, '');
  g = g.replace(/\.\*/g, '*').replace(/\.\+/g, '?*').replace(/\\\./g, '.').replace(/\\-/g, '-').replace(/\\_/g, '_');
  return /[()|+\\^$]/.test(g) ? undefined : g;
}

function looksLikeRegex(p: string): boolean {
  return /\.\*|\.\+|\\[.dDwWsS\-_]|^\^|\$$|[()|+]/.test(p);
}

export const checkGgufFilename: ValueCheck = (ctx, node, path) => {
  if (node.type !== 'string') return;
  const decoded = decodeStringNode(ctx.text, node);
  const value = decoded.value;
  const isExtra = path.includes('additional_files');
  const key = isExtra ? 'additional_files' : String(path[path.length - 1] ?? 'filename');
  const shown = `\`${value}\``;
  const sev = (s: Severity): Severity => (isExtra ? 'hint' : s);
  const whole = (text: string) => ({ replacement: JSON.stringify(text) });
  const at = (from: number, to: number): Span => valueSpan(decoded, from, to);

  if (value.trim() === '') return; // an empty filename: required-key and type rules are closer to the point

  // 1. Regex syntax in a glob.
  if (looksLikeRegex(value)) {
    const glob = regexToGlob(value);
    ctx.report('gguf-filename', node, path, `\`${key}\` ${shown} looks like a regular expression, but clemcore matches it as a shell glob (Python fnmatch): \`.\`, \`\\\`, \`^\`, \`$\`, \`(\`, \`+\` are taken literally and \`*\` alone means "anything". ${glob ? `Write \`${glob}\`.` : 'Rewrite it as a glob, e.g. `*Q4_K_M.gguf`.'}`, {
      severity: sev('warning'),
      data: glob ? whole(glob) : undefined,
    });
    return; // the other checks would only repeat this
  }

  // 2. `*/Folder/...`: needs a literal `/` before the folder, so it misses a top-level folder.
  const folder = /^\*\/([^*?[\/]+)\//.exec(value);
  // A folder with a wildcard file name usually holds a split model: then the fix is the first shard, not the folder.
  const shardsLikely = !isExtra && !SHARD.test(value) && /\/[^/]*\*[^/]*\.gguf$/.test(value) && !Array.isArray(ctx.config.additional_files);
  if (folder) {
    const rest = value.slice(2);
    const message = `\`${key}\` ${shown} starts with \`*/\`, so it matches only when \`${folder[1]}/\` sits inside another folder: fnmatch needs the literal \`/\` before \`${folder[1]}\`, and the paths llama-cpp-python compares are relative to the repository root (\`${folder[1]}/...\`), so a top-level \`${folder[1]}/\` folder never matches.`;
    if (shardsLikely) {
      const firstShard = rest.replace(/\.gguf$/, '-00001-of-*.gguf');
      ctx.report('gguf-filename', node, path, `${message} Such a folder usually holds a model split into shards, and \`${rest}\` would match every shard ("Multiple files found"; clemcore does not download the others either: it ignores \`additional_files\`). Write \`${firstShard}\` to match the first shard, or \`${rest}\` if the folder holds a single file.`, {
        severity: sev('warning'),
        data: whole(firstShard),
      });
    } else {
      ctx.report('gguf-filename', at(0, 2), path, `${message} Write \`${rest}\`.`, {
        severity: sev('warning'),
        data: { replacement: '' },
      });
    }
  }

  // 3. The extension.
  if (!/\.gguf$/.test(value) && !value.endsWith('*')) {
    const ext = /\.gguf$/i.exec(value);
    if (ext) {
      ctx.report('gguf-filename', at(ext.index, value.length), path, `\`${key}\` ends in \`${ext[0]}\`, but matching is case-sensitive and GGUF files end in \`.gguf\`. Write \`.gguf\`.`, {
        severity: sev('warning'),
        data: { replacement: '.gguf' },
      });
    } else {
      const last = value.slice(value.lastIndexOf('/') + 1);
      const hasExt = /\.[A-Za-z0-9]+$/.test(last);
      ctx.report('gguf-filename', node, path, `\`${key}\` ${shown} does not end in \`.gguf\`; fnmatch must match the whole path, so ${hasExt ? 'it matches no GGUF file (llama.cpp loads only GGUF)' : 'it matches no file that ends in `.gguf`'}. ${hasExt ? 'Point it at the `.gguf` file.' : `Write \`${value}.gguf\`.`}`, {
        severity: sev('warning'),
        data: hasExt ? undefined : whole(`${value}.gguf`),
      });
    }
  }

  // 4. The repository's files in the local cache, matched as llama-cpp-python matches them: where they settle it (one
  // match, or a finding), the guesses below about case and shards are not needed.
  if (cachedMatches(ctx, node, path, key, value)) return;

  // 5. Quantization tags in lower or mixed case.
  for (const m of value.matchAll(QUANT_TAG)) {
    const tag = m[1];
    const upper = tag.toUpperCase();
    if (tag === upper) continue;
    ctx.report('gguf-filename', at(m.index!, m.index! + tag.length), path, `\`${key}\` has the quantization tag \`${tag}\` in ${tag === tag.toLowerCase() ? 'lower' : 'mixed'} case. fnmatch is case-sensitive on Linux, and most GGUF repositories name their files with \`${upper}\` (some, e.g. Qwen's, use lower case): check the repository's file list and write the tag exactly as it appears there.`, {
      severity: 'hint',
      data: { replacement: upper },
    });
  }

  if (isExtra) return;

  // 6. Split models: a glob without a shard number matches every shard, and llama-cpp-python wants exactly one match.
  if (!SHARD.test(value)) {
    const extra = ctx.config.additional_files;
    const shardTotals = (Array.isArray(extra) ? extra : [])
      .map((x) => (typeof x === 'string' ? /\d+-of-(\d+)/.exec(x)?.[1] : undefined))
      .filter((x): x is string => !!x);
    if (shardTotals.length > 0) {
      const total = shardTotals[0];
      const first = `${'1'.padStart(total.length, '0')}-of-${total}`;
      const fixed = /\.gguf$/.test(value) ? value.replace(/\.gguf$/, `-${first}.gguf`) : undefined;
      ctx.report('gguf-filename', node, path, `\`${key}\` ${shown} has no shard number, but \`additional_files\` lists shards of a split model (\`-of-${total}\`): the glob matches every shard, and llama-cpp-python then fails with "Multiple files found". Match only the first shard${fixed ? `: write \`${fixed}\`` : ` (\`-${first}\`)`}.`, {
        severity: 'warning',
        data: fixed ? whole(fixed) : undefined,
      });
    } else if (!(folder && shardsLikely) && (/\/[^/]*\*[^/]*$/.test(value) || /split|shard/i.test(value))) {
      const base = folder ? value.slice(2) : value;
      const fixed = /\.gguf$/.test(base) ? base.replace(/\.gguf$/, '-00001-of-*.gguf') : undefined;
      ctx.report('gguf-filename', node, path, `\`${key}\` ${shown} ${/split|shard/i.test(value) ? 'names a split model' : 'points into a folder, which in GGUF repositories usually holds a model split into shards'}; if so, the glob matches every shard and llama-cpp-python fails with "Multiple files found". Check the repository's file list; for a split model match only the first shard${fixed ? `, e.g. \`${fixed}\`` : ''} (clemcore does not download the other shards: it ignores \`additional_files\`).`, {
        severity: 'hint',
      });
    }
  }
};

/**
 * `filename` against the files of the repository that the local Hugging Face cache holds, with fnmatch as
 * llama-cpp-python applies it (every repository-relative path, `*` across `/`, case-sensitive). Only what is certain
 * from a partial download is said: more than one match (llama-cpp-python raises "Multiple files found"), or no match
 * where a cached GGUF matches with other letter case. Returns whether the listing settles the glob: it reported, or
 * the glob pins exactly one file.
 */
function cachedMatches(ctx: EntryContext, node: Node | Span, path: JsonPath, key: string, glob: string): boolean {
  const id = ctx.value.huggingface_id;
  const files = typeof id === 'string' ? ctx.repoFiles?.(id) : undefined;
  if (!files) return false;
  const matches = files.filter((f) => fnmatch(f, glob));
  const listed = (xs: string[]) => xs.slice(0, 4).map((f) => `\`${f}\``).join(', ') + (xs.length > 4 ? `, and ${xs.length - 4} more` : '');
  if (matches.length > 1) {
    const first = matches.find((f) => /-0*1-of-\d+\.gguf$/.test(f));
    ctx.report('gguf-filename', node, path, `\`${key}\` \`${glob}\` matches ${matches.length} files of ${id} in the local Hugging Face cache (${listed(matches)}): llama-cpp-python needs exactly one and raises "Multiple files found".${first ? ` For a split model, match the first shard: \`${first}\`.` : ' Make the glob name one file.'}`, {
      severity: 'error',
      data: first ? { replacement: JSON.stringify(globEscape(first)) } : undefined,
    });
    return true;
  }
  if (matches.length === 0) {
    const folded = files.filter((f) => f.endsWith('.gguf') && fnmatch(f.toLowerCase(), glob.toLowerCase()));
    if (folded.length === 1) {
      ctx.report('gguf-filename', node, path, `\`${key}\` \`${glob}\` matches no file of ${id} in the local Hugging Face cache, but \`${folded[0]}\` matches in other letter case: fnmatch is case-sensitive on Linux, so llama-cpp-python raises "No file found". Write the case as the file has it.`, {
        severity: 'warning',
        data: { replacement: JSON.stringify(globEscape(folded[0])) },
      });
      return true;
    }
  }
  return matches.length === 1;
}

/** A file path as a glob that matches only itself: fnmatch's specials in brackets. */
function globEscape(file: string): string {
  return file.replace(/[[*?]/g, (c) => `[${c}]`);
}
