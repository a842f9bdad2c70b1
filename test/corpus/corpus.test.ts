// The real registries (../shared/corpus): the 2026 one is clean, the 2025 one shows its known defects and nothing
// else at error level. Skipped when the corpus folder is absent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkRegistry, type RegistryDiagnostic } from '../../server/src/service';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
const FILE_2025 = path.join(CORPUS, 'clemcore-2025-12-16-8bd08307.json');
const FILE_2026 = path.join(CORPUS, 'clemcore-2026-04-15-ef82bb43.json');
const skip = fs.existsSync(FILE_2025) && fs.existsSync(FILE_2026) ? false : 'no ../shared/corpus on this machine';

function withNames(text: string, diags: RegistryDiagnostic[]): { name: string; code: string; severity: string; message: string }[] {
  const entries = JSON.parse(text) as { model_name: string }[];
  return diags.map((d) => ({
    name: typeof d.path[0] === 'number' ? entries[d.path[0]].model_name : '(file)',
    code: d.code,
    severity: d.severity,
    message: d.message,
  }));
}

function summary(found: { code: string; severity: string }[]): string {
  const counts = new Map<string, number>();
  for (const f of found) counts.set(`${f.severity} ${f.code}`, (counts.get(`${f.severity} ${f.code}`) ?? 0) + 1);
  return [...counts].sort().map(([k, n]) => `${k} x${n}`).join(', ');
}

describe('real registries', { skip }, () => {
  it('2026 registry (clemcore 3.7): no errors', () => {
    const text = fs.readFileSync(FILE_2026, 'utf8');
    const found = withNames(text, checkRegistry(text, { clemcoreVersion: '3.7' }));
    console.log(`corpus 2026 @3.7: ${summary(found)}`);
    assert.deepEqual(found.filter((f) => f.severity === 'error'), []);
  });

  it('2025 registry (clemcore 3.3): the known defects, and no other errors', () => {
    const text = fs.readFileSync(FILE_2025, 'utf8');
    const found = withNames(text, checkRegistry(text, { clemcoreVersion: '3.3' }));
    console.log(`corpus 2025 @3.3: ${summary(found)}`);
    const has = (name: string | RegExp, code: string) =>
      found.some((f) => (typeof name === 'string' ? f.name === name : name.test(f.name)) && f.code === code);

    // gpt-oss on OpenRouter: huggingface_id instead of model_id, and the 20b low/high point at the 120b model.
    const reasoning = found.filter((f) => /^gpt-oss-.*-openrouter-reasoning-/.test(f.name) && f.code === 'id-key-mismatch');
    assert.equal(new Set(reasoning.map((f) => f.name)).size, 6, 'six openrouter gpt-oss entries with huggingface_id');
    assert.ok(has('gpt-oss-20b-openrouter-reasoning-low', 'size-mismatch'));
    assert.ok(has('gpt-oss-20b-openrouter-reasoning-high', 'size-mismatch'));
    // huggingface_multimodal entries without processor and prompt keys; llava-onevision with context_size "".
    for (const name of ['internlm-xcomposer2d5-7b', 'dolphin-vision-72b', 'Phi-3.5-vision-instruct', 'Pixtral-12B-2409']) {
      assert.ok(found.some((f) => f.name === name && f.code === 'missing-key' && f.severity === 'error' && /processor_class/.test(f.message)), `${name} lacks processor_class`);
    }
    assert.equal(found.filter((f) => /^llava-onevision-/.test(f.name) && f.code === 'context-size' && f.severity === 'error').length, 2);
    // Duplicate names.
    for (const name of ['Mixtral-8x7B-Instruct-v0.1', 'EuroLLM-9B-Instruct', 'OLMo-2-1124-13B-Instruct']) {
      assert.ok(has(name, 'duplicate-model-name'), `${name} is duplicated`);
    }
    // llamacpp: additional_files never applied; a glob that misses the Q8_0/ folder.
    assert.equal(found.filter((f) => f.code === 'ignored-key' && /additional_files/.test(f.message)).length, 3);
    assert.ok(has('Qwen3-235B-A22B-Instruct-2507-GGUF', 'gguf-filename'));
    // vllm cannot run in 3.3.x; the neuralmagic entries are dated a year early.
    assert.equal(found.filter((f) => f.code === 'backend-broken').length, 5);
    assert.equal(found.filter((f) => /neuralmagic/.test(f.name) && f.code === 'release-date').length, 4);
    // Pixtral's trust_remote_code: false still enables it.
    assert.ok(has('Pixtral-12B-2409', 'presence-flag-false'));
    // Every huggingface_local entry without padding_side, which 3.3 pads on the right: one finding each.
    const entries = JSON.parse(text) as { backend: string; model_config?: Record<string, unknown> }[];
    const unpadded = entries.filter((e) => e.backend === 'huggingface_local' && !('padding_side' in (e.model_config ?? {}))).length;
    assert.equal(found.filter((f) => f.code === 'padding-side-missing').length, unpadded);
    assert.ok(unpadded > 50, `${unpadded} entries without padding_side`);

    const expectedErrors = new Set(['id-key-mismatch', 'missing-key', 'context-size']);
    const otherErrors = found.filter((f) => f.severity === 'error' && !expectedErrors.has(f.code));
    assert.deepEqual(otherErrors, [], 'no other errors');
    const missingKeyEntries = new Set(found.filter((f) => f.code === 'missing-key').map((f) => f.name));
    assert.deepEqual([...missingKeyEntries].sort(), ['Phi-3.5-vision-instruct', 'Pixtral-12B-2409', 'dolphin-vision-72b', 'internlm-xcomposer2d5-7b']);
    const contextErrors = found.filter((f) => f.code === 'context-size' && f.severity === 'error').map((f) => f.name);
    assert.ok(contextErrors.every((n) => /^llava-onevision-/.test(n)));
  });

  it('2025 registry under clemcore 3.7: the removed backends are errors', () => {
    const text = fs.readFileSync(FILE_2025, 'utf8');
    const found = withNames(text, checkRegistry(text, { clemcoreVersion: '3.7' }));
    assert.equal(found.filter((f) => f.code === 'removed-backend').length, 27 + 5 + 4);
    // clemcore 3.7 fails on these entries before it reads any key: nothing about their keys as the old backend read
    // them, only the backend and the metadata that leaderboards read.
    const entries = JSON.parse(text) as { backend: string }[];
    const removed = checkRegistry(text, { clemcoreVersion: '3.7' }).filter((d) => typeof d.path[0] === 'number' && ['vllm', 'huggingface_multimodal', 'alephalpha'].includes(entries[d.path[0]].backend));
    const codes = new Set(removed.map((d) => d.code));
    assert.deepEqual([...codes].filter((c) => !['removed-backend', 'release-date', 'context-size', 'language-code', 'license-format', 'parameters-format', 'duplicate-model-name'].includes(c)), []);
    assert.ok(removed.every((d) => d.path.length <= 2 && d.path[1] !== 'model_config'), 'no finding inside model_config');
  });
});
