// Test model entry from its code lens, on real llama.cpp with the scripted GGUF: one entry passes, one fails.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { EditorDriver } from '../shared/driver';
import { REGISTRY, TEST_ENTRY, entryLine } from '../shared/expectations';

export function testEntrySuite(driver: () => EditorDriver): void {
  describe('Test model entry from its code lens', function () {
    it('is in the command palette', async function () {
      const { filter, command, always } = TEST_ENTRY.palette;
      const listed = await driver().paletteCommands(filter, always);
      if (listed !== null) assert.ok(listed.includes(command), `the palette lists ${command}: ${listed.join(', ')}`);
    });

    for (const run of TEST_ENTRY.runs) {
      it(`reports ${run.verdict.toUpperCase()} for ${run.modelName} in a report document`, async function () {
        // More room for the report in the screenshot.
        await driver().hidePanel();
        await driver().openFile(REGISTRY);
        await driver().clickCodeLens(entryLine(run.modelName), TEST_ENTRY.lens);
        const { text } = await driver().openedDocument(run.title);
        assert.equal(text.split('\n')[0], run.heading);
        for (const part of run.includes) assert.ok(text.includes(part), `the report says ${JSON.stringify(part)}:\n${text}`);
        for (const part of run.excludes) assert.ok(!text.includes(part), `the report does not say ${JSON.stringify(part)}:\n${text}`);
        const message = await driver().notification(run.notification);
        // null: the driver cannot see notifications (the `vscode` API one).
        if (message !== null) assert.ok(message, `a notification matches ${run.notification}`);
        await driver().screenshot(`test-entry-${run.verdict}`);
        await driver().closeEditor(run.title);
      });
    }
  });
}
