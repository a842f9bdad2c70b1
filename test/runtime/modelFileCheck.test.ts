// Before offering the llama.cpp runtime, "Test model entry" looks for the entry's model file: the setting's GGUF,
// else the Hugging Face cache. Only a model that is there makes the runtime worth installing.
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkModelFile } from '../../client/src/modelFileCheck';

const root = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-model-check-'));
after(() => rmSync(root, { recursive: true, force: true }));
const cache = { dir: path.join(root, 'hub'), source: 'HF_HUB_CACHE' as const };
const snapshot = path.join(cache.dir, 'models--org--cached', 'snapshots', 'abc');
mkdirSync(snapshot, { recursive: true });
writeFileSync(path.join(snapshot, 'm-q4.gguf'), 'GGUF');
const local = path.join(root, 'local.gguf');
writeFileSync(local, 'GGUF');

const registry = JSON.stringify([
  { model_name: 'cached', backend: 'llamacpp', huggingface_id: 'org/cached', model_config: { filename: '*q4.gguf' } },
  { model_name: 'absent', backend: 'llamacpp', huggingface_id: 'org/absent', model_config: { filename: '*.gguf' } },
  { model_name: 'remote', backend: 'openai' },
  { model_name: 'nameless', backend: 'llamacpp', model_config: {} },
  { model_name: 'hf', backend: 'huggingface_local', huggingface_id: 'org/cached', model_config: {} },
]);
const check = (entryIndex: number, override?: { path: string; source: string }) => checkModelFile({ registryText: registry, entryIndex, override, cache });

it('finds the GGUF in the Hugging Face cache as the test does', () => {
  assert.deepEqual(check(0), { kind: 'found', path: path.join(snapshot, 'm-q4.gguf') });
});

it('says that no model file is there, with one full stop, when the repository is not cached', () => {
  const r = check(1);
  assert.equal(r.kind, 'missing');
  if (r.kind !== 'missing') return;
  assert.match(r.message, /^org\/absent is not in the Hugging Face cache \(.*\)\. clemcore would download it; .* or point to the GGUF file directly\.$/);
  assert.ok(!r.message.includes('..'), r.message);
});

it('takes the setting\'s GGUF over the cache, and says when it is not there', () => {
  assert.deepEqual(check(1, { path: local, source: 'setting clemRegistry.modelFiles["absent"]' }), { kind: 'found', path: local });
  const gone = check(0, { path: path.join(root, 'gone.gguf'), source: 'setting clemRegistry.modelFiles["cached"]' });
  assert.deepEqual(gone, { kind: 'missing', message: `The GGUF file ${path.join(root, 'gone.gguf')} (from setting clemRegistry.modelFiles["cached"]) does not exist or is not a file.` });
  assert.equal(check(0, { path: root, source: 's' }).kind, 'missing', 'a folder is not a model file');
});

it('needs no model file for entries the test does not load, and says what an entry without one lacks', () => {
  assert.deepEqual(check(2), { kind: 'not-needed' });
  assert.deepEqual(check(9), { kind: 'not-needed' });
  assert.deepEqual(checkModelFile({ registryText: '[', entryIndex: 0, cache }), { kind: 'not-needed' });
  assert.deepEqual(check(3), { kind: 'missing', message: 'The entry names no model file: it needs a huggingface_id and a model_config.filename.' });
});

it('runs a huggingface_local entry only on the GGUF the setting names, never on the cache', () => {
  assert.deepEqual(check(4, { path: local, source: 'setting clemRegistry.modelFiles["hf"]' }), { kind: 'found', path: local });
  const none = check(4);
  assert.equal(none.kind, 'missing');
  if (none.kind === 'missing') assert.match(none.message, /^A huggingface_local entry runs here on a GGUF of the same model, in place of transformers, and none is named\.$/);
});
