// Resolving an entry's GGUF in a Hugging Face cache laid out as huggingface_hub writes it.
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachedFiles, cachedRepos, hubCache, resolveGguf } from '../../server/src/runtime/modelFiles';

const root = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-hub-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A cached repository with its files as symlinks into blobs/, and refs/main naming the snapshot. */
function cacheRepo(repoId: string, files: string[]): void {
  const repo = path.join(root, `models--${repoId.replace('/', '--')}`);
  const snapshot = path.join(repo, 'snapshots', 'abc123');
  mkdirSync(path.join(repo, 'blobs'), { recursive: true });
  mkdirSync(path.join(repo, 'refs'), { recursive: true });
  writeFileSync(path.join(repo, 'refs', 'main'), 'abc123');
  files.forEach((f, i) => {
    const blob = path.join(repo, 'blobs', `blob${i}`);
    writeFileSync(blob, 'GGUF');
    mkdirSync(path.dirname(path.join(snapshot, f)), { recursive: true });
    symlinkSync(blob, path.join(snapshot, f));
  });
}

cacheRepo('Qwen/Qwen2.5-7B-Instruct-GGUF', ['qwen2.5-7b-instruct-q4_k_m.gguf', 'qwen2.5-7b-instruct-q8_0.gguf', 'README.md']);
cacheRepo('org/split', ['Q8_0/m-Q8_0-00001-of-00002.gguf', 'Q8_0/m-Q8_0-00002-of-00002.gguf']);
const cache = { dir: root, source: 'HF_HUB_CACHE' as const };

it('finds exactly one file, following the snapshot links', () => {
  const r = resolveGguf('Qwen/Qwen2.5-7B-Instruct-GGUF', '*q4_k_m.gguf', cache);
  assert.ok(r.ok);
  if (r.ok) assert.equal(r.relative, 'qwen2.5-7b-instruct-q4_k_m.gguf');
});

it('fails as llama-cpp-python does on no match and on several matches', () => {
  const none = resolveGguf('Qwen/Qwen2.5-7B-Instruct-GGUF', '*Q4_K_M.gguf', cache);
  assert.ok(!none.ok && none.error.startsWith('No file found in Qwen/Qwen2.5-7B-Instruct-GGUF that match *Q4_K_M.gguf'));
  const many = resolveGguf('org/split', 'Q8_0/*Q8_0*.gguf', cache);
  assert.ok(!many.ok && many.error.startsWith('Multiple files found in org/split matching Q8_0/*Q8_0*.gguf'));
  assert.ok(resolveGguf('org/split', 'Q8_0/*-00001-of-*.gguf', cache).ok);
  assert.ok(!resolveGguf('org/split', '*/Q8_0/*Q8_0*.gguf', cache).ok, 'the README example misses a top-level Q8_0/ folder');
});

it('says when the repository is not cached, naming the cache it looked in', () => {
  const r = resolveGguf('org/absent', '*.gguf', cache);
  assert.ok(!r.ok && r.error.includes('not in the Hugging Face cache') && r.error.includes(root));
});

it('finds the cache as huggingface_hub does', () => {
  assert.deepEqual(hubCache({ HF_HUB_CACHE: '/x' }, '/home/u'), { dir: '/x', source: 'HF_HUB_CACHE' });
  assert.deepEqual(hubCache({ HF_HOME: '/h' }, '/home/u'), { dir: path.join('/h', 'hub'), source: 'HF_HOME' });
  assert.deepEqual(hubCache({}, '/home/u'), { dir: path.join('/home/u', '.cache', 'huggingface', 'hub'), source: 'default' });
});

it('lists the cached repositories and a repository\'s files, for completion', () => {
  mkdirSync(path.join(root, 'datasets--org--data'), { recursive: true });
  assert.deepEqual(cachedRepos(cache), ['Qwen/Qwen2.5-7B-Instruct-GGUF', 'org/split']);
  assert.deepEqual(cachedFiles('org/split', cache), ['Q8_0/m-Q8_0-00001-of-00002.gguf', 'Q8_0/m-Q8_0-00002-of-00002.gguf']);
  assert.deepEqual(cachedFiles('org/absent', cache), []);
  assert.deepEqual(cachedRepos({ dir: path.join(root, 'nowhere'), source: 'HF_HUB_CACHE' }), []);
});
