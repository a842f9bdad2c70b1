// The import rule of the Jinja2 package: server/src/jinja2 is the one place that knows Python's Jinja2, like pyre for
// Python's `re`. It imports neither the service nor the runtime nor anything that wires them; everyone else reaches it
// through its entry point, and no other folder holds Jinja machinery of its own (@huggingface/jinja).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceFiles, specifiers } from '../support/imports';

const SRC = path.resolve(__dirname, '../../server/src');
const PACKAGE = path.join(SRC, 'jinja2');
/** Folders and files of the server that use the package: the package must not import them. */
const USERS = ['service', 'runtime', 'lsp', 'clemcore', 'cli.ts', 'cliInput.ts', 'server.ts'].map((p) => path.join(SRC, p));

/** The file a relative specifier names, without extension; undefined for a package name. */
function target(file: string, specifier: string): string | undefined {
  return specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : undefined;
}

const inside = (file: string, dir: string) => file === dir || file === dir.replace(/\.ts$/, '') || file.startsWith(dir + path.sep);

test('the rule sees the imports of a file (a check of the scanner itself)', () => {
  const file = path.join(PACKAGE, 'render.ts');
  const names = specifiers(file);
  assert.ok(names.includes('@huggingface/jinja'), names.join(', '));
  assert.ok(names.some((n) => target(file, n) === path.join(PACKAGE, 'compile')), names.join(', '));
  assert.ok(inside(path.join(SRC, 'service', 'hover'), path.join(SRC, 'service')));
  assert.ok(inside(path.join(SRC, 'cli'), path.join(SRC, 'cli.ts')));
  assert.ok(!inside(path.join(SRC, 'cliInput'), path.join(SRC, 'cli.ts')));
});

test('server/src/jinja2 imports nothing of the service, the runtime, the language server or the CLI', () => {
  const offending: string[] = [];
  for (const file of sourceFiles(PACKAGE)) {
    for (const specifier of specifiers(file)) {
      const to = target(file, specifier);
      if (to && USERS.some((u) => inside(to, u))) offending.push(`${path.relative(SRC, file)} imports ${specifier}`);
    }
  }
  assert.deepEqual(offending, []);
});

test('outside the package, Jinja comes only through its entry point, and no other folder holds Jinja machinery', () => {
  const offending: string[] = [];
  for (const file of sourceFiles(SRC)) {
    if (inside(file, PACKAGE)) continue;
    for (const specifier of specifiers(file)) {
      if (specifier === '@huggingface/jinja' || specifier.startsWith('@huggingface/jinja/')) offending.push(`${path.relative(SRC, file)} uses @huggingface/jinja itself`);
      const to = target(file, specifier);
      if (to && inside(to, PACKAGE) && to !== PACKAGE && to !== path.join(PACKAGE, 'index')) offending.push(`${path.relative(SRC, file)} reaches into ${path.relative(SRC, to)}`);
    }
  }
  assert.deepEqual(offending, []);
  // The package replaced the two places that used to hold Jinja semantics and imported each other.
  assert.ok(!fs.existsSync(path.join(SRC, 'service', 'jinja')), 'service/jinja/ is back');
  assert.ok(!fs.existsSync(path.join(SRC, 'runtime', 'chatTemplate.ts')), 'runtime/chatTemplate.ts is back');
});
