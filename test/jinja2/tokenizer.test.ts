// Our positioned lexer (server/src/jinja2/positionedLexer.ts) stands in for @huggingface/jinja's `tokenize`: the
// library's parser reads its tokens. It must give the library's tokens, one for one, and fail where the library
// fails, on random templates made of the pieces where the two could part (whitespace control, comments, signs,
// numbers, string escapes, braces inside expressions, {% generation %}, Unicode spaces, the end of the input) and on
// every template of the real registries and their history, as written and as our jinja2 lexer rewrites it for the
// library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '@huggingface/jinja';
import { JinjaLexError, libraryTokens, tokenizeWithPositions } from '../../server/src/jinja2/positionedLexer';
import { lex } from '../../server/src/jinja2/jinja2Lexer';
import { PROFILES } from '../../server/src/jinja2/environments';
import { Rng } from '../support/random';
import { corpusTemplates } from './judge';

type Outcome = { tokens: [string, string][] } | { fails: true };

function library(template: string): Outcome {
  try {
    return { tokens: tokenize(template).map((t) => [t.type, t.value]) };
  } catch {
    return { fails: true };
  }
}

function ours(template: string): Outcome {
  try {
    const tokens = tokenizeWithPositions(template);
    for (const t of tokens) {
      assert.ok(t.start >= 0 && t.start <= t.end && t.end <= template.length, `a token's span lies in the template: ${JSON.stringify({ template, t })}`);
    }
    return { tokens: tokens.map((t) => [t.type, t.value]) };
  } catch (e) {
    assert.ok(e instanceof JinjaLexError, `our lexer fails with JinjaLexError, not ${String(e)}`);
    return { fails: true };
  }
}

const TEXT = ['Hello ', 'a', '\n', '  ', '\t', '\u00a0', '\u2028', '\u3000', '\ufeff', '\u0085', '{', '}', '#', '%', '-', '{ x }', '<|im_end|>', 'é', '😀', '\\'];
const OPEN = ['{%', '{%-', '{%+', '{{', '{{-', '{#', '{#-'];
const CLOSE = ['%}', '-%}', '+%}', '}}', '-}}', '#}', '-#}', '}', '%'];
const INSIDE = [
  ' ', '  ', '\n', '\u00a0', '\u2009', 'x', 'messages', 'm', '_a1', 'if', 'for', 'in', 'endif', 'endfor', 'set', 'is', 'not', 'true',
  '0', '12', '3.5', '3.', '.5', '1_000', '-', '+', '-1', '+2.5', '- 3', '(', ')', '[', ']', '{', '}', '}}', ',', '.', ':', '|', '~', '*', '**',
  '/', '//', '%', '=', '==', '!=', '!', '<', '<=', '>', '>=', '@', '$', '?',
  "'a'", '"b"', "'it\\'s'", "'\\n\\t\\r\\b\\f\\v\\\\'", "'\\x41'", "'\\u00e9'", "'\\x4'", "'\\u00g1'", "'\\q'", "'open", '"', "'", "'\\",
  '{% generation %}', '{%- endgeneration -%}', '{%generation%}', 'generation',
];

function randomTemplate(rng: Rng): string {
  let out = '';
  const parts = 1 + Math.floor(rng.next() * 8);
  for (let p = 0; p < parts; p++) {
    if (rng.chance(0.3)) out += rng.pick(TEXT);
    else {
      out += rng.pick(OPEN);
      const inner = Math.floor(rng.next() * 7);
      for (let i = 0; i < inner; i++) out += rng.pick(INSIDE);
      // Most tags close; some end the template open, or close with the wrong delimiter.
      if (rng.chance(0.85)) out += rng.pick(CLOSE);
    }
  }
  if (rng.chance(0.2)) out += '\n';
  return out;
}

test('random templates: the library\'s tokens one for one, or a failure where the library fails', () => {
  const rng = new Rng(20261203);
  let agreed = 0;
  let failedBoth = 0;
  const disagreements: string[] = [];
  for (let i = 0; i < 30000; i++) {
    const template = randomTemplate(rng);
    const expected = library(template);
    const actual = ours(template);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) disagreements.push(template);
    else if ('fails' in expected) failedBoth++;
    else agreed++;
  }
  assert.deepEqual(disagreements.slice(0, 5), [], `${disagreements.length} templates are tokenized otherwise than by the library`);
  // Both kinds of outcome are well represented, so the comparison says something about each.
  assert.ok(agreed > 5000 && failedBoth > 5000, `${agreed} tokenized, ${failedBoth} refused by both`);
});

test('the pieces where the lexers could part, one by one', () => {
  const cases = [
    '{{ x }}', '{{ -1 }}', '{{ x-1 }}', '{{ x - -1.5 }}', '{{ (-x) }}', '{{ [1,-2] }}', "{{ 'a'-1 }}", '{{ {"a": {"b": 1}} }}', '{{ {} }}}',
    '{{ x.1.2 }}', '{{ 1.2.3 }}', "{{ '\\x41\\u00e9' }}", "{{ 'a\\qb' }}", "{{ 'a", '{{ x', '{{ 12', '{{ ', '{#', '{# a', '{# a #', '{#-#}',
    '{#}', 'a {#- c -#} b', 'a  {%- if x -%}  b  {%- endif %}', 'a {{- x -}} b', '{% generation %}a{% endgeneration %}', ' \n{%- generation -%}\n ',
    '{{ x }}\n', '\n', '', '{{\u00a0x\u3000}}', '{{\ufeffx}}', '{{\u0085x}}', '{{ x!y }}', '{{ x ! }}', '{{ @ }}', '{{ é }}', '{{ 😀 }}',
  ];
  for (const template of cases) assert.deepEqual(ours(template), library(template), JSON.stringify(template));
});

test('every template of the real registries, as written and as rewritten for the library', (t) => {
  const corpus = corpusTemplates(true);
  if (!corpus?.length) return t.skip('the real registries are not in ../shared/corpus');
  const templates = new Set(corpus.map((c) => c.template));
  assert.ok(templates.size >= 10, `${templates.size} templates`);
  let rewritten = 0;
  for (const template of templates) {
    assert.deepEqual(ours(template), library(template), template.slice(0, 200));
    for (const profile of Object.values(PROFILES)) {
      let text: string;
      try {
        text = `${lex(template, profile).text}\n`;
      } catch {
        continue; // a template Jinja2 refuses is never handed to the library
      }
      rewritten++;
      assert.deepEqual(ours(text), library(text), text.slice(0, 200));
      assert.deepEqual(libraryTokens(text).map((x) => [x.type, x.value]), (library(text) as { tokens: unknown }).tokens);
    }
  }
  assert.ok(rewritten >= templates.size, `${rewritten} rewritten templates`);
});
