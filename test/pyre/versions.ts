// Where other CPython versions judge the differential batch differently from pyre (which follows 3.11): run by hand,
// not by `npm test` (CI has one Python). For each --python: the patterns whose validity, exception, message or position
// differ, grouped; warnings; matcher pairs that differ; for a 3.10, how the checker's 3.10 model (py310.ts) fares.
// Two --python of one minor version also get the patterns and pairs on which they differ, for patchDifferences.ts.
//
//   npm run pyre:versions -- --python /path/to/python3.10 --python /path/to/python3.12 ...
import { parsePattern, parsePattern310 } from '../../server/src/pyre/parser';
import { py310Judgement } from '../../server/src/pyre/py310';
import { makeBatch } from './batch';
import { type JudgeAnswer, type PairResult, type Verdict, pyreVerdict, runJudge, sameVerdict, showVerdict } from './judge';
import { pyreRun, samePair } from './pairs';

function args(): string[] {
  const out: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--python' && argv[i + 1]) out.push(argv[++i]);
    else throw new Error(`usage: versions.ts --python PATH [--python PATH ...] (got ${argv[i]})`);
  }
  if (!out.length) throw new Error('usage: versions.ts --python PATH [--python PATH ...]');
  return out;
}

/** A message with its specifics (numbers, names, escapes) blanked, so like messages group together. */
function blank(msg: string): string {
  return msg
    .replace(/'[^']*'( \(truncated\))?/g, "'…'")
    .replace(/\d+/g, 'N')
    .replace(/(bad escape|unknown extension|bad character range) .*/, '$1 …');
}

function shape(v: Verdict): string {
  if (v.valid === null) return `no verdict (${v.failure})`;
  if (v.valid) return 'valid';
  return `${v.exc === 'error' ? 're.error' : v.exc}: ${blank(v.msg ?? '')}`;
}

/**
 * How `other` differs from `mine` (pyre's 3.11 verdict, or its 3.10 model), named by what `other` says: when both
 * reject, the other version usually stops at an earlier construct it does not know, so its message is the cause.
 */
function difference(mine: Verdict, other: Verdict, model: string): string {
  if (other.valid === null) return `no verdict: ${shape(other)}`;
  if (mine.valid) return `valid in ${model}, rejected: ${shape(other)}`;
  if (other.valid) return `rejected in ${model} (${shape(mine)}), accepted`;
  if (mine.exc !== other.exc || mine.msg !== other.msg) return `rejected by both, other exception or message: ${shape(other)}`;
  return `rejected by both with the same message, other position: ${shape(other)}`;
}

class Groups {
  private readonly groups = new Map<string, { n: number; example: string }>();
  total = 0;
  add(key: string, example: string): void {
    this.total++;
    const g = this.groups.get(key);
    if (g) g.n++;
    else this.groups.set(key, { n: 1, example });
  }
  print(indent: string): void {
    for (const [key, g] of [...this.groups].sort((a, b) => b[1].n - a[1].n)) {
      console.log(`${indent}${String(g.n).padStart(5)} × ${key}\n${indent}        e.g. ${g.example}`);
    }
  }
}

