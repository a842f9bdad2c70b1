// Entries in the registry format before March 2025: one finding per entry with the migration as its fix, values
// checked where that era's runtime read them, and nothing reported key by key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryDocument, quickFixes, type FixEdit } from '../../server/src/service';

function apply(text: string, edits: FixEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

function migrate(text: string, which: RegExp = /this entry/, version = '3.3'): { after: string; title: string } {
  const doc = new RegistryDocument(text, { clemcoreVersion: version });
  const finding = doc.diagnostics().find((d) => d.code === 'old-format-entry');
  assert.ok(finding, 'an old-format finding');
  const fix = quickFixes(doc, finding).find((f) => which.test(f.title));
  assert.ok(fix, `a fix matching ${which}`);
  return { after: apply(text, fix.edits), title: fix.title };
}

const OLD_CHATML = `[
  {
    "model_name": "Yi-34B-Chat",
    "backend": "huggingface_local",
    "huggingface_id": "01-ai/Yi-34B-Chat",
    "premade_chat_template": true,
    "slow_tokenizer": true,
    "eos_to_cull": "<|im_end|>",
    "release_date": "2023-11-22",
    "open_weight": true,
    "parameters": "34B"
  }
]
`;

describe('old-format entries', () => {
  it('one finding on the entry, the unescaped token where it stands, no misplaced keys', () => {
    const diags = new RegistryDocument(OLD_CHATML, { clemcoreVersion: '3.3' }).diagnostics();
    const old = diags.filter((d) => d.code === 'old-format-entry');
    assert.equal(old.length, 1);
    assert.equal(old[0].severity, 'error');
    assert.equal(OLD_CHATML.slice(old[0].offset, old[0].offset + old[0].length), '"model_name"');
    assert.match(old[0].message, /`premade_chat_template`, `slow_tokenizer`, `eos_to_cull` stand at the top level and there is no `model_config`/);
    assert.match(old[0].message, /fails while loading the model/);
    assert.deepEqual(diags.filter((d) => ['misplaced-key', 'unknown-key', 'missing-key'].includes(d.code)), []);
    // The ten-week defect of 2024: the old runtime read eos_to_cull here, and deleted every < and >.
    const bar = diags.find((d) => d.code === 'regex-unescaped-bar');
    assert.ok(bar, 'the unescaped bar is reported at the top-level eos_to_cull');
    assert.deepEqual(bar.path, [0, 'eos_to_cull']);
  });

  it('migrates the entry as clemcore did, keeping the values as written', () => {
    const { after } = migrate(OLD_CHATML);
    const entry = JSON.parse(after)[0];
    assert.deepEqual(Object.keys(entry), ['model_name', 'backend', 'huggingface_id', 'release_date', 'open_weight', 'parameters', 'model_config']);
    assert.deepEqual(entry.model_config, { premade_chat_template: true, slow_tokenizer: true, eos_to_cull: '<|im_end|>' });
    assert.match(after, /\n {4}"model_config": \{\n {6}"premade_chat_template": true,\n {6}"slow_tokenizer": true,\n {6}"eos_to_cull": "<\|im_end\|>"\n {4}\}\n {2}\}\n\]/);
    const diags = new RegistryDocument(after, { clemcoreVersion: '3.3' }).diagnostics();
    assert.equal(diags.filter((d) => d.code === 'old-format-entry').length, 0);
    // The same defect, now at its new place.
    assert.deepEqual(diags.find((d) => d.code === 'regex-unescaped-bar')?.path, [0, 'model_config', 'eos_to_cull']);
  });

  it('turns image flags into multimodality; a remote backend that reads model_config with a default gets a warning', () => {
    const text = '[{"model_name": "gpt-4o", "model_id": "gpt-4o", "backend": "openai", "supports_images": true, "support_multiple_images": false, "release_date": "2024-05-13", "open_weight": false, "parameters": ""}]';
    const old = new RegistryDocument(text).diagnostics().find((d) => d.code === 'old-format-entry')!;
    assert.equal(old.severity, 'warning');
    assert.match(old.message, /ignores them, and image inputs fail/);
    const { after } = migrate(text, /this entry/, '3.7');
    // One line stays one line.
    assert.equal(after.split('\n').length, 1);
    assert.deepEqual(JSON.parse(after)[0].model_config, { multimodality: { single_image: true, multiple_images: false, audio: false, video: false } });
    // anthropic reads model_config on every request: an error there.
    const claude = text.replace('"openai"', '"anthropic"');
    assert.equal(new RegistryDocument(claude).diagnostics().find((d) => d.code === 'old-format-entry')?.severity, 'error');
  });

  it('huggingface_multimodal: the old model_config becomes mm_model_config, the dotted paths move to clemcore.backends', () => {
    const text = `[
  {
    "model_name": "llava",
    "backend": "huggingface_multimodal",
    "huggingface_id": "llava-hf/llava-1.5-7b-hf",
    "model_class": "transformers.LlavaForConditionalGeneration",
    "model_config": {
      "device_map": "auto"
    },
    "processor_class": "transformers.AutoProcessor",
    "processor_config": {},
    "prompt": "backends.multimodal_utils.generate_llava_prompt_text",
    "response": "backends.multimodal_utils.generate_llava_response",
    "supports_multiple_images": true,
    "context_size": "4k",
    "release_date": "2024-01-03", "open_weight": true, "parameters": "7B", "languages": ["en"], "license": {"name": "Llama 2", "url": "https://ai.meta.com/llama/license/"}
  }
]`;
    const before = new RegistryDocument(text, { clemcoreVersion: '3.3' }).diagnostics();
    assert.deepEqual(before.map((d) => d.code), ['old-format-entry']);
    const { after } = migrate(text);
    assert.deepEqual(JSON.parse(after)[0].model_config, {
      model_class: 'transformers.LlavaForConditionalGeneration',
      processor_class: 'transformers.AutoProcessor',
      processor_config: {},
      prompt: 'clemcore.backends.multimodal_utils.generate_llava_prompt_text',
      response: 'clemcore.backends.multimodal_utils.generate_llava_response',
      multimodality: { single_image: true, multiple_images: true, audio: false, video: false },
      mm_model_config: { device_map: 'auto' },
    });
    assert.deepEqual(new RegistryDocument(after, { clemcoreVersion: '3.3' }).diagnostics().filter((d) => d.severity === 'error'), []);
  });

  it('an entry of the new format with one key at the wrong level is a misplaced key, not an old-format entry', () => {
    const text = '[{"model_name": "m", "backend": "llamacpp", "huggingface_id": "o/m", "eos_to_cull": "</s>", "model_config": {"premade_chat_template": true, "filename": "*Q4_K_M.gguf"}, "release_date": "2024-01-01", "open_weight": true, "parameters": "7B", "languages": ["en"], "context_size": "4k", "license": {"name": "MIT", "url": "https://opensource.org/license/mit"}}]';
    const codes = new RegistryDocument(text).diagnostics().map((d) => d.code);
    assert.ok(codes.includes('misplaced-key'), codes.join());
    assert.ok(!codes.includes('old-format-entry'));
  });

  it('offers the whole file at once, and changes only the old-format entries', () => {
    const modern = '{"model_name": "new", "backend": "openai", "model_id": "x", "model_config": {}, "release_date": "2024-01-01", "open_weight": false, "parameters": ""}';
    const text = `[\n  ${modern},\n  {"model_name": "a", "backend": "llamacpp", "huggingface_id": "o/a", "filename": "*Q4_K_M.gguf", "premade_chat_template": true, "eos_to_cull": "</s>"},\n  {"model_name": "b", "backend": "openai", "model_id": "b", "reasoning_model": true}\n]`;
    const { after, title } = migrate(text, /all/);
    assert.equal(title, 'Migrate all 2 old-format entries of the file');
    const entries = JSON.parse(after);
    assert.equal(after.split('\n')[1], `  ${modern},`);
    assert.deepEqual(entries[1].model_config, { filename: '*Q4_K_M.gguf', premade_chat_template: true, eos_to_cull: '</s>' });
    assert.deepEqual(entries[2].model_config, { reasoning_model: true });
    assert.equal(new RegistryDocument(after).diagnostics().filter((d) => d.code === 'old-format-entry').length, 0);
  });
});
