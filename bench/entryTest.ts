// `npm run bench:entry`: "Test model entry" against a bare node-llama-cpp load and generate of the same scripted
// GGUF, both as fresh worker processes, alternating; prints the ratio of medians (goal ≤ 1.2) and the time to the
// first result (the first stage the report shows), for a llamacpp entry and for a huggingface_local entry (llama.cpp
// standing in for transformers: no BOS added, the EOS kept, the whole sequence decoded with special tokens).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CHATML_CHAT_TEMPLATE } from '../server/src/runtime/chatFormat';
import type { EntryTestRequest } from '../server/src/runtime/pipeline';
import { runEntryTest } from '../server/src/runtime/runner';
import { replyChain, writeScriptedGguf } from '../test/support/scriptedGguf';

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const THREADS = os.availableParallelism?.() ?? os.cpus().length;
const MAX_TOKENS = 16;

/**
 * The bare baseline: import, getLlama, load, context, tokenize, greedy generation, detokenize — nothing else. In
 * "llamacpp" mode as llama-cpp-python does it (BOS prepended, the completion without special tokens); in "hf" mode as
 * transformers does it (no BOS added, the end token kept, prompt and completion decoded with special tokens).
 */
const BARE = `
const [entry, model, prompt, maxTokens, threads, mode] = process.argv.slice(2);
const hf = mode === 'hf';
const { getLlama, LlamaLogLevel } = await import(entry);
const llama = await getLlama({ build: 'never', skipDownload: true, gpu: 'auto', maxThreads: Number(threads), logLevel: LlamaLogLevel.error });
const m = await llama.loadModel({ modelPath: model, gpuLayers: 'max' });
const context = await m.createContext({ contextSize: m.trainContextSize, sequences: 1 });
const sequence = context.getSequence();
const tokens = m.tokenize(prompt, true);
const input = !hf && m.tokens.shouldPrependBosToken && m.tokens.bos !== null ? [m.tokens.bos, ...tokens] : tokens;
const out = [];
for await (const t of sequence.evaluate(input, { temperature: 0, yieldEogToken: true })) {
  if (m.isEogToken(t)) {
    if (hf) out.push(t);
    break;
  }
  out.push(t);
  if (out.length >= Number(maxTokens)) break;
}
process.send({ text: hf ? m.detokenize([...input, ...out], true) : m.detokenize(out, false) }, () => process.exit(0));
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

type Mode = 'llamacpp' | 'hf';

function bare(script: string, model: string, prompt: string, mode: Mode): Promise<{ ms: number; text: string }> {
  const entry = pathToFileURL(path.join(ROOT, 'node_modules', 'node-llama-cpp', 'dist', 'index.js')).href;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = fork(script, [entry, model, prompt, String(MAX_TOKENS), String(THREADS), mode], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.on('message', (m: { text: string }) => resolve({ ms: performance.now() - start, text: m.text }));
    child.on('exit', (code) => code !== 0 && reject(new Error(`the bare run exited with ${code}`)));
  });
}

/** One entry's runs: ours and the bare baseline, alternating, with the same generated text required of both. */
async function benchEntry(mode: Mode, entry: Record<string, unknown>, model: string, script: string): Promise<void> {
  const request: EntryTestRequest = { registry: { label: 'model_registry.json', text: JSON.stringify([entry]) }, modelName: String(entry.model_name), gguf: { path: model, source: 'bench' }, maxTokens: MAX_TOKENS, threads: THREADS };
  const options = { workerPath: path.join(ROOT, 'dist', 'testWorker.mjs'), runtimeCandidates: [ROOT], timeoutMs: 120_000 };

  // The prompt the bare run generates from is the one our pipeline rendered, so both do the same llama.cpp work.
  const first = await runEntryTest(request, options);
  const prompt = first.stages.find((s) => s.id === 'template')?.facts.find((f) => f.label === 'Rendered prompt')?.value;
  if (first.verdict !== 'pass' || prompt === undefined) throw new Error(`the pipeline did not pass: ${JSON.stringify(first.problems)}`);
  await bare(script, model, prompt, mode);

  const ours: number[] = [];
  const firstResult: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    let firstAt = 0;
    const report = await runEntryTest(request, { ...options, onStage: () => { firstAt ||= performance.now() - start; } });
    ours.push(performance.now() - start);
    firstResult.push(firstAt);
    const b = await bare(script, model, prompt, mode);
    theirs.push(b.ms);
    if (b.text !== report.output.raw) throw new Error(`the two runs generated different text: ${JSON.stringify(b.text)} vs ${JSON.stringify(report.output.raw)}`);
  }
  const ratio = median(ours) / median(theirs);
  console.log(`${String(entry.backend)} entry: Test model entry vs a bare node-llama-cpp load + generate (${RUNS} alternating runs, fresh processes, ${THREADS} threads):`);
  console.log(`  ours  median ${median(ours).toFixed(0)} ms  (all: ${ours.map((x) => x.toFixed(0)).join(' ')})`);
  console.log(`  bare  median ${median(theirs).toFixed(0)} ms  (all: ${theirs.map((x) => x.toFixed(0)).join(' ')})`);
  console.log(`  ratio ${ratio.toFixed(2)} (goal ≤ 1.2: ${ratio <= 1.2 ? 'met' : 'NOT met'})`);
  console.log(`  time to the first result (stage 1 shown): median ${median(firstResult).toFixed(0)} ms`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-bench-entry-'));
  // No tokenizer from the machine's Hugging Face cache: the huggingface_local run reads the GGUF's, as the bare run does.
  process.env.HF_HUB_CACHE = path.join(dir, 'hub');
  try {
    const model = path.join(dir, 'model.gguf');
    writeScriptedGguf(model, {
      tokens: [{ text: '<|im_start|>', type: 'control' }, { text: '<|im_end|>', type: 'control' }],
      next: replyChain('<0x0A>', ['The', '▁sky', '▁is', '▁blue', '.', '<|im', '_end|>']),
      chatTemplate: CHATML_CHAT_TEMPLATE,
    });
    const script = path.join(dir, 'bare.mjs');
    writeFileSync(script, BARE);
    await benchEntry('llamacpp', { model_name: 'bench', backend: 'llamacpp', huggingface_id: 'bench/scripted', model_config: { filename: '*.gguf', premade_chat_template: true, eos_to_cull: '<\\|im_end\\|>' } }, model, script);
    await benchEntry('hf', { model_name: 'bench-hf', backend: 'huggingface_local', huggingface_id: 'bench/scripted', model_config: { premade_chat_template: true, eos_to_cull: '<\\|im_end\\|>', padding_side: 'left' } }, model, script);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