function report(answer: JudgeAnswer, patterns: string[], pairs: [string, string][], generated: Set<string>): void {
  const v = answer.python;
  console.log(`\nCPython ${v.version} (${v.executable}): ${patterns.length} patterns (${generated.size} generated, the rest from the corpus)`);
  const differ = new Groups();
  const is310 = v.version.startsWith('3.10.');
  const model310 = new Groups();
  let model310Agree = 0;
  let flagged310 = 0;
  let differFromCorpus = 0;
  const warned = new Groups();
  patterns.forEach((p, i) => {
    const py = answer.patterns[i];
    const mine = pyreVerdict(parsePattern(p));
    for (const [category, message] of py.warnings ?? []) warned.add(`${category}: ${blank(message)}`, JSON.stringify(p));
    if (!sameVerdict(mine, py)) {
      differ.add(difference(mine, py, '3.11'), `${JSON.stringify(p)}: ${showVerdict(py)} (3.11: ${showVerdict(mine)})`);
      if (!generated.has(p)) differFromCorpus++;
      if (is310 && py310Judgement(p)) flagged310++;
    }
    if (is310) {
      const m310 = pyreVerdict(parsePattern310(p));
      if (sameVerdict(m310, py)) model310Agree++;
      else model310.add(difference(m310, py, 'the 3.10 model'), `${JSON.stringify(p)}: ${showVerdict(py)} (model: ${showVerdict(m310)})`);
    }
  });
  console.log(`  judged differently from pyre (3.11): ${differ.total} patterns (${differFromCorpus} of them from the corpus)`);
  differ.print('  ');
  if (is310) {
    console.log(`  of these, the checker's 3.10 note (py310Judgement) fires on ${flagged310}`);
    console.log(`  the checker's 3.10 model (parsePattern310) agrees on ${model310Agree} of ${patterns.length}; it differs on:`);
    model310.print('  ');
  }
  console.log(`  patterns with warnings from re.compile: ${warned.total}`);
  warned.print('  ');
  let compared = 0;
  let timeouts = 0;
  const pairDiffer = new Groups();
  pairs.forEach(([p, t], i) => {
    const py = answer.pairs[i];
    if (py.timeout) {
      timeouts++;
      return;
    }
    if (py.raised?.op === 'compile') return; // counted with the patterns
    const mine = pyreRun(p, t);
    if (!mine) return;
    compared++;
    if (!samePair(py, mine)) pairDiffer.add(pairShape(py), `${JSON.stringify(p)} on ${JSON.stringify(t)}: ${JSON.stringify(py)}`);
  });
  console.log(`  matcher pairs: ${compared} compared (${timeouts} over the judge's time limit), ${pairDiffer.total} differ from pyre`);
  pairDiffer.print('  ');
}

function pairShape(py: PairResult): string {
  if (py.raised) return `${py.raised.op} raised ${py.raised.exc}: ${py.raised.msg}`;
  if (py.failure) return `no answer (${py.failure})`;
  return 'other match results';
}

/** The patterns and pairs two patch releases answer differently, as entries for patchDifferences.ts. */
function patchDiff(a: JudgeAnswer, b: JudgeAnswer, patterns: string[], pairs: [string, string][]): void {
  console.log(`\nCPython ${a.python.version} and ${b.python.version} differ on:`);
  let n = 0;
  patterns.forEach((p, i) => {
    const x = a.patterns[i];
    const y = b.patterns[i];
    if (sameVerdict(x, y)) return;
    n++;
    console.log(`  { pattern: ${JSON.stringify(p)}, before: ${JSON.stringify(strip(x))}, after: ${JSON.stringify(strip(y))} },`);
  });
  let m = 0;
  pairs.forEach(([p, t], i) => {
    const x = a.pairs[i];
    const y = b.pairs[i];
    if (x.timeout || y.timeout || x.raised?.op === 'compile' || y.raised?.op === 'compile') return;
    if (JSON.stringify(x) === JSON.stringify(y)) return;
    m++;
    const ans = (r: PairResult): string => JSON.stringify(r.raised ? r : { full: r.full, search: r.search, sub: r.sub });
    console.log(`  { pattern: ${JSON.stringify(p)}, text: ${JSON.stringify(t)}, before: ${ans(x)}, after: ${ans(y)} },`);
  });
  console.log(`  ${n} patterns, ${m} matcher pairs (pairs whose pattern one of them rejects, and time-outs, aside)`);
}

function strip(v: Verdict): Verdict {
  return v.valid ? { valid: true } : { valid: v.valid, exc: v.exc, msg: v.msg, pos: v.pos ?? null };
}

const batch = makeBatch();
const generated = new Set(batch.generated);
const answers: JudgeAnswer[] = [];
for (const python of args()) {
  const answer = runJudge(python, batch.patterns, batch.pairs);
  answers.push(answer);
  report(answer, batch.patterns, batch.pairs, generated);
}
for (let i = 0; i < answers.length; i++) {
  for (let j = i + 1; j < answers.length; j++) {
    const patch = (x: JudgeAnswer): number => Number(x.python.version.split('.')[2].replace(/\D.*/, ''));
    const [a, b] = patch(answers[i]) <= patch(answers[j]) ? [answers[i], answers[j]] : [answers[j], answers[i]];
    if (a.python.version.split('.').slice(0, 2).join() === b.python.version.split('.').slice(0, 2).join()) patchDiff(a, b, batch.patterns, batch.pairs);
  }
}
