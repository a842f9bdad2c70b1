// Names in tags as Python's Jinja2 lexes them: ASCII names, names with other letters, marks and `·` at their start,
// middle or end, and names Jinja2 refuses ("Invalid character in identifier"). The lexer decides ASCII names without
// its Unicode rules; Jinja2's own lexer is the judge of all of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lex } from '../../server/src/jinja2/jinja2Lexer';
import { PROFILES } from '../../server/src/jinja2/environments';
import { PYTHON } from '../support/python';

const NAMES = [
  'abc', 'x1_y', '_', '__x9', 'abcé', 'é1', 'größe', 'a·b', 'aé_b', 'éa1_', 'a\u0301', 'ab\u0301c', 'Ⅻx', 'x\u2160',
  '\u0301a', '·a',
];
// Where the two lexers differ before any name rule is involved (not what this test is about): Python's name rule
// takes other digits (`¹`) and refuses the name; ours has no rule for them and refuses the character.

/** What Jinja2's lexer makes of `{{ NAME }}` for each name: the names it reads, or its error. */
function judged(templates: string[]): { names?: string[]; error?: string }[] {
  const script = `
import json, sys, jinja2
env = jinja2.Environment()
out = []
for t in json.load(sys.stdin):
    try:
        out.append({"names": [tok.value for tok in env.lexer.tokenize(t) if tok.type == "name"]})
    except jinja2.TemplateSyntaxError as e:
        out.append({"error": e.message})
print(json.dumps(out))
`;
  const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(templates), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

test('names are read, and refused, as Jinja2 reads and refuses them', () => {
  const templates = NAMES.flatMap((name) => [`{{ ${name} }}`, `{{ x|${name} }}`, `{% set ${name} = 1 %}`]);
  const expected = judged(templates);
  assert.ok(expected.some((e) => e.error) && expected.some((e) => e.names?.some((n) => /[^\x00-\x7f]/.test(n))), 'both kinds are judged');
  templates.forEach((template, i) => {
    let ours: { names?: string[]; error?: string };
    try {
      const lexed = lex(template, PROFILES.transformers);
      ours = { names: lexed.text.slice(3, -3).split(/[\s|=]+/).filter((w) => w && w !== '1') };
      assert.deepEqual(lexed.filters.map((f) => f.name), template.includes('|') ? [expected[i].names?.[1]] : [], `${template}: filters`);
    } catch (e) {
      if (!(e instanceof Error) || e.constructor.name !== 'TemplateSyntaxError') throw e;
      ours = { error: e.message };
    }
    assert.deepEqual(ours, expected[i], JSON.stringify(template));
  });
});
