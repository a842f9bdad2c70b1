// Focused tests of pyre on patterns from the model-registry world, exact CPython messages/positions, 3.10 differences, analysis and speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canMatchEmpty, fullMatch, parsePattern, py310Judgement, search, split, sub, widthRange } from '../../server/src/pyre';
import type { Node, Pattern } from '../../server/src/pyre';

function ok(p: string): Pattern {
  const r = parsePattern(p);
  assert.ok(r.ok, `${p} should be valid: ${r.ok ? '' : r.error.message}`);
  return r.ast;
}
function bad(p: string, message: string, pos: number): void {
  const r = parsePattern(p);
  assert.ok(!r.ok, `${p} should be invalid`);
  assert.equal(r.error.message, message);
  assert.equal(r.error.pos, pos);
}

test('registry patterns are valid', () => {
  const lit = ok('<\\|im_end\\|>');
  assert.equal(lit.body.type, 'sequence');
  const items = (lit.body as Extract<Node, { type: 'sequence' }>).items;
  assert.deepEqual(items[1], { type: 'literal', cp: 124, escaped: true, escape: '\\|', start: 1, end: 3 });
  ok('<end_of_turn>\\n*<eos>');
  ok('<\\|end\\|><\\|start\\|>assistant(<\\|channel\\|>commentary to=assistant)*<\\|channel\\|>final<\\|message\\|>');
  ok('\\[EOS\\]');
  const fw = ok('<｜end▁of▁sentence｜>');
  assert.ok(fw.body.type === 'sequence' && fw.body.items.every((n) => n.type === 'literal'));
});

test('unescaped bars make an alternation with recorded offsets', () => {
  const ast = ok('<|im_end|>');
  assert.equal(ast.body.type, 'alternation');
  if (ast.body.type !== 'alternation') return;
  assert.equal(ast.body.branches.length, 3);
  assert.deepEqual(ast.body.bars, [1, 8]);
  assert.equal(fullMatch(ast, 'im_end'), true);
  assert.equal(sub(ast, 'a<|im_end|>b'), 'a||b');
});

test('exact CPython errors and positions', () => {
  bad('(abc', 'missing ), unterminated subpattern', 0);
  bad('a**', 'multiple repeat', 2);
  bad('[a-', 'unterminated character set', 0);
  bad('\\q', 'bad escape \\q', 0);
  bad('abc(?i)', 'global flags not at the start of the expression', 3);
  bad('*a', 'nothing to repeat', 0);
  bad('a{3,2}', 'min repeat greater than max repeat', 2);
  bad('[z-a]', 'bad character range z-a', 1);
  bad('(?<name>a)', 'unknown extension ?<n', 1);
  bad('(?P<1a>x)', "bad character in group name '1a'", 4);
  bad('(a)\\2', 'invalid group reference 2', 4);
  bad('(a\\1)', 'cannot refer to an open group', 2);
  bad('\\400', 'octal escape value \\400 outside of range 0-0o377', 0);
  bad('\\N{NOT A NAME}', "undefined character name 'NOT A NAME'", 0);
  bad('a)', 'unbalanced parenthesis', 1);
  bad('(?<=a*)b', 'look-behind requires fixed-width pattern', 0);
  bad('a{4294967295}', 'the repetition number is too large', 1);
  bad('(?(1)a|b|c)(x)', 'conditional backref with more than two branches', 8);
});

test('compile-time and non-re errors say that Python gives no position', () => {
  const r = parsePattern('x(?<=a|bc)');
  assert.ok(!r.ok);
  assert.equal(r.error.pythonPos, null);
  assert.equal(r.error.offset, 1);
  const o = parsePattern('a{99999999999}');
  assert.ok(!o.ok && o.error.exception === 'OverflowError');
});

test('pos counts code points, offset counts UTF-16 units', () => {
  const r = parsePattern('😀😀\\q');
  assert.ok(!r.ok);
  assert.equal(r.error.pos, 2);
  assert.equal(r.error.offset, 4);
  assert.equal(r.error.length, 2);
});

test('3.11-only syntax and the 3.10 judgement', () => {
  ok('(?>ab)c');
  ok('a*+b');
  ok('a{1,2}+');
  assert.equal(py310Judgement('<\\|im_end\\|>'), undefined);
  const atomic = py310Judgement('x(?>ab)');
  assert.ok(atomic && !atomic.valid310);
  assert.match(atomic.message, /unknown extension \?>/);
  assert.equal(atomic.offset, 2);
  const poss = py310Judgement('a++');
  assert.ok(poss && !poss.valid310);
  assert.match(poss.message, /multiple repeat/);
  assert.equal(poss.offset, 2);
  const late = py310Judgement('abc(?i)');
  assert.ok(late && late.valid310);
  assert.match(late.message, /DeprecationWarning/);
  assert.equal(late.offset, 3);
  // still invalid in 3.10 for another reason
  const both = py310Judgement('abc(?i)(');
  assert.ok(both && !both.valid310);
});

test('verbose mode skips whitespace and comments', () => {
  const ast = ok('(?x) a b # comment\n c');
  assert.equal(fullMatch(ast, 'abc'), true);
  ok('(?x)[ ]');
  ok('(?x)a # (');
  bad('(?x)a (', 'missing ), unterminated subpattern', 6);
});

test('matcher basics: search, sub with empty matches, split', () => {
  const ast = ok('<end_of_turn>\\n*<eos>');
  assert.deepEqual(search(ast, 'hi<end_of_turn>\n\n<eos>'), { start: 2, end: 22, groups: [null] });
  assert.equal(sub(ok('x*'), 'abxd', '-'), '-a-b--d-');
  assert.deepEqual(split(ok('(,)'), 'a,b'), ['a', ',', 'b']);
  assert.equal(fullMatch(ok('(?i)ǅ'), 'ǆ'), true);
  assert.equal(fullMatch(ok('(a+)+b'), 'a'.repeat(40), { maxSteps: 10_000 }), undefined);
});

test('analysis: empty matches and widths', () => {
  assert.equal(canMatchEmpty(ok('a*')), true);
  assert.equal(canMatchEmpty(ok('<\\|im_end\\|>')), false);
  assert.equal(canMatchEmpty(ok('<|im_end|>')), false);
  assert.equal(canMatchEmpty(ok('a|')), true);
  assert.deepEqual(widthRange(ok('ab{2,5}(c|de)?')), { min: 3, max: 8 });
  assert.deepEqual(widthRange(ok('a+')), { min: 1, max: Infinity });
  assert.deepEqual(widthRange(ok('(ab)\\1(?=x)')), { min: 4, max: 4 });
});

// Speed is measured in bench/, not asserted here.
test('long patterns parse, and deep nesting fails cleanly', () => {
  const big = 'ab|c(d)[e-f]*'.repeat(8000);
  assert.ok(parsePattern(big).ok);
  assert.ok(!parsePattern('(' + big).ok);
  assert.ok(!parsePattern(big + '\\').ok);
  const deep = parsePattern('('.repeat(1000) + ')'.repeat(1000));
  assert.ok(!deep.ok && deep.error.exception === 'RecursionError');
  assert.ok(parsePattern('('.repeat(100) + ')'.repeat(100)).ok);
  const deepOpen = parsePattern('('.repeat(100000));
  assert.ok(!deepOpen.ok);
});
