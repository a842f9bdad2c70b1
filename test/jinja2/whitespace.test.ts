// The whitespace check (jinja-whitespace), judged by Python's Jinja2 as clemcore's runtimes configure it. Each family
// is planted into a real registry's template (../shared/corpus; a hand-written one in the same style without it), and
// clean look-alikes must stay quiet. For every finding, Python renders the template as the runtime does and as its text
// shows it (keep_trailing_newline on, or the one tag's trim_blocks/lstrip_blocks switched off with `+`): they must
// differ, the "keep" fix must render what the text showed, and the "drop" fix must render what the runtime renders.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryDocument, quickFixes, type FixEdit, type RegistryDiagnostic } from '../../server/src/service';
import { defaultVariables, whitespaceDifferences, type TemplateEnvironment, type WhitespaceDifference, type WhitespaceKind } from '../../server/src/jinja2';
import { entry, registry } from '../unit/harness';
import { corpusTemplates, judgeLabel, judgeWithJinja2, type JudgeCase } from './judge';

type Backend = 'huggingface_local' | 'llamacpp' | 'huggingface_multimodal';
const ENVIRONMENT: Record<Backend, TemplateEnvironment> = { huggingface_local: 'transformers', llamacpp: 'llama-cpp-python', huggingface_multimodal: 'jinja2-plain' };
const NOW = 1735732800;
const MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Name a colour.' },
  { role: 'assistant', content: 'Blue.' },
  { role: 'user', content: 'Another one?' },
];

// Templates in the style of the real registries' ones, for when ../shared/corpus is absent. Each holds the text that
// the plants below replace.
const HAND: Record<string, string> = {
  'sheep-duck-llama-2-70b-v1.1': "{% for message in messages %}{% if message['role'] == 'user' %}{{ '### User:\\n' + message['content'] + '\\n\\n' }}{% elif message['role'] == 'system' %}{{ '### System:\\n' + message['content'] + '\\n\\n' }}{% elif message['role'] == 'assistant' %}{{ '### Assistant:\\n' + message['content'] + '\\n\\n' }}{% endif %}{% if loop.last %}{{ '### Assistant:\\n' }}{% endif %}{% endfor %}",
  'falcon-7b-instruct': "{% for message in messages %}{% if message['role'] == 'user' %}{{ 'USER: ' + message['content'] + '\\n' }}{% elif message['role'] == 'assistant' %}{{ 'ASSISTANT: ' + message['content'] + '\\n' }}{% endif %}{% if loop.last %}{{ 'ASSISTANT:' }}{% endif %}{% endfor %}",
  'openchat_3.5-GGUF-q5': "{{ bos_token }}{% for message in messages %}{{ 'GPT4 Correct ' + message['role'].title() + ': ' + message['content'] + '<|end_of_turn|>'}}{% endfor %}{% if add_generation_prompt %}{{ 'GPT4 Correct Assistant:' }}{% endif %}",
  'Smaug-72B-v0.1': "{% for message in messages %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'].strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + message['content'].strip() + ' ' + eos_token }}{% endif %}{% endfor %}",
  'tulu-2-dpo-7b': "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}",
  'gpt-oss-120b-nothink': "{{- '<|start|>system<|message|>Reasoning: low<|end|>' }}\n{%- for message in messages -%}\n    {%- if message.role == 'user' -%}\n        {{- '<|start|>user<|message|>' + message.content + '<|end|>' }}\n    {%- endif -%}\n{%- endfor -%}\n\n{#- Generation prompt #}\n{%- if add_generation_prompt -%}\n<|start|>assistant\n{%- endif -%}",
  'llava-1.5-7b-hf': "{%- for message in messages -%}{% if message['role'] == 'user' %}\nUSER:\n{{message['content']}}{% elif message['role'] == 'assistant' %}\nASSISTANT:{{message['content']}}{% endif %}{% endfor %}\nASSISTANT:",
};

const corpus = corpusTemplates(true);

/** The template of a real registry's entry, or the hand-written one in its style. */
function base(name: string): string {
  return corpus?.find((c) => c.name === name)?.template ?? HAND[name];
}

/** Replaces each `search` (which must occur exactly once) with its replacement. */
function plant(template: string, ...edits: [search: string, replacement: string][]): string {
  let out = template;
  for (const [search, replacement] of edits) {
    assert.equal(out.split(search).length, 2, `the template holds ${JSON.stringify(search)} once`);
    out = out.replace(search, () => replacement);
  }
  return out;
}

