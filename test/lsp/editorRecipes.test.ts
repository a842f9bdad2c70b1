// The README shows the editor recipes of editors/ as they are, so the one that test/lsp/neovim.test.ts runs in
// Neovim is the one users copy, and the others stay in step with the files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const REPO = path.resolve(__dirname, '..', '..');
const EDITORS = path.join(REPO, 'editors');

test('the README shows every recipe of editors/ verbatim, in a code block', () => {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8').replace(/\r\n/g, '\n');
  const recipes = readdirSync(EDITORS).sort();
  assert.deepEqual(recipes, ['eglot.el', 'helix.toml', 'neovim.lua']);
  for (const name of recipes) {
    const text = readFileSync(path.join(EDITORS, name), 'utf8').replace(/\r\n/g, '\n');
    assert.ok(readme.includes(`\n${text}\`\`\`\n`), `README.md does not show editors/${name} as it is`);
  }
});
