// Specification of the structural rules: JSON syntax, backends, keys, names and duplicates.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { entry, expectDiagnostics, expectNone, markAt, registry, check, unmark } from './harness';
import { checkRegistry } from '../../server/src/service';
import { maxJsonDepth } from '../../server/src/service/rules/jsonLimits';

const V33 = { clemcoreVersion: '3.3' };

describe('JSON syntax', () => {
  it('flags an invalid escape on the two characters, with the doubled backslash as fix', () => {
    const text = registry(entry('llamacpp')).replace('"<\\\\|im_end\\\\|>"', '"<\\|im_end\\\\|>"');
    const diags = expectDiagnostics(markAt(text, '\\|', 0), ['json-invalid-escape']);
    const d = diags.find((x) => x.code === 'json-invalid-escape')!;
    assert.equal(d.data?.replacement, '\\\\|');
    assert.match(d.message, /ignores all of it/);
  });
  it('accepts the escapes JSON has', () => {
    expectNone(registry(entry('llamacpp', {}, { eos_to_cull: 'a\n\t"\\\\/\u00e9' })), ['json-invalid-escape', 'json-syntax']);
  });
  it('flags trailing commas in objects and arrays', () => {
    expectDiagnostics('[{"model_name": "a", "backend": "openai"«,»}]', ['json-trailing-comma']);
    expectDiagnostics('[{"model_name": "a", "backend": "openai"}«,»\n]', ['json-trailing-comma']);
  });
  it('flags comments', () => {
    expectDiagnostics('[«// old entry»\n{"model_name": "a", "backend": "openai", "model_id": "x"}]', ['json-comment']);
    expectNone('[{"model_name": "a // not a comment", "backend": "openai", "model_id": "x"}]', ['json-comment']);
  });
  it('flags NaN and Infinity', () => {
    expectDiagnostics('[{"model_name": "a", "backend": "openai", "model_id": "x", "parameters": «NaN»}]', ['json-nan']);
    expectDiagnostics('[{"model_name": "a", "backend": "openai", "model_id": "x", "parameters": «-Infinity»}]', ['json-nan']);
    expectNone('[{"model_name": "NaN", "backend": "openai", "model_id": "x"}]', ['json-nan']);
  });
  it('flags duplicate keys on the ignored one, pointing to the one Python keeps', () => {
    const diags = expectDiagnostics('[{«"model_name"»: "a", "backend": "openai", "model_id": "x", "model_name": "b"}]', ['json-duplicate-key']);
    assert.equal(diags.find((d) => d.code === 'json-duplicate-key')!.related!.length, 1);
    expectNone('[{"model_name": "a", "backend": "openai", "model_id": "x", "model_config": {"model_name": "b"}}]', ['json-duplicate-key']);
  });
  it('flags raw control characters in strings', () => {
    expectDiagnostics('[{"model_name": "a«\t»b", "backend": "openai", "model_id": "x"}]', ['json-syntax']);
  });
  it('flags a top level that is not an array or object, and non-object entries', () => {
    expectDiagnostics('«"model_registry"»', ['top-level-shape']);
    const item = expectDiagnostics('[«42», {"model_name": "a", "backend": "openai", "model_id": "x"}]', ['top-level-shape']).find((d) => d.code === 'top-level-shape')!;
    assert.match(item.message, /^This item of the top-level array is a number, not an entry object/);
    expectNone(JSON.stringify(entry('openai')), ['top-level-shape']);
  });
  it('calls an empty file empty, and leaves text without any JSON value to the syntax errors', () => {
    for (const empty of ['', '  \n']) assert.match(checkRegistry(empty).find((d) => d.code === 'json-syntax')!.message, /The file is empty/);
    const junk = checkRegistry('}} not json at all');
    assert.ok(junk.some((d) => d.code === 'json-syntax'));
    assert.deepEqual(junk.filter((d) => d.code === 'top-level-shape'), []);
  });
  it('accepts a single object at the top level, with paths that have no index', () => {
    const diags = checkRegistry(JSON.stringify({ ...entry('openai'), bogus_key: 1 }));
    const d = diags.find((x) => x.code === 'unknown-key')!;
    assert.deepEqual(d.path, ['bogus_key']);
  });
  it('flags nesting past what Python\'s json reads, the same way whatever the stack', () => {
    const nested = (n: number) => registry(entry('openai', {}, { extra_body: '@@' })).replace('"@@"', '['.repeat(n) + ']'.repeat(n));
    const deep = checkRegistry(nested(1000));
    assert.ok(deep.some((d) => d.code === 'json-syntax' && /1003 levels deep/.test(d.message)), deep.map((d) => d.message).join('\n'));
    assert.ok(!checkRegistry(nested(100)).some((d) => d.code === 'json-syntax'));
  });
  it('reports a broken file nested thousands of levels deep the same way from a shallow and a deep call stack', () => {
    // Unclosed, so the recovering parser reads it; where it would overflow depends on the stack left.
    const text = '{"a":'.repeat(3100) + '"\\q"';
    const inDeepStack = (frames: number): ReturnType<typeof checkRegistry> => (frames === 0 ? checkRegistry(text) : inDeepStack(frames - 1));
    const shallow = checkRegistry(text);
    // At the first brace past the deepest nesting Python's json reads (986 levels for clemcore 3.7's `clem run`).
    assert.deepEqual(shallow.map((d) => [d.code, d.offset]), [['json-syntax', 5 * maxJsonDepth('3.7')]]);
    assert.match(shallow[0].message, /RecursionError/);
    assert.deepEqual(inDeepStack(6000), shallow);
  });
  it('survives absurd nesting', () => {
    const deep = '['.repeat(20000) + ']'.repeat(20000);
    const diags = checkRegistry(deep);
    assert.ok(diags.length >= 1);
  });
});