interface Expected {
  kind: WhitespaceKind;
  severity: 'warning' | 'information';
  /** The title of the preferred fix. */
  preferred: RegExp;
}

interface Case {
  name: string;
  backend: Backend;
  template: string;
  /** Empty for a look-alike that must stay quiet. */
  expected: Expected[];
  /** For a look-alike: block tags (as written) whose trim_blocks, switched off, renders nothing else (Python says). */
  trimsNothingAt?: string[];
}

const keepBreak: Expected = { kind: 'final-newline', severity: 'warning', preferred: /^Write the line break as/ };

const CASES: Case[] = [
  // final-newline: the generation prompt moved out of its expression, as literal text ending the template.
  {
    name: 'sheep-duck: `### Assistant:` + line break as the last line (earlier turns have the line break)',
    backend: 'huggingface_local',
    template: plant(base('sheep-duck-llama-2-70b-v1.1'), ["{% if loop.last %}{{ '### Assistant:\\n' }}{% endif %}{% endfor %}", '{% endfor %}### Assistant:\n']),
    expected: [keepBreak],
  },
  {
    name: 'falcon: `ASSISTANT:` + line break as the last line (earlier turns have none)',
    backend: 'huggingface_local',
    template: plant(base('falcon-7b-instruct'), ["{% if loop.last %}{{ 'ASSISTANT:' }}{% endif %}{% endfor %}", '{% endfor %}ASSISTANT:\n']),
    expected: [{ kind: 'final-newline', severity: 'information', preferred: /^Remove the line break/ }],
  },
  {
    name: 'openchat (llamacpp): an expression followed by a line break ends the template',
    backend: 'llamacpp',
    template: plant(base('openchat_3.5-GGUF-q5'), ["{% if add_generation_prompt %}{{ 'GPT4 Correct Assistant:' }}{% endif %}", "{{ 'GPT4 Correct Assistant:' }}\n"]),
    expected: [{ kind: 'final-newline', severity: 'information', preferred: /^Write the line break as/ }],
  },
  {
    name: 'llava-1.5 (huggingface_multimodal, a plain jinja2.Template): a line break after `ASSISTANT:`',
    backend: 'huggingface_multimodal',
    template: `${base('llava-1.5-7b-hf')}\n`,
    expected: [{ kind: 'final-newline', severity: 'information', preferred: /^Remove the line break/ }],
  },
  // empty-block: a separator between turns that trim_blocks removes.
  {
    name: 'Smaug: `{% if not loop.last %}` + line break + `{% endif %}` between turns',
    backend: 'huggingface_local',
    template: plant(base('Smaug-72B-v0.1'), ['{% endif %}{% endfor %}', '{% endif %}{% if not loop.last %}\n{% endif %}{% endfor %}']),
    expected: [{ kind: 'empty-block', severity: 'warning', preferred: /^Write the line break as/ }],
  },
  // joined-lines: the role header written as text with an inline condition, then a line break.
  {
    name: 'tulu: `<|user|>{% if ... %}...{% endif %}` + line break + the content',
    backend: 'huggingface_local',
    template: plant(base('tulu-2-dpo-7b'), ["{{ '<|user|>\n' + message['content'] }}", "<|user|>{% if message['name'] is defined %} ({{ message['name'] }}){% endif %}\n{{ message['content'] }}"]),
    expected: [{ kind: 'joined-lines', severity: 'information', preferred: /^Write the line break as/ }],
  },
  // stripped-indent: a line of prompt text indented before a block tag, after a line of text.
  {
    name: 'tulu: `<|user|>` + line break + an indented `{% if %}Q: ...` line',
    backend: 'llamacpp',
    template: plant(base('tulu-2-dpo-7b'), ["{{ '<|user|>\n' + message['content'] }}", "<|user|>\n  {% if message['content'] %}Q: {{ message['content'] }}{% endif %}"]),
    expected: [{ kind: 'stripped-indent', severity: 'information', preferred: /^Remove the indentation/ }],
  },
  // Look-alikes.
  { name: 'sheep-duck as it is (the line break inside an expression)', backend: 'huggingface_local', template: base('sheep-duck-llama-2-70b-v1.1'), expected: [] },
  {
    name: 'sheep-duck with the generation prompt as an expression after the loop, its line break inside it',
    backend: 'huggingface_local',
    template: plant(base('sheep-duck-llama-2-70b-v1.1'), ["{% if loop.last %}{{ '### Assistant:\\n' }}{% endif %}{% endfor %}", "{% endfor %}{{ '### Assistant:\\n' }}"]),
    expected: [],
  },
  { name: 'openchat ending with `{% endif %}` + line break (trim_blocks removes it anyway)', backend: 'llamacpp', template: `${base('openchat_3.5-GGUF-q5')}\n`, expected: [] },
  { name: 'gpt-oss ending with `{%- endif -%}` + line break (the `-` strips it on purpose)', backend: 'huggingface_local', template: `${base('gpt-oss-120b-nothink')}\n`, expected: [] },
  {
    name: 'Smaug with the separator as an expression',
    backend: 'huggingface_local',
    template: plant(base('Smaug-72B-v0.1'), ['{% endif %}{% endfor %}', "{% endif %}{% if not loop.last %}{{ '\\n' }}{% endif %}{% endfor %}"]),
    expected: [],
  },
  {
    name: 'Smaug with `{%- endif %}`: the `-` trims the line break on purpose',
    backend: 'huggingface_local',
    template: plant(base('Smaug-72B-v0.1'), ['{% endif %}{% endfor %}', '{% endif %}{% if not loop.last %}\n{%- endif %}{% endfor %}']),
    expected: [],
    trimsNothingAt: ['{% if not loop.last %}'],
  },
  { name: 'tulu as it is: every tag alone on its line (layout, not prompt)', backend: 'huggingface_local', template: base('tulu-2-dpo-7b'), expected: [] },
  {
    name: 'tulu with its tags indented as code',
    backend: 'huggingface_local',
    template: plant(base('tulu-2-dpo-7b'), ["\n{% elif message['role'] == 'assistant' %}", "\n  {% elif message['role'] == 'assistant' %}"], ["\n{% endif %}\n{% if loop.last %}", "\n  {% endif %}\n  {% if loop.last %}"]),
    expected: [],
  },
  {
    name: 'tulu with an indented line that starts with a tag, under a line of tags (code layout)',
    backend: 'llamacpp',
    template: plant(base('tulu-2-dpo-7b'), ["{% if loop.last %}\n{{ '<|assistant|>' }}", "{% if loop.last %}\n  {% if add_generation_prompt %}<|assistant|>{% endif %}"]),
    expected: [],
  },
  {
    name: 'tulu with the header line break as an expression',
    backend: 'huggingface_local',
    template: plant(base('tulu-2-dpo-7b'), ["{{ '<|user|>\n' + message['content'] }}", "<|user|>{% if message['name'] is defined %} ({{ message['name'] }}){% endif %}{{ '\\n' }}{{ message['content'] }}"]),
    expected: [],
  },
  { name: 'llava-1.5 as it is (huggingface_multimodal: no trim_blocks, line breaks after tags are rendered)', backend: 'huggingface_multimodal', template: base('llava-1.5-7b-hf'), expected: [] },
];

