// "Test model entry" end to end on real llama.cpp: scripted GGUFs whose greedy replies the test chooses, run through
// the bundled worker process exactly as the CLI and the editor run them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHATML_CHAT_TEMPLATE } from '../../server/src/runtime/chatFormat';
import { readGgufMetadata } from '../../server/src/runtime/gguf';
import type { EntryTestRequest } from '../../server/src/runtime/pipeline';
import type { EntryTestReport } from '../../server/src/runtime/report';
import { runEntryTest } from '../../server/src/runtime/runner';
import { buildAbortingGguf, replyChain, writeScriptedGguf, type ScriptedGgufOptions } from '../support/scriptedGguf';

const ROOT = path.resolve(__dirname, '../..');
const WORKER = path.join(ROOT, 'dist', 'testWorker.mjs');
const RUNTIME = [ROOT];
const runtimeMissing = !existsSync(path.join(ROOT, 'node_modules', 'node-llama-cpp')) && 'node-llama-cpp is not installed';
const workerMissing = !existsSync(WORKER) && 'dist/testWorker.mjs is not built (npm run build)';
const skip = runtimeMissing || workerMissing;

const CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
const SPECIALS: ScriptedGgufOptions['tokens'] = [
  { text: '<|im_start|>', type: 'control' },
  { text: '<|im_end|>', type: 'control' },
];

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-entry-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function model(options: ScriptedGgufOptions): string {
  const file = path.join(dir, `model-${++counter}.gguf`);
  writeScriptedGguf(file, { tokens: SPECIALS, ...options });
  return file;
}