describe('backend', () => {
  it('says that a missing backend makes clemcore ignore the whole file', () => {
    const e = entry('openai');
    delete e.backend;
    const diags = expectDiagnostics(markAt(registry(e), '"model_name"'), ['missing-backend']);
    assert.match(diags.find((d) => d.code === 'missing-backend')!.message, /ignores the whole file/);
  });
  it('suggests the closest backend name', () => {
    const text = markAt(registry(entry('llamacpp', { backend: 'llamcpp' })), '"llamcpp"');
    const diags = expectDiagnostics(text, ['unknown-backend']);
    assert.deepEqual(diags.find((d) => d.code === 'unknown-backend')!.data?.suggestions?.[0], 'llamacpp');
  });
  it('names the new name of a renamed backend', () => {
    const text = markAt(registry(entry('huggingface_local', { backend: 'huggingface' })), '"huggingface"');
    const found = expectDiagnostics(text, ['unknown-backend']).find((d) => d.code === 'unknown-backend')!;
    assert.deepEqual(found.data?.suggestions, ['huggingface_local']);
    assert.match(found.message, /before February 2024; it is `huggingface_local` since/);
  });
  it('with an unknown backend, leaves keys that some backend reads alone, and still names typos', () => {
    // The 2024 format: backend `huggingface`, and the backend's keys at the top level.
    const old = { model_name: 'm', backend: 'huggingface', model_id: 'org/m', premade_chat_template: true, eos_to_cull: '</s>' };
    const diags = expectDiagnostics(markAt(registry(old), '"huggingface"'), ['unknown-backend']);
    assert.deepEqual(diags.map((d) => d.code), ['unknown-backend'], 'one finding for the one mistake');
    expectDiagnostics(markAt(registry({ ...old, eos_to_cul: '</s>' }), '"eos_to_cul"'), ['unknown-key']);
  });
  it('knows which backends a version has', () => {
    const text = registry(entry('vllm'));
    expectDiagnostics(markAt(text, '"vllm"'), ['removed-backend']);
    expectNone(text, ['removed-backend', 'unknown-backend'], V33);
    expectDiagnostics(markAt(registry(entry('azure')), '"azure"'), ['removed-backend'], V33);
  });
});