const variablesFor = (env: TemplateEnvironment): Record<string, unknown> => ({
  ...defaultVariables(env),
  ...(env === 'jinja2-plain' ? {} : { bos_token: '<s>', eos_token: '</s>', add_generation_prompt: true }),
  messages: MESSAGES,
});

/** Python renders, batched: each request says how to build the template and the environment. */
interface Render {
  template: string;
  env: TemplateEnvironment;
  keepTrailingNewline?: boolean;
}
const requests: Render[] = [];
const results = new Map<string, string>();
const keyOf = (r: Render) => JSON.stringify([r.env, !!r.keepTrailingNewline, r.template]);
function request(r: Render): Render {
  requests.push(r);
  return r;
}
function rendered(r: Render): string {
  const out = results.get(keyOf(r));
  assert.ok(out !== undefined, `not rendered: ${keyOf(r).slice(0, 200)}`);
  return out;
}

/** The template as its text shows it at one difference: the one rule that removed the whitespace switched off. */
function asShown(template: string, d: WhitespaceDifference, env: TemplateEnvironment): Render {
  switch (d.kind) {
    case 'final-newline':
      return { template, env, keepTrailingNewline: true };
    case 'empty-block':
    case 'joined-lines': {
      // `%}` or `#}` right before the line break: `+%}` keeps it.
      assert.match(template.slice(d.start - 2, d.start), /^[%#]\}$/);
      return { template: template.slice(0, d.start - 2) + '+' + template.slice(d.start - 2), env };
    }
    case 'stripped-indent': {
      assert.equal(template.slice(d.end, d.end + 2), '{%');
      return { template: template.slice(0, d.end + 2) + '+' + template.slice(d.end + 2), env };
    }
  }
}

/** A registry with one entry of `backend` that renders `template` itself. */
function registryWith(backend: Backend, template: string): string {
  const config: Record<string, unknown> = { custom_chat_template: template };
  if (backend !== 'huggingface_multimodal') config.premade_chat_template = false;
  return registry(entry(backend, {}, config));
}

const settingsFor = (backend: Backend) => ({ clemcoreVersion: backend === 'huggingface_multimodal' ? '3.3' : '3.7' });

function apply(text: string, edits: FixEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

/** The template of the first entry of a registry file. */
function templateOf(text: string): string {
  const [first] = JSON.parse(text) as { model_config: { custom_chat_template: string } }[];
  return first.model_config.custom_chat_template;
}

interface Checked {
  c: Case;
  env: TemplateEnvironment;
  differences: WhitespaceDifference[];
  findings: RegistryDiagnostic[];
  text: string;
  /** Per finding: the template after each of its fixes, by title. */
  fixed: { title: string; preferred: boolean; template: string }[][];
}

const checked: Checked[] = CASES.map((c) => {
  const env = ENVIRONMENT[c.backend];
  const text = registryWith(c.backend, c.template);
  const doc = new RegistryDocument(text, settingsFor(c.backend));
  const findings = doc.diagnostics().filter((d) => d.code === 'jinja-whitespace');
  const fixed = findings.map((f) => quickFixes(doc, f).map((q) => ({ title: q.title, preferred: q.preferred, template: templateOf(apply(text, q.edits)) })));
  const differences = whitespaceDifferences(c.template, env);
  request({ template: c.template, env });
  request({ template: c.template, env, keepTrailingNewline: true });
  for (const d of differences) request(asShown(c.template, d, env));
  for (const shown of c.trimsNothingAt ?? []) {
    const at = c.template.indexOf(shown);
    assert.ok(at >= 0, shown);
    request({ template: c.template.slice(0, at + shown.length - 2) + '+' + c.template.slice(at + shown.length - 2), env });
  }
  for (const fixes of fixed) for (const f of fixes) request({ template: f.template, env });
  return { c, env, differences, findings, text, fixed };
});

// Every real template in every environment: a finding exactly where the render differs as it claims.
const sweep = (corpus ?? []).flatMap(({ name, template }) =>
  (['llama-cpp-python', 'transformers', 'jinja2-plain'] as const).map((env) => {
    const differences = whitespaceDifferences(template, env);
    request({ template, env });
    request({ template, env, keepTrailingNewline: true });
    for (const d of differences) {
      request(asShown(template, d, env));
      request({ template: edited(template, d.keep), env });
      if (d.drop) request({ template: edited(template, d.drop), env });
    }
    return { name, template, env, differences };
  }));

function edited(template: string, e: { start: number; end: number; text: string }): string {
  return template.slice(0, e.start) + e.text + template.slice(e.end);
}

before(() => {
  const unique = new Map(requests.map((r) => [keyOf(r), r]));
  const cases: JudgeCase[] = [...unique.values()].map((r) => ({ env: r.env, template: r.template, now: NOW, variables: variablesFor(r.env), keepTrailingNewline: r.keepTrailingNewline }));
  const judged = judgeWithJinja2(cases);
  console.log(`whitespace judged by ${judgeLabel()}: ${cases.length} renders`);
  // A render that fails is an outcome too (a plain jinja2.Template lacks eos_token, say): compared as its message.
  [...unique.keys()].forEach((k, i) => results.set(k, judged[i].ok ? judged[i].prompt! : `(${judged[i].stage} error: ${judged[i].message})`));
});

describe('jinja-whitespace, judged by Python\'s Jinja2', () => {
  for (const { c, env, differences, findings, text, fixed } of checked) {
    it(`${c.expected.length ? 'finds' : 'stays quiet on'}: ${c.name}${corpus ? '' : ' (hand-written, no ../shared/corpus)'}`, () => {
      assert.deepEqual(differences.map((d) => d.kind), c.expected.map((e) => e.kind), 'the differences the package finds');
      assert.equal(findings.length, c.expected.length, findings.map((f) => f.message).join('\n'));
      const real = rendered({ template: c.template, env });
      assert.ok(!real.startsWith('('), real);
      findings.forEach((f, i) => {
        const d = differences[i];
        const want = c.expected[i];
        assert.equal(f.severity, want.severity, f.message);
        // The finding covers exactly the removed whitespace, as the file writes it.
        assert.equal(JSON.parse(`"${text.slice(f.offset, f.offset + f.length)}"`), c.template.slice(d.start, d.end));
        const shown = rendered(asShown(c.template, d, env));
        assert.notEqual(real, shown, 'Python renders the text as shown differently, as the finding says');
        const fixes = fixed[i];
        assert.match(fixes.find((x) => x.preferred)!.title, want.preferred);
        const keep = fixes.find((x) => /^Write the/.test(x.title));
        assert.ok(keep, 'a fix that renders what the text shows');
        assert.equal(rendered({ template: keep.template, env }), shown, 'the keep fix renders what the text showed');
        assert.deepEqual(whitespaceDifferences(keep.template, env), [], 'and draws no finding itself');
        const drop = fixes.find((x) => !/^Write the/.test(x.title));
        if (d.kind !== 'empty-block') {
          assert.ok(drop, 'a fix that makes the text show what is rendered');
          assert.equal(rendered({ template: drop.template, env }), real, 'the drop fix leaves the prompt as it was');
        }
      });
      // No claim about the last line break: Python renders the same with keep_trailing_newline on.
      if (!differences.some((d) => d.kind === 'final-newline')) assert.equal(rendered({ template: c.template, env, keepTrailingNewline: true }), real);
      for (const shownAt of c.trimsNothingAt ?? []) {
        const at = c.template.indexOf(shownAt) + shownAt.length - 2;
        assert.equal(rendered({ template: c.template.slice(0, at) + '+' + c.template.slice(at), env }), real, `trim_blocks at ${shownAt} removes nothing that renders`);
      }
    });
  }

  it('checks a template that would loop 10**9 times without rendering it to the end', () => {
    // The evidence render stops at its step budget; the finding stands, without evidence.
    const template = "{% for i in range(10**9) %}{{ i }}{% endfor %}<|im_start|>assistant\n";
    assert.deepEqual(whitespaceDifferences(template, 'transformers').map((d) => [d.kind, d.evidence]), [['final-newline', undefined]]);
  });

  it('every real template in every environment: a finding exactly where Python renders differently', { skip: corpus ? false : 'no ../shared/corpus beside the repository' }, () => {
    const problems: string[] = [];
    for (const { name, template, env, differences } of sweep) {
      const real = rendered({ template, env });
      const dropsNewline = real !== rendered({ template, env, keepTrailingNewline: true });
      if (dropsNewline !== differences.some((d) => d.kind === 'final-newline')) problems.push(`${name} / ${env}: last line break dropped ${dropsNewline}, found ${!dropsNewline}`);
      for (const d of differences) {
        const shown = rendered(asShown(template, d, env));
        if (shown === real) problems.push(`${name} / ${env}: ${d.kind} at ${d.start} renders the same as shown`);
        if (rendered({ template: edited(template, d.keep), env }) !== shown) problems.push(`${name} / ${env}: ${d.kind} at ${d.start}: the keep fix does not render what is shown`);
        if (d.drop && rendered({ template: edited(template, d.drop), env }) !== real) problems.push(`${name} / ${env}: ${d.kind} at ${d.start}: the drop fix changes the prompt`);
      }
    }
    assert.deepEqual(problems, []);
    // The one real template with a last line break that matters: llava-v1.6-34b (2024), `<|im_start|>assistant` + line break.
    const found = sweep.filter((s) => s.differences.some((d) => d.kind === 'final-newline')).map((s) => `${s.name} / ${s.env}`);
    assert.ok(found.some((f) => f.startsWith('llava-v1.6-34b-hf')), found.join(', '));
  });
});