function llamacppEntry(name: string, config: Record<string, unknown>): Record<string, unknown> {
  return { model_name: name, backend: 'llamacpp', huggingface_id: 'test/scripted-GGUF', release_date: '2025-01-01', open_weight: true, parameters: '1M', languages: ['en'], context_size: '512', license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' }, model_config: { filename: '*.gguf', premade_chat_template: false, custom_chat_template: CHATML, eos_to_cull: '<\\|im_end\\|>', ...config } };
}

async function run(entries: Record<string, unknown>[], name: string, gguf: string | undefined, extra: Partial<EntryTestRequest> = {}): Promise<EntryTestReport> {
  const request: EntryTestRequest = {
    registry: { label: 'model_registry.json', text: JSON.stringify(entries, null, 2) },
    modelName: name,
    gguf: gguf ? { path: gguf, source: 'the test' } : undefined,
    maxTokens: 16,
    threads: 2,
    ...extra,
  };
  return runEntryTest(request, { workerPath: WORKER, runtimeCandidates: RUNTIME, timeoutMs: 120_000 });
}

const codes = (r: EntryTestReport) => r.problems.map((p) => p.code);
const stage = (r: EntryTestReport, id: string) => r.stages.find((s) => s.id === id)!;
const fact = (r: EntryTestReport, id: string, label: string) => stage(r, id).facts.find((f) => f.label.startsWith(label))?.value;

describe('Test model entry on real llama.cpp', { skip }, () => {
  it('passes when the EOS token ends the reply and nothing is left to cull', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue', '.'], '<|im_end|>'), eosToken: '<|im_end|>' });
    const r = await run([llamacppEntry('m', {})], 'm', gguf);
    assert.equal(r.verdict, 'pass', JSON.stringify(r.problems));
    assert.equal(r.output.raw, 'Blue.');
    assert.equal(r.output.culled, 'Blue.');
    assert.match(fact(r, 'generate', 'Stop reason') ?? '', /end-of-generation token "<\|im_end\|>"/);
    assert.deepEqual(r.stages.map((s) => s.id), ['entry', 'model-file', 'load', 'template', 'generate', 'post-process', 'verdict']);
  });

  it('passes when the end marker comes out as text and eos_to_cull removes it', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue', '.', '<|im', '_end|>']) });
    const r = await run([llamacppEntry('m', {})], 'm', gguf);
    assert.equal(r.output.raw, 'Blue.<|im_end|>');
    assert.equal(r.output.culled, 'Blue.');
    assert.equal(r.verdict, 'pass', JSON.stringify(r.problems));
  });

  it('fails when eos_to_cull leaves part of the marker behind, and shows the leftover', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue', '.', '<|im', '_end|>']) });
    const r = await run([llamacppEntry('m', { eos_to_cull: '<|im_end|>' })], 'm', gguf);
    assert.equal(r.verdict, 'fail');
    assert.equal(r.output.culled, 'Blue.||');
    assert.ok(codes(r).includes('end-marker-left'), codes(r).join());
  });

  it('fails when the reply lacks output_split_prefix, as clemcore raises IndexError', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue', '.'], '<|im_end|>'), eosToken: '<|im_end|>' });
    const r = await run([llamacppEntry('m', { output_split_prefix: 'Answer:' })], 'm', gguf);
    assert.equal(r.verdict, 'fail');
    assert.ok(codes(r).includes('split-prefix-missing'));
    assert.match(r.problems.find((p) => p.code === 'split-prefix-missing')!.message, /IndexError/);
    assert.equal(r.output.split, null);
  });

  it('warns of a double BOS when the template renders bos_token and the model adds one', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), eosToken: '<|im_end|>', addBosToken: true });
    const r = await run([llamacppEntry('m', { custom_chat_template: `{{ bos_token }}${CHATML}` })], 'm', gguf);
    assert.ok(codes(r).includes('double-bos'), codes(r).join());
    assert.equal(r.verdict, 'pass');
  });

  it('renders the GGUF template for premade_chat_template and says where BOS and EOS came from', async () => {
    // llama-cpp-python's own ChatML reference template, byte for byte, so that its chat-format guess says "chatml".
    const gguf = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), eosToken: '<|im_end|>', chatTemplate: CHATML_CHAT_TEMPLATE });
    const r = await run([llamacppEntry('m', { premade_chat_template: true, custom_chat_template: undefined })], 'm', gguf);
    assert.equal(r.verdict, 'pass', JSON.stringify(r.problems));
    assert.match(fact(r, 'template', 'Template source') ?? '', /GGUF metadata/);
    assert.equal(fact(r, 'template', 'Chat format'), 'chatml');
    assert.match(fact(r, 'template', 'Rendered prompt') ?? '', /<\|im_start\|>assistant\n$/);
    const eos = stage(r, 'template').facts.find((f) => f.label === 'EOS')!;
    assert.equal(eos.value, '<|im_end|>');
    assert.match(eos.source ?? '', /tokenizer\.ggml\.eos_token_id/);
  });

  it('fails a reasoning reply whose <think> part llamacpp never cuts, and passes with output_split_prefix', async () => {
    const gguf = model({ tokens: [...SPECIALS!, { text: '<think>', type: 'user_defined' }, { text: '</think>', type: 'user_defined' }], next: replyChain('<0x0A>', ['<think>', 'Hmm', '</think>', 'Blue'], '<|im_end|>'), eosToken: '<|im_end|>' });
    const thinking = await run([llamacppEntry('m', { cot_end_tag: '</think>' })], 'm', gguf);
    assert.equal(thinking.verdict, 'fail');
    assert.ok(codes(thinking).includes('reasoning-left'), codes(thinking).join());
    const split = await run([llamacppEntry('m', { output_split_prefix: '</think>' })], 'm', gguf);
    assert.equal(split.output.culled, 'Blue');
    assert.equal(split.verdict, 'pass', JSON.stringify(split.problems));
  });

  it('fails on a template error, naming it', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), eosToken: '<|im_end|>' });
    const broken = await run([llamacppEntry('m', { custom_chat_template: '{% for m in messages %}{{ m.content }}' })], 'm', gguf);
    assert.equal(broken.verdict, 'fail');
    assert.ok(codes(broken).includes('template-error'));
    const raised = await run([llamacppEntry('m', { custom_chat_template: "{{ raise_exception('System role not supported') }}" })], 'm', gguf);
    assert.match(raised.problems.find((p) => p.code === 'template-error')!.message, /System role not supported/);
    assert.equal(stage(raised, 'generate').status, 'skipped');
  });

  it('reports a model file that does not exist as an error, naming the pattern and what the cache holds', async () => {
    const hub = path.join(dir, 'hub');
    const snapshot = path.join(hub, 'models--test--scripted-GGUF', 'snapshots', 'abc');
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(path.join(snapshot, 'model-q8_0.gguf'), 'x');
    const previous = process.env.HF_HUB_CACHE;
    process.env.HF_HUB_CACHE = hub;
    try {
      const r = await run([llamacppEntry('m', { filename: '*Q4_K_M.gguf' })], 'm', undefined);
      assert.equal(r.verdict, 'error');
      const p = r.problems.find((q) => q.code === 'model-file-missing')!;
      assert.match(p.message, /No file found in test\/scripted-GGUF that match \*Q4_K_M\.gguf/);
      assert.match(p.message, /model-q8_0\.gguf/);
      // A repository the cache does not hold: one sentence ends, the next begins, and no "..".
      const uncached = await run([{ ...llamacppEntry('m', {}), huggingface_id: 'test/not-cached' }], 'm', undefined);
      const missing = uncached.problems.find((q) => q.code === 'model-file-missing')!;
      assert.match(missing.message, /test\/not-cached is not in the Hugging Face cache .* or point to the GGUF file directly\. Set clemRegistry\.modelFiles/);
      assert.doesNotMatch(missing.message, /\.\./);
      const given = await run([llamacppEntry('m', {})], 'm', path.join(dir, 'absent.gguf'));
      assert.equal(given.verdict, 'error');
      assert.ok(codes(given).includes('model-file-missing'));
    } finally {
      if (previous === undefined) delete process.env.HF_HUB_CACHE;
      else process.env.HF_HUB_CACHE = previous;
    }
  });

  it('survives a GGUF that makes llama.cpp abort the worker, and reports it', async () => {
    const file = path.join(dir, 'aborting.gguf');
    writeFileSync(file, buildAbortingGguf());
    const r = await run([llamacppEntry('m', {})], 'm', file);
    assert.equal(r.verdict, 'fail');
    assert.ok(codes(r).includes('load-crashed'), codes(r).join());
    assert.equal(stage(r, 'load').status, 'failed');
    assert.ok((stage(r, 'load').log ?? []).length > 0, 'the worker output is shown');
    // The parent is alive and can run the next test.
    const ok = await run([llamacppEntry('m', {})], 'm', model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), eosToken: '<|im_end|>' }));
    assert.equal(ok.verdict, 'pass');
  });

  it('shows llama.cpp\'s own log lines when loading fails, e.g. on a cut-off download', async () => {
    const whole = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), eosToken: '<|im_end|>' });
    const cut = path.join(dir, 'cut.gguf');
    writeFileSync(cut, readFileSync(whole).subarray(0, statSync(whole).size - 4000));
    const r = await run([llamacppEntry('m', {})], 'm', cut);
    assert.equal(r.verdict, 'fail');
    assert.ok(codes(r).includes('load-failed'), codes(r).join());
    assert.ok((stage(r, 'load').log ?? []).some((l) => /not within the file bounds/.test(l)), JSON.stringify(stage(r, 'load').log));
  });

  it('describes a GGUF whose tensor table overflows in words, as llama.cpp judges it', async () => {
    const file = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), eosToken: '<|im_end|>' });
    const bytes = readFileSync(file);
    // The first tensor info follows the metadata: name length, name, dimension count, then dimension 0.
    const at = readGgufMetadata(file).end;
    const dim0 = at + 8 + Number(bytes.readBigUInt64LE(at)) + 4;
    bytes.writeBigUInt64LE(2n ** 60n, dim0);
    const corrupt = path.join(dir, 'overflow.gguf');
    writeFileSync(corrupt, bytes);
    const r = await run([llamacppEntry('m', {})], 'm', corrupt);
    assert.equal(r.verdict, 'fail');
    const problem = r.problems.find((p) => p.code === 'load-failed');
    assert.match(problem?.message ?? '', /^The model file is corrupt: tensor 'token_embd.weight' has shape \(1152921504606846976, \d+, 1, 1\): more elements than a signed 64-bit count holds/);
    assert.doesNotMatch(JSON.stringify(r), /BigInt/);
  });

  it('stops at the time limit and on cancel, and says which stage it reached', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), eosToken: '<|im_end|>' });
    const request: EntryTestRequest = { registry: { label: 'model_registry.json', text: JSON.stringify([llamacppEntry('m', {})]) }, modelName: 'm', gguf: { path: gguf, source: 'the test' }, maxTokens: 4, threads: 2 };
    const late = await runEntryTest(request, { workerPath: WORKER, runtimeCandidates: RUNTIME, timeoutMs: 50 });
    assert.equal(late.verdict, 'error');
    assert.ok(codes(late).includes('timeout'), codes(late).join());
    assert.equal(stage(late, 'verdict').status, 'failed');
    const abort = new AbortController();
    const cancelled = runEntryTest(request, { workerPath: WORKER, runtimeCandidates: RUNTIME, timeoutMs: 120_000, signal: abort.signal, onStage: (s) => s.id === 'model-file' && abort.abort() });
    const r = await cancelled;
    assert.equal(r.verdict, 'error');
    assert.ok(codes(r).includes('cancelled'), codes(r).join());
    assert.notEqual(stage(r, 'model-file').status, 'skipped', 'the stages done before the cancel are kept');
    assert.ok(stage(r, 'model-file').facts.some((f) => f.label === 'GGUF used'));
    assert.equal(stage(r, 'generate').status, 'skipped');
  });

  it('warns when the tested entry is a shadowed duplicate', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), eosToken: '<|im_end|>' });
    const r = await run([llamacppEntry('m', {}), llamacppEntry('m', {})], 'm', gguf, { entryIndex: 1 });
    assert.ok(codes(r).includes('shadowed-entry'));
    // Counted from 1, as a person counts.
    assert.match(fact(r, 'entry', 'A lookup returns') ?? '', /the 1st entry of /);
  });

  it('fails a prompt longer than the context, as clemcore\'s context check does', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), eosToken: '<|im_end|>', contextLength: 64 });
    const r = await run([llamacppEntry('m', {})], 'm', gguf, { maxTokens: 40 });
    assert.equal(r.verdict, 'fail');
    assert.ok(codes(r).includes('prompt-too-long'), codes(r).join());
  });
});
