// The report's forms: whitespace made visible, markdown that keeps blocks out of lists and survives backticks in
// model output, and the CLI's JSON shape.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { reportJson, reportMarkdown, reportText, shownStatus, verdictOf, visible, type EntryTestReport } from '../../server/src/runtime/report';

const report: EntryTestReport = {
  model: 'm',
  verdict: 'fail',
  stages: [
    { id: 'generate', status: 'ok', facts: [{ label: 'Stop reason', value: 'max tokens' }, { label: 'Raw text', value: 'a ```fence``` \n\tb  ', block: true }] },
    { id: 'post-process', status: 'failed', facts: [] },
  ],
  output: { raw: 'x', stripped: 'x', split: null, culled: null },
  problems: [{ code: 'end-marker-left', level: 'fail', stage: 'post-process', message: 'left' }, { code: 'note', level: 'warning', stage: 'generate', message: 'w' }],
};

it('shows line breaks, tabs, spaces at line ends and invisible characters', () => {
  assert.equal(visible('a \n\tb\u200b\r'), 'a·↵\n⇥b⟨U+200B⟩␍');
  assert.equal(visible('  x  '), '··x··');
});

it('keeps blocks out of lists and fences them so that model output cannot close the fence', () => {
  const md = reportMarkdown(report);
  assert.match(md, /- \*\*Stop reason\*\*: `max tokens`\n\n\*\*Raw text\*\*/);
  assert.match(md, /````text\na ```fence```·↵\n⇥b··\n````/);
  assert.match(md, /^# Test of model entry `m`: \*\*FAIL\*\*/);
  assert.match(md, /- \*\*end-marker-left\*\*: left/);
  assert.ok(!/- \*\*note\*\*/.test(md), 'warnings are not reasons');
});

it('prints the text form with each stage\'s problems under it', () => {
  const text = reportText(report);
  assert.match(text, /✗ 6\. Post-process \(failed\)\n {4}FAIL end-marker-left: left/);
  assert.match(text, / {6}│ a ```fence```·↵\n {6}│ ⇥b··/);
});

it('gives the CLI\'s JSON shape and the verdict of a set of problems', () => {
  const json = reportJson(report) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), ['verdict', 'stages', 'output', 'problems']);
  assert.deepEqual(json.problems, [{ code: 'end-marker-left', message: 'left' }, { code: 'note', message: 'w' }]);
  assert.equal(verdictOf([]), 'pass');
  assert.equal(verdictOf([{ code: 'a', level: 'warning', stage: 'load', message: '' }]), 'pass');
  assert.equal(verdictOf([{ code: 'a', level: 'fail', stage: 'load', message: '' }, { code: 'b', level: 'error', stage: 'load', message: '' }]), 'error');
});

it('says error, not failed, for the verdict of a test that could not finish and for stages that only could not run', () => {
  const errored: EntryTestReport = {
    model: 'm',
    verdict: 'error',
    stages: [
      { id: 'model-file', status: 'failed', facts: [] },
      { id: 'load', status: 'skipped', facts: [{ label: 'Skipped', value: 'there is no model file to load' }] },
      { id: 'verdict', status: 'failed', facts: [{ label: 'Verdict', value: 'error' }] },
    ],
    output: { raw: null, stripped: null, split: null, culled: null },
    problems: [{ code: 'model-file-missing', level: 'error', stage: 'model-file', message: 'none' }],
  };
  const md = reportMarkdown(errored);
  assert.match(md, /^## ✗ 7\. Verdict — error$/m);
  assert.match(md, /^## ✗ 2\. Model file — error$/m);
  assert.ok(!/— failed/.test(md), md);
  const text = reportText(errored);
  assert.match(text, /^✗ 7\. Verdict \(error\)$/m);
  assert.match(text, /^✗ 2\. Model file \(error\)$/m);
  // A failure stays a failure, in its stage and in the verdict.
  assert.match(reportMarkdown(report), /^## ✗ 6\. Post-process — failed$/m);
  const failed = { ...report, stages: [...report.stages, { id: 'verdict' as const, status: 'failed' as const, facts: [] }] };
  assert.match(reportText(failed), /^✗ 7\. Verdict \(failed\)$/m);
  assert.equal(shownStatus(errored, { id: 'load', status: 'failed', facts: [] }), 'failed');
});
