// fnmatch as Python judges it: translate() and matching compared with python3 on generated globs and paths.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PYTHON, pythonLabel } from '../support/python';
import { fnmatch, translate } from '../../server/src/clemcore/fnmatch';
import { seededRandom } from '../support/random';

const JUDGE = `
import sys, json, fnmatch
cases = json.load(sys.stdin)
out = []
for pat, names in cases:
    out.append([fnmatch.translate(pat), [fnmatch.fnmatch(n, pat) for n in names]])
json.dump(out, sys.stdout)
`;

it(`agrees with the fnmatch of ${pythonLabel()} on translate() and on matching`, () => {
  const random = seededRandom(20261126);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const atoms = ['*', '*', '?', '[', ']', '!', '-', '^', 'a', 'b', 'Q', '8', '_', '0', '.', '/', '\\', 'gguf', 'Q8_0', '[a-c]', '[!x]', '[]]', '[--a]'];
  const real = ['*Q4_K_M.gguf', '*q4_k_m*.gguf', '*/Q8_0/*Q8_0*.gguf', 'Q8_0/*Q8_0-00001-of-*.gguf', '*Q8_0.gguf', '*.gguf'];
  const files = ['model-Q4_K_M.gguf', 'Q8_0/model-Q8_0-00001-of-00002.gguf', 'Q8_0/model-Q8_0-00002-of-00002.gguf', 'a/b/Q8_0/x-Q8_0.gguf', 'README.md', 'qwen2.5-7b-instruct-q4_k_m.gguf', 'a-b', '[a]', 'ab', 'a/b', '!x', '.', ''];
  const cases: [string, string[]][] = real.map((p) => [p, files]);
  for (let c = 0; c < 1500; c++) {
    const pat = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(atoms)).join('');
    const names = Array.from({ length: 6 }, () => Array.from({ length: Math.floor(random() * 6) }, () => pick(['a', 'b', 'Q', '8', '_', '0', '.', '/', '-', '[', ']', '!', '^', 'gguf', 'Q8_0'])).join(''));
    cases.push([pat, [...names, pat.replace(/[*?[\]]/g, ''), ...files.slice(0, 3)]]);
  }
  const run = spawnSync(PYTHON, ['-c', JUDGE], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, run.stderr);
  const expected = JSON.parse(run.stdout) as [string, boolean[]][];
  let checks = 0;
  const wrong: string[] = [];
  cases.forEach(([pat, names], i) => {
    const [regex, matches] = expected[i];
    if (translate(pat) !== regex) wrong.push(`translate(${JSON.stringify(pat)}) = ${translate(pat)}, Python ${regex}`);
    names.forEach((n, k) => {
      checks++;
      if (fnmatch(n, pat) !== matches[k]) wrong.push(`fnmatch(${JSON.stringify(n)}, ${JSON.stringify(pat)}) = ${!matches[k]}, Python ${matches[k]}`);
    });
  });
  console.log(`fnmatch differential: ${cases.length} patterns, ${checks} matches, ${wrong.length} disagreements`);
  assert.deepEqual(wrong.slice(0, 10), []);
});

it('matches the registry\'s globs as llama-cpp-python does', () => {
  assert.equal(fnmatch('model-Q4_K_M.gguf', '*Q4_K_M.gguf'), true);
  assert.equal(fnmatch('model-q4_k_m.gguf', '*Q4_K_M.gguf'), false, 'case-sensitive');
  assert.equal(fnmatch('Q8_0/model-Q8_0-00001-of-00002.gguf', '*/Q8_0/*Q8_0*.gguf'), false, 'needs a / before Q8_0');
  assert.equal(fnmatch('Q8_0/model-Q8_0-00001-of-00002.gguf', '*Q8_0*.gguf'), true, '* matches /');
});
