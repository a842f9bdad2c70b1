// Quick fixes, each as a before/after pair: the fix changes only what it names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryDocument, fixAll, quickFixes, type FixEdit } from '../../server/src/service';
import { endMarkerOf } from '../../server/src/service/quickFixes';

function apply(text: string, edits: FixEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

/** Applies the preferred fix of the first finding with `code` and returns the new text. */
function fixed(before: string, code: string, title?: RegExp): string {
  const doc = new RegistryDocument(before);
  const finding = doc.diagnostics().find((d) => d.code === code);
  assert.ok(finding, `no ${code} in the fixture`);
  const fixes = quickFixes(doc, finding);
  const chosen = title ? fixes.find((f) => title.test(f.title)) : fixes.find((f) => f.preferred);
  assert.ok(chosen, `no fix for ${code}: ${JSON.stringify(fixes.map((f) => f.title))}`);
  const after = apply(before, chosen.edits);
  assert.doesNotThrow(() => JSON.parse(after.replace(/\/\/.*$/gm, '')), 'the fixed file still parses');
  return after;
}

const entry = (config: string, top = '') => `[
    {
        "model_name": "qwen",
        "backend": "llamacpp",
        "huggingface_id": "Qwen/Qwen2.5-7B-Instruct-GGUF",${top}
        "model_config": {
            "premade_chat_template": true,
            "filename": "*Q4_K_M.gguf",
${config}
        }
    }
]
`;

describe('quick fixes', () => {
  it('escapes the bars of a special token', () => {
    const before = entry('            "eos_to_cull": "<|im_end|>"');
    assert.equal(fixed(before, 'regex-unescaped-bar'), entry('            "eos_to_cull": "<\\\\|im_end\\\\|>"'));
  });
  it('undoes over-escaping', () => {
    const before = entry('            "eos_to_cull": "<\\\\\\\\|im_end\\\\\\\\|>"');
    assert.equal(fixed(before, 'regex-over-escaped'), entry('            "eos_to_cull": "<\\\\|im_end\\\\|>"'));
  });
  it('doubles a lone backslash that is an invalid JSON escape', () => {
    const before = entry('            "eos_to_cull": "<\\\\|im_end\\|>"');
    assert.equal(fixed(before, 'json-invalid-escape'), entry('            "eos_to_cull": "<\\\\|im_end\\\\|>"'));
  });
  it('renames a misspelled key and a misspelled backend', () => {
    const before = entry('            "eos_to_cul": "</s>"');
    assert.equal(fixed(before, 'unknown-key'), entry('            "eos_to_cull": "</s>"'));
    const backend = entry('            "eos_to_cull": "</s>"').replace('"llamacpp"', '"llamacp"');
    assert.equal(fixed(backend, 'unknown-backend'), entry('            "eos_to_cull": "</s>"'));
  });
  it('renames huggingface_id to model_id for a remote backend', () => {
    const before = '[{"model_name": "x", "backend": "openrouter", "huggingface_id": "openai/gpt-oss-120b"}]';
    assert.equal(fixed(before, 'id-key-mismatch'), '[{"model_name": "x", "backend": "openrouter", "model_id": "openai/gpt-oss-120b"}]');
  });
  it('converts a date to ISO', () => {
    const before = entry('            "eos_to_cull": "</s>"', '\n        "release_date": "06-08-24",');
    assert.equal(fixed(before, 'release-date'), entry('            "eos_to_cull": "</s>"', '\n        "release_date": "2024-08-06",'));
  });
  it('removes a presence-only flag written as false, with its comma', () => {
    const last = '[{"model_name": "o", "backend": "openai", "model_id": "o1", "model_config": {"extra_body": {}, "reasoning_model": false}}]';
    assert.equal(fixed(last, 'presence-flag-false'), last.replace(', "reasoning_model": false', ''));
    const first = '[{"model_name": "o", "backend": "openai", "model_id": "o1", "model_config": {"reasoning_model": false, "extra_body": {}}}]';
    assert.equal(fixed(first, 'presence-flag-false'), first.replace('"reasoning_model": false, ', ''));
  });
  it('switches premade_chat_template off for an unread custom template, or removes the template', () => {
    const template = '            "custom_chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}",\n            "eos_to_cull": "</s>"';
    const before = entry(template);
    assert.equal(fixed(before, 'ignored-key'), before.replace('"premade_chat_template": true', '"premade_chat_template": false'));
    assert.equal(fixed(before, 'ignored-key', /Remove/), entry('            "eos_to_cull": "</s>"'));
  });
  it('removes a key clemcore ignores, and offers no switch where none applies', () => {
    const before = entry('            "eos_to_cull": "</s>",\n            "execute_on": "gpu"');
    const doc = new RegistryDocument(before);
    const titles = quickFixes(doc, doc.diagnostics().find((d) => d.code === 'ignored-key')!).map((f) => f.title);
    assert.deepEqual(titles, ['Remove `execute_on`']);
    assert.equal(fixed(before, 'ignored-key'), entry('            "eos_to_cull": "</s>"'));
  });
  it('renames or removes a duplicate entry', () => {
    const before = '[\n  {"model_name": "m", "backend": "openai", "model_id": "a"},\n  {"model_name": "m", "backend": "openai", "model_id": "b"}\n]';
    assert.equal(fixed(before, 'duplicate-model-name'), before.replace('"m", "backend": "openai", "model_id": "b"', '"m-2", "backend": "openai", "model_id": "b"'));
    assert.equal(fixed(before, 'duplicate-model-name', /Remove/), '[\n  {"model_name": "m", "backend": "openai", "model_id": "a"}\n]');
  });
  it('unescapes a literal field', () => {
    const before = entry('            "eos_to_cull": "</s>",\n            "eos_string": "<\\\\|im_end\\\\|>"');
    assert.equal(fixed(before, 'literal-has-escapes'), entry('            "eos_to_cull": "</s>",\n            "eos_string": "<|im_end|>"'));
  });
  it('replaces a language name with its code, and an upper-case size tag', () => {
    const langs = '[{"model_name": "m", "backend": "openai", "model_id": "a", "languages": ["en", "German"]}]';
    assert.equal(fixed(langs, 'language-code'), langs.replace('"German"', '"de"'));
    const params = '[{"model_name": "m", "backend": "openai", "model_id": "a", "parameters": "7b"}]';
    assert.equal(fixed(params, 'parameters-format'), params.replace('"7b"', '"7B"'));
  });
  it('removes a trailing comma', () => {
    const before = '[{"model_name": "m", "backend": "openai", "model_id": "a",}]';
    assert.equal(fixed(before, 'json-trailing-comma'), '[{"model_name": "m", "backend": "openai", "model_id": "a"}]');
  });
  it('adds a missing key in the object\'s indentation, with eos_to_cull taken from eos_string', () => {
    const before = entry('            "eos_string": "<|im_end|>"');
    assert.equal(fixed(before, 'missing-key'), entry('            "eos_string": "<|im_end|>",\n            "eos_to_cull": "<\\\\|im_end\\\\|>"'));
  });
  it('takes eos_to_cull from the end marker of the entry\'s template when there is no eos_string', () => {
    assert.equal(endMarkerOf("{% for message in messages %}<|user|>{{ message['content'] }}<|end|>{% endfor %}"), '<|end|>');
    assert.equal(endMarkerOf("{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"), '<|im_end|>');
    assert.equal(endMarkerOf('{{ messages }}'), undefined);
    const template = "{% for message in messages %}{{ message['content'] }}<|eot_id|>{% endfor %}";
    const before = entry(`            "premade_chat_template": false,\n            "custom_chat_template": ${JSON.stringify(template)}`).replace('            "premade_chat_template": true,\n', '');
    const after = fixed(before, 'missing-key');
    assert.ok(after.includes('"eos_to_cull": "<\\\\|eot_id\\\\|>"'), after);
  });
  it('offers the added keys as a snippet with a tab stop on each value', () => {
    const before = entry('            "eos_string": "<|im_end|>"');
    const doc = new RegistryDocument(before);
    const fix = quickFixes(doc, doc.diagnostics().find((d) => d.code === 'missing-key')!)[0];
    assert.equal(fix.edits[0].snippet, ',\n            "eos_to_cull": "${1:<\\\\\\\\|im_end\\\\\\\\|>}"');
    const two = '[{"model_name": "m", "backend": "openai", "model_config": {}, "release_date": "2024-01-01"}]';
    const docTwo = new RegistryDocument(two);
    const missing = docTwo.diagnostics().find((d) => d.code === 'missing-doc-key')!;
    const snippet = quickFixes(docTwo, missing)[0].edits[0].snippet!;
    assert.match(snippet, /\$\{1:[^}]*\}.*\$\{2:/s);
  });
  it('adds padding_side "left" to a huggingface_local entry under clemcore 3.3, and only that', () => {
    const before = entry('            "eos_to_cull": "<\\\\|eot_id\\\\|>"').replace('"llamacpp"', '"huggingface_local"').replace('            "filename": "*Q4_K_M.gguf",\n', '');
    const doc = new RegistryDocument(before, { clemcoreVersion: '3.3' });
    const finding = doc.diagnostics().find((d) => d.code === 'padding-side-missing');
    assert.ok(finding, JSON.stringify(doc.diagnostics().map((d) => d.code)));
    assert.equal(before.slice(finding.offset, finding.offset + finding.length), '"model_config"');
    const [fix] = quickFixes(doc, finding);
    const after = apply(before, fix.edits);
    assert.deepEqual(JSON.parse(after)[0].model_config, { ...JSON.parse(before)[0].model_config, padding_side: 'left' });
    assert.equal(after.replace(/,?\s*"padding_side": "left"/, ''), before);
    assert.equal(new RegistryDocument(after, { clemcoreVersion: '3.3' }).diagnostics().filter((d) => d.code === 'padding-side-missing').length, 0);
    // 3.7 guesses left for decoder-only models: nothing to say there.
    assert.equal(new RegistryDocument(before, { clemcoreVersion: '3.7' }).diagnostics().filter((d) => d.code === 'padding-side-missing').length, 0);
  });
  it('moves huggingface_id out of model_config to the entry', () => {
    const before = '[\n    {\n        "model_name": "m",\n        "backend": "huggingface_local",\n        "model_config": {\n            "huggingface_id": "org/m",\n            "premade_chat_template": true,\n            "eos_to_cull": "</s>"\n        }\n    }\n]';
    const after = fixed(before, 'misplaced-key');
    assert.equal(after, '[\n    {\n        "model_name": "m",\n        "backend": "huggingface_local",\n        "model_config": {\n            "premade_chat_template": true,\n            "eos_to_cull": "</s>"\n        },\n        "huggingface_id": "org/m"\n    }\n]');
  });
  it('moves a capability flag into multimodality, creating it when needed', () => {
    const existing = '[{"model_name": "c", "backend": "anthropic", "model_id": "c", "model_config": {"multimodality": {"multiple_images": true}, "single_image": true}}]';
    assert.equal(fixed(existing, 'misplaced-key'), '[{"model_name": "c", "backend": "anthropic", "model_id": "c", "model_config": {"multimodality": {"multiple_images": true, "single_image": true}}}]');
    const missing = '[{"model_name": "c", "backend": "anthropic", "model_id": "c", "model_config": {"thinking_mode": true, "single_image": true}}]';
    assert.equal(fixed(missing, 'misplaced-key'), '[{"model_name": "c", "backend": "anthropic", "model_id": "c", "model_config": {"thinking_mode": true, "multimodality": {"single_image": true}}}]');
  });
  it('fixes every safe finding at once, and only those', () => {
    const before = entry('            "eos_to_cull": "<|im_end|>",\n            "eos_string": "<\\\\|x\\\\|>"', '\n        "release_date": "06-08-24",');
    const doc = new RegistryDocument(before);
    const after = apply(before, fixAll(doc, doc.diagnostics()));
    assert.equal(after, before.replace('"<|im_end|>"', '"<\\\\|im_end\\\\|>"'));
  });
});
