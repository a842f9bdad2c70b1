// "Test model entry" on huggingface_local entries: transformers' text path replayed on real llama.cpp with scripted
// GGUFs, run through the bundled worker as the CLI and the editor run it. Each post-processing result is judged by
// CPython replaying clemcore's split_and_clean_batch_outputs (test/support/hfTextPathJudge.py) on the same decoded
// sequence, prompt and config.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readGgufMetadata } from '../../server/src/runtime/gguf';
import { PROMPT_TEXT } from '../../server/src/runtime/hfLocal';
import type { EntryTestRequest } from '../../server/src/runtime/pipeline';
import type { EntryTestReport, Outputs } from '../../server/src/runtime/report';
import { runEntryTest } from '../../server/src/runtime/runner';
import { PYTHON, pythonLabel } from '../support/python';
import { replyChain, writeScriptedGguf, type ScriptedGgufOptions } from '../support/scriptedGguf';

const ROOT = path.resolve(__dirname, '../..');
const WORKER = path.join(ROOT, 'dist', 'testWorker.mjs');
const JUDGE = path.join(ROOT, 'test', 'support', 'hfTextPathJudge.py');
const skip = (!existsSync(path.join(ROOT, 'node_modules', 'node-llama-cpp')) && 'node-llama-cpp is not installed')
  || (!existsSync(WORKER) && 'dist/testWorker.mjs is not built (npm run build)');

const CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
const SPECIALS: ScriptedGgufOptions['tokens'] = [
  { text: '<|im_start|>', type: 'control' },
  { text: '<|im_end|>', type: 'control' },
];
const REPO = 'test/scripted-hf';

