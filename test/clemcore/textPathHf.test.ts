// huggingface_local's text path (split_and_clean_batch_outputs with the CoT split), step by step against CPython
// running test/support/hfTextPathJudge.py on random decoded sequences, prompts, pad tokens and configs.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { huggingfaceTextPath, type AnswerTokens } from '../../server/src/clemcore/textPath';
import { PYTHON, pythonLabel } from '../support/python';
import { seededRandom } from '../support/random';

const JUDGE = path.join(__dirname, '..', 'support', 'hfTextPathJudge.py');
const STEP_KEYS = { strip: 'stripped', output_split_prefix: 'split', pad: 'unpadded', eos_to_cull: 'culled', cot_end_tag: 'answer' } as const;

/** The judge's stand-in tokenizer: one token per character (UTF-16 unit here; the cases are ASCII), BOS in front when given. */
function charTokens(bos: string | null, maxTokens: number): AnswerTokens {
  const BOS = -1;
  return {
    encode: (text) => [...(bos !== null ? [BOS] : []), ...[...text].map((c) => c.charCodeAt(0))],
    decode: (ids) => ids.map((id) => (id === BOS ? bos! : String.fromCharCode(id))).join(''),
    maxTokens,
  };
}

it(`cleans a decoded sequence as clemcore's huggingface_local backend does, step by step, as ${pythonLabel()} computes it`, () => {
  const random = seededRandom(11);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const prompts = ['<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n', '<s>[INST] Hi [/INST]', ''];
  const pieces = [' ', '\n', 'Blue.', 'Answer:', '<|im_end|>', '</s>', '<pad>', '<think>', 'Hmm', '</think>', 'assistant\n', '\t'];
  const pads = ['<pad>', '</s>', '<|im_end|>'];
  const cases = [];
  for (let i = 0; i < 600; i++) {
    const prompt = pick(prompts);
    const reply = Array.from({ length: 1 + Math.floor(random() * 7) }, () => pick(pieces)).join('');
    const config: Record<string, unknown> = { eos_to_cull: pick(['<\\|im_end\\|>', '<|im_end|>', '</s>', '(</s>|<pad>)+', '\\s+$', '']) };
    if (random() < 0.4) config.output_split_prefix = pick(['Answer:', 'assistant\n', '</think>']);
    if (random() < 0.4) {
      config.cot_output = pick([true, 1, false]);
      config.cot_end_tag = pick(['</think>', '</?think>', 'Hmm']);
      if (random() < 0.5) config.cot_start_tag = pick(['<think>', '']);
    }
    cases.push({ raw: `${prompt}${reply}`, prompt, config, pad_token: pick(pads), max_tokens: 1 + Math.floor(random() * 8), bos: pick([null, '<s>']) });
  }
  const py = spawnSync(PYTHON, [JUDGE], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const expected = JSON.parse(py.stdout) as Record<string, string>[];
  const wrong: string[] = [];
  cases.forEach((c, i) => {
    const result = huggingfaceTextPath(c.raw, c.config, { prompt: c.prompt, padToken: c.pad_token, answerTokens: charTokens(c.bos, c.max_tokens) });
    const got: Record<string, string> = {};
    for (const step of result.stages) {
      const key = STEP_KEYS[step.name as keyof typeof STEP_KEYS];
      if (key && step.text !== undefined) got[key] = step.text;
      if (step.error) got.error = step.error.split(':')[0];
    }
    if (result.cot !== undefined) got.cot = result.cot;
    if (got.error) for (const k of Object.keys(got)) if (k !== 'error') delete got[k];
    const want = expected[i].error ? { error: expected[i].error } : expected[i];
    try {
      assert.deepEqual(got, want);
    } catch {
      wrong.push(`${JSON.stringify(c)}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    }
  });
  console.log(`huggingface_local text path differential: ${cases.length} sequences, ${wrong.length} disagreements`);
  assert.deepEqual(wrong.slice(0, 3), []);
});
