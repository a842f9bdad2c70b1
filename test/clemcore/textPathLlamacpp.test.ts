// clemcore's post-processing of a completion, with python3 as the judge of strip, rsplit and re.sub.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PYTHON, pythonLabel } from '../support/python';
import { llamacppTextPath as postProcess, pythonStrip } from '../../server/src/clemcore/textPath';
import { seededRandom } from '../support/random';

const JUDGE = `
import sys, json, re
out = []
for raw, prefix, pattern in json.load(sys.stdin):
    try:
        t = raw.strip()
        if prefix is not None:
            t = t.rsplit(prefix, maxsplit=1)[1]
        t = re.sub(pattern, "", t)
        out.append({"reply": t})
    except Exception as e:
        out.append({"error": type(e).__name__})
json.dump(out, sys.stdout)
`;

it(`does what clemcore does to a reply, as ${pythonLabel()} computes it`, () => {
  const random = seededRandom(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const pieces = [' ', '\n', '\t', '\x1c', '\u3000', '\ufeff', 'Paris.', 'ASSISTANT:', '<|im_end|>', '</s>', '<end_of_turn>', '\n\n', '<eos>', 'a<b>c', '<think>x</think>'];
  const prefixes = [null, 'ASSISTANT:', 'assistant\n', ''];
  const patterns = ['<\\|im_end\\|>', '<|im_end|>', '</s>', '<end_of_turn>\\n*<eos>', '\\s+', '', '(<eos>)?'];
  const cases: [string, string | null, string][] = [];
  for (let i = 0; i < 800; i++) {
    cases.push([Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(pieces)).join(''), pick(prefixes), pick(patterns)]);
  }
  const run = spawnSync(PYTHON, ['-c', JUDGE], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const expected = JSON.parse(run.stdout) as { reply?: string; error?: string }[];
  const wrong: string[] = [];
  cases.forEach(([raw, prefix, pattern], i) => {
    const config: Record<string, unknown> = { eos_to_cull: pattern };
    if (prefix !== null) config.output_split_prefix = prefix;
    const got = postProcess(raw, config);
    const error = got.stages.find((s) => s.error)?.error?.split(':')[0];
    const want = expected[i];
    if (want.error ? error !== want.error : got.reply !== want.reply) wrong.push(`${JSON.stringify([raw, prefix, pattern])}: ${JSON.stringify(got.reply ?? error)} vs ${JSON.stringify(want)}`);
  });
  console.log(`post-processing differential: ${cases.length} replies, ${wrong.length} disagreements`);
  assert.deepEqual(wrong.slice(0, 5), []);
});

it('runs re.sub as a translated JavaScript RegExp where one exists, and says which engine ran', () => {
  const js = postProcess('Paris.<|im_end|>', { eos_to_cull: '<\\|im_end\\|>' }).stages[1];
  assert.equal(js.text, 'Paris.');
  assert.match(js.engine!, /^JavaScript RegExp \//);
  const py = postProcess('Paris.<eos>', { eos_to_cull: '(?><eos>)' }).stages[1];
  assert.equal(py.text, 'Paris.');
  assert.match(py.engine!, /Python-regex matcher: JavaScript has no equivalent for an atomic group/);
});

it('stops a pattern that backtracks catastrophically instead of hanging', () => {
  const step = postProcess(`${'a'.repeat(40)}!`, { eos_to_cull: '(a+)+b' }).stages[1];
  assert.equal(step.text, undefined);
  assert.match(step.note!, /backtracks too much/);
});

it('strips what Python strips', () => {
  assert.equal(pythonStrip('\x1c\ufeffa \u3000'), '\ufeffa');
});
