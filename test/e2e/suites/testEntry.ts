// Test model entry from its code lens, on real llama.cpp with the scripted GGUF: one entry passes, one fails, and one
// whose model file is nowhere cannot be tested. Each report opens in the report view, read as a user sees it and
// copied as markdown, and is photographed in the light and the dark theme.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import type { EditorDriver } from '../shared/driver';
import { REGISTRY, TEST_ENTRY, entryLine } from '../shared/expectations';

const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' } as const;

export function testEntrySuite(driver: () => EditorDriver): void {
  describe('Test model entry from its code lens', function () {
    it('is in the command palette', async function () {
      const { filter, command, always } = TEST_ENTRY.palette;
      const listed = await driver().paletteCommands(filter, always);
      if (listed !== null) assert.ok(listed.includes(command), `the palette lists ${command}: ${listed.join(', ')}`);
    });

    for (const run of TEST_ENTRY.runs) {
      it(`reports ${run.verdict.toUpperCase()} for ${run.modelName} in the report view`, async function () {
        // More room for the report in the screenshot.
        await driver().hidePanel();
        await driver().openFile(REGISTRY);
        await driver().clickCodeLens(entryLine(run.modelName), TEST_ENTRY.lens);
        try {
          await checkReport(driver(), run);
        } finally {
          // A report left open would squeeze the next one into a third column.
          if ((await driver().openEditors()).includes(run.title)) await driver().closeEditor(run.title);
        }
      });
    }
  });
}

async function checkReport(driver: EditorDriver, run: (typeof TEST_ENTRY.runs)[number]): Promise<void> {
  const { view } = await driver.openedReport(run.title);
  // null: the driver cannot see into the view (the `vscode` API one).
  if (view !== null) assert.deepEqual(view, run.view);
  const message = await driver.notification(run.notification);
  // null: the driver cannot see notifications (the `vscode` API one).
  if (message !== null) assert.ok(message, `a notification matches ${run.notification}`);
  // The toasts would cover the view in its pictures.
  await driver.runCommand({ id: 'notifications.clearAll', title: 'Notifications: Clear All Notifications' });
  try {
    for (const [name, theme] of Object.entries(THEMES)) {
      await driver.setColorTheme(theme);
      await driver.screenshotReport(`report-${run.verdict}-${name}`);
      await driver.screenshotReport(`report-${run.verdict}-${name}-output`, 'output-title');
    }
    await driver.screenshot(`test-entry-${run.verdict}`);
  } finally {
    await driver.setColorTheme(THEMES.light);
  }
  const markdown = await driver.copyReport();
  assert.equal(markdown.split('\n')[0], run.heading);
  for (const part of run.includes) assert.ok(markdown.includes(part), `the report says ${JSON.stringify(part)}:\n${markdown}`);
  for (const part of run.excludes) assert.ok(!markdown.includes(part), `the report does not say ${JSON.stringify(part)}:\n${markdown}`);
}
