// Runtime delivery: the packages chosen per platform, and a real `npm install` of the runtime into a fresh folder
// that the test worker then runs a scripted model with, as the extension does on first use.
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runEntryTest } from '../../server/src/runtime/runner';
import { installRuntime, runtimePackages } from '../../server/src/runtime/runtimeInstall';
import { findRuntime, LLAMA_RUNTIME_VERSION } from '../../server/src/runtime/runtimeLocation';
import { replyChain, writeScriptedGguf } from '../support/scriptedGguf';

const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-runtime-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('picks node-llama-cpp and the binaries for the platform, CUDA only with an NVIDIA driver', () => {
  const v = LLAMA_RUNTIME_VERSION;
  assert.deepEqual(runtimePackages('linux', 'x64', false), [`node-llama-cpp@${v}`, `@node-llama-cpp/linux-x64@${v}`]);
  assert.deepEqual(runtimePackages('linux', 'x64', true), [`node-llama-cpp@${v}`, `@node-llama-cpp/linux-x64@${v}`, `@node-llama-cpp/linux-x64-cuda@${v}`]);
  assert.deepEqual(runtimePackages('win32', 'x64', true).slice(1), [`@node-llama-cpp/win-x64@${v}`, `@node-llama-cpp/win-x64-cuda@${v}`]);
  assert.deepEqual(runtimePackages('darwin', 'arm64', true).slice(1), [`@node-llama-cpp/mac-arm64-metal@${v}`]);
  assert.deepEqual(runtimePackages('linux', 'arm64', true).slice(1), [`@node-llama-cpp/linux-arm64@${v}`]);
});

it('installs the runtime with npm into its own folder, and the worker runs a model with it', { skip: process.platform !== 'linux' && 'the binaries are chosen for Linux here' }, async () => {
  const target = path.join(dir, 'llama-runtime');
  let output = '';
  // --prefer-offline: npm's cache (filled by `npm ci`) serves the tarballs when it has them.
  const result = await installRuntime(target, { npmArgs: ['--prefer-offline'], onOutput: (t) => { output += t; } });
  assert.ok(result.ok, `${result.error}\n${output}`);
  const runtime = findRuntime([target]);
  assert.equal(runtime?.version, LLAMA_RUNTIME_VERSION);
  assert.ok(runtime!.dir.startsWith(target));
  assert.ok(!existsSync(path.join(target, 'node_modules', '@node-llama-cpp', 'linux-x64-vulkan')), 'other builds are left out');

  const gguf = path.join(dir, 'm.gguf');
  writeScriptedGguf(gguf, { tokens: [{ text: '<|im_start|>', type: 'control' }, { text: '<|im_end|>', type: 'control' }], next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), eosToken: '<|im_end|>' });
  const entry = { model_name: 'm', backend: 'llamacpp', huggingface_id: 'o/m', model_config: { filename: '*.gguf', premade_chat_template: false, custom_chat_template: "{% for m in messages %}{{ m.content }}\n{% endfor %}", eos_to_cull: '<\\|im_end\\|>' } };
  const report = await runEntryTest(
    { registry: { label: 'model_registry.json', text: JSON.stringify([entry]) }, modelName: 'm', gguf: { path: gguf, source: 'the test' }, maxTokens: 4, threads: 2 },
    { workerPath: path.join(ROOT, 'dist', 'testWorker.mjs'), runtimeCandidates: [target], timeoutMs: 120_000 },
  );
  assert.equal(report.verdict, 'pass', JSON.stringify(report.problems));
  const used = report.stages.find((s) => s.id === 'load')!.facts.find((f) => f.label === 'llama.cpp runtime')!.value;
  assert.ok(used.includes(target), used);
});

it('says so when npm fails', async () => {
  const result = await installRuntime(path.join(dir, 'bad'), { packages: ['node-llama-cpp@0.0.0-does-not-exist'], npmArgs: ['--prefer-offline'] });
  assert.equal(result.ok, false);
  assert.match(result.error!, /npm install failed with exit code/);
});
