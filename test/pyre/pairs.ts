// pyre's matcher on one matcher pair, in the judge's terms, and the comparison with what CPython did.
import { parsePattern } from '../../server/src/pyre/parser';
import { fullMatch, search, split, sub } from '../../server/src/pyre/match';
import type { PairResult } from './judge';

const BUDGET = { maxSteps: 200_000 };

export interface PyreRun {
  full: boolean;
  search: [number, number] | null;
  sub: string;
  split: (string | null)[];
  groupCount: number;
}

/** What pyre's matcher does with a pattern it accepts; undefined when it runs out of its step budget. */
export function pyreRun(pattern: string, text: string): PyreRun | undefined {
  const r = parsePattern(pattern);
  if (!r.ok) throw new Error('matcher pair with a pattern pyre rejects: ' + pattern);
  const full = fullMatch(r.ast, text, BUDGET);
  const s = search(r.ast, text, 0, BUDGET);
  const su = sub(r.ast, text, '', BUDGET);
  const sp = split(r.ast, text, BUDGET);
  if (full === undefined || s === undefined || su === undefined || sp === undefined) return undefined;
  const span: [number, number] | null = s === null ? null : [pyIndex(text, s.start), pyIndex(text, s.end)];
  return { full, search: span, sub: su, split: sp, groupCount: r.ast.groupCount };
}

/** Whether pyre's matcher did what CPython did. */
export function samePair(py: PairResult, mine: PyreRun): boolean {
  if (py.raised || py.failure || py.timeout) return false;
  // split is compared only without capture groups: group values after failed branches can differ from
  // sre, which restores marks by truncating `lastmark` rather than value by value (a known limitation).
  return (
    mine.full === py.full &&
    JSON.stringify(mine.search) === JSON.stringify(py.search) &&
    mine.sub === py.sub &&
    (mine.groupCount > 0 || JSON.stringify(mine.split) === JSON.stringify(py.split))
  );
}

/** Code-point index of a UTF-16 offset (Python reports spans in code points). */
function pyIndex(text: string, offset: number): number {
  return Array.from(text.slice(0, offset)).length;
}