describe('keys', () => {
  it('reports a missing required key with the moment of failure', () => {
    const text = registry(entry('llamacpp', {}, { filename: undefined }));
    const diags = expectDiagnostics(markAt(text, '"model_config"'), ['missing-key']);
    assert.match(diags.find((d) => d.code === 'missing-key')!.message, /while loading the model/);
    const gen = registry(entry('huggingface_local', {}, { eos_to_cull: undefined }));
    const d2 = expectDiagnostics(markAt(gen, '"model_config"'), ['missing-key']);
    assert.match(d2.find((d) => d.code === 'missing-key')!.message, /first generation/);
  });
  it('requires model_id for remote backends, and not for slurk', () => {
    expectDiagnostics(markAt(registry(entry('openai', { model_id: undefined })), '"model_name"'), ['missing-key']);
    expectNone(registry(entry('slurk')), ['missing-key', 'missing-doc-key']);
  });
  it('reports the README-only metadata keys gently', () => {
    const diags = expectDiagnostics(markAt(registry(entry('openai', { release_date: undefined, license: undefined })), '"model_name"'), ['missing-doc-key']);
    const d = diags.find((x) => x.code === 'missing-doc-key')!;
    assert.equal(d.severity, 'information');
    assert.match(d.message, /never reads them at run time/);
  });
  it('says how a remote backend reads model_config when it is missing, and that anthropic fails without it', () => {
    const noConfig = (backend: string, extra: Record<string, unknown> = {}) => registry(entry(backend, { model_config: undefined, ...extra }));
    const openai = expectDiagnostics(markAt(noConfig('openai'), '"model_name"'), ['missing-doc-key']).find((x) => x.code === 'missing-doc-key')!;
    assert.doesNotMatch(openai.message, /never reads/);
    assert.match(openai.message, /`\{\}` default .* image .*AttributeError/);
    const mixed = expectDiagnostics(markAt(noConfig('openai', { release_date: undefined }), '"model_name"'), ['missing-doc-key']).find((x) => x.code === 'missing-doc-key')!;
    assert.match(mixed.message, /never reads `release_date` at run time.*; for `model_config`, clemcore reads it with a `\{\}` default/);
    const anthropic = expectDiagnostics(markAt(noConfig('anthropic'), '"model_name"'), ['missing-key']).find((x) => x.code === 'missing-key')!;
    assert.match(anthropic.message, /`model_config` is missing.*first generation.*thinking_mode/);
    expectDiagnostics(markAt(noConfig('google'), '"model_name"'), ['missing-key'], { clemcoreVersion: '3.7' });
    expectDiagnostics(markAt(noConfig('google'), '"model_name"'), ['missing-doc-key'], { clemcoreVersion: '3.3' });
    expectNone(noConfig('mistral'), ['missing-key']);
  });
  it('an entry whose backend the checked version no longer has gets that finding and its metadata findings, nothing else', () => {
    // Under 3.3 the same entry lacks a key the backend needs and flags a value the old backend reads.
    const text = registry(entry('huggingface_multimodal', { release_date: '23-07-24' }, { model_class: undefined }));
    assert.deepEqual(check(text, { clemcoreVersion: '3.3' }).map((d) => d.code).sort(), ['missing-key', 'release-date']);
    const found = check(text, { clemcoreVersion: '3.7' });
    assert.deepEqual(found.map((d) => d.code).sort(), ['release-date', 'removed-backend']);
  });
  it('a missing context_size in huggingface_multimodal is an AttributeError (ModelSpec.__getitem__ uses getattr)', () => {
    const text = registry(entry('huggingface_multimodal', { context_size: undefined }));
    const d = expectDiagnostics(markAt(text, '"model_name"'), ['missing-key'], { clemcoreVersion: '3.3' }).find((x) => x.code === 'missing-key')!;
    assert.match(d.message, /AttributeError when the model is created/);
    assert.doesNotMatch(d.message, /ValueError/);
  });
  it('flags premade_chat_template false without a custom template', () => {
    const text = registry(entry('llamacpp', {}, { premade_chat_template: false }));
    expectDiagnostics(markAt(text, '"model_config"'), ['template-missing']);
    expectNone(registry(entry('llamacpp', {}, { premade_chat_template: false, custom_chat_template: '{% for m in messages %}{{ m.content }}{% endfor %}' })), ['template-missing']);
  });
  it('flags cot_output without cot_end_tag', () => {
    expectDiagnostics(markAt(registry(entry('huggingface_local', {}, { cot_output: true })), '"model_config"'), ['cot-end-tag-missing']);
    expectNone(registry(entry('huggingface_local', {}, { cot_output: true, cot_end_tag: '</think>' })), ['cot-end-tag-missing']);
    expectNone(registry(entry('huggingface_local', {}, { cot_output: false })), ['cot-end-tag-missing']);
  });
  it('flags type errors on the value', () => {
    expectDiagnostics(markAt(registry(entry('llamacpp', {}, { premade_chat_template: 'yes' })), '"yes"'), ['type-mismatch']);
    expectDiagnostics(markAt(registry(entry('openai', { open_weight: 'false' })), '"false"'), ['type-mismatch']);
    expectNone(registry(entry('llamacpp')), ['type-mismatch']);
  });
  it('suggests names for unknown keys', () => {
    const a = expectDiagnostics(markAt(registry(entry('llamacpp', {}, { eos_to_cul: 'x' })), '"eos_to_cul"'), ['unknown-key']);
    assert.equal(a.find((d) => d.code === 'unknown-key')!.data?.suggestions?.[0], 'eos_to_cull');
    expectNone(registry(entry('llamacpp')), ['unknown-key']);
  });
  it('points legacy names to their replacement', () => {
    const slurk = { ...entry('slurk'), join_timout: 300 } as Record<string, unknown>;
    delete slurk.join_timeout;
    const diags = expectDiagnostics(markAt(registry(slurk), '"join_timout"'), ['unknown-key']);
    assert.match(diags.find((d) => d.code === 'unknown-key')!.message, /join_timeout/);
    assert.deepEqual(diags.find((d) => d.code === 'unknown-key')!.data?.suggestions, ['join_timeout']);
    const o1 = expectDiagnostics(markAt(registry(entry('openai', {}, { o1_model: true })), '"o1_model"'), ['unknown-key']);
    assert.deepEqual(o1.find((d) => d.code === 'unknown-key')!.data?.suggestions, ['reasoning_model']);
  });
  it('finds keys at the wrong level', () => {
    const hf = entry('huggingface_local', { huggingface_id: undefined }, { huggingface_id: 'org/model' });
    const d = expectDiagnostics(markAt(registry(hf), '"huggingface_id"'), ['misplaced-key']);
    assert.deepEqual(d.find((x) => x.code === 'misplaced-key')!.data?.targetPath, []);
    const flat = entry('huggingface_local', { eos_to_cull: '<\\|im_end\\|>' }, { eos_to_cull: undefined });
    expectDiagnostics(markAt(registry(flat), '"eos_to_cull"', 0), ['misplaced-key']);
    const mm = entry('anthropic', {}, { single_image: true, multimodality: { multiple_images: true } });
    const d2 = expectDiagnostics(markAt(registry(mm), '"single_image"'), ['misplaced-key']);
    assert.deepEqual(d2.find((x) => x.code === 'misplaced-key')!.data?.targetPath, ['model_config', 'multimodality']);
    expectNone(registry(entry('anthropic', {}, { multimodality: { single_image: true, multiple_images: true } })), ['misplaced-key', 'unknown-key']);
  });
  it('checks model_id against huggingface_id per backend', () => {
    const or = entry('openrouter', { model_id: undefined, huggingface_id: 'openai/gpt-oss-120b' });
    const d = expectDiagnostics(markAt(registry(or), '"huggingface_id"'), ['id-key-mismatch']);
    assert.deepEqual(d.find((x) => x.code === 'id-key-mismatch')!.data?.suggestions, ['model_id']);
    assert.ok(!d.some((x) => x.code === 'missing-key'), 'the rename explains the missing model_id');
    const local = entry('llamacpp', { huggingface_id: undefined, model_id: 'org/model' });
    expectDiagnostics(markAt(registry(local), '"model_id"'), ['id-key-mismatch']);
    expectNone(registry(entry('openrouter'), entry('llamacpp')), ['id-key-mismatch']);
  });
  it('flags keys that shadow ModelSpec methods', () => {
    expectDiagnostics(markAt(registry(entry('openai', { to_dict: 1 })), '"to_dict"'), ['reserved-key']);
    expectDiagnostics(markAt(registry(entry('openai', { __class__: 1 })), '"__class__"'), ['reserved-key']);
    expectNone(registry(entry('openai')), ['reserved-key']);
  });
  it('flags presence-only flags written as false', () => {
    expectDiagnostics(markAt(registry(entry('openai', {}, { reasoning_model: false })), 'false', 0), ['presence-flag-false']);
    expectNone(registry(entry('openai', {}, { reasoning_model: true })), ['presence-flag-false']);
    expectDiagnostics(markAt(registry(entry('huggingface_multimodal', {}, { trust_remote_code: false })), 'false', 1), ['presence-flag-false'], V33);
  });
  it('flags keys clemcore ignores in llamacpp', () => {
    const text = registry(entry('llamacpp', {}, { execute_on: 'cpu', gpu_layers_offloaded: 10, additional_files: ['*-00002-of-00002.gguf'] }));
    const marked = markAt(markAt(markAt(text, '"execute_on"'), '"gpu_layers_offloaded"'), '"additional_files"');
    expectDiagnostics(marked, ['ignored-key', 'ignored-key', 'ignored-key']);
    expectNone(registry(entry('llamacpp')), ['ignored-key']);
  });
  it('flags the template, culling and CoT keys that huggingface_local ignores with multimodal: true, and checks them no further', () => {
    const config = { multimodal: true, premade_chat_template: false, custom_chat_template: '{{ bos_token }}', eos_to_cull: '<|im_end|>', cot_output: true, trust_remote_code: true };
    const text = registry(entry('huggingface_local', {}, config));
    const marked = ['"premade_chat_template"', '"custom_chat_template"', '"eos_to_cull"', '"cot_output"'].reduce((t, key) => markAt(t, key), text);
    const diags = expectDiagnostics(marked, ['ignored-key', 'ignored-key', 'ignored-key', 'ignored-key']);
    assert.match(diags.find((d) => d.code === 'ignored-key')!.message, /multimodal: true/);
    // No missing cot_end_tag, no regex or template findings on values the runtime never reads.
    assert.deepEqual(diags.filter((d) => d.severity === 'error').map((d) => d.code), []);
    // Nor value errors: padding_side is not read there, so "middle" cannot fail.
    const padded = checkRegistry(registry(entry('huggingface_local', {}, { multimodal: true, padding_side: 'middle' })));
    assert.deepEqual(padded.filter((d) => d.code === 'invalid-value'), []);
    assert.ok(padded.some((d) => d.code === 'ignored-key' && d.path.includes('padding_side')));
    assert.ok(checkRegistry(registry(entry('huggingface_local', {}, { padding_side: 'middle' }))).some((d) => d.code === 'invalid-value'));
    // clemcore lower-cases padding_side before it compares it, in both versions: "Left" is valid, "Middle" is not.
    for (const version of ['3.3', '3.7']) {
      assert.deepEqual(checkRegistry(registry(entry('huggingface_local', {}, { padding_side: 'Left' })), { clemcoreVersion: version }).filter((d) => d.code === 'invalid-value'), []);
      assert.ok(checkRegistry(registry(entry('huggingface_local', {}, { padding_side: 'Middle' })), { clemcoreVersion: version }).some((d) => d.code === 'invalid-value'));
    }
    // The text path reads them all: the regex and the missing cot_end_tag are errors there.
    const textPath = checkRegistry(registry(entry('huggingface_local', {}, { ...config, multimodal: false })));
    assert.deepEqual(textPath.filter((d) => d.code === 'ignored-key'), []);
    for (const code of ['regex-unescaped-bar', 'cot-end-tag-missing', 'jinja-no-messages']) assert.ok(textPath.some((d) => d.code === code), code);
  });
  it('flags a custom_chat_template that premade_chat_template: true leaves unread, in each backend that has both', () => {
    const t = "{% for m in messages %}{{ m['content'] }}{% endfor %}{% if add_generation_prompt %}A:{% endif %}";
    for (const [backend, settings] of [['huggingface_local', {}], ['llamacpp', {}], ['llamacpp', V33], ['vllm', V33]] as const) {
      const on = registry(entry(backend, {}, { premade_chat_template: true, custom_chat_template: t }));
      const d = expectDiagnostics(markAt(on, '"custom_chat_template"'), ['ignored-key'], settings).find((x) => x.code === 'ignored-key')!;
      assert.match(d.message, /Set `premade_chat_template` to false/, backend);
      expectNone(registry(entry(backend, {}, { premade_chat_template: false, custom_chat_template: t })), ['ignored-key'], settings);
    }
  });
  it('flags llamacpp requires_api_key as a crash in 3.7 only', () => {
    const text = registry(entry('llamacpp', {}, { requires_api_key: true }));
    expectDiagnostics(markAt(text, '"requires_api_key"'), ['key-crash']);
    expectNone(text, ['key-crash'], V33);
  });
});

