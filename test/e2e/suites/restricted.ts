// Restricted mode: workspace trust is on and the folder is not trusted; the diagnostics still work.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { EditorDriver } from '../shared/driver';
import { REGISTRY, SQUIGGLES } from '../shared/expectations';
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
  });
}
