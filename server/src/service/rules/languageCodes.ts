// `languages` (x-clem-kind "language-codes"): a list of ISO 639-1 codes. Three-letter codes are fine for languages
// without a two-letter code (`ceb`, `fil`, `haw`, `hmn`, `kri`), as are script and region tags (`mni-Mtei`, `zh-Hant`,
// `pt-BR`). clemcore never reads the list; findings are about consistency of the results tables.
import { stringValue, type Node } from '../jsonText';
import type { EntryContext } from '../context';
import type { JsonPath, Severity } from '../types';
import { DEPRECATED_639_1, INDIVIDUAL_TO_MACRO, ISO639_1, NAME_TO_CODE, THREE_TO_TWO, languageName } from '../data/languages';
import type { ValueCheck } from './valueKinds';

interface Finding {
  message: string;
  replacement?: string;
  severity?: Severity;
}

function named(code: string): string {
  const n = languageName(code);
  return n ? `\`${code}\` (${n})` : `\`${code}\``;
}

/** Canonical case of a tag `lang[-Script][-REGION][-variant...]`, or undefined when the subtags do not fit. */
function canonicalTag(parts: string[]): string | undefined {
  const out = [parts[0].toLowerCase()];
  let stage = 0; // 0: script allowed, 1: region allowed, 2: variants only
  for (const p of parts.slice(1)) {
    if (stage === 0 && /^[A-Za-z]{4}$/.test(p)) {
      out.push(p[0].toUpperCase() + p.slice(1).toLowerCase());
      stage = 1;
    } else if (stage <= 1 && /^([A-Za-z]{2}|\d{3})$/.test(p)) {
      out.push(p.toUpperCase());
      stage = 2;
    } else if (/^([A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3})$/.test(p)) {
      out.push(p.toLowerCase());
      stage = 2;
    } else return undefined;
  }
  return out.join('-');
}

