// Python's Jinja2 as the judge of the chat-template tests: judge.py renders a batch of cases in one process, in the
// environments clemcore's runtimes build; the real registries give the templates to render.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PYTHON, pythonLabel } from '../support/python';
import type { TemplateEnvironment } from '../../server/src/jinja2';

/** One render: the environment ('wrong' is transformers' without trim_blocks/lstrip_blocks), the template, all variables. */
export interface JudgeCase {
  env: TemplateEnvironment | 'wrong';
  template: string;
  /** strftime_now's clock, in seconds since the epoch. */
  now: number;
  /** Everything render() gets, messages included. */
  variables: Record<string, unknown>;
  keepTrailingNewline?: boolean;
}

export interface Judged {
  ok: boolean;
  prompt?: string;
  stage?: string;
  message?: string;
  line?: number | null;
  raised?: boolean;
}

export function judgeWithJinja2(cases: JudgeCase[]): Judged[] {
  const run = spawnSync(PYTHON, [path.join(__dirname, 'judge.py')], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Judged[];
}

/** "CPython 3.11.2 (/usr/bin/python3) with Jinja2 3.1.2", for logs. */
export function judgeLabel(): string {
  const jinja = spawnSync(PYTHON, ['-c', 'import jinja2; print(jinja2.__version__)'], { encoding: 'utf8' });
  return `${pythonLabel()} with Jinja2 ${jinja.stdout.trim()}`;
}

export const CORPUS = path.resolve(__dirname, '../../../shared/corpus');

/**
 * Every distinct custom_chat_template of the real registries (../shared/corpus, and with `history` its older
 * versions), with the name of an entry that has it; null without the corpus.
 */
export function corpusTemplates(history = false): { name: string; template: string }[] | null {
  if (!fs.existsSync(CORPUS)) return null;
  const found = new Map<string, string>();
  const walk = (v: unknown, name: string): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, name));
    else if (v && typeof v === 'object') {
      const entry = v as Record<string, unknown>;
      const here = typeof entry.model_name === 'string' ? entry.model_name : name;
      for (const [k, x] of Object.entries(entry)) {
        if (k === 'custom_chat_template' && typeof x === 'string' && !found.has(x)) found.set(x, here);
        else walk(x, here);
      }
    }
  };
  const files = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
  const older = path.join(CORPUS, 'history');
  for (const f of [...files(CORPUS), ...(history && fs.existsSync(older) ? files(older) : [])]) walk(JSON.parse(fs.readFileSync(f, 'utf8')), path.basename(f));
  return [...found].map(([template, name]) => ({ name, template }));
}
