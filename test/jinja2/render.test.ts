// Differential test of the chat-template renderer against python3's jinja2: one Python process renders every case in
// the real environments (llama-cpp-python >= 0.3.24, transformers, a plain jinja2.Template) and answers in JSON.
import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { pythonLabel } from '../support/python';
import { corpusTemplates, judgeLabel, judgeWithJinja2, type Judged } from './judge';
import { defaultVariables, renderTemplate, type RenderOutcome, type TemplateEnvironment } from '../../server/src/jinja2';

type Env = TemplateEnvironment | 'wrong';
type Message = { role: string; content: string };
interface Case {
  source: 'corpus' | 'hand' | 'syntax' | 'control';
  name: string;
  env: Env;
  template: string;
  messages: Message[];
  variables: Record<string, unknown>;
  /** Why this case cannot agree (a limit of @huggingface/jinja that this module cannot lift). */
  known?: string;
}

const ENVIRONMENTS: TemplateEnvironment[] = ['llama-cpp-python', 'transformers', 'jinja2-plain'];
const NOW = 1735732800; // 2025-01-01 12:00 UTC, for strftime_now on both sides

const SYSTEM: Message = { role: 'system', content: 'You are a helpful assistant.' };
const CONVERSATIONS: Record<string, Message[]> = {
  'system+user': [SYSTEM, { role: 'user', content: 'Name a colour.' }],
  'user only': [{ role: 'user', content: 'Hello!' }],
  'multi-turn': [SYSTEM, { role: 'user', content: 'Name a colour.' }, { role: 'assistant', content: 'Blue.' }, { role: 'user', content: 'Another one?' }],
  'ends with assistant': [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello, how can I help?' }],
  newlines: [{ role: 'user', content: '  line one\nline two\r\n\n\tindented  \n' }, { role: 'assistant', content: '\nok\n' }, { role: 'user', content: 'end\n' }],
  unicode: [{ role: 'system', content: 'Réponds en français. ' }, { role: 'user', content: 'Grüße, 世界! 😀 — «ταυ» עברית\u00a0\u3000x' }],
  'empty content': [{ role: 'user', content: '' }, { role: 'assistant', content: '' }, { role: 'user', content: '' }],
};

/** What each runtime passes besides the messages (the test's stand-ins for a GGUF's and a tokenizer's tokens). */
function runtimeVariables(env: Env, addGenerationPrompt: boolean): Record<string, unknown> {
  if (env === 'jinja2-plain') return {};
  if (env === 'llama-cpp-python') return { bos_token: '<s>', eos_token: '</s>', add_generation_prompt: addGenerationPrompt };
  return { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', pad_token: '<pad>', add_generation_prompt: addGenerationPrompt };
}

/** A template rendered for every conversation, in every environment, with and without the generation prompt. */
function everyWay(source: Case['source'], name: string, template: string, extra: Record<string, unknown> = {}): Case[] {
  const cases: Case[] = [];
  for (const env of ENVIRONMENTS) {
    for (const [conversation, messages] of Object.entries(CONVERSATIONS)) {
      for (const agp of env === 'jinja2-plain' ? [true] : [true, false]) {
        cases.push({ source, name: `${name} / ${conversation}${env === 'jinja2-plain' ? '' : ` / agp=${agp}`}`, env, template, messages, variables: { ...runtimeVariables(env, agp), ...extra } });
      }
    }
  }
  return cases;
}

/** A template rendered once per environment with the multi-turn conversation. */
function once(name: string, template: string, known?: Partial<Record<Env, string>> | string, extra: Record<string, unknown> = {}): Case[] {
  return ENVIRONMENTS.map((env) => ({
    source: 'hand' as const,
    name,
    env,
    template,
    messages: CONVERSATIONS['multi-turn'],
    variables: { ...runtimeVariables(env, true), ...extra },
    known: typeof known === 'string' ? known : known?.[env],
  }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Hand-written templates

const CHATML = `{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}`;

const LLAMA3 = `{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}`;

const LLAMA31 = `{{- bos_token }}
{%- if not date_string is defined %}
    {%- set date_string = strftime_now("%d %b %Y") %}
{%- endif %}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if tools is not none %}
    {{- "Environment: ipython\\n" }}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\\n" }}
{{- "Today Date: " + date_string + "\\n\\n" }}
{%- if tools is not none %}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\\n\\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}
{%- for message in messages %}
    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
`;

const MISTRAL = `{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}`;

const GEMMA = `{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}`;

const QWEN_TOOLS = `{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\\n\\n# Tools\\n\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools><|im_end|>\\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
`;

const THINKING = `{%- set ns = namespace(system='', first=true) -%}
{%- for message in messages -%}
  {%- if message.role == 'system' -%}{%- set ns.system = message.content -%}{%- endif -%}
{%- endfor -%}
{{ bos_token }}{{ ns.system }}
{%- for message in messages if message.role != 'system' %}
  {%- set content = message.content %}
  {%- if message.role == 'assistant' and '</think>' in content %}
    {%- set content = content.split('</think>')[-1].lstrip('\\n') %}
  {%- endif %}
  {%- if message.role == 'user' %}<｜User｜>{{ content }}
  {%- else %}<｜Assistant｜>{{ content }}<｜end▁of▁sentence｜>
  {%- endif %}
  {%- set ns.first = false %}
{%- endfor %}
{%- if add_generation_prompt %}<｜Assistant｜><think>\n{% endif %}`;

const TOOLS = [{ type: 'function', function: { name: 'get_weather', description: 'Weather «now» <in> a city & more', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', default: 1 } }, required: ['city'] } } }];

function handCases(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, template: string, known?: Partial<Record<Env, string>> | string, extra?: Record<string, unknown>) => cases.push(...once(name, template, known, extra));

  // Whitespace: single trailing newline, {%- -%}, trim_blocks, lstrip_blocks, {%+ +%}, comments, CRLF, raw.
  add('trim and lstrip in a loop', '{% for m in messages %}\n  {{ m.role }}: {{ m.content }}\n{% endfor %}\n');
  add('minus markers', '{%- for m in messages -%}\n  [{{ m.content }}]  \n{%- endfor %}\n\n');
  add('plus markers', 'a  {%+ if true %}x{% endif +%}\n  b\n    {%+ if true %}y{% endif %}\n');
  add('comments', '  {# comment #}\nA\n  {#- c -#}  B  {#+ c #}\nC {# x -#}   \n D\n\t{#- y #}E');
  add('CRLF line breaks', '{% if true %}\r\n  X\r\n{% endif %}\r\nY\r\n  {% if true %}Z{% endif %}\rW\r\n\r\n');
  add('expression tags do not lstrip', '{{ "x" }}\n  {% if true %}y{% endif %}  \n\t{% if true %}\nz\n\t{% endif %}\n   {{ "w" }}');
  add('raw blocks', '{% raw %}  {{ not a var }} {% endraw %}\n  {%- raw -%}\n  x  \n{%- endraw %}\n  {% raw %}\n{# kept #}{% endraw %}\n');
  add('stray closing markers in text', 'a %} b }} c #} d\n-%}\ne');
  add('two trailing newlines', 'x\n\n');
  add('expression minus markers', '{{- "a" -}}   \n  {{ "b" }}  {{- "c" }}\n\n{{ "d" -}}\n\n  e');
  add('Python whitespace before {%-', 'x\x1c\u3000\u00a0{%- if true %}y{% endif %}\ufeff {%- if true %}z{% endif %}');
  add('whitespace inside tags', '{%\tif\ntrue\r\n%}a{%  endif  %}{{\n"b"\n}}');
  add('block tag after text on the same line', 'text {% if true %}\n  x\n{% endif %} tail\n  {% if true %}y{% endif %}');
  add('lstrip after a trimmed tag', '{% if true %}\n    {% if true %}\n  a\n    {% endif %}\n{% endif %}');
  add('generation tag', '{% for m in messages %}{% if m.role == "assistant" %}{% generation %}{{ m.content }}{% endgeneration %}{% else %}{{ m.content }}{% endif %}\n{% endfor %}');

  // Loops.
  add('loop variables', '{% for m in messages %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.length }}/{{ loop.first }}/{{ loop.last }};{% endfor %}');
  add('loop previtem', '{% for m in messages %}{% if not loop.first %}{{ loop.previtem.role }}>{% endif %}{{ m.role }} {% endfor %}');
  add('filtered loop', '{% for m in messages if m.role != "system" %}{{ loop.index }}{{ m.role[0] }}{% if loop.last %}!{% endif %}{% endfor %}');
  add('for else', '{% for x in [] %}x{% else %}empty{% endfor %}|{% for x in messages[:1] %}{{ x.role }}{% else %}none{% endfor %}');
  add('tuple unpacking', '{% for k, v in {"a": 1, "b": [2]}.items() %}{{ k }}={{ v }};{% endfor %}{% for a, b in [[1, 2], (3, 4)] %}{{ a + b }}{% endfor %}');
  add('nested loops', '{% for m in messages %}{% for c in m.role %}{{ c }}{% if loop.last %}:{{ loop.length }}{% endif %}{% endfor %} {% endfor %}');
  add('break and continue', '{% for m in messages %}{% if loop.index0 == 0 %}{% continue %}{% endif %}{{ m.role }}{% if m.role == "assistant" %}{% break %}{% endif %},{% endfor %}');
  add('iterating a string, a dict and undefined', '{% for c in "abc" %}{{ c }}-{% endfor %}{% for k in {"b": 1, "a": 2} %}{{ k }}{% endfor %}{% for x in nothing %}x{% endfor %}done');
  add('range', '{% for i in range(3) %}{{ i }}{% endfor %}{% for i in range(1, 10, 3) %}{{ i }}{% endfor %}{{ range(5)|list|length }}');

  // Assignments and namespaces.
  add('namespace', '{% set ns = namespace(found=false, n=0) %}{% for m in messages %}{% if m.role == "user" %}{% set ns.found = true %}{% set ns.n = ns.n + 1 %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.n }}');
  add('set does not leave a loop', '{% set x = 1 %}{% for m in messages %}{% set x = loop.index %}{{ x }}{% endfor %}|{{ x }}');
  add('set block', '{% set body %}Hello {{ messages[0].role }}\n{% endset %}[{{ body }}]{{ body|length }}');
  add('scoping', '{% set x = "outer" %}{% for i in [1, 2] %}[{{ x }}]{% set x = i %}({{ x }}){% endfor %}{{ x }}|{% for i in [1, 2] %}{% if i == 1 %}{% set y = 5 %}{% endif %}[{{ y }}]{% endfor %}|{% macro m() %}{{ z }}{% endmacro %}{% set z = 3 %}{{ m() }}');
  add('tuple set', '{% set a, b = 1, 2 %}{{ a + b }}{% set c = (a, b) %}{{ c }}');

  // Filters.
  add('trim', '[{{ "  x \n"|trim }}][{{ messages[0].content|trim(".") }}][{{ "xxhixx"|trim("x") }}][{{ "\x1cy\ufeff"|trim }}]');
  add('length and count', '{{ messages|length }} {{ "héllo😀"|length }} {{ nothing|length }} {{ {"a": 1}|count }} {{ messages[0]|length }}');
  add('tojson', '{{ messages|tojson }}\n{{ {"b": "é<>&\'\\n\\u0001\u007f", "a": [1, 2.5, true, none, 1.0]}|tojson }}\n{{ "😀"|tojson }}');
  add('tojson indent', '{{ messages[:2]|tojson(indent=2) }}\n{{ []|tojson(indent=2) }}{{ {}|tojson(indent=2) }}');
  add('tojson options', '{{ {"z": 1, "a": "ü"}|tojson(sort_keys=true, ensure_ascii=true, separators=(",", ":")) }}');
  add('tojson of tools', '{% for t in tools %}{{ t|tojson }}\n{{ t.function.parameters|tojson(indent=4) }}{% endfor %}', undefined, { tools: TOOLS });
  add('tojson of undefined', '{{ nothing|tojson }}');
  add('case filters', '{{ "hELLo wORLD"|upper }} {{ "hELLo wORLD"|lower }} {{ "hELLo wORLD"|title }} {{ "they\'re bill\'s (friends) x-y"|title }} {{ "hELLo"|capitalize }} {{ messages[1].role|upper }}');
  add('replace', '{{ "a-b-c"|replace("-", "+") }} {{ "aaa"|replace("a", "b", 2) }} {{ "ab"|replace("", ".") }} {{ nothing|replace("a", "b") }}|{{ 5|replace("5", "6") }}');
  add('join', '{{ ["a", "b"]|join(", ") }} {{ [1, true, none]|join("/") }} {{ messages|map(attribute="role")|join(",") }} {{ "abc"|join("-") }} {{ messages|join("|", attribute="role") }}');
  add('default', '{{ nothing|default("d") }} {{ ""|default("e", true) }} {{ none|default("n") }} {{ nothing|d("x") }} {{ messages[0].nope|default("m") }}');
  add('sequence filters', '{{ [3, 1, 2]|sort }} {{ ["b", "A", "a"]|sort }} {{ ["b", "A", "a"]|sort(case_sensitive=true) }} {{ ["b", "A", "a"]|unique|list }} {{ "abc"|reverse }} {{ [1, 2]|reverse|list }} {{ "ab"|list }} {{ [4, 5]|first }} {{ "xyz"|last }} {{ [3, 9, 2]|max }} {{ ["b", "A"]|min }} {{ [1, 2.5]|sum }}');
  add('printing a message and a list', '{{ messages|first }}\n{{ messages[-1] }}\n{{ messages|map(attribute="role")|list }}');
  add('selectattr, rejectattr, map, select', '{{ messages|selectattr("role", "equalto", "user")|list|length }} {{ messages|rejectattr("role", "eq", "user")|map(attribute="content")|list }} {{ [0, 1, "", none, "a"]|select|list }} {{ [1, 2, 3, 4]|select("odd")|list }} {{ ["a", "B"]|map("upper")|list }} {{ messages|selectattr("role", "in", ["system", "assistant"])|list|length }}');
  add('numbers', '{{ "42"|int + 1 }} {{ "3.7"|int }} {{ "x"|int(5) }} {{ 2|float }} {{ 1/3 }} {{ 2.5|round }} {{ 3.14159|round(2) }} {{ -3|abs }} {{ 10/2 }} {{ 7//2 }} {{ -7//2 }} {{ -7 % 3 }} {{ 2**10 }} {{ 1e3 }} {{ 1_000 }} {{ 0x10 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1.5e-7 }} {{ 2**0.5 }} {{ 3 * "ab" }} {{ [0] * 3 }}');
  add('indent', '{{ "a\nb\n\nc"|indent(2) }}|{{ "a\nb"|indent(2, true) }}|{{ "x\n"|indent }}|{{ "p\nq"|indent("> ", blank=true) }}');
  add('dictsort and items', '{% for k, v in {"b": 1, "a": 2, "C": 0}|dictsort %}{{ k }}{{ v }}{% endfor %}|{% for k, v in {"x": 1}|items %}{{ k }}{{ v }}{% endfor %}');
  add('wordcount, center, escape, string', '{{ "hello big world"|wordcount }} [{{ "ab"|center(7) }}] {{ "<a href=\\"x\\">&\'</a>"|e }} {{ 12|string + "x" }} {{ none|string }}');

  // Macros.
  add('macro with defaults', '{% macro tag(name, close=false) -%}\n  <{{ "/" if close }}{{ name }}>\n{%- endmacro %}{{ tag("a") }}x{{ tag("a", close=true) }}');
  add('macro varargs and kwargs', '{% macro f(a) %}{{ a }}|{{ varargs|length }}|{{ kwargs }}{% endmacro %}{{ f(1, 2, 3, k="v") }}');
  add('call block', '{% macro wrap(sep) %}[{{ caller() }}{{ sep }}]{% endmacro %}{% call wrap("!") %}inside {{ messages|length }}{% endcall %}');
  add('recursive macro', '{% macro count(n) %}{{ n }}{% if n > 0 %},{{ count(n - 1) }}{% endif %}{% endmacro %}{{ count(3) }}');

  // raise_exception and strftime_now (a plain jinja2.Template has neither).
  add('raise_exception', '{% if messages[0].role != "user" %}{{ raise_exception("Conversation must start with a user message") }}{% endif %}ok');
  add('raise_exception with a built message', '{{ raise_exception("Bad role: " + messages[0].role + " (" ~ messages|length ~ ")") }}');
  add('raise_exception not reached', '{% if false %}{{ raise_exception("never") }}{% endif %}fine');
  add('strftime_now', '{{ strftime_now("%Y-%m-%d") }} {{ strftime_now("%d %b %Y") }} {{ strftime_now("%A %B %-d %H:%M:%S %p %j %y %e %a %I %m") }}');

  // Undefined variables.
  add('undefined renders empty', '[{{ nothing }}][{{ nothing ~ "x" }}][{{ nothing is defined }}][{{ nothing is undefined }}][{{ nothing|length }}][{{ nothing|trim }}][{{ nothing|upper }}][{{ not nothing }}][{{ nothing == nothing }}][{{ nothing|list }}]');
  add('attribute of undefined', '{{ nothing.attr }}');
  add('undefined plus string', '{{ nothing + "x" }}');
  add('missing keys', '{{ messages[0].missing }}|{{ messages[0].missing is defined }}|{{ messages[9] is defined }}|{{ messages[0]["role"] }}|{{ messages[0].content is string }}');
  add('pad_token is only a transformers variable', '[{{ pad_token }}][{{ unk_token is defined }}][{{ tools is none }}][{{ documents is defined }}][{{ functions is defined }}][{{ add_generation_prompt }}]');
  add('if elif else on undefined', '{% if nothing %}a{% elif messages %}b{% else %}c{% endif %}{% if nothing.x is defined %}{% endif %}');

  // Strings: concatenation, slicing, `in`, methods.
  add('concatenation', '{{ "a" ~ 1 ~ true ~ none ~ 1.5 }}|{{ "a" + "b" }}|{{ messages[0].role ~ ":" }}|{{ [1] + [2] }}|{{ 1 + true }}');
  add('string plus number', '{{ "a" + 1 }}');
  add('slicing', '{{ messages[1:]|length }} {{ messages[-1].role }} {{ "abcdef"[1:4] }} {{ "abcdef"[::-1] }} {{ "abcdef"[::2] }} {{ [1, 2, 3, 4][-2:] }} {{ "héllo😀x"[-2:] }} {{ "abc"[5:] }} {{ messages[:-1]|length }}');
  add('in tests', '{{ "sys" in "system" }} {{ "a" in {"a": 1} }} {{ 1 in [1, 2] }} {{ "x" not in "abc" }} {{ "role" in messages[0] }} {{ "user" in messages|map(attribute="role")|list }} {{ 1.0 in [1] }} {{ "a" in nothing }}');
  add('string methods', '{{ " x ".strip() }}|{{ "xxhixx".strip("x") }}|{{ "a,b,,c".split(",") }}|{{ " a  b ".split() }}|{{ "a b c".split(" ", 1) }}|{{ "Hello".startswith("He") }}|{{ "Hello".endswith(("lo", "x")) }}|{{ ", ".join(["a", "b"]) }}|{{ "abcabc".count("b") }}|{{ "abc".find("c") }}|{{ "x\ny".splitlines() }}|{{ "hello world\'s".title() }}|{{ "abc".replace("b", "X") }}|{{ "ab".upper() }}|{{ "AB".lower() }}|{{ "élan".capitalize() }}|{{ "\\n\\tx\\n".rstrip() }}|{{ "abc".rstrip("c") }}');
  add('dict methods', '{{ messages[0].get("role") }} {{ messages[0].get("nope", "dflt") }} {{ messages[0].get("nope") }} {{ messages[0].keys()|list }} {{ messages[0].items()|list }} {{ messages[0].values()|list }}');
  add('string escapes', '{{ "tab\\there" }}|{{ \'it\\\'s\' }}|{{ "\\x41\\u00e9\\U0001F600\\101" }}|{{ "back\\\\slash" }}|{{ "keep \\d \\[" }}|{{ "é\\é" }}|{{ "line\\\ncont" }}');
  add('adjacent string literals', '{{ "a" "b" \'c\' }}');

  // Tests and comparisons.
  add('tests', '{{ 1 is number }} {{ true is number }} {{ true is integer }} {{ "a" is string }} {{ messages is iterable }} {{ messages[0] is mapping }} {{ none is none }} {{ 3 is odd }} {{ 4 is even }} {{ "ab" is lower }} {{ "AB" is upper }} {{ {} is iterable }} {{ 1.0 is float }} {{ true is boolean }} {{ false is false }} {{ nothing is iterable }} {{ "x" is sequence }} {{ raise_exception is callable }}');
  add('equality', '{{ 1 == 1.0 }} {{ "1" == 1 }} {{ [1] == [1] }} {{ none == false }} {{ "" == false }} {{ 0 == false }} {{ {"a": 1} == {"a": 1} }} {{ nothing == none }} {{ (1, 2) == [1, 2] }} {{ true == 1 }}');
  add('ordering', '{{ "a" < "b" }} {{ "B" < "a" }} {{ [1, 2] < [1, 3] }} {{ 2 > 1.5 }} {{ "ab" >= "a" }} {{ true < 2 }}');
  add('ordering mixed types', '{{ "a" < 1 }}');
  add('logic', '{{ "a" and "b" }} {{ "" or "c" }} {{ none or [] }} {{ [] and 1 }} {{ not [] }} {{ 0 or nothing }}|{{ "x" if false }}|{{ "y" if nothing else "z" }}');

  // Values written out as Python writes them.
  add('Python str of values', '{{ true }} {{ false }} {{ none }} {{ [1, "a", none, true, 1.5] }} {{ ("a", 1) }} {{ {"k": "it\'s", "q": "\\"", "n": "a\\nb"} }} {{ 1.0 }} {{ 1e16 }} {{ 123456789.0 }} {{ 0.0001 }} {{ 1e-5 }} {{ 2**53 }} {{ -0.0 }} {{ namespace(a=1) }} {{ "\\x00\\u200b" }}');

  // Model templates (also rendered for every conversation below).
  add('string formatting', '{{ "%s has %d" % ("x", 3) }}|{{ "%s-%s"|format(1, 2) }}|{{ "%(a)s=%(b)05.1f"|format(a="k", b=2.25) }}|{{ "%5s|%-5s|%x|%r|%c|%%|%+d" % ("a", "b", 255, "q", 65, 7) }}|{{ "%s" % messages[0].role }}|{{ "%.3s" % "abcdef" }}');
  add('filter blocks', '{% filter upper %}a{{ messages[0].role }}{% endfilter %}|{% filter replace("a", "4") %}banana{% endfilter %}|{% filter truncate(9) %}one two three four{% endfilter %}');
  add('truncate', '{{ "one two three four five"|truncate(9) }}|{{ "one two three four five"|truncate(9, true) }}|{{ "short"|truncate(3) }}|{{ "one two three"|truncate(9, end="~", leeway=0) }}');
  add('string formatting errors', '{{ "%s %s" % "x" }}');
  add('rounding ties', '{{ "%.1f|%.2f|%.0f|%.0f|%.1f" % (2.25, 2.675, 0.5, 1.5, -0.25) }}|{{ 2.5|round }}|{{ 0.125|round(2) }}|{{ 2.675|round(2) }}|{{ -2.5|round }}|{{ 1234.5|round(-1) }}');
  add('Markup from |safe and |e', '{{ ("<"|safe) ~ "<" }}|{{ ("<"|safe) + "<" }}|{{ "<" + ("<b>"|e) }}|{{ ("<"|safe).upper() + "<" }}|{{ (" x "|safe|trim) + "<" }}|{{ ("a"|safe|replace("a", "b")) + "<" }}|{{ ("<"|safe)[0] + "<" }}|{{ (("<"|safe) * 2) + "<" }}|{{ ("a"|safe|title) + "<" }}|{{ ("a"|safe|capitalize) + "<" }}|{{ "<&>"|e|e }}|{{ ("<"|safe) == "<" }}|{{ (messages|tojson) + "<" }}');
  add('batch and slice', '{{ [1, 2, 3, 4, 5]|batch(2)|list }}{{ [1, 2, 3]|batch(2, "x")|list }}{{ [1, 2, 3, 4, 5]|slice(2)|list }}{{ [1, 2, 3, 4]|slice(2, 0)|list }}{{ [1, 2, 3, 4, 5]|slice(3, 0)|list }}');
  add('loop helpers', '{% for m in messages %}{{ loop.cycle("odd", "even") }}{{ loop.depth }}{% if loop.changed(m.role == "user") %}*{% endif %} {% endfor %}');
  add('unpacking a wrong length', '{% for a, b in [[1, 2, 3]] %}{{ a }}{% endfor %}');
  add('unpacking strings', '{% for a, b in ["xy", "zw"] %}{{ b }}{{ a }}{% endfor %}');
  add('calling an undefined function', '{{ no_such_function("x") }}');
  add('calling a string', '{{ "abc"() }}');
  add('set inside if inside a loop', '{% set ns = namespace(last="") %}{% for m in messages %}{% if m.role == "user" %}{% set ns.last = m.content %}{% set local = 1 %}{% endif %}{% endfor %}{{ ns.last }}|{{ local }}');
  add('macro with an unknown keyword argument', '{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, b=2) }}');
  add('macro with too many arguments', '{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}');
  add('content with CRLF passes through', '{% for m in messages %}{{ m.content }}|{% endfor %}', undefined, {});
  add('operators on none', '{{ none + 1 }}');
  add('comparing none', '{{ none < 1 }}');
  add('division by zero', '{{ 1 / 0 }}');
  add('selectattr without a test', '{{ messages|selectattr("content")|list|length }} {{ [{"a": 0}, {"a": 2}]|selectattr("a")|list }} {{ [{"a": {"b": 1}}]|map(attribute="a.b")|list }} {{ [[1, 2]]|map(attribute="1")|list }}');
  add('filters on undefined', '[{{ nothing|first }}][{{ nothing|join(",") }}][{{ nothing|string }}][{{ nothing|default(1) + 1 }}][{{ nothing|items|list }}][{{ nothing|reverse|list }}][{{ nothing|max }}][{{ nothing|sum }}][{{ nothing|center(3) }}][{{ nothing|format }}][{{ "%s" % nothing }}][{{ nothing is sequence }}][{{ nothing|wordcount }}][{{ nothing|batch(2)|list }}][{{ nothing|selectattr("a")|list }}]');
  add('int of undefined', '{{ nothing|int }}');
  add('indent of undefined', '{{ nothing|indent }}');
  add('abs of undefined', '{{ nothing|abs }}');
  add('nested data', '{% for t in tools %}{{ t.function.name }}({% for p, spec in t.function.parameters.properties|dictsort %}{{ p }}: {{ spec.type }}{% if spec.default is defined %} = {{ spec.default }}{% endif %}{{ ", " if not loop.last }}{% endfor %}){% endfor %}', undefined, { tools: TOOLS });
  add('precedence', '{{ 1 + 2 * 3 }} {{ -2 ** 2 }} {{ not 1 == 2 }} {{ "a" ~ "b"|upper }} {{ 2 * 3 is odd }} {{ [1, 2]|length * 2 }} {{ 1 if 0 else 2 if 1 else 3 }} {{ 10 - 2 - 3 }} {{ 2 ** 3 ** 2 }}');
  add('list.append is refused by the sandbox', '{% set xs = [] %}{% set _ = xs.append(1) %}{{ xs }}');
  add('dict() global', '{{ dict(a=1, b="x") }}');
  add('unknown filters and tests inside if fail only when run', '{% if false %}\n{{ x|nosuchfilter }}{% endif %}{{ "a" if true else x|nosuch }}{% if x is nosuchtest %}{% endif %}');

  // Known differences: @huggingface/jinja's parser has no syntax for these, so they cannot be fixed from outside.
  const PARSER = '@huggingface/jinja cannot parse it';
  add('test with an argument', '{{ 6 is divisibleby 3 }}{{ 6 is divisibleby(4) }}', `${PARSER}: tests take no arguments`);
  add('with block', '{% with a = 1 %}{{ a }}{% endwith %}', `${PARSER}: no {% with %}`);
  add('recursive loop', '{% for m in messages recursive %}{{ m.role }}{% endfor %}', `${PARSER}: no recursive loops`);
  add('include', '{% include "other.jinja" %}', `${PARSER}: no {% include %} (jinja2 parses it and fails at render for want of a loader)`);
  add('one-element tuple', '{{ ("a",) }}', `${PARSER}: no one-element tuples`);
  add('non-ASCII identifier', '{% set größe = 1 %}{{ größe }}', `${PARSER}: names are ASCII words`);
  add('unimplemented filter', '{{ "a long line of words"|wordwrap(7) }}', 'wordwrap, groupby, urlize, urlencode, xmlattr, filesizeformat, pprint, random and striptags are not implemented');
  add('dict with a non-string key', '{{ {1: "a"} }}', "@huggingface/jinja's dicts take only string keys");
  return cases;
}

function modelTemplateCases(): Case[] {
  return [
    ...everyWay('hand', 'ChatML', CHATML),
    ...everyWay('hand', 'Llama-3', LLAMA3),
    ...everyWay('hand', 'Llama-3.1 (strftime_now, tools)', LLAMA31),
    ...everyWay('hand', 'Llama-3.1 with tools', LLAMA31, { tools: TOOLS }),
    ...everyWay('hand', 'Mistral', MISTRAL),
    ...everyWay('hand', 'Gemma', GEMMA),
    ...everyWay('hand', 'Qwen with tools', QWEN_TOOLS, { tools: TOOLS }),
    ...everyWay('hand', 'thinking model', THINKING),
  ];
}

// ---------------------------------------------------------------------------------------------------------------------
// Templates both sides must reject

const SYNTAX_ERRORS: [string, string][] = [
  ['unclosed if', '{% if x %}no end'],
  ['unclosed for', 'a\nb\n{% for m in messages %}{{ m }}'],
  ['unbalanced brace', 'x\n{{ messages[0] }'],
  ['unbalanced bracket', '{{ messages[0) }}'],
  ['endif without if', 'line 1\n{% endif %}'],
  ['unclosed string', '{{ \'unclosed }}'],
  ['set without value', '\n\n{% set x = %}'],
  ['empty filter', '{{ x | }}'],
  ['second else', '{% if x %}{% else %}\n{% else %}{% endif %}'],
  ['for without a variable', '{% for in messages %}{% endfor %}'],
  ['dangling operator', '{{ 1 + }}'],
  ['if without a test', 'line1\nline2\n{% if %}{% endif %}\n'],
  ['unclosed comment', 'a\n{# unclosed comment'],
  ['unclosed raw', '{% raw %}unclosed'],
  ['unclosed macro arguments', '{% macro m( %}{% endmacro %}'],
  ['unknown filter', 'a\n\n{{ x | nosuchfilter }}'],
  ['unknown test', '{{ x is nosuchtest }}'],
  ['break outside a loop', '{% break %}'],
  ['mismatched end tag', '{% for x in y %}\n{% endif %}'],
  ['truncated hex escape', '{{ "\\x4" }}'],
  ['unknown tag', '\n{% frobnicate %}'],
  ['unexpected character', '{{ a $ b }}'],
  ['end of template inside a tag', 'text {{ a'],
  ['block left open over several lines', '{% if x %}\nline 2\nline 3\n'],
  ['bad expression on line 2', '{{ x }}\n{{ y + }}\n{{ z }}'],
  ['bad escape on line 3', '\n\n{{ "a\\x4" }}'],
  ['mismatched end tag on line 4', 'a\nb\n{% if x %}\n{% endfor %}'],
  ['error on a later line', '{% for m in messages %}\n  {{ m.role }}\n  {% if m.content %}\n    {{ m.content | trim }}\n  {% endif %\n{% endfor %}'],
];

function syntaxCases(): Case[] {
  return SYNTAX_ERRORS.flatMap(([name, template]) => ENVIRONMENTS.map((env) => ({
    source: 'syntax' as const, name, env, template, messages: CONVERSATIONS['multi-turn'], variables: runtimeVariables(env, true),
  })));
}

// ---------------------------------------------------------------------------------------------------------------------
// Running both sides

const corpus = corpusTemplates();
const cases: Case[] = [
  ...(corpus ?? []).flatMap((t) => everyWay('corpus', t.name, t.template)),
  ...handCases(),
  ...modelTemplateCases(),
  ...syntaxCases(),
];
// The control: the whitespace templates judged by an environment without trim_blocks/lstrip_blocks.
const control: Case[] = cases.filter((c) => c.source === 'hand' && c.env === 'transformers').map((c) => ({ ...c, source: 'control' as const, env: 'wrong' as const }));

let judged: Judged[] = [];
let ours: RenderOutcome[] = [];

before(() => {
  const all = [...cases, ...control];
  const input = all.map((c) => ({ env: c.env, template: c.template, now: NOW, variables: { ...defaultVariables(c.env === 'wrong' ? 'transformers' : c.env), ...c.variables, messages: c.messages } }));
  console.log(`chat templates judged by ${judgeLabel()}`);
  judged = judgeWithJinja2(input);
  ours = all.map((c) => renderTemplate({ template: c.template, environment: c.env === 'wrong' ? 'transformers' : c.env, messages: c.messages, variables: c.variables, now: new Date(NOW * 1000) }));
});

/** 1-based line of an offset, counting line breaks as jinja2 does (\r\n, \r, \n). */
function lineOf(template: string, offset: number): number {
  return (template.slice(0, offset).match(/\r\n|\r|\n/g) ?? []).length + 1;
}

function agrees(want: Judged, got: RenderOutcome): boolean {
  if (want.ok || got.ok) return want.ok && got.ok && want.prompt === got.prompt;
  if (want.stage !== got.stage) return false;
  if (want.raised || got.raised) return !!want.raised && !!got.raised && want.message === got.message;
  return true;
}

function describe(c: Case, want: Judged, got: RenderOutcome): string {
  const show = (o: Judged | RenderOutcome) => (o.ok ? JSON.stringify(o.prompt) : `${o.stage} error${o.raised ? ' (raised)' : ''}: ${o.message}`);
  return `${c.source} / ${c.env} / ${c.name}\n    template: ${JSON.stringify(c.template).slice(0, 300)}\n    jinja2:   ${show(want)}\n    ours:     ${show(got)}`;
}

function compare(source: Case['source']): { wrong: string[]; known: string[]; figures: string[]; lineNotes: string[] } {
  const wrong: string[] = [];
  const known: string[] = [];
  const figures: string[] = [];
  const lineNotes: string[] = [];
  for (const env of ENVIRONMENTS) {
    let total = 0;
    let agree = 0;
    let knownHere = 0;
    let lines = 0;
    let linesAgree = 0;
    cases.forEach((c, i) => {
      if (c.source !== source || c.env !== env) return;
      total++;
      const want = judged[i];
      const got = ours[i];
      if (agrees(want, got)) {
        agree++;
        if (c.known) wrong.push(`${describe(c, want, got)}\n    listed as a known difference but agrees: remove it from the list`);
      } else if (c.known) {
        knownHere++;
        known.push(`${c.env} / ${c.name}: ${c.known}`);
      } else wrong.push(describe(c, want, got));
      if (source === 'syntax' && !want.ok && want.stage === 'parse' && typeof want.line === 'number') {
        lines++;
        const line = !got.ok && got.offset !== undefined ? lineOf(c.template, got.offset) : undefined;
        if (line === want.line) linesAgree++;
        else lineNotes.push(`${env} / ${c.name}: jinja2 line ${want.line}, ours ${line ?? 'none'}`);
      }
    });
    const positions = source === 'syntax' ? `, error lines agree ${linesAgree}/${lines}` : '';
    figures.push(`  ${env}: ${agree}/${total} agree, ${knownHere} known differences${positions}`);
  }
  return { wrong, known, figures, lineNotes };
}

function report(title: string, source: Case['source']): void {
  const { wrong, known, figures, lineNotes } = compare(source);
  console.log(`${title}:\n${figures.join('\n')}`);
  if (lineNotes.length) console.log(`  error lines that differ:\n${lineNotes.map((n) => `    ${n}`).join('\n')}`);
  if (known.length) console.log(`  known differences:\n${known.map((k) => `    ${k}`).join('\n')}`);
  assert.equal(wrong.length, 0, `${wrong.length} disagreements with jinja2:\n${wrong.slice(0, 8).join('\n')}`);
}

it(`renders the real registries' custom_chat_templates as jinja2 in ${pythonLabel()} does`, { skip: corpus === null ? 'no ../shared/corpus beside the repository' : false }, () => {
  assert.ok(cases.some((c) => c.source === 'corpus'), 'the corpus has custom_chat_template values');
  report(`corpus chat templates (${corpus!.length} distinct)`, 'corpus');
});

it(`renders hand-written templates as jinja2 in ${pythonLabel()} does`, () => {
  report('hand-written templates', 'hand');
});

it(`rejects the templates jinja2 in ${pythonLabel()} rejects`, () => {
  report('syntax errors', 'syntax');
  cases.forEach((c, i) => {
    if (c.source === 'syntax') assert.equal(judged[i].ok, false, `jinja2 accepts the syntax case "${c.name}"`);
  });
});

it('gives each environment the render variables its runtime passes', () => {
  assert.equal(defaultVariables('llama-cpp-python').add_generation_prompt, true);
  assert.equal(defaultVariables('transformers').add_generation_prompt, false);
  assert.deepEqual(defaultVariables('jinja2-plain'), {});
  const probe = (environment: TemplateEnvironment) => renderTemplate({ template: '{{ add_generation_prompt }}|{{ tools is none }}|{{ raise_exception is defined }}', environment, messages: [] });
  assert.deepEqual(probe('llama-cpp-python'), { ok: true, prompt: 'True|True|True' });
  assert.deepEqual(probe('transformers'), { ok: true, prompt: 'False|True|True' });
  assert.deepEqual(probe('jinja2-plain'), { ok: true, prompt: '|False|False' });
});

it('places parse errors in the template source', () => {
  const at = (template: string) => {
    const r = renderTemplate({ template, environment: 'transformers', messages: [] });
    return r.ok ? undefined : [r.stage, r.offset];
  };
  assert.deepEqual(at('ab\r\n{{ "x\\q" }}{{ 1 $ 2 }}'), ['parse', 20]); // a lexing error, after a CRLF and an escape
  assert.deepEqual(at('text\n  {%- for m in messages %}{{ m }}'), ['parse', 7]); // the unclosed block
  assert.deepEqual(at('{{ x|nosuchfilter }}'), ['parse', 5]);
});

it('would notice an environment without trim_blocks and lstrip_blocks', () => {
  let noticed = 0;
  for (let j = cases.length; j < cases.length + control.length; j++) if (!agrees(judged[j], ours[j])) noticed++;
  console.log(`control (jinja2 with trim_blocks/lstrip_blocks off vs our transformers rendering): ${noticed}/${control.length} differ`);
  assert.ok(noticed >= 10, 'the comparison is blind to the whitespace options');
});

it('stops a render past its step budget, and only then', () => {
  const render = (template: string, maxSteps?: number) => renderTemplate({ template, environment: 'transformers', messages: CONVERSATIONS['multi-turn'], maxSteps });
  // Loops, ranges and repetitions that would not end in any useful time.
  for (const template of ['{% for i in range(10**9) %}{{ i }}{% endfor %}', '{{ "x" * 10**9 }}', '{% for m in messages * 10**8 %}{% endfor %}', '{% for i in range(10**4) %}{% for j in range(10**4) %}.{% endfor %}{% endfor %}']) {
    const r = render(template, 20_000);
    assert.ok(!r.ok && r.stage === 'render' && /too long to render/.test(r.message), `${template}: ${JSON.stringify(r)}`);
  }
  // The same work within the budget, and a budget that does not change what renders.
  assert.deepEqual(render('{% for i in range(3) %}{{ i }}{% endfor %}{{ "ab" * 2 }}', 20_000), { ok: true, prompt: '012abab' });
  assert.deepEqual(render(CHATML, 20_000), render(CHATML));
  assert.equal(render('{% for i in range(100) %}{{ i }}{% endfor %}', 50).ok, false);
});
