// CPython as the judge of clemcore's text paths (judge.py, written from the spec).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PYTHON } from '../support/python';

export type JudgeKind = 'hf' | 'vllm' | 'llamacpp';
export type JudgeCase = [JudgeKind, string, string, Record<string, unknown>, string | null];

export function judgeTextPaths(cases: JudgeCase[]): { reply?: string; error?: string }[] {
  const run = spawnSync(PYTHON, [path.join(__dirname, 'judge.py')], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the Python judge failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { reply?: string; error?: string }[];
}
