// The import rule between the server's floors: clemcore/ holds clemcore's own behaviour (its text paths, its
// conversations, fnmatch, Python truthiness) and is shared by the service (the checks) and the runtime (Test model
// entry, Preview template). The service and the runtime never import each other, and the neutral packages
// (clemcore/, jinja2/, pyre/) import neither of them, nor the language server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceFiles, specifiers } from '../support/imports';

const SRC = path.resolve(__dirname, '../../server/src');
const dir = (name: string) => path.join(SRC, name);

/** The files a file imports, resolved; package names are left out. */
function importedFiles(file: string): string[] {
  return specifiers(file).filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s));
}

const inside = (file: string, folder: string) => file.startsWith(folder + path.sep);

/** Every import from a file under `from` into one of `forbidden`. */
function crossings(from: string, forbidden: string[]): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(dir(from))) {
    for (const to of importedFiles(file)) {
      const hit = forbidden.find((f) => inside(to, dir(f)));
      if (hit) out.push(`${path.relative(SRC, file)} imports ${path.relative(SRC, to)}`);
    }
  }
  return out;
}

test('the scanner sees relative imports, resolved (a check of the rule itself)', () => {
  const pipeline = path.join(dir('runtime'), 'pipeline.ts');
  const seen = importedFiles(pipeline);
  assert.ok(seen.includes(path.join(dir('clemcore'), 'textPath')), seen.join(', '));
  assert.ok(inside(path.join(dir('service'), 'hover'), dir('service')));
  assert.ok(!inside(path.join(SRC, 'serviceX', 'a'), dir('service')));
});

test('the runtime does not import the service', () => {
  assert.deepEqual(crossings('runtime', ['service']), []);
});

test('the service does not import the runtime', () => {
  assert.deepEqual(crossings('service', ['runtime']), []);
});

test('clemcore/, jinja2/ and pyre/ import neither the service, nor the runtime, nor the language server', () => {
  for (const neutral of ['clemcore', 'jinja2', 'pyre']) assert.deepEqual(crossings(neutral, ['service', 'runtime', 'lsp']), [], neutral);
});

test('there is one implementation of clemcore\'s text path, and both floors use it', () => {
  assert.ok(!fs.existsSync(path.join(dir('runtime'), 'postProcess.ts')), 'runtime/postProcess.ts is back');
  const users = ['runtime', 'service'].map((floor) => sourceFiles(dir(floor)).some((f) => importedFiles(f).includes(path.join(dir('clemcore'), 'textPath'))));
  assert.deepEqual(users, [true, true]);
});
