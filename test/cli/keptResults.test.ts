// The command line keeps what it worked out from each chat template (its analysis, its renders, its whitespace
// differences; server/src/keptResults.ts) next to its code cache: a later run of the same bundle reuses them, and
// prints exactly what a run without them prints, on the example, on templates of every kind of finding and on the
// real registries.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'clem-registry.js');
const EXAMPLE = path.join(REPO, 'examples', 'model_registry.json');
const CORPUS = process.env.CLEM_SHARED_CORPUS ?? path.resolve(REPO, '../shared/corpus');
const CORPUS_FILES = ['clemcore-2025-12-16-8bd08307.json', 'clemcore-2026-04-15-ef82bb43.json'];
const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-kept-results-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Templates that give each template finding: a syntax error, an extension tag, whitespace that renders otherwise
// than it shows, no `messages`, no `add_generation_prompt`, and a multimodal template that reads what that backend
// does not pass (the finding that needs the positions of what a template reads).
const entry = (name: string, backend: string, template: string, extra: Record<string, unknown> = {}) => ({
  model_name: name,
  backend,
  huggingface_id: `org/${name}`,
  release_date: '2025-01-01',
  open_weight: true,
  parameters: '7B',
  languages: ['en'],
  context_size: '32k',
  license: { name: 'Apache 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
  model_config: { premade_chat_template: false, custom_chat_template: template, eos_to_cull: '<\\|im_end\\|>', ...extra },
});
const TEMPLATES = path.join(dir, 'model_registry.json');
writeFileSync(TEMPLATES, JSON.stringify([
  entry('syntax', 'huggingface_local', '{% for m in messages %}{{ m.content }'),
  entry('loop', 'llamacpp', '{% for m in messages %}{% if m.role == "system" %}{% continue %}{% endif %}{{ m.content }}{% endfor %}', { filename: '*Q4_K_M.gguf' }),
  entry('whitespace', 'huggingface_local', '{% for m in messages %}USER: {{ m.content }}\n{% endfor %}ASSISTANT:\n'),
  entry('fixed', 'huggingface_local', 'Hello'),
  entry('nogen', 'huggingface_local', '{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}'),
  entry('plain', 'huggingface_multimodal', '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}{% if add_generation_prompt %}ASSISTANT:{% endif %}'),
], null, 2));

function run(cacheHome: string, file: string, extra: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', '--clemcore', '3.3', file], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CACHE_HOME: cacheHome, CLEM_REGISTRY_CODE_CACHE: '', ...extra },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.error, undefined, String(r.error));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function resultsFile(cacheHome: string): string | undefined {
  const folder = path.join(cacheHome, 'clem-registry');
  const name = existsSync(folder) ? readdirSync(folder).find((n) => /^results-[0-9a-f]{32}\.json$/.test(n)) : undefined;
  return name && path.join(folder, name);
}

function codes(stdout: string): string[] {
  return (JSON.parse(stdout) as { diagnostics: { code: string }[] }[])[0].diagnostics.map((d) => d.code);
}

test('kept results: the second run reuses them and prints what a run without them prints', () => {
  const home = path.join(dir, 'templates');
  const plain = run(home, TEMPLATES, { CLEM_REGISTRY_CODE_CACHE: 'off' });
  assert.equal(resultsFile(home), undefined, 'CLEM_REGISTRY_CODE_CACHE=off keeps nothing');
  for (const code of ['jinja-syntax', 'jinja-whitespace', 'jinja-no-messages', 'jinja-no-generation-prompt']) {
    assert.ok(codes(plain.stdout).includes(code), `the registry gives ${code}`);
  }
  const first = run(home, TEMPLATES);
  const file = resultsFile(home);
  assert.ok(file, 'the first run keeps its results');
  const kept = JSON.parse(readFileSync(file, 'utf8')) as { format: number; entries: Record<string, unknown> };
  assert.ok(Object.keys(kept.entries).length >= 12, `analyses, renders and whitespace of six templates (${Object.keys(kept.entries).length})`);
  // A run that finds everything kept writes nothing.
  utimesSync(file, new Date(2020, 0, 1), new Date(2020, 0, 1));
  const second = run(home, TEMPLATES);
  assert.equal(statSync(file).mtime.getFullYear(), 2020, 'the second run added nothing');
  assert.deepEqual(first, plain);
  assert.deepEqual(second, plain);
  // Another registry adds its templates to the same file, and is also as without kept results.
  const other = path.join(dir, 'other_registry.json');
  writeFileSync(other, JSON.stringify([entry('other', 'huggingface_local', '{% for m in messages %}[{{ m.role }}] {{ m.content }}{% endfor %}')]));
  assert.deepEqual(run(home, other), run(home, other, { CLEM_REGISTRY_CODE_CACHE: 'off' }));
  assert.deepEqual(run(home, EXAMPLE), run(home, EXAMPLE, { CLEM_REGISTRY_CODE_CACHE: 'off' }));
  assert.ok(Object.keys(JSON.parse(readFileSync(file, 'utf8')).entries).length > Object.keys(kept.entries).length);
});

test('kept results are what the run reads: a planted result shows in the findings', () => {
  const home = path.join(dir, 'planted');
  const plain = run(home, TEMPLATES);
  const file = resultsFile(home)!;
  const kept = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, Record<string, unknown>> };
  // Every kept analysis now says its template never reads `messages`.
  let planted = 0;
  for (const value of Object.values(kept.entries)) {
    if (value && typeof value === 'object' && 'readsMessages' in value && value.readsMessages === true) {
      value.readsMessages = false;
      planted++;
    }
  }
  assert.ok(planted >= 3);
  writeFileSync(file, JSON.stringify(kept));
  const misled = codes(run(home, TEMPLATES).stdout).filter((c) => c === 'jinja-no-messages').length;
  assert.equal(misled, codes(plain.stdout).filter((c) => c === 'jinja-no-messages').length + planted);
});

