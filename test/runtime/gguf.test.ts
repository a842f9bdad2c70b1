// The GGUF metadata reader, judged by node-llama-cpp's own reader and by llama.cpp loading scripted models,
// and its refusal of malformed files; also the scripted models themselves (greedy replies exactly as scripted).
import { after, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Template } from '@huggingface/jinja';
import { GgufError, readGgufMetadata, summarizeGguf, tokenText, tokenType, type GgufValue } from '../../server/src/runtime/gguf';
import { CHATML_CHAT_TEMPLATE, chatSetup } from '../../server/src/runtime/chatFormat';
import { buildAbortingGguf, buildMetadataGguf, buildScriptedGguf, replyChain, type GgufKv, type ScriptedGgufOptions } from '../support/scriptedGguf';
import { seededRandom } from '../support/random';

type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;
type LlamaModel = Awaited<ReturnType<Llama['loadModel']>>;
type Token = import('node-llama-cpp').Token;

const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-gguf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** Writes a GGUF to a new file, or over `name` (loops reuse one file: creating thousands costs seconds). */
function write(bytes: Buffer, name = `m${files++}.gguf`): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** The GgufError a file raises, failing the test on success or on any other exception. */
function refusal(bytes: Buffer): GgufError {
  try {
    readGgufMetadata(write(bytes, 'malformed.gguf'));
  } catch (err) {
    if (err instanceof GgufError) return err;
    throw new Error(`not a GgufError: ${String(err)}`);
  }
  throw new Error('the malformed file was accepted');
}

const CHATML_TOKENS: ScriptedGgufOptions['tokens'] = [
  { text: '<|im_start|>', type: 'control' },
  { text: '<|im_end|>', type: 'control' },
];

/** One value of every GGUF type, including 64-bit extremes and nested arrays. */
const ALL_TYPES: GgufKv[] = [
  ['general.architecture', 'string', 'llama'],
  ['t.u8', 'uint8', 255],
  ['t.i8', 'int8', -128],
  ['t.u16', 'uint16', 65535],
  ['t.i16', 'int16', -32768],
  ['t.u32', 'uint32', 4294967295],
  ['t.i32', 'int32', -2147483648],
  ['t.f32', 'float32', 1.5],
  ['t.yes', 'bool', true],
  ['t.no', 'bool', false],
  ['t.text', 'string', 'héllo ▁ 🎉\n{{ bos_token }}'],
  ['t.blank', 'string', ''],
  ['t.u64max', 'uint64', 2n ** 64n - 1n],
  ['t.u64small', 'uint64', 42],
  ['t.i64min', 'int64', -(2n ** 63n)],
  ['t.i64small', 'int64', -7],
  ['t.f64', 'float64', Math.PI],
  ['t.bytes', 'array<uint8>', [1, 2, 255]],
  ['t.words', 'array<string>', ['a', '', '<0x0A>', '▁x']],
  ['t.none', 'array<int32>', []],
  ['t.flags', 'array<bool>', [true, false]],
  ['t.doubles', 'array<float64>', [0.1, -0]],
  ['t.nested', 'array<array<int64>>', [[1, 2n ** 60n], [], [-3]]],
];

/** A vocabulary the size of a real one, followed by one value of every type, so that values meet window boundaries. */
function bigVocabulary(): GgufKv[] {
  const tokens = Array.from({ length: 150_000 }, (_, i) => `tok${i}${i % 7 ? '' : '▁x'}`);
  return [
    ['general.architecture', 'string', 'llama'],
    ['tokenizer.ggml.tokens', 'array<string>', tokens],
    ['tokenizer.ggml.scores', 'array<float32>', tokens.map((_, i) => i / 8)],
    ['tokenizer.ggml.token_type', 'array<int32>', tokens.map((_, i) => i % 6)],
    ['t.u64s', 'array<uint64>', tokens.slice(0, 40_000).map((_, i) => 2n ** 60n + BigInt(i))],
    ...ALL_TYPES.slice(1),
  ];
}

/** node-llama-cpp nests keys by their dots and keeps every 64-bit integer as a bigint: flatten and normalise. */
function flatten(nested: object, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(nested)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out.set(key, v);
  }
  return out;
}

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  return typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

// ---- node-llama-cpp, imported once; every test that needs it skips cleanly when it cannot be imported ----

const imported: Promise<NodeLlamaCpp | undefined> = import('node-llama-cpp').catch(() => undefined);
let llama: Promise<Llama> | undefined;

