// The GGUF tensor-table reader, judged by llama.cpp's own GGUF reader (node-llama-cpp's native addon, run in a
// child below node-llama-cpp's JavaScript): it must refuse exactly the tables llama.cpp refuses, and say why in words.
import { after, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GgufError, readGgufMetadata } from '../../server/src/runtime/gguf';
import { GGML_TYPES, readGgufTensorTable } from '../../server/src/runtime/ggufTensors';
import { loadFailure } from '../../server/src/runtime/pipeline';
import { buildScriptedGguf, replyChain } from '../support/scriptedGguf';
import { seededRandom } from '../support/random';

const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-gguf-tensors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MODEL = buildScriptedGguf({ next: replyChain('<0x0A>', ['Blue']) });
const META_END = readGgufMetadata(write(MODEL, 'model.gguf')).end;

function write(bytes: Buffer, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** Where each field of each tensor info stands, found by walking the table as the GGUF format describes it. */
interface FieldOffsets {
  name: string;
  nameLength: number;
  dims: number;
  shape: number[];
  type: number;
  offset: number;
}

function tensorFields(bytes: Buffer): FieldOffsets[] {
  const out: FieldOffsets[] = [];
  let p = META_END;
  const count = Number(bytes.readBigUInt64LE(8));
  for (let i = 0; i < count; i++) {
    const nameLength = p;
    const n = Number(bytes.readBigUInt64LE(p));
    const name = bytes.toString('utf8', p + 8, p + 8 + n);
    p += 8 + n;
    const dims = p;
    const shape = Array.from({ length: bytes.readUInt32LE(p) }, (_, j) => p + 4 + 8 * j);
    p += 4 + 8 * shape.length;
    out.push({ name, nameLength, dims, shape, type: p, offset: p + 4 });
    p += 12;
  }
  return out;
}

const FIELDS = tensorFields(MODEL);
const field = (name: string) => FIELDS.find((f) => f.name === name)!;

function patched(patch: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(MODEL);
  patch(copy);
  return copy;
}

/** Our verdict: the refusal's message, or undefined when the table is read. Any other exception fails the test. */
function ours(bytes: Buffer, name: string): string | undefined {
  const file = write(bytes, name);
  try {
    readGgufTensorTable(file, readGgufMetadata(file));
    return undefined;
  } catch (err) {
    if (err instanceof GgufError) return err.message;
    throw err;
  }
}

interface LlamaVerdict {
  loaded: boolean;
  /** The first error of llama.cpp's GGUF reader, or null. */
  gguf: string | null;
}

/** llama.cpp's verdicts on `files`, from the judge child; started again after a file that kills it. */
function llamaVerdicts(t: TestContext, files: string[]): Map<string, LlamaVerdict> | undefined {
  let entry: string;
  try {
    entry = pathToFileURL(require.resolve('node-llama-cpp')).href;
  } catch {
    t.skip('node-llama-cpp is not installed');
    return undefined;
  }
  const verdicts = new Map<string, LlamaVerdict>();
  let rest = files;
  while (rest.length) {
    const run = spawnSync(process.execPath, [path.join(__dirname, 'llamaGgufJudge.mjs'), entry, ...rest], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
    const lines = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LlamaVerdict & { file: string });
    for (const { file, ...v } of lines) verdicts.set(file, v);
    if (lines.length === rest.length) break;
    // The judge died on the file after its last line: llama.cpp aborted on it, which refuses it too.
    assert.ok(run.signal !== null || run.status !== 0, `the judge stopped early without failing: ${run.stderr}`);
    verdicts.set(rest[lines.length], { loaded: false, gguf: `llama.cpp aborted (${run.signal ?? run.status})` });
    rest = rest.slice(lines.length + 1);
  }
  return verdicts;
}

describe('GGUF tensor table', () => {
  it('reads the tensor table of a scripted model as node-llama-cpp reads it', async () => {
    const file = write(MODEL, 'read.gguf');
    const table = readGgufTensorTable(file, readGgufMetadata(file));
    const lib = await import('node-llama-cpp').catch(() => undefined);
    assert.equal(table.tensors.length, FIELDS.length);
    assert.deepEqual(table.tensors.map((x) => x.name), FIELDS.map((f) => f.name));
    assert.equal(table.dataStart + table.dataBytes, BigInt(MODEL.length), 'the data section ends where the file does');
    if (!lib) return;
    const info = await lib.readGgufFileInfo(file, { readTensorInfo: true, logWarnings: false });
    assert.deepEqual(
      table.tensors.map((x) => [x.name, x.shape.slice(0, info.tensorInfo![table.tensors.indexOf(x)].dimensions.length).map(Number), x.type, Number(x.offset)]),
      info.tensorInfo!.map((x) => [x.name, x.dimensions.map(Number), x.ggmlType, Number(x.offset)]),
    );
  });

  it('knows the block and type sizes of llama.cpp\'s ggml types', async (t) => {
    const lib = await import('node-llama-cpp').catch(() => undefined);
    if (!lib) return t.skip('node-llama-cpp is not installed');
    const llama = await lib.getLlama({ build: 'never', skipDownload: true, gpu: false, logLevel: lib.LlamaLogLevel.error });
    try {
      const bindings = (llama as unknown as { _bindings: { getBlockSizeForGgmlType(t: number): number; getTypeSizeForGgmlType(t: number): number } })._bindings;
      assert.deepEqual(GGML_TYPES.map(([, block, size], type) => [type, block, size]), GGML_TYPES.map((_, type) => [type, bindings.getBlockSizeForGgmlType(type), bindings.getTypeSizeForGgmlType(type)]));
    } finally {
      await llama.dispose();
    }
  });

  it('refuses what llama.cpp refuses, saying what is wrong in words', (t) => {
    const embd = field('token_embd.weight');
    const k = field('blk.0.attn_k.weight');
    const q = field('blk.0.attn_q.weight');
    const alignment = MODEL.indexOf('general.alignment') + 'general.alignment'.length + 4;
    const cases: [string, Buffer, RegExp][] = [
      ['shape overflow', patched((b) => b.writeBigUInt64LE(2n ** 60n, embd.shape[0])), /^tensor 'token_embd.weight' has shape \(1152921504606846976, \d+, 1, 1\): more elements than a signed 64-bit count holds/],
      ['negative dimension', patched((b) => b.writeBigUInt64LE(2n ** 64n - 1n, embd.shape[1])), /^tensor 'token_embd.weight' has 18446744073709551615 elements in dimension 1: that is negative/],
      ['five dimensions', patched((b) => b.writeUInt32LE(5, embd.dims)), /^tensor 'token_embd.weight' has 5 dimensions; llama.cpp allows at most 4/],
      ['removed type', patched((b) => b.writeInt32LE(4, embd.type)), /ggml type 4 \(q4_2 \(removed\)\), which llama.cpp no longer reads/],
      ['unknown type', patched((b) => b.writeInt32LE(99, embd.type)), /ggml type 99, which llama.cpp does not know/],
      ['row not a block multiple', patched((b) => b.writeInt32LE(2, embd.type)), /of type q4_0 has 16 elements per row, not a multiple of its block size 32/],
      ['offset mismatch', patched((b) => b.writeBigUInt64LE(2n ** 62n, embd.offset)), /^tensor 'token_embd.weight' says its data starts at offset 4611686018427387904 .* the tensor table does not match the data/],
      ['duplicate name', patched((b) => b.write(q.name, k.nameLength + 8)), /^tensor 'blk.0.attn_q.weight' appears twice/],
      ['alignment', patched((b) => b.writeUInt32LE(24, alignment)), /^general.alignment is 24, not a power of two/],
    ];
    const files = cases.map(([label, bytes]) => write(bytes, `${label.replace(/\W+/g, '-')}.gguf`));
    const verdicts = llamaVerdicts(t, [write(MODEL, 'intact.gguf'), ...files]);
    assert.equal(ours(MODEL, 'intact-ours.gguf'), undefined);
    for (const [i, [label, bytes, message]] of cases.entries()) {
      const refusal = ours(bytes, `ours-${i}.gguf`);
      assert.match(refusal ?? '(read without complaint)', message, label);
      if (verdicts) assert.notEqual(verdicts.get(files[i])?.gguf ?? null, null, `${label}: llama.cpp read it: ${JSON.stringify(verdicts.get(files[i]))}`);
    }
    if (verdicts) assert.deepEqual(verdicts.get(path.join(dir, 'intact.gguf')), { loaded: true, gguf: null });
  });

  it('agrees with llama.cpp on randomly corrupted tensor tables', (t) => {
    const random = seededRandom(20261202);
    const dataStart = Number(readGgufTensorTable(write(MODEL, 'base.gguf'), readGgufMetadata(path.join(dir, 'base.gguf'))).dataStart);
    const u64 = () => (BigInt(Math.floor(random() * 2 ** 32)) << 32n) | BigInt(Math.floor(random() * 2 ** 32));
    const files: string[] = [];
    const mine = new Map<string, string | undefined>();
    for (let i = 0; i < 240; i++) {
      const f = FIELDS[Math.floor(random() * FIELDS.length)];
      const kind = Math.floor(random() * 5);
      const bytes = patched((b) => {
        if (kind === 0) b[META_END + Math.floor(random() * (dataStart - META_END))] = Math.floor(random() * 256);
        else if (kind === 1) b.writeBigUInt64LE(random() < 0.5 ? u64() : BigInt(Math.floor(random() * 4096)), f.shape[Math.floor(random() * f.shape.length)]);
        else if (kind === 2) b.writeInt32LE(Math.floor(random() * 48) - 2, f.type);
        else if (kind === 3) b.writeBigUInt64LE(random() < 0.5 ? u64() : BigInt(Math.floor(random() * 8192)), f.offset);
        else b.writeUInt32LE(Math.floor(random() * 7), f.dims);
      });
      const file = write(bytes, `random-${i}.gguf`);
      files.push(file);
      mine.set(file, ours(bytes, 'random-ours.gguf'));
    }
    const verdicts = llamaVerdicts(t, files);
    if (!verdicts) return;
    let refused = 0;
    const disagreements: string[] = [];
    for (const file of files) {
      const llama = verdicts.get(file)!;
      const refusal = mine.get(file);
      if (refusal !== undefined) refused++;
      if ((refusal !== undefined) !== (llama.gguf !== null)) disagreements.push(`${path.basename(file)}: ours ${refusal ?? 'read it'}; llama.cpp ${llama.gguf ?? 'read it'}`);
    }
    t.diagnostic(`${files.length} corrupted tables: ${refused} refused by both`);
    assert.deepEqual(disagreements, []);
    assert.ok(refused > 60 && refused < files.length - 20, `${refused} of ${files.length} refused: the corruptions should cover both verdicts`);
  });
});

describe('load failures in words', () => {
  it('says clemcore fails too only when llama.cpp itself refused the file', () => {
    const fromLlama = loadFailure(new Error('Failed to load model'), ['error: gguf_init_from_reader: tensor \'x\' has offset 9, expected 0', 'error: llama_model_load_from_file_impl: failed to load model']);
    assert.match(fromLlama, /^llama.cpp failed to load the model: gguf_init_from_reader: tensor 'x' has offset 9, expected 0\. .*clemcore fails at load too\.$/);
    const fromLibrary = loadFailure(new TypeError('Cannot mix BigInt and other types, use explicit conversions'), []);
    assert.match(fromLibrary, /node-llama-cpp could not read the file/);
    assert.match(fromLibrary, /is not known\.$/);
    assert.doesNotMatch(fromLibrary, /clemcore (would )?fails?/);
    assert.doesNotMatch(loadFailure(new Error('Failed to load model.'), []), /\.\.|clemcore/);
  });
});
