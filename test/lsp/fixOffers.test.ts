// Ctrl+. never offers two actions that make the same edit: such fixes are one action for all their diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixOffers } from '../../server/src/lsp/fixOffers';
import type { QuickFix } from '../../server/src/service';

const fix = (title: string, newText: string, preferred = false, offset = 10): QuickFix => ({ title, code: 'x', edits: [{ offset, length: 4, newText }], preferred, bulkSafe: false });

test('fixes with the same edits are offered once, for every diagnostic they fix, preferred if any of them is', () => {
  const offers = fixOffers(['bar', 'mismatch', 'other'], [
    [fix('Escape the bars', '"a"')],
    [fix('Replace with "a"', '"a"', true), fix('Remove it', '')],
    [fix('Escape the bars', '"a"', false, 20)],
  ]);
  assert.deepEqual(offers.map((o) => [o.fix.title, o.diagnostics, o.fix.preferred]), [
    ['Escape the bars', ['bar', 'mismatch'], true],
    ['Remove it', ['mismatch'], false],
    ['Escape the bars', ['other'], false],
  ]);
});
