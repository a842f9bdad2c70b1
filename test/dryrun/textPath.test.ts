// clemcore's huggingface_local and vllm text paths (clemcore/textPath.ts) against CPython running the same steps as
// the spec lists them (judge.py): str.replace, strip, the guarded or unguarded rsplit, pad removal, re.sub,
// re.split.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { pythonLabel } from '../support/python';
import { judgeTextPaths, type JudgeCase } from './judge';
import { huggingfaceTextPath, vllmTextPath, textPathOf } from '../../server/src/clemcore/textPath';
import { seededRandom } from '../support/random';

it(`runs huggingface_local's and vllm's text paths as ${pythonLabel()} does`, () => {
  const random = seededRandom(11);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const pieces = [' ', '\n', 'Blue.', '<|im_end|>', '</s>', '<|endoftext|>', '<think>', 'R.', '</think>', '\n\n', 'assistant\n', '<pad>', '\u3000'];
  const cases: JudgeCase[] = [];
  for (let i = 0; i < 600; i++) {
    const config: Record<string, unknown> = { eos_to_cull: pick(['<\\|im_end\\|>', '</s>', '<\\|endoftext\\|>.*', '(<\\|im_end\\|>|</s>)', '\\s*</s>\\s*', '', '.*</s>']) };
    if (random() < 0.4) config.output_split_prefix = pick(['assistant\n', '</think>', '<|im_end|>']);
    const kind = random() < 0.75 ? 'hf' : 'vllm';
    if (kind === 'hf' && random() < 0.4) {
      config.cot_output = true;
      config.cot_end_tag = pick(['</think>', '</think>\\s*', '</think>.*', '(</think>)', '</think>|</reasoning>']);
      if (random() < 0.5) config.cot_start_tag = pick(['<think>', '']);
    }
    const prompt = random() < 0.5 ? '' : 'PROMPT<|im_end|>\n';
    const raw = (prompt && random() < 0.8 ? prompt : '') + Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(pieces)).join('');
    cases.push([kind, raw, prompt, config, random() < 0.3 ? null : pick(['<pad>', '</s>', '<|endoftext|>'])]);
  }
  const expected = judgeTextPaths(cases);
  const wrong: string[] = [];
  cases.forEach(([kind, raw, prompt, config, pad], i) => {
    const decode = { prompt: prompt || undefined, padToken: pad ?? undefined };
    const got = kind === 'hf' ? huggingfaceTextPath(raw, config, decode) : vllmTextPath(raw, config, decode);
    // 3.3's vllm then crashes in every call (its CoT branch): the judge stops before it, so compare the culled text.
    const reply = kind === 'vllm' ? got.stages.find((s) => s.name === 'eos_to_cull')?.text : got.reply;
    const error = got.stages.find((s) => s.error && s.name !== 'cot_output')?.error?.split(':')[0];
    const want = expected[i];
    if (want.error ? error !== want.error : reply !== want.reply) wrong.push(`${JSON.stringify(cases[i])}: ${JSON.stringify(reply ?? error)} vs ${JSON.stringify(want)}`);
  });
  const errors = expected.filter((e) => e.error).length;
  console.log(`text paths differential: ${cases.length} cases (${errors} raising in Python), ${wrong.length} disagreements`);
  assert.ok(errors > 10 && errors < cases.length / 2, 'the cases exercise both outcomes');
  assert.deepEqual(wrong.slice(0, 5), []);
});

it('picks the text path per backend and version: none for the 3.7 multimodal path and for vllm after 3.3', () => {
  assert.equal(textPathOf('huggingface_local', '3.7', {}), huggingfaceTextPath);
  assert.equal(textPathOf('huggingface_local', '3.7', { multimodal: true }), undefined);
  assert.equal(textPathOf('huggingface_local', '3.3', { multimodal: true }), huggingfaceTextPath);
  assert.equal(textPathOf('vllm', '3.3', {}), vllmTextPath);
  assert.equal(textPathOf('vllm', '3.7', {}), undefined);
  assert.equal(textPathOf('openai', '3.7', {}), undefined);
});

it('ends 3.3\'s vllm path in the AttributeError of its CoT branch, and says when the pad token is not known', () => {
  const v = vllmTextPath('Blue.', { eos_to_cull: '</s>' });
  assert.match(v.stages[v.stages.length - 1].error!, /^AttributeError/);
  assert.equal(v.reply, undefined);
  const h = huggingfaceTextPath('Blue.</s>', { eos_to_cull: '</s>' });
  assert.match(h.stages.find((s) => s.name === 'pad')!.note!, /not known/);
  assert.equal(h.reply, 'Blue.');
});
