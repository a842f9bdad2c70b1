// While one large registry is being checked, the real server goes on answering requests about another document:
// each registry is checked on a thread of its own. The test asserts an order of events, not a time: the hovers on
// the small registry are answered before the large one's diagnostics arrive.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol/node';
import { multiplyRegistry } from '../../bench/synthetic';
import { REPO, withServer, withTimeout } from './lspClient';

const SMALL = 'file:///work/small/model_registry.json';
const LARGE = 'file:///work/large/model_registry.json';

test('hovers on one registry are answered while another, large one is being checked', () =>
  withServer(async (client) => {
    const example = readFileSync(path.join(REPO, 'examples', 'model_registry.json'), 'utf8');
    const large = multiplyRegistry(example, 1000); // about 4 MB, 23,000 findings
    client.open(SMALL, example);
    await client.waitForVersion(SMALL, 1);
    const events: string[] = [];
    const largeChecked = client.waitFor(LARGE, () => true, 'the large registry\'s diagnostics', 60_000).then(() => events.push('large checked'));
    client.open(LARGE, large);
    const position = { line: 3, character: 10 }; // on "backend" of the first entry
    for (let i = 0; i < 3; i++) {
      const h = await withTimeout(client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: SMALL }, position }), 'a hover');
      assert.ok(h && typeof h.contents === 'object' && 'value' in h.contents && /backend/.test(h.contents.value), JSON.stringify(h));
      events.push(`hover ${i}`);
    }
    await largeChecked;
    assert.deepEqual(events, ['hover 0', 'hover 1', 'hover 2', 'large checked']);
  }));
