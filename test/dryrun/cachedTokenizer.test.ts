// eos-not-culled from the dry run: eos_to_cull against the token that ends the model's turn, as the local Hugging Face cache tells it
// (here a stand-in for the cache: the check itself is a pure function of the entry and these facts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkRegistry, quickFixes, RegistryDocument } from '../../server/src/service';
import type { TokenizerFacts } from '../../server/src/service/types';
import { entry, expectDiagnostics, expectNone, markAt, registry } from '../unit/harness';

const CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
const HARMONY = "{% for m in messages %}<|start|>{{ m.role }}<|message|>{{ m.content }}<|end|>{% endfor %}{% if add_generation_prompt %}<|start|>assistant{% endif %}";

/** A ChatML model with a sentencepiece EOS, as salamandra is: both `</s>` and `<|im_end|>` stop generation. */
const chatmlFacts: TokenizerFacts = { chatTemplate: CHATML, eosToken: '</s>', padToken: '<unk>', stopTokens: ['</s>', '<|im_end|>'], source: 'a test cache' };
const cache = (facts: Record<string, TokenizerFacts>) => ({ tokenizerFacts: (id: string) => facts[id] });

const hf = (config: Record<string, unknown>) => registry(entry('huggingface_local', { huggingface_id: 'org/chatml' }, config));

describe('eos-not-culled', () => {
  it('flags a cull that leaves the turn-ending token of the cached template, with the escaped token as its fix', () => {
    const text = hf({ premade_chat_template: true, eos_to_cull: '</s>' });
    const settings = cache({ 'org/chatml': chatmlFacts });
    const d = expectDiagnostics(markAt(text, '"</s>"'), ['eos-not-culled'], settings).find((x) => x.code === 'eos-not-culled')!;
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /does not remove `<\|im_end\|>`/);
    const doc = new RegistryDocument(text, settings);
    const fix = quickFixes(doc, doc.diagnostics().find((x) => x.code === 'eos-not-culled')!)[0];
    const fixed = text.slice(0, fix.edits[0].offset) + fix.edits[0].newText + text.slice(fix.edits[0].offset + fix.edits[0].length);
    assert.equal(JSON.parse(fixed)[0].model_config.eos_to_cull, '<\\|im_end\\|>');
    expectNone(fixed, ['eos-not-culled'], settings);
  });

  it('is quiet when the cull removes the token, also within an alternation', () => {
    const settings = cache({ 'org/chatml': chatmlFacts });
    expectNone(hf({ premade_chat_template: true, eos_to_cull: '<\\|im_end\\|>' }), ['eos-not-culled'], settings);
    expectNone(hf({ premade_chat_template: true, eos_to_cull: '</s>|<\\|im_end\\|>' }), ['eos-not-culled'], settings);
  });

  it('leaves a partial cull to the regex rules', () => {
    const diags = checkRegistry(hf({ premade_chat_template: true, eos_to_cull: '<|im_end|>' }), cache({ 'org/chatml': chatmlFacts }));
    assert.ok(diags.some((d) => d.code === 'regex-unescaped-bar'));
    assert.ok(!diags.some((d) => d.code === 'eos-not-culled'));
  });

  it('asks only for markers that stop generation: a harmony template ends turns with <|end|> but stops at <|return|>', () => {
    const harmony: TokenizerFacts = { chatTemplate: HARMONY, eosToken: '<|return|>', stopTokens: ['<|return|>', '<|call|>'], source: 'a test cache' };
    expectNone(hf({ premade_chat_template: true, eos_to_cull: '<\\|return\\|>' }), ['eos-not-culled'], cache({ 'org/chatml': harmony }));
  });

  it('is quiet when the token is also the pad token, which clemcore strips', () => {
    const padded = { ...chatmlFacts, padToken: '<|im_end|>' };
    expectNone(hf({ premade_chat_template: true, eos_to_cull: '</s>' }), ['eos-not-culled'], cache({ 'org/chatml': padded }));
    // Without a pad token clemcore pads with the EOS, which is then the token stripped.
    const unpadded: TokenizerFacts = { ...chatmlFacts, eosToken: '<|im_end|>', padToken: undefined };
    expectNone(hf({ premade_chat_template: true, eos_to_cull: '</s>' }), ['eos-not-culled'], cache({ 'org/chatml': unpadded }));
  });

  it('reads the custom template when premade_chat_template is false, and the cached one when it is true', () => {
    const llama = "{% for m in messages %}{{ m['content'] }}<|eot_id|>{% endfor %}";
    const facts = { ...chatmlFacts, stopTokens: ['</s>', '<|im_end|>', '<|eot_id|>'] };
    const custom = hf({ premade_chat_template: false, custom_chat_template: llama, eos_to_cull: '<\\|im_end\\|>' });
    const d = checkRegistry(custom, cache({ 'org/chatml': facts })).find((x) => x.code === 'eos-not-culled');
    assert.match(d?.message ?? '', /does not remove `<\|eot_id\|>`, which ends the model's answer: the custom chat template writes `<\|eot_id\|>`/);
    // premade_chat_template: true ignores the custom template, so the cached ChatML one counts, which the cull removes.
    expectNone(hf({ premade_chat_template: true, custom_chat_template: llama, eos_to_cull: '<\\|im_end\\|>' }), ['eos-not-culled'], cache({ 'org/chatml': facts }));
  });

  it('says nothing without cached facts, for other backends, and for the multimodal path', () => {
    const text = hf({ premade_chat_template: true, eos_to_cull: '</s>' });
    expectNone(text, ['eos-not-culled']);
    expectNone(text, ['eos-not-culled'], cache({}));
    expectNone(hf({ multimodal: true, premade_chat_template: true, eos_to_cull: '</s>' }), ['eos-not-culled'], cache({ 'org/chatml': chatmlFacts }));
    const llamacpp = registry(entry('llamacpp', { huggingface_id: 'org/chatml' }, { eos_to_cull: '</s>' }));
    expectNone(llamacpp, ['eos-not-culled'], cache({ 'org/chatml': chatmlFacts }));
  });
});
