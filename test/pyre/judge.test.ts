// The judge of the differential test answers for every pattern and pair, whatever they make CPython do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PYTHON, pythonLabel, pythonVersion } from '../support/python';
import { runJudge } from './judge';
import { PATCH_CHANGES, hasChange } from './patchDifferences';

const DEEP = '('.repeat(600) + ')'.repeat(600);
const LOOKBEHIND_WIDTH = PATCH_CHANGES.find((c) => c.id === 'gh-109747')!;

test(`the judge turns whatever a pattern does into a verdict (${pythonLabel()})`, () => {
  const patterns = ['a', '(?<=a{4294967294})', 'a{4294967296}', '(?a)(?u)', DEEP, '(', 'CRASH', 'b', 'HANG', 'c'];
  const pairs: [string, string][] = [
    ['(a*)*b', 'a'.repeat(40)],
    ['(', 'x'],
    ['(?<=a{4294967294})', 'x'],
    ['a', '\ud800a'],
  ];
  const answer = runJudge(PYTHON, patterns, pairs, { CLEM_JUDGE_FAULTS: JSON.stringify({ CRASH: 'crash', HANG: 'hang' }), CLEM_JUDGE_HARD_S: '2' });
  assert.equal(answer.python.version, pythonVersion());
  const v = answer.patterns;
  const wide = hasChange(LOOKBEHIND_WIDTH, answer.python.version);
  assert.deepEqual(v[0], { valid: true });
  // a look-behind 2**32-2 wide: sre's RuntimeError before gh-109747, accepted after
  assert.deepEqual(v[1], wide ? { valid: true } : { valid: false, exc: 'RuntimeError', msg: 'invalid SRE code', pos: null });
  assert.deepEqual(v[2], { valid: false, exc: 'OverflowError', msg: 'the repetition number is too large', pos: null });
  assert.deepEqual(v[3], { valid: false, exc: 'ValueError', msg: 'ASCII and UNICODE flags are incompatible', pos: null });
  assert.equal(v[4].exc, 'RecursionError');
  assert.deepEqual(v[5], { valid: false, exc: 'error', msg: 'missing ), unterminated subpattern', pos: 0 });
  // a worker that dies, or stops answering, costs only the pattern it was on
  assert.equal(v[6].valid, null);
  assert.equal(v[6].failure, 'crash');
  assert.deepEqual(v[7], { valid: true });
  assert.equal(v[8].valid, null);
  assert.equal(v[8].failure, 'hang');
  assert.deepEqual(v[9], { valid: true });
  const r = answer.pairs;
  assert.deepEqual(r[0], { timeout: 'search' });
  assert.deepEqual(r[1], { raised: { op: 'compile', exc: 'error', msg: 'missing ), unterminated subpattern', pos: 0 } });
  if (wide) assert.equal(r[2].full, false);
  else assert.deepEqual(r[2], { raised: { op: 'compile', exc: 'RuntimeError', msg: 'invalid SRE code', pos: null } });
  assert.deepEqual(r[3], { full: false, search: [1, 2], sub: '\ud800', split: ['\ud800', ''] });
});
