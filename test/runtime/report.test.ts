// The report's forms: whitespace made visible, markdown that keeps blocks out of lists and survives backticks in
// model output, and the CLI's JSON shape.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { reportJson, reportMarkdown, reportText, verdictOf, visible, type EntryTestReport } from '../../server/src/runtime/report';

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
