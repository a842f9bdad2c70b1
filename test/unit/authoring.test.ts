// Outline, folding and hover of the language service.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryDocument, complete, documentSymbols, entryLenses, foldingRanges, hover, shadowLenses, winnerOf } from '../../server/src/service';
import { entry, registry } from './harness';

const text = registry(entry('llamacpp', { model_name: 'qwen-gguf' }), entry('openai', { model_name: 'gpt-4o' }), { backend: 'anthropic', model_id: 'c' });

describe('outline', () => {
  it('lists entries by model_name with the backend as detail, selecting the name', () => {
    const symbols = documentSymbols(new RegistryDocument(text));
    assert.deepEqual(symbols.map((s) => [s.name, s.detail]), [['qwen-gguf', 'llamacpp'], ['gpt-4o', 'openai'], ['(no model_name)', 'anthropic']]);
    assert.equal(text.slice(symbols[1].selectionOffset, symbols[1].selectionOffset + symbols[1].selectionLength), '"gpt-4o"');
    assert.equal(text[symbols[2].offset], '{');
    assert.equal(text[symbols[2].offset + symbols[2].length - 1], '}');
  });
  it('folds each entry from its opening to its closing brace', () => {
    const ranges = foldingRanges(new RegistryDocument(text));
    assert.equal(ranges.length, 3);
    for (const r of ranges) assert.deepEqual([text[r.startOffset], text[r.endOffset]], ['{', '}']);
  });
  it('still lists the entries of a file with a syntax error', () => {
    const broken = text.replace('"gpt-4o",', '"gpt-4o",,');
    assert.equal(documentSymbols(new RegistryDocument(broken))[1].name, 'gpt-4o');
  });
});

describe('hover', () => {
  const doc = new RegistryDocument(text);
  const at = (needle: string, occurrence = 0) => {
    let i = -1;
    for (let n = 0; n <= occurrence; n++) i = text.indexOf(needle, i + 1);
    return i + 1;
  };
  it('documents a model_config key with its backends and when it is needed', () => {
    const h = hover(doc, at('"eos_to_cull"'))!;
    assert.match(h.markdown, /\*\*`eos_to_cull`\*\* in `model_config` · llamacpp backend/);
    assert.match(h.markdown, /first generation/);
    assert.match(h.markdown, /regular expression/);
    assert.match(h.markdown, /`huggingface_local`/);
    assert.equal(text.slice(h.offset, h.offset + h.length), '"eos_to_cull"');
  });
  it('documents top-level keys', () => {
    assert.match(hover(doc, at('"release_date"'))!.markdown, /ISO date/);
  });
  it('explains the backend value and the keys it needs', () => {
    const h = hover(doc, at('"llamacpp"'))!;
    assert.match(h.markdown, /llama/);
    assert.match(h.markdown, /Needs \(clemcore 3\.7\):.*`huggingface_id`.*`model_config\.filename`/);
  });
  it('says nothing for unknown keys and plain values', () => {
    const other = registry(entry('openai', { bogus: 1 }));
    const bogus = other.indexOf('"bogus"') + 1;
    assert.ok(bogus > 0);
    assert.equal(hover(new RegistryDocument(other), bogus), undefined);
    assert.ok(hover(new RegistryDocument(other), other.indexOf('"model_id"') + 1), 'a known key of the same entry has a hover');
    assert.equal(hover(doc, at('"qwen-gguf"') + 2), undefined);
  });
});

describe('navigation', () => {
  const dup = registry(entry('openai', { model_name: 'm' }), entry('anthropic', { model_name: 'x' }), entry('mistral', { model_name: 'm' }));
  const doc = new RegistryDocument(dup);
  const first = dup.indexOf('"m"');
  const second = dup.lastIndexOf('"m"');
  it('puts a code lens on a shadowed entry that points to the winner', () => {
    const lenses = shadowLenses(doc);
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].at.offset, second);
    assert.equal(lenses[0].target.offset, first);
    assert.match(lenses[0].title, /entry \(0\).*"m"/);
  });
  it('goes from a duplicated name to the entry that wins, and nowhere from other places', () => {
    assert.equal(winnerOf(doc, second + 1)?.offset, first);
    assert.equal(winnerOf(doc, first + 1), undefined);
    assert.equal(winnerOf(doc, dup.indexOf('"x"') + 1), undefined);
  });
});

