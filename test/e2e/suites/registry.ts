// The authoring experience on the fixture registry, step by step, for either driver.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import type { EditorDriver, Problem } from '../shared/driver';
import { COMPLETION, EXPECTED_PROBLEMS, HOVER, OUTLINE, QUICK_FIX, REGISTRY, SQUIGGLES, checkerProblems, problemKeys } from '../shared/expectations';

/**
 * The Problems panel must list exactly what the checker reports on the file as it is on disk, every entry from
 * clem-registry, and among them the fixture's deliberate mistakes (`mustList`).
 */
export async function assertProblemsMatchChecker(driver: EditorDriver, mustList = EXPECTED_PROBLEMS): Promise<Problem[]> {
  const expected = problemKeys(checkerProblems(path.join(driver.workspaceDir, REGISTRY)));
  const problems = await driver.problems((p) => problemKeys(p).join('\n') === expected.join('\n'));
  assert.deepEqual(problemKeys(problems), expected, 'the Problems panel lists what `clem-registry check` reports');
  for (const p of problems) assert.equal(p.source, 'clem-registry', `${p.code} at ${p.line}:${p.col} comes from clem-registry`);
  const keys = new Set(problemKeys(problems));
  for (const key of problemKeys(mustList)) assert.ok(keys.has(key), `the Problems panel lists ${key}`);
  return problems;
}

export function registrySuite(driver: () => EditorDriver): void {
  describe('a model_registry.json in the editor', function () {
    it('lists the expected diagnostics, with their codes, in the Problems panel', async function () {
      await driver().openFile(REGISTRY);
      await assertProblemsMatchChecker(driver());
      await driver().screenshot('problems');
    });

    it('puts the squiggles on the exact characters of each finding', async function () {
      for (const s of SQUIGGLES) {
        assert.ok((await driver().diagnosticsAt(s.inside)).includes(s.code), `${s.code} covers ${s.inside.line}:${s.inside.col}`);
        if (s === SQUIGGLES[0]) await driver().screenshot('squiggle-hover');
        assert.ok(!(await driver().diagnosticsAt(s.outside)).includes(s.code), `${s.code} does not cover ${s.outside.line}:${s.outside.col}`);
      }
    });

    it('shows a key\'s documentation on hover', async function () {
      const text = await driver().hoverAt(HOVER.at);
      for (const words of HOVER.includes) assert.ok(text.includes(words), `the hover mentions "${words}":\n${text}`);
      await driver().screenshot('hover');
    });

    it('offers the backend\'s keys when completing inside model_config', async function () {
      const labels = await driver().completionOnNewLineAfter(COMPLETION.afterLine, 'completion');
      for (const key of COMPLETION.offers) assert.ok(labels.includes(key), `completion offers ${key}: ${labels.join(', ')}`);
      for (const key of COMPLETION.withholds) assert.ok(!labels.includes(key), `completion does not offer ${key}: ${labels.join(', ')}`);
    });

    it('shows the entries, with their backends, in the outline', async function () {
      const items = await driver().outline();
      const at = items.findIndex((item) => item.name === OUTLINE[0].name && item.detail === OUTLINE[0].detail);
      assert.ok(at >= 0, `the outline shows the entries: ${JSON.stringify(items)}`);
      assert.deepEqual(items.slice(at, at + OUTLINE.length), OUTLINE);
      await driver().screenshot('outline');
    });

    it('applies a quick fix with Ctrl+. and the saved file changes as expected', async function () {
      const file = path.join(driver().workspaceDir, REGISTRY);
      const before = readFileSync(file, 'utf8').split('\n');
      const lineIndex = QUICK_FIX.at.line - 1;
      assert.equal(before[lineIndex], QUICK_FIX.before);
      const applied = await driver().applyQuickFix(QUICK_FIX.at, QUICK_FIX.title, 'quick-fix-menu');
      assert.match(applied, QUICK_FIX.title);
      const after = readFileSync(file, 'utf8').split('\n');
      assert.equal(after[lineIndex], QUICK_FIX.after);
      assert.deepEqual(after.filter((_, i) => i !== lineIndex), before.filter((_, i) => i !== lineIndex), 'only that line changed');
      // The fix's findings are gone and the panel again matches the checker on the changed file.
      const fixed = QUICK_FIX.removes;
      const onFixedLine = (p: Pick<Problem, 'code' | 'line'>) => p.code === fixed && p.line === QUICK_FIX.at.line;
      const problems = await assertProblemsMatchChecker(driver(), EXPECTED_PROBLEMS.filter((p) => !onFixedLine(p)));
      assert.ok(!problems.some(onFixedLine), `no ${fixed} is reported on line ${QUICK_FIX.at.line} any more`);
      await driver().screenshot('quick-fix-applied');
    });
  });
}
