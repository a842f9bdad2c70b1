// Value checks by x-clem-kind: jinja, date, context-size, parameters, language-codes, license, literal, glob.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { check, entry, expectDiagnostics, expectNone, markAt, registry, unmark } from './harness';
import { checkRegistry, type RegistryDiagnostic } from '../../server/src/service';
import { tokenize } from '@huggingface/jinja';
import { analyzeTemplate, tokenizeWithPositions } from '../../server/src/jinja2';
import { LANGUAGES, THREE_TO_TWO } from '../../server/src/service/data/languages';

const JINJA = ['jinja-syntax', 'jinja-no-messages', 'jinja-no-generation-prompt'];
/** The real registries, from ../shared/corpus beside the repository; the tests that read them skip without it. */
const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
const FILE_2025 = path.join(CORPUS, 'clemcore-2025-12-16-8bd08307.json');
const FILE_2026 = path.join(CORPUS, 'clemcore-2026-04-15-ef82bb43.json');
const noCorpus = existsSync(FILE_2025) && existsSync(FILE_2026) ? false : 'no ../shared/corpus on this machine';
const GOOD_TEMPLATE = "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

/** A huggingface_local entry with a custom chat template. */
function withTemplate(template: string, backend = 'huggingface_local'): string {
  return registry(entry(backend, {}, { premade_chat_template: false, custom_chat_template: template }));
}

/** Marks the JSON value `valueJson` that follows `"key": ` in the text. */
function markValue(text: string, key: string, valueJson: string): string {
  const needle = `"${key}": ${valueJson}`;
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `no ${needle}`);
  const from = at + needle.length - valueJson.length;
  return `${text.slice(0, from)}«${valueJson}»${text.slice(from + valueJson.length)}`;
}

/** The single diagnostic of `code` in the marked source (asserting there is exactly one). */
function only(src: string, code: string, settings = {}): RegistryDiagnostic {
  const ds = check(src, settings).filter((d) => d.code === code);
  assert.equal(ds.length, 1, `expected one ${code}, got ${JSON.stringify(ds.map((d) => d.message))}`);
  return ds[0];
}