describe('values and versions', () => {
  it('flags values outside the set the runtime accepts', () => {
    expectDiagnostics(markAt(registry(entry('huggingface_local', {}, { padding_side: 'middle' })), '"middle"'), ['invalid-value']);
    expectNone(registry(entry('huggingface_local', {}, { padding_side: 'left' })), ['invalid-value']);
  });
  it('flags a size in the name that the id or parameters contradict', () => {
    const wrongId = entry('openrouter', { model_name: 'gpt-oss-20b-reasoning', model_id: 'openai/gpt-oss-120b', parameters: '20B' });
    const d = expectDiagnostics(markAt(registry(wrongId), '"openai/gpt-oss-120b"'), ['size-mismatch']);
    assert.match(d.find((x) => x.code === 'size-mismatch')!.message, /20B.*120B/);
    expectDiagnostics(markAt(registry(entry('huggingface_local', { model_name: 'OLMo-2-13B-Instruct', parameters: '32B' })), '"32B"'), ['size-mismatch']);
    expectNone(registry(entry('openrouter', { model_name: 'gpt-oss-120b', model_id: 'openai/gpt-oss-120b', parameters: '120B' })), ['size-mismatch']);
    // Mixture-of-experts names give active sizes: no finding against the total.
    expectNone(registry(entry('huggingface_local', { model_name: 'Llama-4-Maverick-17B-128E-Instruct', parameters: '400B' })), ['size-mismatch']);
  });
  it('says when the backend cannot run in the target version', () => {
    const text = registry(entry('vllm'));
    expectDiagnostics(markAt(text, '"vllm"'), ['backend-broken'], V33);
    expectNone(registry(entry('llamacpp')), ['backend-broken'], V33);
  });
  it('notes keys that work differently from what their name suggests', () => {
    const text = registry(entry('llamacpp', {}, { output_split_prefix: 'assistant:' }));
    const d = expectDiagnostics(markAt(text, '"output_split_prefix"'), ['runtime-note']);
    assert.match(d.find((x) => x.code === 'runtime-note')!.message, /IndexError/);
    expectNone(registry(entry('llamacpp')), ['runtime-note']);
  });
});

