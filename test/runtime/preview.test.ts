// "Preview template" without loading weights: the template and BOS/EOS from a GGUF's header (llamacpp), and from the
// Hugging Face cache's tokenizer files with their special tokens (huggingface_local).
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { previewTemplate } from '../../server/src/runtime/preview';
import { writeScriptedGguf } from '../support/scriptedGguf';

const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-preview-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TEMPLATE = "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}{{ eos_token }}\n{% endfor %}{% if add_generation_prompt %}[assistant] {% endif %}";
const registry = (entries: unknown[]) => ({ label: 'model_registry.json', text: JSON.stringify(entries) });

it('renders a llamacpp entry\'s GGUF template with the GGUF\'s BOS and EOS, reading only the header', () => {
  const gguf = path.join(dir, 'm.gguf');
  writeScriptedGguf(gguf, { next: [], chatTemplate: TEMPLATE, bosToken: '<B>', eosToken: '<E>' });
  const p = previewTemplate({
    registry: registry([{ model_name: 'm', backend: 'llamacpp', huggingface_id: 'o/m', model_config: { filename: '*.gguf', premade_chat_template: true, eos_to_cull: 'x' } }]),
    entryIndex: 0,
    gguf: { path: gguf, source: 'the test' },
  });
  assert.ok(p.ok, p.markdown);
  assert.ok(p.prompt!.startsWith('<B>[system] You are a helpful assistant.<E>\n[user] Name a colour.<E>\n'), p.prompt);
  assert.ok(p.prompt!.endsWith('[assistant] '));
  assert.match(p.markdown, /GGUF metadata \(tokenizer\.chat_template\)/);
});

it('renders a huggingface_local template from the cache with the tokenizer\'s special tokens', () => {
  const snapshot = path.join(dir, 'hub', 'models--org--hf', 'snapshots', 'r1');
  mkdirSync(snapshot, { recursive: true });
  writeFileSync(path.join(snapshot, 'tokenizer_config.json'), JSON.stringify({ bos_token: { content: '<|begin|>' }, eos_token: '<|end|>', pad_token: '<pad>', chat_template: '{{ bos_token }}{% for m in messages %}{{ m.content }}{{ pad_token }}{% endfor %}' }));
  const previous = process.env.HF_HUB_CACHE;
  process.env.HF_HUB_CACHE = path.join(dir, 'hub');
  try {
    const p = previewTemplate({ registry: registry([{ model_name: 'h', backend: 'huggingface_local', huggingface_id: 'org/hf', model_config: {} }]), entryIndex: 0 });
    assert.ok(p.ok, p.markdown);
    assert.equal(p.prompt, '<|begin|>You are a helpful assistant.<pad>Name a colour.<pad>Blue.<pad>Another one?<pad>');
    const missing = previewTemplate({ registry: registry([{ model_name: 'x', backend: 'huggingface_local', huggingface_id: 'org/absent', model_config: {} }]), entryIndex: 0 });
    assert.equal(missing.ok, false);
    assert.match(missing.markdown, /not in the Hugging Face cache/);
  } finally {
    if (previous === undefined) delete process.env.HF_HUB_CACHE;
    else process.env.HF_HUB_CACHE = previous;
  }
});

it('previews the template huggingface_local really uses: not a custom one next to premade_chat_template, the processor\'s with multimodal', () => {
  const snapshot = path.join(dir, 'hub2', 'models--org--mm', 'snapshots', 'r1');
  mkdirSync(snapshot, { recursive: true });
  writeFileSync(path.join(snapshot, 'tokenizer_config.json'), JSON.stringify({ eos_token: '</s>', chat_template: 'TOKENIZER{% for m in messages %}{{ m.content }}{% endfor %}' }));
  writeFileSync(path.join(snapshot, 'chat_template.json'), JSON.stringify({ chat_template: 'PROCESSOR{% for m in messages %}{{ m.content }}{% endfor %}' }));
  const previous = process.env.HF_HUB_CACHE;
  process.env.HF_HUB_CACHE = path.join(dir, 'hub2');
  const custom = 'CUSTOM{% for m in messages %}{{ m.content }}{% endfor %}';
  const preview = (config: Record<string, unknown>, clemcoreVersion?: string) =>
    previewTemplate({ registry: registry([{ model_name: 'h', backend: 'huggingface_local', huggingface_id: 'org/mm', model_config: config }]), entryIndex: 0, clemcoreVersion });
  try {
    const own = preview({ premade_chat_template: true, custom_chat_template: custom });
    assert.ok(own.prompt?.startsWith('TOKENIZER'), own.markdown);
    assert.match(own.markdown, /ignores custom_chat_template/);
    assert.ok(preview({ premade_chat_template: false, custom_chat_template: custom }).prompt?.startsWith('CUSTOM'));
    const mm = preview({ multimodal: true, premade_chat_template: false, custom_chat_template: custom });
    assert.ok(mm.prompt?.startsWith('PROCESSOR'), mm.markdown);
    assert.match(mm.markdown, /processor's own chat template/);
    // clemcore 3.3 has no multimodal key in huggingface_local: the custom template is used.
    assert.ok(preview({ multimodal: true, premade_chat_template: false, custom_chat_template: custom }, '3.3').prompt?.startsWith('CUSTOM'));
  } finally {
    if (previous === undefined) delete process.env.HF_HUB_CACHE;
    else process.env.HF_HUB_CACHE = previous;
  }
});

it('says what clemcore would raise when the template cannot be chosen or rendered', () => {
  const noCustom = previewTemplate({ registry: registry([{ model_name: 'm', backend: 'llamacpp', huggingface_id: 'o/m', model_config: { premade_chat_template: false, bos_string: '<s>', eos_string: '</s>' } }]), entryIndex: 0 });
  assert.equal(noCustom.ok, false);
  assert.match(noCustom.markdown, /KeyError: 'custom_chat_template'/);
  const broken = previewTemplate({ registry: registry([{ model_name: 'm', backend: 'llamacpp', huggingface_id: 'o/m', model_config: { premade_chat_template: false, custom_chat_template: '{% if %}', bos_string: '<s>', eos_string: '</s>' } }]), entryIndex: 0 });
  assert.equal(broken.ok, false);
  assert.match(broken.markdown, /does not parse/);
});
