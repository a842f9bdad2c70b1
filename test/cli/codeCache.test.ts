// The command line's code cache (server/src/cliLoader.ts): written after the first run into $XDG_CACHE_HOME, used by
// the next runs, replaced when V8 refuses it, and never a reason for a different result or a failure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'clem-registry.js');
const EXAMPLE = path.join(REPO, 'examples', 'model_registry.json');
const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-code-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CACHE_FILE = /^cli-[0-9a-f]{32}\.v8$/;
// A registry with findings of each severity, so that the runs compared below print something.
const BROKEN = path.join(dir, 'model_registry.json');
writeFileSync(BROKEN, '[{"model_name": "m", "backend": "llamacpp", "huggingface_id": "org/m", "release_date": "2025-13-01", "model_config": {"premade_chat_template": "yes"}}]\n');

function run(cacheHome: string, extra: NodeJS.ProcessEnv = {}, file = BROKEN, bin = BIN) {
  const r = spawnSync(process.execPath, [bin, 'check', '--format', 'json', file], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CACHE_HOME: cacheHome, CLEM_REGISTRY_CODE_CACHE: '', ...extra },
    timeout: 20_000,
  });
  assert.equal(r.error, undefined, String(r.error));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cacheFiles(cacheHome: string): string[] {
  try {
    return readdirSync(path.join(cacheHome, 'clem-registry')).sort();
  } catch {
    return [];
  }
}

test('the first run writes the code, the next one uses it, and both print what a run without it prints', () => {
  const home = path.join(dir, 'first');
  const plain = run(home, { CLEM_REGISTRY_CODE_CACHE: 'off' });
  assert.deepEqual(cacheFiles(home), [], 'CLEM_REGISTRY_CODE_CACHE=off writes nothing');
  assert.equal(plain.status, 1);
  assert.ok(JSON.parse(plain.stdout)[0].diagnostics.length > 0);

  const first = run(home);
  const files = cacheFiles(home);
  assert.equal(files.length, 1);
  assert.match(files[0], CACHE_FILE);
  const cached = path.join(home, 'clem-registry', files[0]);
  // Used, not refused: a refused file would be written again at the end of the run.
  utimesSync(cached, new Date(2020, 0, 1), new Date(2020, 0, 1));
  const second = run(home);
  assert.equal(statSync(cached).mtime.getFullYear(), 2020, 'the second run used the code as it was');
  for (const r of [first, second]) assert.deepEqual(r, plain);
  // Another registry, with other functions to run, also as without the cache.
  assert.deepEqual(run(home, {}, EXAMPLE), run(home, { CLEM_REGISTRY_CODE_CACHE: 'off' }, EXAMPLE));
});

test('a damaged cache file is replaced, and the run is as without it', () => {
  const home = path.join(dir, 'damaged');
  const plain = run(home, { CLEM_REGISTRY_CODE_CACHE: 'off' });
  run(home);
  const [name] = cacheFiles(home);
  const cached = path.join(home, 'clem-registry', name);
  const good = readFileSync(cached);
  writeFileSync(cached, Buffer.concat([good.subarray(0, 64), Buffer.alloc(4096, 0x5a)]));
  assert.deepEqual(run(home), plain);
  assert.ok(readFileSync(cached).length > 4096 + 64, 'written anew');
  writeFileSync(cached, '');
  assert.deepEqual(run(home), plain);
  assert.ok(readFileSync(cached).length > 0, 'an empty file is written anew too');
});

test('a cache folder that cannot be made changes nothing', () => {
  const notADirectory = path.join(dir, 'a-file');
  writeFileSync(notADirectory, 'x');
  const plain = run(path.join(dir, 'unused'), { CLEM_REGISTRY_CODE_CACHE: 'off' });
  assert.deepEqual(run(notADirectory), plain);
  assert.equal(readFileSync(notADirectory, 'utf8'), 'x');
});

test('the code of older bundles is removed but for the newest three', () => {
  const home = path.join(dir, 'old');
  const folder = path.join(home, 'clem-registry');
  run(home);
  const [ours] = cacheFiles(home);
  rmSync(path.join(folder, ours));
  const old = ['1', '2', '3', '4', '5'].map((d) => `cli-${d.repeat(32)}.v8`);
  const results = (name: string) => name.replace(/^cli-(.*)\.v8$/, 'results-$1.json');
  old.forEach((name, i) => {
    writeFileSync(path.join(folder, name), 'old');
    utimesSync(path.join(folder, name), new Date(2020, 0, 1 + i), new Date(2020, 0, 1 + i));
    // The kept results of the same bundles go with their code.
    writeFileSync(path.join(folder, results(name)), '{}');
  });
  writeFileSync(path.join(folder, 'notes.txt'), 'not ours');
  run(home);
  assert.deepEqual(cacheFiles(home), [...old.slice(2), ...old.slice(2).map(results), ours, 'notes.txt'].sort());
});

test('a bundle changed after the build, even to the same length, is not run with the code of the old one', () => {
  // A copy of the command line: dist/cli.js finds its bundle next to it.
  const copy = path.join(dir, 'copy');
  mkdirSync(path.join(copy, 'cli'), { recursive: true });
  copyFileSync(path.join(REPO, 'dist', 'cli.js'), path.join(copy, 'cli.js'));
  const bundle = path.join(copy, 'cli', 'main.js');
  copyFileSync(path.join(REPO, 'dist', 'cli', 'main.js'), bundle);
  const home = path.join(dir, 'changed');
  const runCopy = () => run(home, {}, BROKEN, path.join(copy, 'cli.js'));
  const codeFiles = () => cacheFiles(home).filter((n) => CACHE_FILE.test(n)).length;
  const before = runCopy();
  assert.match(before.stdout, /is not a valid ISO date/);
  assert.equal(codeFiles(), 1);
  // The same number of characters, one message different: what V8 checks of a cache (the length) still fits.
  const source = readFileSync(bundle, 'utf8');
  assert.ok(source.includes('is not a valid ISO date'));
  writeFileSync(bundle, source.replaceAll('is not a valid ISO date', 'is NOT a valid ISO date'));
  const after = runCopy();
  assert.match(after.stdout, /is NOT a valid ISO date/);
  assert.equal(codeFiles(), 2, 'a cache of its own');
});
