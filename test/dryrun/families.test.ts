// The dry run per family of mistake: an entry of the real registries with one mistake planted draws exactly one
// finding, on the key that causes it, and CPython running clemcore's text path on the finding's probe agrees; clean
// look-alikes (an intentional `<\|im_end\|>.*`, alternatives, a surrounding `\s*`) stay quiet. Skipped without
// ../shared/corpus (synthetic.test.ts covers the same families without it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { quickFixes, RegistryDocument } from '../../server/src/service';
import { PROBE_ANSWER } from '../../server/src/service/dryRun/probe';
import type { GgufFacts, TokenizerFacts } from '../../server/src/clemcore/facts';
import { atKey, check, corpusEntry, expectFinding, expectPythonAgrees, expectQuiet, FILE_2025, FILE_2026, noCorpus, plant, registryText } from './support';

const V33 = '3.3';

describe('dry run on real entries', { skip: noCorpus }, () => {
  describe('an end marker the cull leaves in the reply (eos-not-culled)', () => {
    it('gpt-oss-20b-nothink: its custom template ends the answer with <|return|>; culling <|end|> leaves it', () => {
      const base = corpusEntry(FILE_2025, 'gpt-oss-20b-nothink');
      expectQuiet(base, V33);
      const planted = plant(base, { eos_to_cull: '<\\|end\\|>' });
      const d = expectFinding(planted, V33, 'eos-not-culled', 'eos_to_cull');
      assert.match(d.message, /does not remove `<\|return\|>`, which ends the model's answer: the custom chat template writes `<\|return\|>` right after the assistant's answer/);
      assert.match(d.message, /Cull it: "<\\\\\|return\\\\\|>"/);
      expectPythonAgrees(d, 'hf', planted.model_config, PROBE_ANSWER);
      // The quick fix replaces the pattern with the escaped marker, and the entry is quiet again.
      const text = registryText(planted);
      const doc = new RegistryDocument(text, { clemcoreVersion: V33 });
      const fix = quickFixes(doc, doc.diagnostics().find((x) => x.code === 'eos-not-culled')!)[0];
      const fixed = text.slice(0, fix.edits[0].offset) + fix.edits[0].newText + text.slice(fix.edits[0].offset + fix.edits[0].length);
      expectQuiet(JSON.parse(fixed)[0], V33);
      for (const clean of ['<\\|return\\|>.*', '<\\|return\\|>|<\\|end\\|>', '\\s*<\\|return\\|>\\s*', '(?:<\\|end\\|>|<\\|return\\|>)+']) expectQuiet(plant(base, { eos_to_cull: clean }), V33);
    });

    it('vicuna-7b-v1.5: a ChatML cull on a template that ends answers with </s>', () => {
      const base = corpusEntry(FILE_2025, 'vicuna-7b-v1.5');
      expectQuiet(base, V33);
      const d = expectFinding(plant(base, { eos_to_cull: '<\\|im_end\\|>' }), V33, 'eos-not-culled', 'eos_to_cull');
      assert.equal(d.data?.replacement, JSON.stringify('</s>'));
      assert.match(d.message, /probe assumes the model stops at `<\/s>`|hover shows the probe/);
      // Adding a marker to a pattern with deliberate constructs keeps them.
      const alternatives = expectFinding(plant(base, { eos_to_cull: '<\\|im_end\\|>\\s*|<\\|eot_id\\|>' }), V33, 'eos-not-culled', 'eos_to_cull');
      assert.equal(alternatives.data?.replacement, JSON.stringify('<\\|im_end\\|>\\s*|<\\|eot_id\\|>|</s>'));
      for (const clean of ['</s>.*', '</s>|<\\|im_end\\|>', '\\s*</s>\\s*']) expectQuiet(plant(base, { eos_to_cull: clean }), V33);
    });

    it('vicuna-7b-v1.5: a cull written with the line break the template puts between turns never matches after strip()', () => {
      const base = corpusEntry(FILE_2025, 'vicuna-7b-v1.5');
      const planted = plant(base, { eos_to_cull: '</s>\\n' });
      const d = expectFinding(planted, V33, 'eos-not-culled', 'eos_to_cull');
      assert.match(d.message, /matches the template's text between turns, `<\/s>\\nASSISTANT:`, but the model's reply ends at `<\/s>`/);
      expectPythonAgrees(d, 'hf', planted.model_config, PROBE_ANSWER);
      expectQuiet(plant(base, { eos_to_cull: '</s>\\n?' }), V33);
    });

    it('qwen2.5-72b (2026, clemcore 3.7): read from the cached tokenizer; padding with the EOS is taken into account', () => {
      const base = corpusEntry(FILE_2026, 'qwen2.5-72b');
      const chatml = "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
      const facts: TokenizerFacts = { chatTemplate: chatml, eosToken: '<|endoftext|>', padToken: '<|endoftext|>', stopTokens: ['<|im_end|>', '<|endoftext|>'], source: 'a test cache' };
      const settings = { tokenizerFacts: (id: string) => (id === 'Qwen/Qwen2.5-72B-Instruct' ? facts : undefined) };
      assert.equal(base.huggingface_id, 'Qwen/Qwen2.5-72B-Instruct');
      expectQuiet(base, '3.7', settings);
      const planted = plant(base, { eos_to_cull: '<\\|endoftext\\|>' });
      const d = expectFinding(planted, '3.7', 'eos-not-culled', 'eos_to_cull', settings);
      assert.match(d.message, /stops generation \(a test cache\)/);
      expectPythonAgrees(d, 'hf', planted.model_config, PROBE_ANSWER, '<|endoftext|>');
      // Without the cache nothing is known about a premade template.
      expectQuiet(planted, '3.7');
    });
  });

  describe('answer text deleted (reply-culled)', () => {
    it('vicuna-7b-v1.5: a cull that starts before the marker takes the answer with it', () => {
      const base = corpusEntry(FILE_2025, 'vicuna-7b-v1.5');
      const planted = plant(base, { eos_to_cull: '.*</s>' });
      const d = expectFinding(planted, V33, 'reply-culled', 'eos_to_cull');
      assert.match(d.message, /reaches the game as ""/);
      expectPythonAgrees(d, 'hf', planted.model_config, PROBE_ANSWER);
      expectQuiet(plant(base, { eos_to_cull: '</s>.*' }), V33);
    });

    it('vicuna-7b-v1.5: an output_split_prefix that is the end marker keeps only what follows the answer', () => {
      const base = corpusEntry(FILE_2025, 'vicuna-7b-v1.5');
      const planted = plant(base, { output_split_prefix: '</s>' });
      const d = expectFinding(planted, V33, 'reply-culled', 'output_split_prefix');
      expectPythonAgrees(d, 'hf', planted.model_config, PROBE_ANSWER);
      // huggingface_local splits only when the prefix occurs: one the prompt already ends with is harmless there.
      expectQuiet(plant(base, { output_split_prefix: 'ASSISTANT:' }), V33);
    });
  });

  describe('the answer lost in the CoT split (cot-answer-lost)', () => {
    const base = () => corpusEntry(FILE_2025, 'DeepSeek-R1-0528');

    it('a cot_end_tag that also swallows the answer', () => {
      const planted = plant(base(), { cot_end_tag: '</think>.*' });
      const d = expectFinding(planted, V33, 'cot-answer-lost', 'cot_end_tag');
      expectPythonAgrees(d, 'hf', planted.model_config, PROBE_ANSWER);
    });

    it('an eos_to_cull that removes the tag before the split', () => {
      const planted = plant(base(), { eos_to_cull: '<think>|</think>|<｜end▁of▁sentence｜>' });
      const d = expectFinding(planted, V33, 'cot-answer-lost', 'eos_to_cull');
      assert.match(d.message, /removes `<\/think>`, which ends the reasoning, before clemcore splits/);
      expectPythonAgrees(d, 'hf', planted.model_config, PROBE_ANSWER);
    });

    it('a cot_start_tag that is the end tag', () => {
      const planted = plant(base(), { cot_start_tag: '</think>' });
      const d = expectFinding(planted, V33, 'cot-answer-lost', 'cot_start_tag');
      expectPythonAgrees(d, 'hf', planted.model_config, PROBE_ANSWER);
    });

    it('stays quiet for tags with surrounding space, alternatives and groups', () => {
      expectQuiet(base(), V33);
      for (const clean of ['</think>\\s*', '\\s*</think>\\s*', '</think>|</reasoning>', '(</think>)', '(?s)</think>']) expectQuiet(plant(base(), { cot_end_tag: clean }), V33);
      expectQuiet(plant(base(), { eos_to_cull: '<｜end▁of▁sentence｜>.*' }), V33);
    });
  });

  describe('an output_split_prefix the reply cannot contain (split-prefix-missing)', () => {
    it('openchat_3.5-GGUF-q5: the prompt already ends with the prefix, and llamacpp splits unguarded', () => {
      const base = corpusEntry(FILE_2025, 'openchat_3.5-GGUF-q5');
      expectQuiet(base, V33);
      const planted = plant(base, { output_split_prefix: 'GPT4 Correct Assistant:' });
      const d = expectFinding(planted, V33, 'split-prefix-missing', 'output_split_prefix');
      assert.match(d.message, /IndexError/);
      expectPythonAgrees(d, 'llamacpp', planted.model_config, PROBE_ANSWER);
      // A prefix the model writes itself (the end of its reasoning) is no such case.
      expectQuiet(plant(base, { output_split_prefix: '</think>' }), V33);
    });
  });

  describe('llamacpp: a marker only counts when the GGUF makes it ordinary text', () => {
    const base = () => corpusEntry(FILE_2026, 'qwen2.5-72b-gguf');
    const chatml = "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    const gguf = (control: boolean): GgufFacts => ({ chatTemplate: chatml, eosToken: '<|im_end|>', isControlToken: (t) => control && t === '<|im_end|>', isToken: (t) => control && t === '<|im_end|>', source: 'a test GGUF' });

    it('flags a cull that leaves a marker written as text, and not one the GGUF renders as nothing', () => {
      const planted = plant(base(), { eos_to_cull: '</s>' });
      const settings = (control: boolean) => ({ ggufFacts: (id: string, file: string) => (id === 'Qwen/Qwen2.5-72B-Instruct-GGUF' && file === '*q4_k_m*.gguf' ? gguf(control) : undefined) });
      assert.equal(base().huggingface_id, 'Qwen/Qwen2.5-72B-Instruct-GGUF');
      const d = expectFinding(planted, '3.7', 'eos-not-culled', 'eos_to_cull', settings(false));
      assert.match(d.message, /The model writes it as ordinary text/);
      expectPythonAgrees(d, 'llamacpp', planted.model_config, PROBE_ANSWER);
      expectQuiet(planted, '3.7', settings(true));
      expectQuiet(planted, '3.7');
      expectQuiet(base(), '3.7', settings(false));
    });
  });

  describe('one mistake, one finding', () => {
    it('an unescaped <|im_end|> is the regex rules\' finding: no dry-run finding on top, one finding at the key', () => {
      const planted = plant(corpusEntry(FILE_2025, 'vicuna-7b-v1.5'), { eos_to_cull: '<|im_end|>' });
      const at = atKey(check(planted, V33), 'eos_to_cull');
      assert.deepEqual(at.map((d) => d.code), ['regex-unescaped-bar']);
      assert.match(at[0].message, /`re\.sub` deletes every one of them/);
    });
  });
});