let dir: string;
let emptyHub: string;
const previousHub = process.env.HF_HUB_CACHE;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-hf-entry-'));
  emptyHub = path.join(dir, 'empty-hub');
  mkdirSync(emptyHub);
  // The worker inherits this: no tokenizer is cached unless a test writes one.
  process.env.HF_HUB_CACHE = emptyHub;
});
after(() => {
  if (previousHub === undefined) delete process.env.HF_HUB_CACHE;
  else process.env.HF_HUB_CACHE = previousHub;
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
function model(options: ScriptedGgufOptions): string {
  const file = path.join(dir, `model-${++counter}.gguf`);
  writeScriptedGguf(file, { tokens: SPECIALS, eosToken: '<|im_end|>', addBosToken: false, ...options });
  return file;
}

function hfEntry(name: string, config: Record<string, unknown>): Record<string, unknown> {
  return { model_name: name, backend: 'huggingface_local', huggingface_id: REPO, release_date: '2025-01-01', open_weight: true, parameters: '1M', languages: ['en'], context_size: '512', license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' }, model_config: { premade_chat_template: false, custom_chat_template: CHATML, eos_to_cull: '<\\|im_end\\|>', padding_side: 'left', ...config } };
}

async function run(entries: Record<string, unknown>[], name: string, gguf: string, extra: Partial<EntryTestRequest> = {}): Promise<EntryTestReport> {
  const request: EntryTestRequest = {
    registry: { label: 'model_registry.json', text: JSON.stringify(entries, null, 2) },
    modelName: name,
    gguf: { path: gguf, source: 'the test' },
    maxTokens: 16,
    threads: 2,
    ...extra,
  };
  return runEntryTest(request, { workerPath: WORKER, runtimeCandidates: [ROOT], timeoutMs: 120_000 });
}

const codes = (r: EntryTestReport) => r.problems.map((p) => p.code);
const stage = (r: EntryTestReport, id: string) => r.stages.find((s) => s.id === id)!;
const fact = (r: EntryTestReport, id: string, label: string) => stage(r, id).facts.find((f) => f.label.startsWith(label))?.value;

/** The decoded prompt clemcore removes: the rendered one unless the report shows another. */
function promptText(r: EntryTestReport): string {
  const decoded = fact(r, 'generate', PROMPT_TEXT)!;
  return decoded.startsWith('the rendered prompt') ? fact(r, 'template', 'Rendered prompt')! : decoded;
}

type Judged = Partial<Record<'stripped' | 'split' | 'unpadded' | 'culled' | 'cot' | 'answer', string>> & { error?: string };

/** CPython's replay of split_and_clean_batch_outputs on the report's decoded sequence. */
function judge(r: EntryTestReport, config: Record<string, unknown>, padToken: string, maxTokens: number, bos: string | null = null): Judged {
  const input = [{ raw: r.output.raw, prompt: promptText(r), config, pad_token: padToken, max_tokens: maxTokens, bos }];
  const py = spawnSync(PYTHON, [JUDGE], { input: JSON.stringify(input), encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  return (JSON.parse(py.stdout) as Judged[])[0];
}

/** Every step's text as the report gives it equals Python's. */
function assertSameAsPython(r: EntryTestReport, expected: Judged): void {
  const ours: Judged = {};
  const output = r.output as Outputs;
  for (const key of ['stripped', 'split', 'unpadded', 'culled', 'cot', 'answer'] as const) {
    const value = output[key];
    if (value !== null && value !== undefined) ours[key] = value;
  }
  assert.deepEqual(ours, expected);
}

const configOf = (entry: Record<string, unknown>) => entry.model_config as Record<string, unknown>;

describe(`Test model entry on huggingface_local entries, judged by ${pythonLabel()}`, { skip }, () => {
  it('fails when a wrong eos_to_cull leaves the end-of-turn token in the reply and the pad token is not the EOS', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue', '.'], '<|im_end|>'), padToken: '<pad>' });
    const entry = hfEntry('m', { eos_to_cull: '</s>' });
    const r = await run([entry], 'm', gguf);
    assert.equal(r.verdict, 'fail', JSON.stringify(r.problems));
    // transformers keeps the EOS in the sequence and decodes it with the special tokens.
    assert.ok(r.output.raw!.endsWith('<|im_start|>assistant\nBlue.<|im_end|>'), r.output.raw!);
    assert.equal(r.output.culled, 'Blue.<|im_end|>');
    assert.ok(codes(r).includes('end-marker-left'), codes(r).join());
    assert.equal(fact(r, 'post-process', 'Pad token'), '<pad>');
    assert.match(fact(r, 'post-process', 'End markers removed') ?? '', /"<\|im_end\|>": not removed/);
    assertSameAsPython(r, judge(r, configOf(entry), '<pad>', 16));
  });

  it('passes the same entry when the pad token is the EOS, because the pad step removes it, and warns that this is fragile', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue', '.'], '<|im_end|>') });
    const entry = hfEntry('m', { eos_to_cull: '</s>' });
    const r = await run([entry], 'm', gguf);
    assert.equal(r.verdict, 'pass', JSON.stringify(r.problems));
    assert.equal(r.output.unpadded, 'Blue.');
    assert.equal(r.output.culled, 'Blue.');
    assert.ok(codes(r).includes('pad-is-eos'), codes(r).join());
    assert.match(fact(r, 'post-process', 'End markers removed') ?? '', /"<\|im_end\|>": the pad step \(the pad token "<\|im_end\|>" is the EOS\)/);
    assertSameAsPython(r, judge(r, configOf(entry), '<|im_end|>', 16));
    // A right eos_to_cull removes the marker itself: no warning.
    const right = await run([hfEntry('m', {})], 'm', gguf);
    assert.equal(right.verdict, 'pass', JSON.stringify(right.problems));
    assert.ok(!codes(right).includes('pad-is-eos'), codes(right).join());
  });

  it('keeps a reply that lacks output_split_prefix as it is, where the llamacpp backend raises IndexError', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue', '.'], '<|im_end|>'), padToken: '<pad>' });
    const entry = hfEntry('m', { output_split_prefix: 'Answer:' });
    const r = await run([entry], 'm', gguf);
    assert.equal(r.verdict, 'pass', JSON.stringify(r.problems));
    assert.equal(r.output.split, 'Blue.<|im_end|>');
    assert.equal(r.output.culled, 'Blue.');
    assertSameAsPython(r, judge(r, configOf(entry), '<pad>', 16));
    const llamacpp = { ...entry, backend: 'llamacpp', model_config: { ...configOf(entry), filename: '*.gguf' } };
    const contrast = await run([llamacpp], 'm', gguf);
    assert.equal(contrast.verdict, 'fail');
    assert.ok(codes(contrast).includes('split-prefix-missing'), codes(contrast).join());
  });

  it('splits the reasoning off with cot_output, re-tokenizing the answer and cutting it to max_tokens', async () => {
    const tokens = [...SPECIALS!, { text: '<think>', type: 'user_defined' as const }, { text: '</think>', type: 'user_defined' as const }];
    const next = replyChain('<0x0A>', ['<think>', 'Hmm', '</think>', 'Blue', '.'], '<|im_end|>');
    const entry = hfEntry('m', { cot_output: true, cot_start_tag: '<think>', cot_end_tag: '</think>' });
    const gguf = model({ tokens, next });
    const r = await run([entry], 'm', gguf);
    assert.equal(r.verdict, 'pass', JSON.stringify(r.problems));
    assert.equal(r.output.culled, '<think>Hmm</think>Blue.');
    assert.equal(r.output.cot, 'Hmm');
    assert.equal(r.output.answer, 'Blue.');
    assert.match(fact(r, 'generate', 'Sampling') ?? '', /max_new_tokens 512 \(cot_output/);
    assertSameAsPython(r, judge(r, configOf(entry), '<|im_end|>', 16));

    // max_tokens 3: the answer's tokens are cut, as clemcore cuts them.
    const cut = await run([entry], 'm', gguf, { maxTokens: 3 });
    assert.equal(cut.output.answer, 'Blu');
    assertSameAsPython(cut, judge(cut, configOf(entry), '<|im_end|>', 3));

    // A tokenizer that adds a BOS on encode puts it in front of the answer: the game gets it.
    const withBos = await run([entry], 'm', model({ tokens, next, addBosToken: true }));
    assert.equal(withBos.output.answer, '<s>Blue.');
    assert.equal(withBos.verdict, 'fail');
    assert.ok(codes(withBos).includes('cot-answer-bos'), codes(withBos).join());
    assertSameAsPython(withBos, judge(withBos, configOf(entry), '<|im_end|>', 16, '<s>'));
  });

  it('says in every stage that llama.cpp stands in for transformers, and that no BOS is added', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), addBosToken: true });
    const r = await run([hfEntry('m', {})], 'm', gguf);
    for (const id of ['model-file', 'load', 'template', 'generate', 'post-process']) {
      assert.ok(stage(r, id).facts.some((f) => f.label === 'llama.cpp stands in for transformers'), id);
    }
    assert.match(fact(r, 'template', 'llama.cpp stands in') ?? '', /GGUF's vocabulary \(llama\.cpp\) tokenizes it/);
    assert.match(fact(r, 'template', 'Prompt tokens') ?? '', /no BOS added/);
    // The template writes no BOS although the tokenizer adds one by default.
    assert.ok(codes(r).includes('no-bos'), codes(r).join());
    const withBos = await run([hfEntry('m', { custom_chat_template: `{{ bos_token }}${CHATML}` })], 'm', gguf);
    assert.ok(!codes(withBos).includes('no-bos'), codes(withBos).join());
    assert.ok(!codes(withBos).includes('double-bos'), codes(withBos).join());
    assert.match(fact(withBos, 'template', 'BOS') ?? '', /written by the template/);
  });

  it('renders the GGUF\'s template for premade_chat_template when the tokenizer is not cached, and says so', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>'), chatTemplate: CHATML });
    const r = await run([hfEntry('m', { premade_chat_template: true, custom_chat_template: undefined })], 'm', gguf);
    assert.equal(r.verdict, 'pass', JSON.stringify(r.problems));
    assert.match(fact(r, 'template', 'Template source') ?? '', /GGUF metadata tokenizer\.chat_template: the tokenizer is not in the Hugging Face cache/);
  });

  it('applies chat_template_kwargs and cot_effort in 3.7, only cot_effort in 3.3, and continues a cot_bypass message', async () => {
    const template = "{% for message in messages %}{{ message['content'] }}{% endfor %}[{{ reasoning_effort }}|{{ flag }}]{% if add_generation_prompt %}>{% endif %}";
    const gguf = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>') });
    const entry = hfEntry('m', { custom_chat_template: template, chat_template_kwargs: { flag: 'on' }, cot_effort: 'low' });
    const v37 = await run([entry], 'm', gguf, { clemcoreVersion: '3.7' });
    assert.match(fact(v37, 'template', 'Rendered prompt') ?? '', /\[low\|on\]>$/);
    const v33 = await run([entry], 'm', gguf, { clemcoreVersion: '3.3' });
    assert.match(fact(v33, 'template', 'Rendered prompt') ?? '', /\[low\|\]>$/);
    const bypass = await run([hfEntry('m', { custom_chat_template: "{% for message in messages %}<{{ message['role'] }}>{{ message['content'] }}</{{ message['role'] }}>{% endfor %}", cot_bypass: 'No thinking.' })], 'm', gguf);
    assert.match(fact(bypass, 'template', 'Rendered prompt') ?? '', /<assistant>No thinking\.$/);
  });

  describe('with the model\'s Hugging Face tokenizer in the cache', () => {
    /** A tokenizer.json for the scripted GGUF's vocabulary (SentencePiece-style BPE with byte fallback, no merges). */
    function writeTokenizer(gguf: string, options: { dropAdded?: string; tokenizerConfig?: Record<string, unknown> }): string {
      const meta = readGgufMetadata(gguf);
      const texts = meta.values.get('tokenizer.ggml.tokens') as string[];
      const types = meta.values.get('tokenizer.ggml.token_type') as number[];
      const vocab: Record<string, number> = {};
      texts.forEach((t, i) => (vocab[t] = i));
      const added = texts.flatMap((content, id) => (types[id] === 3 || types[id] === 2) && content !== options.dropAdded ? [{ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }] : []);
      const tokenizer = {
        version: '1.0', truncation: null, padding: null, added_tokens: added,
        normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' },
        pre_tokenizer: null, post_processor: null,
        decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '\u2581' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }] },
        model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab, merges: [] },
      };
      const hub = mkdtempSync(path.join(dir, 'hub-'));
      const repoDir = path.join(hub, `models--${REPO.replace('/', '--')}`);
      const snapshot = path.join(repoDir, 'snapshots', 'r1');
      mkdirSync(snapshot, { recursive: true });
      mkdirSync(path.join(repoDir, 'refs'));
      writeFileSync(path.join(repoDir, 'refs', 'main'), 'r1');
      writeFileSync(path.join(snapshot, 'tokenizer.json'), JSON.stringify(tokenizer));
      writeFileSync(path.join(snapshot, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<s>', eos_token: '<|im_end|>', add_bos_token: false, clean_up_tokenization_spaces: false, chat_template: CHATML, ...options.tokenizerConfig }));
      writeFileSync(path.join(snapshot, 'config.json'), JSON.stringify({ max_position_embeddings: 400 }));
      return hub;
    }

    async function withHub<T>(hub: string, body: () => Promise<T>): Promise<T> {
      process.env.HF_HUB_CACHE = hub;
      try {
        return await body();
      } finally {
        process.env.HF_HUB_CACHE = emptyHub;
      }
    }

    it('tokenizes with it, finds the same ids as the GGUF\'s vocabulary, and reads template, pad token and context from the cache', async () => {
      const gguf = model({ next: replyChain('<0x0A>', ['Blue', '.'], '<|im_end|>'), padToken: '<pad>' });
      const hub = writeTokenizer(gguf, { tokenizerConfig: { pad_token: '<pad>' } });
      const entry = hfEntry('m', { premade_chat_template: true, custom_chat_template: undefined });
      const r = await withHub(hub, () => run([entry], 'm', gguf));
      assert.equal(r.verdict, 'pass', JSON.stringify(r.problems));
      assert.ok(!codes(r).includes('tokenizer-mismatch'), codes(r).join());
      assert.match(fact(r, 'template', 'Tokenizers compared') ?? '', /^the Hugging Face tokenizer and the GGUF's vocabulary give the same \d+ token ids$/);
      assert.match(fact(r, 'template', 'Template source') ?? '', /tokenizer_config\.json \(chat_template\)$/);
      assert.match(fact(r, 'template', 'llama.cpp stands in') ?? '', /tokenized by the model's Hugging Face tokenizer/);
      assert.equal(fact(r, 'template', 'Context size'), '400');
      assert.equal(fact(r, 'post-process', 'Pad token'), '<pad>');
      assert.equal(r.output.culled, 'Blue.');
      assertSameAsPython(r, judge(r, configOf(entry), '<pad>', 16));
    });

    it('picks a named template with chat_template_language in 3.7, takes an unknown name as the template itself, and ignores it in 3.3', async () => {
      const gguf = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>') });
      const hub = writeTokenizer(gguf, { tokenizerConfig: { chat_template: [{ name: 'default', template: CHATML }, { name: 'DE', template: `DE:${CHATML}` }] } });
      const entry = (language: string) => hfEntry('m', { premade_chat_template: true, custom_chat_template: undefined, chat_template_language: language });
      const de = await withHub(hub, () => run([entry('DE')], 'm', gguf, { clemcoreVersion: '3.7' }));
      assert.match(fact(de, 'template', 'Rendered prompt') ?? '', /^DE:<\|im_start\|>system/);
      const unknown = await withHub(hub, () => run([entry('FR')], 'm', gguf, { clemcoreVersion: '3.7' }));
      assert.ok(codes(unknown).includes('chat-template-language-literal'), codes(unknown).join());
      assert.equal(fact(unknown, 'template', 'Rendered prompt'), 'FR');
      const v33 = await withHub(hub, () => run([entry('DE')], 'm', gguf, { clemcoreVersion: '3.3' }));
      assert.match(fact(v33, 'template', 'Rendered prompt') ?? '', /^<\|im_start\|>system/);
    });

    it('warns when llama.cpp stops at a token that transformers\' generate does not stop at', async () => {
      const gguf = model({ next: replyChain('<0x0A>', ['Blue', '.'], '<|im_end|>') });
      const hub = writeTokenizer(gguf, { tokenizerConfig: { eos_token: '</s>' } });
      const r = await withHub(hub, () => run([hfEntry('m', {})], 'm', gguf));
      assert.match(r.problems.find((p) => p.code === 'stop-token-differs')?.message ?? '', /llama\.cpp stopped at "<\|im_end\|>", but transformers stops only at "<\/s>"/);
      const same = await withHub(writeTokenizer(gguf, {}), () => run([hfEntry('m', {})], 'm', gguf));
      assert.ok(!codes(same).includes('stop-token-differs'), codes(same).join());
    });

    it('reports where the tokenizer and the GGUF first tokenize the prompt differently', async () => {
      const gguf = model({ next: replyChain('<0x0A>', ['Blue', '.'], '<|im_end|>') });
      // Without <|im_end|> among its added tokens, the tokenizer spells it out byte by byte.
      const hub = writeTokenizer(gguf, { dropAdded: '<|im_end|>' });
      const r = await withHub(hub, () => run([hfEntry('m', {})], 'm', gguf));
      const mismatch = r.problems.find((p) => p.code === 'tokenizer-mismatch');
      assert.ok(mismatch, codes(r).join());
      assert.equal(mismatch.level, 'warning');
      // <|im_start|>, then "system\nYou are a helpful assistant." one token per character, then <|im_end|>.
      const at = 1 + 'system\nYou are a helpful assistant.'.length;
      const imEnd = (readGgufMetadata(gguf).values.get('tokenizer.ggml.tokens') as string[]).indexOf('<|im_end|>');
      assert.match(mismatch.message, new RegExp(`from token ${at} on \\(counted from 0\\): the tokenizer gives 63 "<0x3C>", the GGUF ${imEnd} "<\\|im_end\\|>"`));
      assert.equal(r.verdict, 'pass', JSON.stringify(r.problems));
    });
  });

  it('makes a GGUF that does not load an error, not a failure: it says nothing about the entry', async () => {
    const whole = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>') });
    const cut = path.join(dir, 'cut.gguf');
    writeFileSync(cut, readFileSync(whole).subarray(0, statSync(whole).size - 4000));
    const r = await run([hfEntry('m', {})], 'm', cut);
    assert.equal(r.verdict, 'error');
    assert.match(r.problems.find((p) => p.code === 'load-failed')?.message ?? '', /^The GGUF that stands in for the model does not load \(this says nothing about the entry, whose weights transformers loads\): llama\.cpp failed to load the model: .*not within the file bounds/);
    const ok = await run([hfEntry('m', {})], 'm', whole);
    assert.match(fact(ok, 'verdict', 'Why') ?? '', /with llama\.cpp and this GGUF standing in for transformers/);
  });

  it('runs no multimodal 3.7 entry and no GGUF-less entry, saying why', async () => {
    const gguf = model({ next: replyChain('<0x0A>', ['Blue'], '<|im_end|>') });
    const multimodal = await run([hfEntry('m', { multimodal: true })], 'm', gguf, { clemcoreVersion: '3.7' });
    assert.equal(multimodal.verdict, 'error');
    assert.match(multimodal.problems.find((p) => p.code === 'backend-not-supported')?.message ?? '', /multimodal/);
    const request: EntryTestRequest = { registry: { label: 'model_registry.json', text: JSON.stringify([hfEntry('m', {})]) }, modelName: 'm', maxTokens: 4, threads: 2 };
    const none = await runEntryTest(request, { workerPath: WORKER, runtimeCandidates: [ROOT], timeoutMs: 120_000 });
    assert.equal(none.verdict, 'error');
    assert.match(none.problems.find((p) => p.code === 'model-file-missing')?.message ?? '', /--gguf PATH .* clemRegistry\.modelFiles/);
    const remote = await run([{ model_name: 'm', backend: 'openai', model_id: 'gpt-4o' }], 'm', gguf);
    assert.equal(remote.verdict, 'error');
    assert.ok(codes(remote).includes('backend-not-supported'), codes(remote).join());
  });
});
