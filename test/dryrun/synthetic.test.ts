// The dry run on hand-written entries (no corpus needed): each family planted into a ChatML entry, clean look-alikes,
// the precedence of the regex rules, the hover that shows the probe, and the backends without a text path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hover, RegistryDocument } from '../../server/src/service';
import { PROBE_ANSWER } from '../../server/src/service/dryRun/probe';
import { atKey, check, expectFinding, expectPythonAgrees, expectQuiet, plant, registryText, type Entry } from './support';

const CHATML = "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

function chatml(backend: string, config: Record<string, unknown> = {}): Entry {
  const base: Entry = {
    model_name: `chatml-${backend}`,
    backend,
    huggingface_id: 'org/chatml',
    release_date: '2024-07-23',
    open_weight: true,
    parameters: '8B',
    languages: ['en'],
    context_size: '32k',
    license: { name: 'Apache 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    model_config: { premade_chat_template: false, custom_chat_template: CHATML, eos_to_cull: '<\\|im_end\\|>', ...(backend === 'huggingface_local' ? { padding_side: 'left' } : { filename: '*Q4_K_M.gguf', bos_string: '<s>', eos_string: '<|im_end|>' }) },
  };
  return plant(base, config);
}

describe('dry run on hand-written entries', () => {
  it('finds the ChatML marker a </s> cull leaves, and keeps alternatives, `.*` after the marker and `\\s*` around it quiet', () => {
    expectQuiet(chatml('huggingface_local'), '3.7');
    const planted = chatml('huggingface_local', { eos_to_cull: '</s>' });
    const d = expectFinding(planted, '3.7', 'eos-not-culled', 'eos_to_cull');
    assert.equal(d.severity, 'warning');
    expectPythonAgrees(d, 'hf', planted.model_config, PROBE_ANSWER);
    for (const clean of ['<\\|im_end\\|>.*', '</s>|<\\|im_end\\|>', '\\s*<\\|im_end\\|>\\s*', '(?s)<\\|im_end\\|>.*']) expectQuiet(chatml('huggingface_local', { eos_to_cull: clean }), '3.7');
  });

  it('finds answer text a cull deletes with the marker', () => {
    const planted = chatml('huggingface_local', { eos_to_cull: '[^,]*<\\|im_end\\|>' });
    const d = expectFinding(planted, '3.7', 'reply-culled', 'eos_to_cull');
    expectPythonAgrees(d, 'hf', planted.model_config, PROBE_ANSWER);
  });

  it('finds a CoT answer lost in the split, on the key that causes it', () => {
    const cot = { cot_output: true, cot_start_tag: '<think>', cot_end_tag: '</think>' };
    expectQuiet(chatml('huggingface_local', cot), '3.3');
    const lost = chatml('huggingface_local', { ...cot, cot_end_tag: '</think>[^<]*' });
    expectPythonAgrees(expectFinding(lost, '3.3', 'cot-answer-lost', 'cot_end_tag'), 'hf', lost.model_config, PROBE_ANSWER);
    const culled = chatml('huggingface_local', { ...cot, eos_to_cull: '<\\|im_end\\|>|<think>|</think>' });
    expectPythonAgrees(expectFinding(culled, '3.3', 'cot-answer-lost', 'eos_to_cull'), 'hf', culled.model_config, PROBE_ANSWER);
  });

  it('finds the IndexError of an output_split_prefix the llamacpp prompt already ends with, not on huggingface_local', () => {
    const planted = chatml('llamacpp', { output_split_prefix: 'assistant\n' });
    const d = expectFinding(planted, '3.7', 'split-prefix-missing', 'output_split_prefix');
    expectPythonAgrees(d, 'llamacpp', planted.model_config, PROBE_ANSWER);
    expectQuiet(chatml('huggingface_local', { output_split_prefix: 'assistant\n' }), '3.7');
    // A line break or a colon at the prompt's end can still occur in a reply: no IndexError is claimed for them.
    for (const prefix of ['\n', ':', '\n\n']) expectQuiet(chatml('llamacpp', { output_split_prefix: prefix }), '3.7');
  });

  it('leaves an unescaped <|im_end|> to the regex rules: one finding at the key, none from the dry run', () => {
    const at = atKey(check(chatml('huggingface_local', { eos_to_cull: '<|im_end|>' }), '3.7'), 'eos_to_cull');
    assert.deepEqual(at.map((d) => d.code), ['regex-unescaped-bar']);
  });

  it('says nothing where the marker is not known: llamacpp without its GGUF, the 3.7 multimodal path, remote backends', () => {
    expectQuiet(chatml('llamacpp', { eos_to_cull: '</s>' }), '3.7');
    expectQuiet(chatml('huggingface_local', { multimodal: true, eos_to_cull: '</s>' }), '3.7');
    expectQuiet({ ...chatml('openai', { eos_to_cull: '</s>' }), model_id: 'gpt-4o' }, '3.7');
  });

  it('shows the probe before and after each stage in the hover, with the source of the marker and the assumptions', () => {
    const text = registryText(chatml('huggingface_local', { eos_to_cull: '</s>' }));
    const doc = new RegistryDocument(text, { clemcoreVersion: '3.7' });
    const h = hover(doc, text.indexOf('"</s>"') + 2)!;
    assert.match(h.markdown, /\*\*Dry run\*\* through clemcore 3\.7's huggingface_local text path/);
    assert.match(h.markdown, /End marker `<\|im_end\|>`: the custom chat template writes `<\|im_end\|>` right after the assistant's answer/);
    assert.match(h.markdown, /- probe: `Blue, and then green\.<\|im_end\|>`/);
    assert.match(h.markdown, /- after `re\.sub\(eos_to_cull, "", …\)`: `Blue, and then green\.<\|im_end\|>`/);
    assert.match(h.markdown, /not the answer/);
    assert.match(h.markdown, /Assumptions:\n- The tokenizer is not in the local Hugging Face cache, so the probe assumes the model stops at `<\|im_end\|>`/);
    // A clean entry's hover shows the answer coming back.
    const clean = registryText(chatml('huggingface_local'));
    const ok = hover(new RegistryDocument(clean, { clemcoreVersion: '3.7' }), clean.indexOf('"<\\\\|im_end') + 2)!;
    assert.match(ok.markdown, /The game gets `Blue, and then green\.`: the answer, as it should\./);
  });
});