describe('names across entries', () => {
  it('says which duplicate wins, with related information', () => {
    const text = registry(entry('openai', { model_name: 'm' }), entry('anthropic', { model_name: 'm' }));
    const diags = expectDiagnostics(markAt(text, '"m"', 1), ['duplicate-model-name']);
    const d = diags.find((x) => x.code === 'duplicate-model-name')!;
    // No entry number: the editor counts lines, not entries; the related information links the first entry.
    assert.match(d.message, /already the name of an earlier entry/);
    assert.doesNotMatch(d.message, /entry \d/);
    assert.equal(d.related![0].offset, unmark(text).text.indexOf('"m"'));
    expectNone(registry(entry('openai', { model_name: 'a' }), entry('openai', { model_name: 'b' })), ['duplicate-model-name']);
  });
  it('flags an entry without model_name', () => {
    const e = entry('openai');
    delete e.model_name;
    expectDiagnostics(markAt(registry(e), '{'), ['missing-model-name']);
    expectNone(registry(entry('openai')), ['missing-model-name']);
  });
  it('flags reserved names', () => {
    expectDiagnostics(markAt(registry(entry('openai', { model_name: 'human' })), '"human"'), ['reserved-model-name']);
    expectNone(registry(entry('openai', { model_name: 'humane' })), ['reserved-model-name']);
  });
  it('flags a hand-written lookup_source', () => {
    expectDiagnostics(markAt(registry(entry('openai', { lookup_source: '/home/x/model_registry.json' })), '"/home/x/model_registry.json"'), ['lookup-source']);
    expectNone(registry(entry('openai')), ['lookup-source']);
  });
});

describe('settings', () => {
  it('overrides severities per code, and turns codes off', () => {
    const text = registry(entry('openai', { model_name: 'm' }), entry('openai', { model_name: 'm' }));
    assert.equal(checkRegistry(text, { severity: { 'duplicate-model-name': 'error' } }).find((d) => d.code === 'duplicate-model-name')!.severity, 'error');
    assert.equal(checkRegistry(text, { severity: { 'duplicate-model-name': 'off' } }).some((d) => d.code === 'duplicate-model-name'), false);
  });
  it('gives every diagnostic a path to its node', () => {
    const diags = check(registry(entry('openai'), entry('llamacpp', {}, { eos_to_cul: 'x' })));
    assert.deepEqual(diags.find((d) => d.code === 'unknown-key')!.path, [1, 'model_config', 'eos_to_cul']);
  });
});