describe('jinja-syntax', () => {
  test('a mismatched end tag is reported on the tag name', () => {
    const text = withTemplate("{% for m in messages %}{% if m %}{{ m['content'] }}{% endfor %}{% if add_generation_prompt %}A:{% endif %}");
    const diags = expectDiagnostics(markAt(text, 'endfor'), ['jinja-syntax']);
    const d = diags.find((x) => x.code === 'jinja-syntax')!;
    assert.equal(d.severity, 'error');
    assert.match(d.message, /custom_chat_template/);
    assert.match(d.message, /endif/);
    assert.match(d.message, /Jinja2/);
  });

  test('positions map through JSON escapes', () => {
    // \n and \" in the file take two characters each; the error is after them.
    const text = withTemplate('Line\n"q"\n{% for m in messages %}{{ m.content }}{% endfor %}{{ x @ y }}{{ add_generation_prompt }}');
    assert.ok(text.includes('\\"q\\"\\n'));
    expectDiagnostics(markAt(text, '@'), ['jinja-syntax']);
  });

  test('an unclosed block is reported on its opening tag', () => {
    const text = withTemplate("{% if add_generation_prompt %}A{% endif %}{% for m in messages %}{{ m['content'] }}");
    expectDiagnostics(markAt(text, '{% for m in messages %}'), ['jinja-syntax']);
  });

  test('an unclosed string literal is reported at its quote', () => {
    const text = withTemplate("{% for m in messages %}{{ 'x }}{% endfor %}");
    const i = text.indexOf("'x");
    expectDiagnostics(`${text.slice(0, i)}«'»${text.slice(i + 1)}`, ['jinja-syntax']);
  });

  test('an unknown statement gets a did-you-mean', () => {
    const text = withTemplate('{% fro m in messages %}{{ m.content }}{% endfor %}{{ add_generation_prompt }}');
    const d = only(markAt(text, 'fro'), 'jinja-syntax');
    assert.match(d.message, /Did you mean `for`/);
  });

  test('constructs only Python Jinja2 accepts are warnings', () => {
    const text = withTemplate('{% raw %}{{ x }}{% endraw %}{% for m in messages %}{{ m.content }}{% endfor %}');
    const diags = expectDiagnostics(markAt(text, 'raw'), ['jinja-syntax']);
    const d = diags.find((x) => x.code === 'jinja-syntax')!;
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /Jinja2.*may accept/);
    assert.equal(d.data?.jinja2MayAccept, true);
  });

  test('an unknown string escape (Jinja2 keeps it) is a warning on the escape', () => {
    const text = withTemplate("{% for m in messages %}{{ m.content | replace('\\d', '') }}{% endfor %}{{ add_generation_prompt }}");
    // the template has \d; in the file that backslash is written \\ .
    const d = only(markAt(text, '\\\\d'), 'jinja-syntax');
    assert.equal(d.severity, 'warning');
    expectDiagnostics(markAt(text, '\\\\d'), ['jinja-syntax']);
  });

  test('valid templates, including the corpus ones, have no syntax finding', () => {
    expectNone(withTemplate(GOOD_TEMPLATE), JINJA);
    if (noCorpus) return;
    const big = readFileSync(FILE_2025, 'utf8');
    for (const e of JSON.parse(big) as Record<string, Record<string, unknown>>[]) {
      const t = e.model_config?.custom_chat_template;
      if (typeof t === 'string') assert.equal(analyzeTemplate(t).problem, undefined, String(e.model_name));
    }
  });

  test('the positioned lexer agrees with the library tokenizer', () => {
    for (const t of [GOOD_TEMPLATE, "{%- if x -%}\n  {{- y + 1 -}}{# c -#} {{ 'a\\n' ~ \"b\" }}{% endif %}\n", '{% generation %}x{% endgeneration %}{{ -1.5 }}']) {
      const mine = tokenizeWithPositions(t).map((x) => [x.type, x.value]);
      assert.deepEqual(mine, tokenize(t).map((x) => [x.type, x.value]));
    }
  });

  test('break/continue: error in huggingface_multimodal, warning in llamacpp, nothing in huggingface_local', () => {
    const t = "{% for m in messages %}{% if m.role == 'x' %}{% break %}{% endif %}{{ m.content }}{% endfor %}{% if add_generation_prompt %}A{% endif %}";
    const local = withTemplate(t);
    expectNone(local, ['jinja-syntax']);
    const llama = registry(entry('llamacpp', {}, { premade_chat_template: false, custom_chat_template: t }));
    const dl = expectDiagnostics(markAt(llama, '{% break %}'), ['jinja-syntax']).find((d) => d.code === 'jinja-syntax')!;
    assert.equal(dl.severity, 'warning');
    const mm = registry(entry('huggingface_multimodal', {}, { custom_chat_template: t }));
    const dm = expectDiagnostics(markAt(mm, '{% break %}'), ['jinja-syntax'], { clemcoreVersion: '3.3' }).find((d) => d.code === 'jinja-syntax')!;
    assert.equal(dm.severity, 'error');
  });

  // How fast is for bench/ and the fuzz suite's hang limit; here only that it is reported and does not overflow.
  test('pathological nesting is reported, not a crash', () => {
    for (const t of ['{% if x %}'.repeat(20000), '{% if x %}'.repeat(20000) + '{% endif %}'.repeat(20000), `{{ ${'('.repeat(50000)}x${')'.repeat(50000)} }}`]) {
      const a = analyzeTemplate(t);
      assert.ok(a.problem, 'a problem');
      assert.equal(a.problem.start, 0);
    }
  });

  test('the parse cache keeps results per template text', () => {
    const bad = "{% for m in messages %}{{ m['content'] }}";
    const text = registry(
      entry('huggingface_local', { model_name: 'a' }, { premade_chat_template: false, custom_chat_template: bad }),
      entry('huggingface_local', { model_name: 'b' }, { premade_chat_template: false, custom_chat_template: bad }),
    );
    const marked = markAt(markAt(text, '{% for m in messages %}', 0), '{% for m in messages %}', 1);
    expectDiagnostics(marked, ['jinja-syntax', 'jinja-syntax']);
  });
});

