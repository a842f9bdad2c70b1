// The `clemRegistry.files` globs as the server matches them for editors other than VS Code: relative to the
// workspace folders, or anywhere with `**/`, with VS Code's glob syntax.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { matchesRegistryGlobs } from '../../server/src/lsp/registryGlobs';

const ROOT = path.resolve('/work/project');
const at = (...parts: string[]) => path.join(ROOT, ...parts);

test('globs match relative to each workspace folder, or anywhere when they start with **/', () => {
  const cases: [string, string, boolean][] = [
    [at('registries', 'a.json'), 'registries/*.json', true],
    [at('registries', 'sub', 'a.json'), 'registries/*.json', false], // `*` stays within a folder name
    [at('registries', 'sub', 'a.json'), 'registries/**/*.json', true],
    [at('registries', 'a.json'), 'registries/**/*.json', true], // `**/` may be no folder at all
    [path.resolve('/elsewhere/registries/a.json'), '**/registries/*.json', true],
    [path.resolve('/elsewhere/registries/a.json'), 'registries/*.json', false], // outside every folder
    [at('a.json'), '*.{json,jsonc}', true],
    [at('a.jsonc'), '*.{json,jsonc}', true],
    [at('a.txt'), '*.{json,jsonc}', false],
    [at('r1.json'), 'r[0-9].json', true],
    [at('rx.json'), 'r[!0-9].json', true],
    [at('r1.json'), 'r[!0-9].json', false],
    [at('a.json'), '?.json', true],
    [at('ab.json'), '?.json', false],
    [at('a(1)+.json'), 'a(1)+.json', true], // regex characters are plain characters
    [at('a1.json'), 'a(1)+.json', false],
    [at('a.json'), '[', false], // not a pattern: matches nothing, and does not throw
    [at('a.json'), '', false],
  ];
  for (const [file, glob, expected] of cases) {
    assert.equal(matchesRegistryGlobs(file, [glob], [ROOT]), expected, `${glob} on ${path.relative(ROOT, file)}`);
  }
});

test('an absolute glob is matched against the whole path; several folders and globs are each tried', () => {
  assert.equal(matchesRegistryGlobs(at('x', 'a.json'), [path.join(ROOT, 'x', '*.json')], []), true);
  const other = path.resolve('/work/other');
  assert.equal(matchesRegistryGlobs(path.join(other, 'r.json'), ['nothing/*.json', 'r.json'], [ROOT, other]), true);
  assert.equal(matchesRegistryGlobs(path.join(other, 'r.json'), ['r.json'], [ROOT]), false);
});