/** What is wrong with one item, or undefined when it is fine. */
function judgeLanguageUncached(value: string): Finding | undefined {
  const v = value.trim();
  if (v === '') return { message: 'An empty string is not a language code. Remove it or write a code such as `en`.' };
  if (v !== value) {
    const inner = judgeLanguage(v);
    return { message: `${JSON.stringify(value)} has spaces around the code. Write ${JSON.stringify(inner?.replacement ?? v)}.`, replacement: inner?.replacement ?? v };
  }
  if (/^[a-z]{2}$/.test(v)) {
    if (ISO639_1.has(v)) return undefined;
    const dep = DEPRECATED_639_1.get(v);
    if (dep?.replacement) {
      return { message: `\`${v}\` is the withdrawn ISO 639-1 code for ${dep.name}. Use ${named(dep.replacement)}.`, replacement: dep.replacement, severity: 'hint' };
    }
    if (dep) return { message: `\`${v}\` (${dep.name}) was withdrawn from ISO 639-1. Use \`sr\`, \`hr\` or \`bs\` for the languages meant, or \`hbs\`.`, severity: 'hint' };
    return { message: `\`${v}\` is not an ISO 639-1 language code. Use a two-letter code such as \`en\` or \`de\`.` };
  }
  if (/^[A-Za-z]{2}$/.test(v) && ISO639_1.has(v.toLowerCase())) {
    const c = v.toLowerCase();
    return { message: `\`${v}\` should be lower case: language codes are written ${named(c)}.`, replacement: c };
  }
  if (/^[A-Za-z]{3}$/.test(v)) {
    const lower = v.toLowerCase();
    const two = THREE_TO_TWO.get(lower);
    if (two) return { message: `\`${v}\` is the three-letter code of ${ISO639_1.get(two)!.name}, which has the two-letter code \`${two}\`; the registry uses two-letter codes where they exist. Use \`${two}\`.`, replacement: two };
    const macro = INDIVIDUAL_TO_MACRO.get(lower);
    if (macro) return { message: `\`${v}\` (${macro.name}) belongs to the language ${named(macro.code)}, which has a two-letter code; the registry uses \`${macro.code}\`.`, replacement: macro.code, severity: 'hint' };
    if (v !== lower) return { message: `\`${v}\` should be lower case. Write \`${lower}\`.`, replacement: lower };
    if (NAME_TO_CODE.has(lower)) {
      const c = NAME_TO_CODE.get(lower)!;
      return { message: `\`${v}\` is a language name, not a code. Use ${named(c)}.`, replacement: c };
    }
    return undefined; // a three-letter ISO 639-3 code of a language without a two-letter code
  }
  const tag = /^([A-Za-z]{2,3})[-_]([A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*)$/.exec(v);
  if (tag) {
    const parts = v.split(/[-_]/);
    const canon = canonicalTag(parts);
    if (!canon) return { message: `${JSON.stringify(v)} is not a language tag of the form \`zh-Hant\` or \`pt-BR\`. Use a two-letter code such as \`en\`.` };
    let primary = parts[0].toLowerCase();
    const two = primary.length === 3 ? THREE_TO_TWO.get(primary) : undefined;
    if (two) primary = two;
    if (primary.length === 2 && !ISO639_1.has(primary)) {
      return { message: `\`${parts[0]}\` in ${JSON.stringify(v)} is not an ISO 639-1 language code. Use a code such as \`en\` before the \`-\`.` };
    }
    const fixed = [primary, ...canon.split('-').slice(1)].join('-');
    if (fixed !== v) {
      const why = two
        ? `the language part should be the two-letter code \`${two}\``
        : v.includes('_')
          ? 'language tags separate their parts with `-`, not `_`'
          : 'the parts of a language tag have a fixed case: the language lower case, the script capitalised (`Hant`), the region upper case (`BR`)';
      return { message: `In ${JSON.stringify(v)} ${why}. Write \`${fixed}\`.`, replacement: fixed };
    }
    return undefined;
  }
  const byName = NAME_TO_CODE.get(v.toLowerCase());
  if (byName) return { message: `${JSON.stringify(v)} is a language name, not a code. Use ${named(byName)}.`, replacement: byName };
  return { message: `${JSON.stringify(v)} is not a language code. Use ISO 639-1 codes such as \`en\`, \`de\`, \`zh\`.` };
}

/** The same few codes repeat in every entry: each distinct value is judged once. */
const judged = new Map<string, Finding>();
/** What `judged` holds for a code that is fine. */
const FINE: Finding = { message: '' };

export function judgeLanguage(value: string): Finding | undefined {
  const known = judged.get(value);
  if (known !== undefined) return known === FINE ? undefined : known;
  const finding = judgeLanguageUncached(value);
  if (judged.size > 10_000) judged.clear();
  judged.set(value, finding ?? FINE);
  return finding;
}

/** The form two codes are compared in, to find repetitions (`en`, ` EN`, `pt_BR` and `pt-br` repeat `en`/`pt-br`). */
function normalize(value: string): string {
  return isPlainCode(value) ? value : value.trim().toLowerCase().replace(/_/g, '-');
}

/** Two or three lower-case ASCII letters (`/^[a-z]{2,3}$/`), the form nearly every item has. */
function isPlainCode(value: string): boolean {
  const n = value.length;
  if (n !== 2 && n !== 3) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/** Checks one item; returns its value and whether it was reported. */
function checkItem(ctx: EntryContext, item: Node, path: JsonPath, key: string): { value: string; reported: boolean } | undefined {
  if (item.type !== 'string') return undefined; // the type rule
  const value = stringValue(ctx.text, item);
  const finding = judgeLanguage(value);
  if (finding) {
    ctx.report('language-code', item, path, `\`${key}\`: ${finding.message}`, {
      severity: finding.severity,
      data: finding.replacement !== undefined ? { replacement: JSON.stringify(finding.replacement) } : undefined,
    });
  }
  return { value, reported: !!finding };
}

/** The name the messages give the list: the last key of its path. */
function keyOf(path: JsonPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return String(path[i]);
  return 'languages';
}

/**
 * Repetitions of plain codes (`/^[a-z]{2,3}$/`, nearly every item) are found in a table indexed by the code, without
 * a Map per list: per code, the number of the list that last saw it and the index of its first item there.
 */
const CODE_SLOTS = 27 * 27 * 27;
const seenInList = new Int32Array(CODE_SLOTS);
const firstIndex = new Int32Array(CODE_SLOTS);
let listNumber = 0;
/** Plain codes judged fine (1), so that the items of a clean list need no lookup by string. */
const fineCode = new Uint8Array(CODE_SLOTS);

/** The table slot of a plain code, or -1 for anything else. */
function codeSlot(code: string): number {
  if (!isPlainCode(code)) return -1;
  return (code.charCodeAt(0) - 96) * 729 + (code.charCodeAt(1) - 96) * 27 + (code.length === 3 ? code.charCodeAt(2) - 96 : 0);
}

export const checkLanguageCodes: ValueCheck = (ctx, node, path) => {
  if (node.type === 'string') {
    checkItem(ctx, node, path, keyOf(path)); // dispatched per item
    return;
  }
  if (node.type !== 'array') return;
  const items = ctx.valueAt(path);
  if (!Array.isArray(items)) return;
  if (++listNumber > 0x7fffffff) {
    seenInList.fill(0);
    listNumber = 1;
  }
  // Other normalized codes seen so far, each with the index of its first item.
  let others: Map<string, number> | undefined;
  for (let i = 0; i < items.length; i++) {
    const value = items[i];
    if (typeof value !== 'string') continue; // the type rule
    // A plain code is its own normalized form.
    const plain = codeSlot(value);
    let finding: Finding | undefined;
    if (plain < 0 || fineCode[plain] === 0) {
      finding = judgeLanguage(value);
      if (plain >= 0 && !finding) fineCode[plain] = 1;
    }
    // Nodes and paths are made only for what is reported: most lists are clean.
    if (finding) checkItem(ctx, ctx.lazyNode([...path, i], value), [...path, i], keyOf(path));
    const norm = plain >= 0 ? value : normalize(value);
    const slot = plain >= 0 ? plain : codeSlot(norm);
    const first = slot >= 0 ? (seenInList[slot] === listNumber ? firstIndex[slot] : undefined) : others?.get(norm);
    if (first !== undefined && !finding) {
      const key = keyOf(path);
      const firstNode = ctx.lazyNode([...path, first], items[first]);
      ctx.report('language-code', ctx.lazyNode([...path, i], value), [...path, i], `\`${key}\` lists ${JSON.stringify(value)} twice. Remove this repetition.`, {
        related: [{ offset: firstNode.offset, length: firstNode.length, message: 'first listed here' }],
        data: { duplicate: true, removeItem: true },
      });
    } else if (first === undefined) {
      if (slot >= 0) {
        seenInList[slot] = listNumber;
        firstIndex[slot] = i;
      } else (others ??= new Map()).set(norm, i);
    }
  }
};
