// The batch the differential test (and the version report) judges: seeded generated patterns, every regex value of the
// real registries when the corpus folder is there, and matcher pairs of valid patterns with texts built from their pieces.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePattern } from '../../server/src/pyre/parser';
import { FIXED_PATTERNS, Gen, PatternGen, TOKENS, mutate } from './grammar';
import { sampleText } from './sample';

export const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
const REGEX_KEYS = new Set(['eos_to_cull', 'cot_end_tag']);
const EXTRA_KEYS = new Set(['eos_string', 'bos_string', 'cot_start_tag', 'output_split_prefix']);

/** Distinct regex (and regex-like literal) values of the real registries, or null without the corpus folder. */
export function corpusPatterns(): string[] | null {
  if (!fs.existsSync(CORPUS)) return null;
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if ((REGEX_KEYS.has(k) || EXTRA_KEYS.has(k)) && typeof x === 'string') out.push(x);
        walk(x);
      }
    }
  };
  for (const f of fs.readdirSync(CORPUS)) {
    if (f.endsWith('.json')) walk(JSON.parse(fs.readFileSync(path.join(CORPUS, f), 'utf8')));
  }
  return [...new Set(out)];
}

export function generatePatterns(): string[] {
  const set = new Set<string>(FIXED_PATTERNS);
  const g = new Gen(20240611);
  const clean = new PatternGen(g, 0);
  const dirty = new PatternGen(g, 1);
  const base: string[] = [];
  for (let i = 0; i < 2600; i++) base.push(clean.pattern());
  for (let i = 0; i < 1400; i++) base.push(dirty.pattern());
  for (const p of base) set.add(p);
  for (let i = 0; i < 2200; i++) set.add(mutate(g, g.pick(base)));
  return [...set];
}

export interface Batch {
  generated: string[];
  corpus: string[] | null;
  /** generated and corpus, without repeats: what the judge is asked about */
  patterns: string[];
  pairs: [string, string][];
}

export function makeBatch(): Batch {
  const corpus = corpusPatterns();
  const generated = generatePatterns();
  const patterns = [...new Set([...generated, ...(corpus ?? [])])];
  const g = new Gen(7);
  const pairs: [string, string][] = [];
  for (const p of patterns) {
    const r = parsePattern(p);
    if (!r.ok || pairs.length >= 4000) continue;
    if (p.length > 300) continue;
    for (let k = 0; k < 3; k++) {
      const core = sampleText(r.ast.body, g);
      const text = (g.chance(0.5) ? g.pick(TOKENS) : '') + core + (g.chance(0.5) ? g.pick(TOKENS) : '') + (g.chance(0.3) ? core : '');
      pairs.push([p, text]);
    }
  }
  for (const p of corpus ?? []) {
    const r = parsePattern(p);
    if (r.ok) for (const t of TOKENS) pairs.push([p, t + ' tail ' + t]);
  }
  return { generated, corpus, patterns, pairs };
}
