// The real server over stdio: a registry edited incrementally gets the same published diagnostics (as LSP ranges) as
// the same text sent whole, over 2,100 seeded random edits aimed at line breaks (compared after every other one),
// with LF, CRLF and mixed line ends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { seededRandom } from '../support/random';
import { withServer } from './lspClient';
import { randomEdit, realRegistry, withLineEnds } from './randomEdits';

const EDITS_PER_KIND = 700;
const COMPARE_EVERY = 2;

/** What a publish says, without the document URI, so two documents with the same text compare equal. */
function comparable(diags: Diagnostic[]) {
  return diags.map((d) => ({ ...d, relatedInformation: d.relatedInformation?.map((r) => ({ range: r.location.range, message: r.message })) }));
}

describe('incremental sync equals full sync over the real server', () => {
  const { name, text: registry } = realRegistry();
  for (const kind of ['lf', 'crlf', 'mixed'] as const) {
    it(`${kind} line ends: ${EDITS_PER_KIND} random edits on ${name}`, () =>
      withServer(async (client) => {
        const random = seededRandom(kind.length * 104729 + 3);
        const incremental = `file:///work/incremental-${kind}/model_registry.json`;
        const full = `file:///work/full-${kind}/model_registry.json`;
        let text = withLineEnds(registry, kind, random);
        client.open(incremental, text);
        client.open(full, text);
        assert.deepEqual(comparable(await client.waitForVersion(incremental, 1)), comparable(await client.waitForVersion(full, 1)));
        const since: string[] = [];
        for (let step = 0; step < EDITS_PER_KIND; step++) {
          const edit = randomEdit(text, random);
          text = edit.after;
          since.push(`${JSON.stringify(edit.range)} ← ${JSON.stringify(edit.text)}`);
          const version = client.change(incremental, [{ range: edit.range, text: edit.text }]);
          // Every other edit is compared; in between, two edits reach the server before one check.
          if (step % COMPARE_EVERY !== COMPARE_EVERY - 1) continue;
          client.change(full, [{ text }], version);
          const [got, expected] = await Promise.all([client.waitForVersion(incremental, version), client.waitForVersion(full, version)]);
          assert.deepEqual(comparable(got), comparable(expected), `step ${step}, after ${since.join(', ')}`);
          since.length = 0;
        }
      }, { debounceMs: 0 }));
  }
});
