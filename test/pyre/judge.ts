// Runs judge.py (CPython's re over a batch of patterns and matcher pairs) and types its answer.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { ParseResult } from '../../server/src/pyre/parser';

/** What re.compile did with a pattern. `valid: null` is no verdict: the judge timed out, crashed or hung on it. */
export interface Verdict {
  valid: boolean | null;
  exc?: string;
  msg?: string;
  pos?: number | null;
  failure?: string;
  detail?: string;
  /** [category, message] of each warning re.compile issued */
  warnings?: [string, string][];
}

/** What search, fullmatch, sub('') and split did with one pattern and text, or how they failed. */
export interface PairResult {
  full?: boolean;
  search?: [number, number] | null;
  sub?: string;
  split?: (string | null)[];
  /** the operation that ran out of the judge's soft time limit */
  timeout?: string;
  /** the exception an operation raised */
  raised?: { op: string; exc: string; msg: string; pos: number | null };
  failure?: string;
  detail?: string;
}

export interface JudgeAnswer {
  python: { version: string; implementation: string; executable: string };
  patterns: Verdict[];
  pairs: PairResult[];
}

export function runJudge(python: string, patterns: string[], pairs: [string, string][], env: Record<string, string> = {}): JudgeAnswer {
  const run = spawnSync(python, [path.join(__dirname, 'judge.py')], {
    input: JSON.stringify({ patterns, pairs }),
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`judge ${python} failed (${run.status ?? run.signal}): ${run.stderr} ${run.error ?? ''}`);
  const answer = JSON.parse(run.stdout) as JudgeAnswer;
  if (answer.patterns.length !== patterns.length || answer.pairs.length !== pairs.length) {
    throw new Error(`judge ${python} answered ${answer.patterns.length}/${answer.pairs.length} of ${patterns.length}/${pairs.length}`);
  }
  return answer;
}

/** pyre's verdict in the judge's terms. */
export function pyreVerdict(r: ParseResult): Verdict {
  return r.ok ? { valid: true } : { valid: false, exc: r.error.exception, msg: r.error.message, pos: r.error.pythonPos };
}

/** Whether two verdicts say the same: validity, exception, message and position (warnings aside). */
export function sameVerdict(a: Verdict, b: Verdict): boolean {
  if (a.valid !== b.valid || a.valid === null) return false;
  return a.valid || (a.exc === b.exc && a.msg === b.msg && (a.pos ?? null) === (b.pos ?? null));
}

/** A verdict in one line, for reports. */
export function showVerdict(v: Verdict): string {
  if (v.valid === null) return `no verdict (${v.failure}: ${v.detail})`;
  if (v.valid) return 'valid';
  return `${v.exc === 'error' ? 're.error' : v.exc}: ${v.msg}${v.pos === null || v.pos === undefined ? '' : ` at position ${v.pos}`}`;
}
