// Python's verdict on registry files as clemcore's `clem run` loads them (open as UTF-8, json.load, at clemcore's own
// stack depth): the judge of which files clemcore reads and which it ignores. One interpreter run for many files.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PYTHON } from './python';

export interface ClemcoreLoad {
  accepted: boolean;
  /** The exception clemcore catches, e.g. "JSONDecodeError: Expecting value: line 1 column 1 (char 0)". */
  error: string | null;
}

const SCRIPT = path.join(__dirname, 'clemcoreLoad.py');

/** How clemcore `version` (3.3 or 3.7) reads each file. */
export function loadAsClemcore(files: string[], version = '3.7'): ClemcoreLoad[] {
  const run = spawnSync(PYTHON, [SCRIPT, version], { input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`${PYTHON} ${SCRIPT} failed: ${run.error?.message ?? run.stderr}`);
  const results = JSON.parse(run.stdout) as ClemcoreLoad[];
  if (results.length !== files.length) throw new Error(`the judge answered ${results.length} of ${files.length} files`);
  return results;
}