test('a damaged or foreign results file counts as empty and is written anew', () => {
  const home = path.join(dir, 'damaged');
  const plain = run(home, TEMPLATES, { CLEM_REGISTRY_CODE_CACHE: 'off' });
  run(home, TEMPLATES);
  const file = resultsFile(home)!;
  for (const damage of ['', '{"format": 2, "entries": ', '[1, 2, 3]', '{"format": 99, "entries": {}}', '\u0000'.repeat(100)]) {
    writeFileSync(file, damage);
    assert.deepEqual(run(home, TEMPLATES), plain, `after ${JSON.stringify(damage.slice(0, 20))}`);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).format, 2, 'written anew');
  }
});

test('kept results of the wrong shape (a file edited by hand) are computed again', () => {
  const home = path.join(dir, 'reshaped');
  const plain = run(home, TEMPLATES, { CLEM_REGISTRY_CODE_CACHE: 'off' });
  run(home, TEMPLATES);
  const file = resultsFile(home)!;
  const kept = JSON.parse(readFileSync(file, 'utf8')) as { format: number; entries: Record<string, unknown> };
  const keys = Object.keys(kept.entries);
  for (const wrong of [42, 'text', [1], { readsMessages: 'yes', extensionTags: [] }, [{ start: 0, end: 1, kind: 'x', before: '', keep: {} }], { answered: 7 }]) {
    writeFileSync(file, JSON.stringify({ format: 2, entries: Object.fromEntries(keys.map((k) => [k, wrong])) }));
    assert.deepEqual(run(home, TEMPLATES), plain, `every result kept as ${JSON.stringify(wrong)}`);
  }
  // The results computed again replace the wrong ones.
  const again = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, unknown> };
  assert.deepEqual(Object.keys(again.entries).sort(), [...keys].sort());
  assert.ok(Object.values(again.entries).every((v) => JSON.stringify(v) !== JSON.stringify({ answered: 7 })));
});

test('kept results on the real registries: first run, second run and no kept results print the same', (t) => {
  const files = CORPUS_FILES.map((f) => path.join(CORPUS, f)).filter((f) => existsSync(f));
  if (!files.length) return t.skip('the real registries are not in ../shared/corpus');
  const home = path.join(dir, 'corpus');
  for (const file of files) {
    const plain = run(home, file, { CLEM_REGISTRY_CODE_CACHE: 'off' });
    assert.ok(codes(plain.stdout).length > 0);
    assert.deepEqual(run(home, file), plain, `${path.basename(file)}, first run`);
    assert.deepEqual(run(home, file), plain, `${path.basename(file)}, second run`);
  }
});

test('the results file stays within about a megabyte of inputs, with this run\'s results first', () => {
  const home = path.join(dir, 'bounded');
  run(home, TEMPLATES);
  const file = resultsFile(home)!;
  const ours = Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, unknown> }).entries);
  // 3,000 results of other templates, 1,000 characters each (3 MB of inputs), and none of this registry's.
  const foreign = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`template-analysis\u0000${String(i).padStart(1000, 'x')}`, { readsMessages: true, readsAddGenerationPrompt: true, extensionTags: [] }]));
  writeFileSync(file, JSON.stringify({ format: 2, entries: foreign }));
  const plain = run(home, TEMPLATES, { CLEM_REGISTRY_CODE_CACHE: 'off' });
  assert.deepEqual(run(home, TEMPLATES), plain);
  const kept = Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, unknown> }).entries);
  assert.ok(statSync(file).size < 1.2e6, `${statSync(file).size} bytes`);
  assert.deepEqual(kept.slice(0, ours.length).sort(), [...ours].sort(), 'this run\'s results come first');
  assert.ok(kept.length > ours.length + 500 && kept.length < ours.length + 1000, `${kept.length - ours.length} of the others kept`);
});
