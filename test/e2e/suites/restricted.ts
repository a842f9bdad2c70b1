// Restricted mode: workspace trust is on and the folder is not trusted; the diagnostics still work, Test model entry
// does not run.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { EditorDriver } from '../shared/driver';
import { REGISTRY, SQUIGGLES, TEST_ENTRY, entryLine } from '../shared/expectations';
import { assertProblemsMatchChecker } from './registry';

export function restrictedSuite(driver: () => EditorDriver): void {
  describe('a model_registry.json in restricted mode', function () {
    it('opens the folder in restricted mode', async function () {
      assert.equal(await driver().isRestricted(), true);
      await driver().screenshot('restricted-mode');
    });

    it('still lists the diagnostics in the Problems panel', async function () {
      await driver().openFile(REGISTRY);
      await assertProblemsMatchChecker(driver());
      const [squiggle] = SQUIGGLES;
      assert.ok((await driver().diagnosticsAt(squiggle.inside)).includes(squiggle.code), `${squiggle.code} covers ${squiggle.inside.line}:${squiggle.inside.col}`);
      await driver().screenshot('restricted-problems');
    });

    it('does not run Test entry from its code lens: a warning, no report, and the diagnostics stay', async function () {
      const [run] = TEST_ENTRY.runs;
      await driver().openFile(REGISTRY);
      const before = await driver().openEditors();
      await driver().clickCodeLens(entryLine(run.modelName), TEST_ENTRY.lens);
      const message = await driver().notification(TEST_ENTRY.restricted);
      // null: the driver cannot see notifications (the `vscode` API one).
      if (message !== null) assert.ok(message, `a notification matches ${TEST_ENTRY.restricted}`);
      await driver().screenshot('restricted-test-entry');
      // The command shows the warning and returns: by now a report would be open.
      const after = await driver().openEditors();
      assert.ok(!after.includes(run.title), `no report opens: ${after.join(', ')}`);
      assert.deepEqual(after, before, 'no editor opens or closes');
      await assertProblemsMatchChecker(driver());
    });

    it('does not list Test model entry in the command palette', async function () {
      const { filter, command, always } = TEST_ENTRY.palette;
      const listed = await driver().paletteCommands(filter, always);
      if (listed !== null) assert.ok(!listed.includes(command), `the palette does not list ${command}: ${listed.join(', ')}`);
    });
  });
}