describe('completion', () => {
  const text = `[
    {
        "model_name": "q",
        "backend": "llamacpp",
        "huggingface_id": "Q/Q",
        "model_config": {
            "premade_chat_template": true,
            ""
        }
    },
    {"model_name": "o", "backend": "", "languages": [""]}
]`;
  const doc = new RegistryDocument(text);
  const labels = (offset: number) => complete(doc, offset).map((c) => c.label);
  it("offers the backend's model_config keys that are not there yet, required ones first, dead ones not at all", () => {
    const items = complete(doc, text.indexOf('""') + 1);
    const keys = items.map((c) => c.label);
    assert.ok(keys.includes('eos_to_cull') && keys.includes('filename'));
    assert.ok(!keys.includes('premade_chat_template'), 'already present');
    assert.ok(!keys.includes('execute_on'), 'ignored by clemcore');
    assert.ok(!keys.includes('model_id'), 'a top-level key');
    const sorted = [...items].sort((a, b) => a.sortText.localeCompare(b.sortText)).map((c) => c.label);
    assert.ok(sorted.indexOf('eos_to_cull') < sorted.indexOf('bos_string'));
    const item = items.find((c) => c.label === 'eos_to_cull')!;
    assert.equal(item.replace?.offset, text.indexOf('""'));
    assert.match(item.insertText, /^"eos_to_cull": /);
  });
  it('offers backend names of the target version and enum/boolean values', () => {
    const backends = labels(text.indexOf('"backend": ""') + 12);
    assert.ok(backends.includes('"llamacpp"') && !backends.includes('"vllm"'));
    assert.ok(new RegistryDocument(text, { clemcoreVersion: '3.3' }).entryAt(0) === undefined);
    assert.deepEqual(labels(text.indexOf('true') + 2), ['true', 'false']);
  });
  it('offers language codes in languages', () => {
    const langs = labels(text.indexOf('[""]') + 2);
    assert.ok(langs.includes('"en"') && langs.includes('"de"'));
  });
  it('offers the repositories and GGUF files of the local Hugging Face cache for huggingface_id and filename', () => {
    const local = {
      repos: () => ['Q/Q', 'bartowski/Llama-3.2-1B-Instruct-GGUF'],
      files: (id: string) => (id === 'Q/Q' ? ['README.md', 'Q4_K_M/model-Q4_K_M.gguf', 'model[q8].gguf'] : []),
    };
    const cached = (at: number) => complete(doc, at, local);
    const repos = cached(text.indexOf('"Q/Q"') + 2);
    assert.deepEqual(repos.filter((c) => c.detail?.includes('cache')).map((c) => c.insertText), ['"Q/Q"', '"bartowski/Llama-3.2-1B-Instruct-GGUF"']);
    assert.equal(repos[0].replace?.offset, text.indexOf('"Q/Q"'));
    const withFile = text.replace('"premade_chat_template": true,', '"premade_chat_template": true,\n            "filename": "",');
    const files = complete(new RegistryDocument(withFile), withFile.indexOf('"filename": ""') + 13, local);
    // GGUF files only, each as a glob that matches exactly it: fnmatch's specials are bracketed.
    assert.deepEqual(files.map((c) => c.insertText), ['"Q4_K_M/model-Q4_K_M.gguf"', '"model[[]q8].gguf"']);
    // Without a cache, nothing of it.
    assert.deepEqual(complete(new RegistryDocument(withFile), withFile.indexOf('"filename": ""') + 13), []);
  });
  it('offers a whole-entry snippet per backend between entries', () => {
    const items = complete(doc, text.length - 1);
    const llama = items.find((c) => c.label === 'llamacpp entry')!;
    assert.ok(llama.isSnippet);
    assert.match(llama.insertText, /"huggingface_id"/);
    assert.match(llama.insertText, /"model_config": \{\n {8}"filename"/);
    for (const item of items) assert.doesNotThrow(() => JSON.parse(item.insertText.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '')), item.label);
  });
});

describe('regex hover', () => {
  const hoverOn = (body: string) => {
    const text = registry(entry('llamacpp', {}, { eos_to_cull: '@@' })).replace('"@@"', `"${body}"`);
    return hover(new RegistryDocument(text), text.indexOf(`"${body}"`) + 2)!.markdown;
  };
  it('reads an escaped token as literal text and shows what re.sub leaves', () => {
    const md = hoverOn('<\\\\|im_end\\\\|>');
    assert.match(md, /matches the literal text `<\|im_end\|>`/);
    assert.match(md, /after: `The capital of France is Paris\.`/);
  });
  it('reads an unescaped bar as alternatives, and shows the damage', () => {
    const md = hoverOn('<|im_end|>');
    assert.match(md, /matches `<` OR `im_end` OR `>`/);
    assert.match(md, /after: `The capital of France is Paris\.\|\|`/);
  });
});

describe('template hover', () => {
  it('renders the template for a sample conversation with the entry\'s BOS/EOS, whitespace visible', () => {
    const template = "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}{{ eos_token }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}";
    const text = registry(entry('llamacpp', {}, { premade_chat_template: false, custom_chat_template: template, bos_string: '<s>', eos_string: '</s>' }));
    const md = hover(new RegistryDocument(text), text.indexOf('"{{ bos_token') + 3)!.markdown;
    assert.match(md, /sample conversation/);
    assert.match(md, /\*\*<s>\*\*\*\*<\|system\|>\*\*↵/);
    assert.match(md, /Another one\?\*\*<\/s>\*\*↵/);
    assert.match(md, /\*\*<\|assistant\|>\*\*↵/);
  });
  it('says when rendering fails', () => {
    const text = registry(entry('llamacpp', {}, { premade_chat_template: false, custom_chat_template: "{{ raise_exception('no system messages') }}" }));
    assert.match(hover(new RegistryDocument(text), text.indexOf('"{{ raise') + 3)!.markdown, /Rendering fails: no system messages/);
  });
});

describe('entry lenses', () => {
  it('offers Test entry on llamacpp and huggingface_local entries and Preview template on entries with a chat template', () => {
    const llama = '{"model_name": "m", "backend": "llamacpp", "huggingface_id": "a/b", "model_config": {}}';
    const hf = '{"model_name": "h", "backend": "huggingface_local", "huggingface_id": "a/c", "model_config": {}}';
    const api = '{"model_name": "o", "backend": "openai", "model_id": "x", "model_config": {}}';
    const text = `[${llama}, ${hf}, ${api}]`;
    const lenses = entryLenses(new RegistryDocument(text, {}));
    assert.deepEqual(lenses.map((l) => [l.index, l.modelName, l.action]), [[0, 'm', 'test'], [0, 'm', 'preview'], [1, 'h', 'test'], [1, 'h', 'preview']]);
    assert.equal(text[lenses[2].at.offset], '{');
    const single = entryLenses(new RegistryDocument(llama, {}));
    assert.deepEqual(single.map((l) => [l.index, l.action]), [[0, 'test'], [0, 'preview']]);
  });
});