async function nodeLlamaCpp(t: TestContext): Promise<NodeLlamaCpp | undefined> {
  const lib = await imported;
  if (!lib) t.skip('node-llama-cpp cannot be imported');
  return lib;
}

/** One llama.cpp binding for the whole file: CPU only, never built or downloaded, quiet. */
async function getLlama(lib: NodeLlamaCpp): Promise<Llama> {
  llama ??= lib.getLlama({ build: 'never', skipDownload: true, gpu: false, maxThreads: Math.min(2, os.availableParallelism()), logLevel: lib.LlamaLogLevel.error });
  return llama;
}

after(async () => {
  if (llama) await (await llama).dispose();
});

/** Greedy continuation of a prompt as llama-cpp-python runs it: special tokens parsed, BOS prepended when the GGUF asks. */
async function complete(model: LlamaModel, prompt: string): Promise<{ text: string; tokens: Token[]; input: Token[] }> {
  const context = await model.createContext({ contextSize: 256 });
  try {
    const input = [...(model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos] : []), ...model.tokenize(prompt, true)];
    const tokens: Token[] = [];
    for await (const t of context.getSequence().evaluate(input, { temperature: 0, yieldEogToken: true })) {
      tokens.push(t);
      if (model.isEogToken(t) || tokens.length >= 32) break;
    }
    return { text: model.detokenize(tokens.filter((t) => !model.isEogToken(t)), false), tokens, input };
  } finally {
    await context.dispose();
  }
}

async function withModel<T>(t: TestContext, options: ScriptedGgufOptions, use: (model: LlamaModel, file: string) => Promise<T>): Promise<void> {
  const lib = await nodeLlamaCpp(t);
  if (!lib) return;
  const started = Date.now();
  const file = write(buildScriptedGguf(options));
  const model = await (await getLlama(lib)).loadModel({ modelPath: file });
  try {
    await use(model, file);
  } finally {
    await model.dispose();
  }
  t.diagnostic(`llama.cpp: ${Date.now() - started} ms`);
}

const CHATML_PROMPT = '<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n';

describe('reading metadata', () => {
  it('reads every value type, 64-bit integers as numbers when safe and bigints otherwise', () => {
    for (const version of [2, 3]) {
      const meta = readGgufMetadata(write(buildMetadataGguf(ALL_TYPES, version)));
      assert.equal(meta.version, version);
      assert.equal(meta.tensorCount, 0);
      const expected: Array<[string, GgufValue]> = ALL_TYPES.map(([k, , v]) => [k, normalise(v) as GgufValue]);
      assert.deepEqual([...meta.values], expected);
      assert.deepEqual([...meta.types], ALL_TYPES.map(([k, type]) => [k, type]));
    }
  });

  it('reads metadata larger than its read window, with values across every window boundary', () => {
    // Real vocabularies (Llama 3, Qwen: 128k–150k tokens and their merges) take several MB; the reader takes 1 MiB at
    // a time. Every kind of value must read the same on either side of a boundary.
    const kvs = bigVocabulary();
    const meta = readGgufMetadata(write(buildMetadataGguf(kvs)));
    assert.ok(meta.end > 3 * 2 ** 20, `${meta.end} bytes of metadata`);
    assert.deepEqual([...meta.values], kvs.map(([k, , v]) => [k, normalise(v) as GgufValue]));
  });

  it('agrees with node-llama-cpp readGgufFileInfo on scripted models and on every value type', async (t) => {
    const lib = await nodeLlamaCpp(t);
    if (!lib) return;
    const samples = [
      buildMetadataGguf(ALL_TYPES),
      buildMetadataGguf(ALL_TYPES, 2),
      buildScriptedGguf({ next: replyChain('<0x0A>', ['Paris']), chatTemplate: CHATML_CHAT_TEMPLATE, name: 'tiny ▁ model' }),
      buildScriptedGguf({
        tokens: [...Array.from({ length: 40 }, (_, i) => `w${i}`), { text: '<|begin|>', type: 'control' }, { text: '<tool>', type: 'user_defined' }],
        next: replyChain('<|begin|>', Array.from({ length: 40 }, (_, i) => `w${i}`), '<|im_end|>'),
        bosToken: '<|begin|>',
        eosToken: '<|im_end|>',
        addBosToken: false,
        contextLength: 8192,
      }),
      buildAbortingGguf(),
      buildMetadataGguf(bigVocabulary()),
    ];
    for (const bytes of samples) {
      const file = write(bytes);
      const ours = readGgufMetadata(file);
      const theirs = await lib.readGgufFileInfo(file, { readTensorInfo: false, logWarnings: false });
      assert.equal(ours.version, theirs.version);
      assert.equal(ours.tensorCount, Number(theirs.tensorCount));
      assert.equal(ours.end, theirs.metadataSize);
      const flat = flatten(theirs.metadata);
      assert.deepEqual([...ours.values.keys()].sort(), [...flat.keys()].sort());
      for (const [key, value] of ours.values) assert.deepEqual(value, normalise(flat.get(key)), key);
    }
  });

  it('summarises what a chat setup needs', () => {
    const meta = readGgufMetadata(write(buildScriptedGguf({ tokens: CHATML_TOKENS, next: [], eosToken: '<|im_end|>', contextLength: 1024, chatTemplate: 'T', name: 'n' })));
    const s = summarizeGguf(meta);
    assert.deepEqual(s, {
      architecture: 'llama',
      name: 'n',
      contextLength: 1024,
      chatTemplate: 'T',
      vocabularySize: 262,
      bos: { id: 1, text: '<s>', type: 'control' },
      eos: { id: 261, text: '<|im_end|>', type: 'control' },
      addBosToken: true,
      addEosToken: false,
    });
    assert.equal(tokenText(meta, 3 + 0x0a), '<0x0A>');
    assert.equal(tokenType(meta, 3 + 0x0a), 'byte');
    assert.equal(tokenType(meta, 0), 'unknown');
    assert.equal(tokenText(meta, 9999), undefined);
    assert.deepEqual(summarizeGguf(readGgufMetadata(write(buildMetadataGguf([])))), {
      architecture: undefined, name: undefined, contextLength: undefined, chatTemplate: undefined, vocabularySize: undefined,
      bos: undefined, eos: undefined, addBosToken: undefined, addEosToken: undefined,
    });
  });
});