describe('jinja-no-messages / jinja-no-generation-prompt', () => {
  test('a template that reads neither gets both, on the value', () => {
    const text = withTemplate('{# messages and add_generation_prompt #}{{ bos_token }}{{ "messages" }}');
    const value = JSON.stringify('{# messages and add_generation_prompt #}{{ bos_token }}{{ "messages" }}');
    const i = text.indexOf(value);
    const marked = `${text.slice(0, i)}««${value}»»${text.slice(i + value.length)}`;
    const diags = expectDiagnostics(marked, ['jinja-no-messages', 'jinja-no-generation-prompt']);
    assert.equal(diags.find((d) => d.code === 'jinja-no-messages')!.severity, 'warning');
    const g = diags.find((d) => d.code === 'jinja-no-generation-prompt')!;
    assert.equal(g.severity, 'information');
    assert.match(g.message, /continues the user's turn/);
  });

  test('reading through filters, members and loops counts', () => {
    expectNone(withTemplate('{% set ns = namespace(x=messages | length) %}{{ ns.x }}{% if not add_generation_prompt is false %}A{% endif %}'), JINJA);
  });

  test('only the generation prompt missing', () => {
    const t = "{% for m in messages %}{{ m['content'] }}{% endfor %}ASSISTANT:";
    const text = withTemplate(t);
    expectDiagnostics(markAt(text, JSON.stringify(t)), ['jinja-no-generation-prompt']);
  });

  test('no finding when every user turn already ends with the assistant prefix; a finding when the prompt lacks it', () => {
    // Llama-2 style: the user turn closes with [/INST], after which the reply follows directly.
    const inst = "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}{{ '[INST] ' + m['content'] + ' [/INST]' }}{% else %}{{ ' ' + m['content'] + eos_token }}{% endif %}{% endfor %}";
    expectNone(withTemplate(inst), ['jinja-no-generation-prompt']);
    // A user turn that ends with the assistant's header.
    const header = "{% for m in messages %}{% if m['role'] == 'user' %}<|user|>\n{{ m['content'] }}<|end|>\n<|assistant|>\n{% else %}{{ m['content'] }}<|end|>\n{% endif %}{% endfor %}";
    expectNone(withTemplate(header), ['jinja-no-generation-prompt']);
    // ChatML without the add_generation_prompt branch: the prompt ends after the user's <|im_end|>.
    const chatml = "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}";
    expectDiagnostics(markAt(withTemplate(chatml), JSON.stringify(chatml)), ['jinja-no-generation-prompt']);
  });

  test('huggingface_multimodal passes only messages: no generation-prompt finding there', () => {
    const t = "{% for m in messages %}{{ m['content'] }}{% endfor %}ASSISTANT:";
    expectNone(registry(entry('huggingface_multimodal', {}, { custom_chat_template: t })), JINJA, { clemcoreVersion: '3.3' });
  });

  test('huggingface_multimodal: what the plain render does not pass is flagged where it is first read', () => {
    const mm = (t: string) => registry(entry('huggingface_multimodal', {}, { custom_chat_template: t }));
    const t = "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}{% if add_generation_prompt %}ASSISTANT:{% endif %}{{ raise_exception('x') if false }}";
    const marked = markAt(markAt(markAt(mm(t), 'raise_exception'), 'add_generation_prompt'), 'bos_token');
    const diags = expectDiagnostics(marked, ['jinja-undefined-variable', 'jinja-undefined-variable', 'jinja-undefined-variable'], { clemcoreVersion: '3.3' });
    const found = diags.filter((d) => d.code === 'jinja-undefined-variable');
    assert.ok(found.every((d) => d.severity === 'warning'));
    assert.match(found.find((d) => /add_generation_prompt/.test(d.message))!.message, /continues the user's turn/);
    assert.match(found.find((d) => /raise_exception/.test(d.message))!.message, /UndefinedError/);
  });

  test('huggingface_multimodal: names the template sets or guards, and attributes, are fine; add_generation_prompt is not', () => {
    const mm = (t: string) => registry(entry('huggingface_multimodal', {}, { custom_chat_template: t }));
    const ok = "{% set bos_token = '<s>' %}{{ bos_token }}{{ eos_token | default('') }}{% if strftime_now is defined %}{{ strftime_now('%d') }}{% endif %}{% for m in messages %}{{ m.bos_token }}{{ m['content'] }}{% endfor %}ASSISTANT:";
    expectNone(mm(ok), ['jinja-undefined-variable'], { clemcoreVersion: '3.3' });
    const guarded = "{% for m in messages %}{{ m['content'] }}{% endfor %}{% if add_generation_prompt is defined and add_generation_prompt %}ASSISTANT:{% endif %}";
    expectDiagnostics(markAt(mm(guarded), 'add_generation_prompt'), ['jinja-undefined-variable'], { clemcoreVersion: '3.3' });
  });

  test('backends that pass the full context get no undefined-variable findings', () => {
    const t = "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}{% if add_generation_prompt %}ASSISTANT:{% endif %}";
    expectNone(withTemplate(t), ['jinja-undefined-variable']);
    expectNone(registry(entry('llamacpp', {}, { premade_chat_template: false, custom_chat_template: t })), ['jinja-undefined-variable']);
  });

  test('no variable findings when the template does not parse', () => {
    const text = withTemplate('{{ x @ }}');
    expectNone(text, ['jinja-no-messages', 'jinja-no-generation-prompt', 'jinja-undefined-variable']);
  });
});

describe('release-date', () => {
  const dated = (d: unknown) => registry(entry('openai', { release_date: d }));
  for (const [bad, iso] of [['06-08-24', '2024-08-06'], ['2024/08/06', '2024-08-06'], ['06.08.2024', '2024-08-06'], ['2024-8-6', '2024-08-06'], ['August 6, 2024', '2024-08-06'], ['20240806', '2024-08-06'], ['2024-08-06T00:00:00Z', '2024-08-06']]) {
    test(`${bad} -> ${iso}`, () => {
      const text = dated(bad);
      const d = expectDiagnostics(markAt(text, JSON.stringify(bad)), ['release-date']).find((x) => x.code === 'release-date')!;
      assert.equal(d.data?.replacement, JSON.stringify(iso));
      assert.match(d.message, /release_date/);
    });
  }
  test('DD-MM-YY says it assumed day-month-year', () => {
    assert.match(only(dated('06-08-24'), 'release-date').message, /day-month-year/);
  });
  test('impossible calendar dates have no replacement', () => {
    const d = only(markAt(dated('2023-02-30'), '"2023-02-30"'), 'release-date');
    assert.equal(d.data?.replacement, undefined);
    assert.match(d.message, /28 days/);
  });
  test('ambiguous slashes get no replacement', () => {
    assert.equal(only(dated('06/08/2024'), 'release-date').data?.replacement, undefined);
  });
  test('valid dates and non-strings are left alone', () => {
    expectNone(dated('2024-02-29'), ['release-date']);
    expectNone(dated('2024-12-31'), ['release-date']);
    expectNone(dated(20240806), ['release-date']);
  });
});

describe('context-size', () => {
  const sized = (v: unknown, backend = 'huggingface_local') => registry(entry(backend, { context_size: v }));
  test('upper case is a hint with the lower-case form', () => {
    const d = expectDiagnostics(markAt(sized('128K'), '"128K"'), ['context-size']).find((x) => x.code === 'context-size')!;
    assert.equal(d.severity, 'hint');
    assert.equal(d.data?.replacement, '"128k"');
  });
  test('empty is a hint for local backends, and nothing for remote ones, which never read it', () => {
    for (const backend of ['huggingface_local', 'llamacpp']) {
      const d = expectDiagnostics(markValue(sized('', backend), 'context_size', '""'), ['context-size']).find((x) => x.code === 'context-size')!;
      assert.equal(d.severity, 'hint');
      assert.match(d.message, /closed models/);
    }
    for (const backend of ['openai', 'anthropic', 'openrouter']) expectNone(sized('', backend), ['context-size']);
  });
  for (const [v, fix] of [['1.5k', undefined], ['32,768', '32768'], ['8K tokens', '8k']] as const) {
    test(`${v} is never parsed: warning`, () => {
      const d = expectDiagnostics(markAt(sized(v), JSON.stringify(v)), ['context-size']).find((x) => x.code === 'context-size')!;
      assert.equal(d.severity, 'warning');
      assert.equal(d.data?.replacement, fix === undefined ? undefined : JSON.stringify(fix));
    });
  }
  test('integers: hint that the README writes a string', () => {
    const text = sized(4096);
    const d = expectDiagnostics(markAt(text, '4096'), ['context-size']).find((x) => x.code === 'context-size')!;
    assert.equal(d.severity, 'hint');
  });
  test('good values', () => {
    for (const v of ['128k', '4096', '1m', '131072']) expectNone(sized(v), ['context-size']);
  });
  test('huggingface_multimodal in 3.3: "", "128K" and "4096" are errors', () => {
    for (const [v, fix] of [['', undefined], ['128K', '128k'], ['4096', '4k'], ['1M', '1024k']] as const) {
      const text = sized(v, 'huggingface_multimodal');
      const d = expectDiagnostics(markValue(text, 'context_size', JSON.stringify(v)), ['context-size'], { clemcoreVersion: '3.3' }).find((x) => x.code === 'context-size')!;
      assert.equal(d.severity, 'error', v);
      assert.equal(d.data?.replacement, fix === undefined ? undefined : JSON.stringify(fix));
    }
    expectNone(sized('32k', 'huggingface_multimodal'), ['context-size'], { clemcoreVersion: '3.3' });
  });
});

describe('parameters-format', () => {
  const p = (v: unknown) => registry(entry('openai', { parameters: v }));
  test('lower-case unit: hint with replacement', () => {
    const d = expectDiagnostics(markAt(p('7b'), '"7b"'), ['parameters-format']).find((x) => x.code === 'parameters-format')!;
    assert.equal(d.severity, 'hint');
    assert.equal(d.data?.replacement, '"7B"');
  });
  test('MoE notation asks for the total', () => {
    const d = expectDiagnostics(markAt(p('8x7B'), '"8x7B"'), ['parameters-format']).find((x) => x.code === 'parameters-format')!;
    assert.match(d.message, /total/);
  });
  test('other spellings get a normalised replacement', () => {
    assert.equal(only(p('7 billion'), 'parameters-format').data?.replacement, '"7B"');
    assert.equal(only(p('7,000,000,000'), 'parameters-format').data?.replacement, '"7B"');
  });
  test('good values, including "" for unknown', () => {
    for (const v of ['7B', '46.7B', '1.76T', '135M', '']) expectNone(p(v), ['parameters-format']);
  });
});

describe('language-code', () => {
  const langs = (v: unknown) => registry(entry('openai', { languages: v }));
  test('three-letter codes with a two-letter code, names, upper case, duplicates', () => {
    const text = langs(['en', 'deu', 'English', 'FR', 'ceb', 'mni-Mtei', 'zh-Hant', 'pt-BR', 'fil', 'en']);
    let marked = markAt(text, '"deu"');
    marked = markAt(marked, '"English"');
    marked = markAt(marked, '"FR"');
    marked = markAt(marked, '"en"', 1);
    const diags = expectDiagnostics(marked, ['language-code', 'language-code', 'language-code', 'language-code']);
    const by = (s: string) => diags.find((d) => d.code === 'language-code' && d.message.includes(s))!;
    assert.equal(by('deu').data?.replacement, '"de"');
    assert.equal(by('English').data?.replacement, '"en"');
    assert.equal(by('FR').data?.replacement, '"fr"');
    assert.ok(by('twice').related?.length === 1);
  });
  test('tags: case and separator are fixed', () => {
    assert.equal(only(langs(['zh_Hant']), 'language-code').data?.replacement, '"zh-Hant"');
    assert.equal(only(langs(['pt-br']), 'language-code').data?.replacement, '"pt-BR"');
    assert.equal(only(langs(['eng-US']), 'language-code').data?.replacement, '"en-US"');
  });
  test('withdrawn and unknown codes', () => {
    assert.equal(only(langs(['iw']), 'language-code').data?.replacement, '"he"');
    assert.equal(only(langs(['xx']), 'language-code').severity, 'warning');
    assert.equal(only(langs(['cmn']), 'language-code').severity, 'hint');
  });
  test('the corpus forms are fine', () => {
    expectNone(langs(['en', 'ceb', 'fil', 'haw', 'hmn', 'kri', 'mni-Mtei', 'sr-Latn', 'en-US', 'es-419', 'nb', 'no']), ['language-code']);
  });
  test('the table has all 184 ISO 639-1 codes and their three-letter codes', () => {
    assert.equal(LANGUAGES.length, 184);
    assert.equal(new Set(LANGUAGES.map((l) => l.code)).size, 184);
    for (const [three, two] of [['eng', 'en'], ['ger', 'de'], ['deu', 'de'], ['fre', 'fr'], ['zho', 'zh'], ['chi', 'zh'], ['nld', 'nl'], ['fas', 'fa'], ['tgl', 'tl']]) assert.equal(THREE_TO_TWO.get(three), two);
  });
});

describe('license-format', () => {
  const lic = (v: unknown) => registry(entry('openai', { license: v }));
  test('a string instead of an object', () => {
    const d = expectDiagnostics(markAt(lic('MIT'), '"MIT"'), ['license-format']).find((x) => x.code === 'license-format')!;
    assert.equal(d.severity, 'warning');
    assert.equal(d.data?.replacement, '{"name": "MIT", "url": ""}');
    // One finding for the value, not a type error besides.
    expectNone(lic('MIT'), ['type-mismatch']);
    expectDiagnostics(markAt(lic(42), '42'), ['type-mismatch']);
  });
  test('a missing url is a warning on the key', () => {
    const d = expectDiagnostics(markAt(lic({ name: 'MIT' }), '"license"'), ['license-format']).find((x) => x.code === 'license-format')!;
    assert.equal(d.severity, 'warning');
    assert.deepEqual((d.data?.missingKeys as { key: string }[]).map((m) => m.key), ['url']);
  });
  test('an empty url is a hint; a bare domain gets https://', () => {
    const e = expectDiagnostics(markValue(lic({ name: 'MIT', url: '' }), 'url', '""'), ['license-format']).find((x) => x.code === 'license-format')!;
    assert.equal(e.severity, 'hint');
    const w = only(lic({ name: 'MIT', url: 'opensource.org/licenses/MIT' }), 'license-format');
    assert.equal(w.severity, 'hint');
    assert.equal(w.data?.replacement, '"https://opensource.org/licenses/MIT"');
  });
  test('a complete license is fine', () => {
    expectNone(lic({ name: 'MIT', url: 'https://opensource.org/licenses/MIT' }), ['license-format']);
  });
});

describe('literal-has-escapes', () => {
  test('llamacpp eos_string with regex escapes: from the first to the last backslash', () => {
    const text = registry(entry('llamacpp', {}, { eos_string: '<\\|END_OF_TURN_TOKEN\\|>' }));
    const d = expectDiagnostics(markAt(text, '\\\\|END_OF_TURN_TOKEN\\\\'), ['literal-has-escapes']).find((x) => x.code === 'literal-has-escapes')!;
    assert.equal(d.data?.replacement, '"<|END_OF_TURN_TOKEN|>"');
    assert.equal(d.data?.replaceWholeValue, true);
    assert.match(d.message, /eos_string/);
  });
  test('one escape: exactly the two file characters of the backslash', () => {
    const text = registry(entry('huggingface_local', {}, { cot_output: true, cot_end_tag: '</think>', cot_start_tag: '\\[think]' }));
    const from = text.indexOf('"cot_start_tag": "') + '"cot_start_tag": "'.length;
    expectDiagnostics(`${text.slice(0, from)}«${text.slice(from, from + 2)}»${text.slice(from + 2)}`, ['literal-has-escapes']);
    assert.equal(text.slice(from, from + 2), '\\\\');
  });
  test('plain literals, real newlines and regex fields are not flagged', () => {
    expectNone(registry(entry('llamacpp', {}, { eos_string: '<|im_end|>', bos_string: '<s>' })), ['literal-has-escapes']);
    expectNone(registry(entry('huggingface_local', {}, { output_split_prefix: 'assistant\n', eos_to_cull: '<\\|eot_id\\|>' })), ['literal-has-escapes']);
  });
  test('huggingface_multimodal eos_to_cull is literal', () => {
    const text = registry(entry('huggingface_multimodal', {}, { eos_to_cull: '<\\|end\\|>' }));
    expectDiagnostics(markAt(text, '\\\\|end\\\\'), ['literal-has-escapes'], { clemcoreVersion: '3.3' });
  });
});

describe('gguf-filename', () => {
  const gg = (filename: string, extra: Record<string, unknown> = {}) => registry(entry('llamacpp', {}, { filename, ...extra }));
  test('*/Folder/*.gguf: one warning, whose fix matches the first shard, not every shard', () => {
    const text = gg('*/Q8_0/*Q8_0*.gguf');
    const d = expectDiagnostics(markAt(text, '"*/Q8_0/*Q8_0*.gguf"'), ['gguf-filename']).find((x) => x.code === 'gguf-filename')!;
    assert.equal(d.severity, 'warning');
    assert.equal(d.data?.replacement, JSON.stringify('Q8_0/*Q8_0*-00001-of-*.gguf'));
    assert.match(d.message, /ignores `additional_files`/);
    // A folder with a plain file name: the fix drops the `*/` only.
    const single = expectDiagnostics(markAt(gg('*/Q8_0/model-Q8_0.gguf'), '*/'), ['gguf-filename']).find((x) => x.code === 'gguf-filename')!;
    assert.equal(single.data?.replacement, '');
  });
  test('lower-case quantization tag: hint on the tag', () => {
    const d = expectDiagnostics(markAt(gg('*q4_k_m*.gguf'), 'q4_k_m'), ['gguf-filename']).find((x) => x.code === 'gguf-filename')!;
    assert.equal(d.severity, 'hint');
    assert.equal(d.data?.replacement, 'Q4_K_M');
    assert.match(d.message, /case-sensitive/);
  });
  test('regex syntax and a missing extension', () => {
    assert.equal(only(gg('.*Q4_K_M\\.gguf'), 'gguf-filename').data?.replacement, '"*Q4_K_M.gguf"');
    assert.equal(only(gg('*Q4_K_M'), 'gguf-filename').data?.replacement, '"*Q4_K_M.gguf"');
    assert.equal(only(gg('*Q4_K_M.GGUF'), 'gguf-filename').data?.replacement, '.gguf');
  });
  test('every shard of a split model', () => {
    const text = gg('*Q8_0.gguf', { additional_files: ['*Q8_0-00002-of-00002.gguf'] });
    const d = expectDiagnostics(markAt(text, '"*Q8_0.gguf"'), ['gguf-filename']).find((x) => x.code === 'gguf-filename')!;
    assert.equal(d.severity, 'warning');
    assert.equal(d.data?.replacement, '"*Q8_0-00001-of-00002.gguf"');
  });
  test('additional_files items get at most hints', () => {
    const text = gg('*Q8_0-00001-of-00002.gguf', { additional_files: ['*q8_0-00002-of-00002.gguf'] });
    const d = expectDiagnostics(markAt(text, 'q8_0'), ['gguf-filename']).find((x) => x.code === 'gguf-filename')!;
    assert.equal(d.severity, 'hint');
  });
  test('usual globs are fine', () => {
    for (const f of ['*Q4_K_M.gguf', '*Q8_0-00001-of-00003.gguf', 'model-IQ4_XS.gguf', '*-BF16.gguf', 'Q8_0/*Q8_0-00001-of-*.gguf']) expectNone(gg(f), ['gguf-filename']);
  });
});

describe('corpus', { skip: noCorpus }, () => {
  const MINE = ['jinja-syntax', 'jinja-no-messages', 'jinja-no-generation-prompt', 'context-size', 'parameters-format', 'language-code', 'license-format', 'literal-has-escapes', 'gguf-filename'];
  test('the 2026 registry: no errors or warnings from these rules', () => {
    const text = readFileSync(FILE_2026, 'utf8');
    const bad = checkRegistry(text).filter((d) => MINE.includes(d.code) && (d.severity === 'error' || d.severity === 'warning'));
    assert.deepEqual(bad.map((d) => d.message), []);
  });
  test('the 2025 registry at 3.3: the only errors are the two llava-onevision context sizes', () => {
    const text = readFileSync(FILE_2025, 'utf8');
    const errs = checkRegistry(text, { clemcoreVersion: '3.3' }).filter((d) => [...MINE, 'release-date'].includes(d.code) && d.severity === 'error');
    assert.deepEqual(errs.map((d) => d.code), ['context-size', 'context-size']);
    for (const d of errs) assert.equal(text.slice(d.offset, d.offset + d.length), '""');
  });
  test('unmark sanity', () => {
    assert.equal(unmark('a«b»c').text, 'abc');
  });
});