describe('malformed files', () => {
  const small = buildMetadataGguf(ALL_TYPES);
  const model = buildScriptedGguf({ tokens: CHATML_TOKENS, next: replyChain('<0x0A>', ['Paris']), chatTemplate: CHATML_CHAT_TEMPLATE });
  const modelEnd = readGgufMetadata(write(model)).end;

  it('refuses a truncation at every offset of the header and key/value section', (t) => {
    const started = Date.now();
    for (let n = 0; n < small.length; n++) assert.match(refusal(small.subarray(0, n)).message, /file ends inside|remain in the file/, `cut at ${n}`);
    // The model's metadata is ~7 KB: every offset of its header, then a stride that still lands in every field kind.
    for (let n = 0; n < modelEnd; n += n < 256 ? 1 : 7) assert.match(refusal(model.subarray(0, n)).message, /file ends inside|remain in the file/, `cut at ${n}`);
    // Cutting into the tensor data leaves the metadata readable: only llama.cpp notices that.
    assert.equal(readGgufMetadata(write(model.subarray(0, modelEnd))).end, modelEnd);
    t.diagnostic(`truncations refused in ${Date.now() - started} ms`);
  });

  it('says what is wrong and where', () => {
    const at = (bytes: Buffer, offset: number, patch: (b: Buffer) => unknown) => {
      const copy = Buffer.from(bytes);
      patch(copy.subarray(offset));
      return refusal(copy);
    };
    assert.equal(at(small, 0, (b) => b.write('GGML')).message, 'not a GGUF file: it starts with "GGML", not "GGUF" (at byte 0)');
    assert.match(at(small, 4, (b) => b.writeUInt32BE(3)).message, /^big-endian GGUF \(version 3 byte-swapped\) is not supported \(at byte 4\)$/);
    assert.match(at(small, 4, (b) => b.writeUInt32LE(1)).message, /version 1 is not supported/);
    assert.match(at(small, 4, (b) => b.writeUInt32LE(4)).message, /unsupported GGUF version 4/);
    assert.match(at(small, 8, (b) => b.writeBigUInt64LE(2n ** 40n)).message, /^the header claims 1099511627776 tensors .*\(at byte 8\)$/);
    assert.match(at(small, 16, (b) => b.writeBigUInt64LE(2n ** 50n)).message, /^the header claims 1125899906842624 key\/value pairs .*\(at byte 16\)$/);
    assert.match(at(small, 16, (b) => b.writeBigUInt64LE(2n ** 63n)).message, /^the header claims 9223372036854775808 key\/value pairs but only \d+ bytes remain in the file \(at byte 16\)$/);
    assert.match(at(small, 24, (b) => b.writeBigUInt64LE(2n ** 60n)).message, /^key #0 claims 1152921504606846976 bytes but only \d+ bytes remain in the file \(at byte 24\)$/);
    assert.match(at(small, 24, (b) => b.writeBigUInt64LE(0n)).message, /key #0 is empty/);
    // tokenizer.ggml.tokens: key length (8), key, type (4), element type (4), then the count.
    const tokensCount = model.indexOf('tokenizer.ggml.tokens') + 'tokenizer.ggml.tokens'.length + 8;
    assert.match(at(model, tokensCount, (b) => b.writeBigUInt64LE(2n ** 40n)).message, new RegExp(`^tokenizer.ggml.tokens claims 1099511627776 string values but only \\d+ bytes remain in the file \\(at byte ${tokensCount}\\)$`));
    assert.match(at(model, tokensCount + 8, (b) => b.writeBigUInt64LE(2n ** 60n)).message, /the value of tokenizer.ggml.tokens claims 1152921504606846976 bytes/);
    assert.match(at(model, tokensCount - 4, (b) => b.writeUInt32LE(13)).message, /tokenizer.ggml.tokens has an array of unknown type 13/);
    assert.match(refusal(buildMetadataGguf([['a', 'uint8', 1], ['a', 'uint8', 2]])).message, /duplicate key a/);
    assert.match(refusal(buildMetadataGguf([['deep', 'array<'.repeat(9) + 'uint8' + '>'.repeat(9), [[[[[[[[[1]]]]]]]]]]])).message, /nests arrays more than 8 deep/);
    const typeAt = 24 + 8 + 1;
    assert.match(at(buildMetadataGguf([['k', 'uint8', 1]]), typeAt, (b) => b.writeUInt32LE(99)).message, /^k has unknown value type 99 \(at byte 33\)$/);
  });

  it('refuses or reads randomly corrupted counts and bytes, always quickly and only with GgufError', (t) => {
    const random = seededRandom(11);
    const started = Date.now();
    let refused = 0;
    let slowest = 0;
    for (let i = 0; i < 3000; i++) {
      const base = i % 2 ? small : model;
      const end = i % 2 ? small.length : modelEnd;
      const copy = Buffer.from(base);
      const offset = Math.floor(random() * (end - 8));
      // Half the time a huge count (2^k), otherwise a random byte: both land on lengths, counts and types.
      if (random() < 0.5) copy.writeBigUInt64LE(2n ** BigInt(8 + Math.floor(random() * 56)), offset);
      else copy[offset] = Math.floor(random() * 256);
      const file = write(copy, 'corrupt.gguf');
      const t0 = Date.now();
      try {
        readGgufMetadata(file);
      } catch (err) {
        if (!(err instanceof GgufError)) throw new Error(`offset ${offset}: not a GgufError: ${String(err)}`);
        refused++;
      }
      slowest = Math.max(slowest, Date.now() - t0);
    }
    t.diagnostic(`3000 corruptions: ${refused} refused, slowest read ${slowest} ms, ${Date.now() - started} ms in all`);
    assert.ok(refused > 1000);
    assert.ok(slowest < 500, `a corrupt file took ${slowest} ms`);
  });
});

describe('scripted models in llama.cpp', () => {
  it('refuses scripts a bigram model cannot play', () => {
    assert.throws(() => buildScriptedGguf({ next: replyChain('<0x0A>', ['a', 'b', 'a', 'c']) }), /"a" would need two successors, "b" and "c"/);
    assert.throws(() => buildScriptedGguf({ tokens: ['x', 'x'], next: [] }), /token "x" is in the vocabulary twice/);
    assert.throws(() => buildScriptedGguf({ tokens: ['<0x0A>'], next: [] }), /token "<0x0A>" is in the vocabulary twice/);
    // Repeating a pair is not a conflict; a reply may end on a chosen end token.
    assert.deepEqual(replyChain('A', ['b', 'c'], '<|im_end|>'), [['A', 'b'], ['b', 'c'], ['c', '<|im_end|>']]);
    assert.ok(buildScriptedGguf({ next: [...replyChain('A', ['b']), ['A', 'b']] }).length > 0);
  });

  it('replies exactly as scripted and stops on the EOS token; llama.cpp agrees with the reader', async (t) => {
    const reply = ['The', '▁capital', '▁is', '▁Paris', '.'];
    const options: ScriptedGgufOptions = { tokens: [...CHATML_TOKENS, ...reply], next: replyChain('<0x0A>', reply), contextLength: 384 };
    await withModel(t, options, async (model, file) => {
      const metadata = readGgufMetadata(file);
      const meta = summarizeGguf(metadata);
      assert.equal(model.trainContextSize, meta.contextLength);
      assert.equal(model.tokens.bos, meta.bos?.id);
      assert.equal(model.tokens.eos, meta.eos?.id);
      assert.equal(model.detokenize([model.tokens.eos!], true), meta.eos?.text);
      assert.equal(model.tokens.shouldPrependBosToken, meta.addBosToken);
      const { text, tokens, input } = await complete(model, CHATML_PROMPT);
      // The prompt's markers are single control tokens, and the BOS came first.
      assert.equal(input[0], meta.bos?.id);
      assert.equal(input.filter((id) => tokenText(metadata, id) === '<|im_start|>').length, 2);
      assert.equal(text, 'The capital is Paris.');
      assert.equal(tokens.at(-1), model.tokens.eos);
    });
  });

  it('writes an end marker spelled as normal pieces as plain text', async (t) => {
    await withModel(t, { tokens: CHATML_TOKENS, next: replyChain('<0x0A>', ['Paris', '<|im', '_end|>']) }, async (model) => {
      const { text, tokens } = await complete(model, CHATML_PROMPT);
      assert.equal(text, 'Paris<|im_end|>');
      assert.equal(tokens.length, 4);
      assert.equal(model.detokenize(tokens, true), 'Paris<|im_end|></s>');
    });
  });

  it('keeps a chat template in metadata that renders the prompt it is tested with', async (t) => {
    const options: ScriptedGgufOptions = { tokens: CHATML_TOKENS, next: replyChain('<0x0A>', ['Bonjour', '!']), chatTemplate: CHATML_CHAT_TEMPLATE };
    await withModel(t, options, async (model, file) => {
      const meta = readGgufMetadata(file);
      assert.equal(summarizeGguf(meta).chatTemplate, CHATML_CHAT_TEMPLATE);
      assert.equal(model.fileInfo.metadata.tokenizer.chat_template, CHATML_CHAT_TEMPLATE);
      const setup = chatSetup(meta, { premade_chat_template: true });
      assert.ok(setup.ok);
      if (!setup.ok) return;
      // The byte-exact ChatML template is guessed as "chatml", but the GGUF's EOS id overrides "<|im_end|>".
      assert.deepEqual([setup.chatFormat, setup.bos, setup.eos], ['chatml', { text: '<s>', source: 'gguf', tokenId: 1 }, { text: '</s>', source: 'gguf', tokenId: 2 }]);
      const prompt = new Template(setup.template).render({ messages: [{ role: 'user', content: 'Salut' }], bos_token: setup.bos.text, eos_token: setup.eos.text, add_generation_prompt: true });
      assert.equal(prompt, '<|im_start|>user\nSalut<|im_end|>\n<|im_start|>assistant\n');
      assert.equal((await complete(model, prompt)).text, 'Bonjour!');
    });
  });

  it('an aborting GGUF kills the process that loads it (run in a child)', async (t) => {
    const lib = await nodeLlamaCpp(t);
    if (!lib) return;
    const file = write(buildAbortingGguf());
    // A script file, not `node -e`: node-llama-cpp tests its binary by forking process.execArgv, which `-e` breaks.
    const child = path.join(dir, 'load.mjs');
    writeFileSync(child, [
      "const { getLlama, LlamaLogLevel } = await import(process.argv[2]);",
      "const llama = await getLlama({ build: 'never', skipDownload: true, gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });",
      'await llama.loadModel({ modelPath: process.argv[3] });',
      "console.log('loaded');",
    ].join('\n'));
    const entry = pathToFileURL(require.resolve('node-llama-cpp')).href;
    const started = Date.now();
    const run = spawnSync(process.execPath, [child, entry, file], { encoding: 'utf8', timeout: 60_000 });
    t.diagnostic(`child: ${Date.now() - started} ms, status ${run.status}, signal ${run.signal}`);
    assert.ok(run.signal !== null || (run.status !== null && run.status !== 0), `the child survived: ${run.stdout}`);
    assert.doesNotMatch(run.stdout, /loaded/);
    // The same child loads a well-formed model, so the crash is the file's doing.
    const ok = spawnSync(process.execPath, [child, entry, write(buildScriptedGguf({ next: [] }))], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /loaded/);
  });
});
