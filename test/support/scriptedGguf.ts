// Writes tiny llama.cpp models whose greedy output is scripted by the test (see the shared note "scripted-gguf"):
// a one-block llama whose zeroed attention and feed-forward leave each token's one-hot embedding to pick its successor.
import { writeFileSync } from 'node:fs';

export interface ScriptedGgufOptions {
  /** Extra vocabulary beyond the defaults (<unk>, <s>, </s>, ▁ and the 256 byte tokens). A plain string is a normal token. */
  tokens?: Array<string | { text: string; type: 'normal' | 'control' | 'user_defined' }>;
  /**
   * Greedy successors: [token text, next token text]. Every token not listed is followed by the EOS token.
   * Texts not in the vocabulary yet become normal tokens; byte tokens are spelled `<0x0A>` (upper-case hex).
   */
  next: Array<[string, string]>;
  chatTemplate?: string; // written as tokenizer.chat_template when given
  bosToken?: string; // default '<s>'
  eosToken?: string; // default '</s>'
  padToken?: string; // written as tokenizer.ggml.padding_token_id when given
  addBosToken?: boolean; // default true
  contextLength?: number; // default 512
  name?: string; // general.name
}

const DEFAULT_BOS = '<s>';
const DEFAULT_EOS = '</s>';
/** llama_token_type values as stored in tokenizer.ggml.token_type. */
const TYPE = { normal: 1, unknown: 2, control: 3, user_defined: 4, byte: 6 } as const;
const N_HEAD = 2;
const N_FF = 32;
/** The winning logit before scaling by sqrt(n_embd): far above the 0 every other token gets. */
const LOGIT = 16;

/** The vocabulary and the successor table, checked. */
interface Script {
  texts: string[];
  types: number[];
  bos: number;
  eos: number;
  pad?: number;
  /** token id -> successor id, for the tokens that have one. */
  next: Map<number, number>;
}

function script(options: ScriptedGgufOptions): Script {
  const texts: string[] = [];
  const types: number[] = [];
  const ids = new Map<string, number>();
  const add = (text: string, type: number) => {
    if (ids.has(text)) throw new Error(`scripted GGUF: token ${JSON.stringify(text)} is in the vocabulary twice (llama.cpp needs unique token texts)`);
    ids.set(text, texts.length);
    texts.push(text);
    types.push(type);
  };
  add('<unk>', TYPE.unknown);
  add(DEFAULT_BOS, TYPE.control);
  add(DEFAULT_EOS, TYPE.control);
  // llama.cpp's SPM tokenizer falls back to these for any character outside the vocabulary, and finds "\n" as <0x0A>.
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, TYPE.byte);
  add('\u2581', TYPE.normal);
  for (const t of options.tokens ?? []) {
    if (typeof t === 'string') add(t, TYPE.normal);
    else add(t.text, TYPE[t.type]);
  }
  const ensure = (text: string, type: number) => ids.get(text) ?? (add(text, type), texts.length - 1);
  const bos = ensure(options.bosToken ?? DEFAULT_BOS, TYPE.control);
  const eos = ensure(options.eosToken ?? DEFAULT_EOS, TYPE.control);
  const pad = options.padToken === undefined ? undefined : ensure(options.padToken, TYPE.control);
  const next = new Map<number, number>();
  for (const [from, to] of options.next) {
    const a = ensure(from, TYPE.normal);
    const b = ensure(to, TYPE.normal);
    const before = next.get(a);
    if (before !== undefined && before !== b) {
      throw new Error(`scripted GGUF: ${JSON.stringify(from)} would need two successors, ${JSON.stringify(texts[before])} and ${JSON.stringify(to)} (the model only sees the current token)`);
    }
    next.set(a, b);
  }
  return { texts, types, bos, eos, pad, next };
}

/** The successor chain of a reply: after -> reply[0] -> reply[1] -> ... -> end (default: the EOS token, '</s>' unless the GGUF names another). */
export function replyChain(after: string, reply: string[], end: string = DEFAULT_EOS): Array<[string, string]> {
  const path = [after, ...reply, end];
  return path.slice(1).map((to, i): [string, string] => [path[i], to]);
}

// ---- GGUF encoding ----

const TYPE_IDS: Record<string, number> = { uint8: 0, int8: 1, uint16: 2, int16: 3, uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9, uint64: 10, int64: 11, float64: 12 };

/** A metadata entry: key, GGUF type as the reader names it (`uint32`, `array<string>`, `array<array<int64>>`, ...), value. */
export type GgufKv = [key: string, type: string, value: unknown];

/** Little-endian GGUF bytes, appended in order. */
class Bytes {
  readonly parts: Buffer[] = [];
  length = 0;

  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }

  number(write: (b: Buffer) => unknown, size: number): void {
    const b = Buffer.alloc(size);
    write(b);
    this.push(b);
  }

  u32(v: number): void {
    this.number((b) => b.writeUInt32LE(v), 4);
  }

  u64(v: number | bigint): void {
    this.number((b) => b.writeBigUInt64LE(BigInt(v)), 8);
  }

  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }

  /** A value of `type` without its type id: arrays write their element type and count first. */
  value(type: string, v: unknown): void {
    const element = /^array<(.*)>$/.exec(type)?.[1];
    if (element !== undefined) {
      const values = v as unknown[];
      this.u32(TYPE_IDS[element.startsWith('array<') ? 'array' : element]);
      this.u64(values.length);
      for (const x of values) this.value(element, x);
      return;
    }
    const n = v as number;
    switch (type) {
      case 'uint8': return this.number((b) => b.writeUInt8(n), 1);
      case 'int8': return this.number((b) => b.writeInt8(n), 1);
      case 'uint16': return this.number((b) => b.writeUInt16LE(n), 2);
      case 'int16': return this.number((b) => b.writeInt16LE(n), 2);
      case 'uint32': return this.u32(n);
      case 'int32': return this.number((b) => b.writeInt32LE(n), 4);
      case 'float32': return this.number((b) => b.writeFloatLE(n), 4);
      case 'bool': return this.number((b) => b.writeUInt8(v ? 1 : 0), 1);
      case 'string': return this.string(v as string);
      case 'uint64': return this.u64(v as number | bigint);
      case 'int64': return this.number((b) => b.writeBigInt64LE(BigInt(v as number | bigint)), 8);
      case 'float64': return this.number((b) => b.writeDoubleLE(n), 8);
    }
    throw new Error(`scripted GGUF: unknown type ${type}`);
  }

  header(version: number, tensorCount: number, kvs: GgufKv[]): void {
    this.push(Buffer.from('GGUF', 'latin1'));
    this.u32(version);
    this.u64(tensorCount);
    this.u64(kvs.length);
    for (const [key, type, value] of kvs) {
      this.string(key);
      this.u32(TYPE_IDS[type.startsWith('array<') ? 'array' : type]);
      this.value(type, value);
    }
  }

  pad(alignment: number): void {
    const n = (alignment - (this.length % alignment)) % alignment;
    if (n) this.push(Buffer.alloc(n));
  }
}

/** A GGUF with metadata only (no tensors): for reader tests of every value type. llama.cpp cannot load it as a model. */
export function buildMetadataGguf(kvs: GgufKv[], version = 3): Buffer {
  const out = new Bytes();
  out.header(version, 0, kvs);
  return Buffer.concat(out.parts);
}

interface Tensor {
  name: string;
  /** ggml order: innermost (contiguous) dimension first. */
  dims: number[];
  data: Float32Array;
}

function tensors(s: Script, nEmbd: number): Tensor[] {
  const nVocab = s.texts.length;
  const zeros = (name: string, dims: number[]): Tensor => ({ name, dims, data: new Float32Array(dims[0] * (dims[1] ?? 1)) });
  const ones = (name: string): Tensor => ({ name, dims: [nEmbd], data: new Float32Array(nEmbd).fill(1) });
  // Direction 0 is shared by every token without a successor; each token with one gets its own direction.
  const direction = new Map<number, number>([...s.next.keys()].map((id, i) => [id, i + 1]));
  const embd = zeros('token_embd.weight', [nEmbd, nVocab]);
  for (let id = 0; id < nVocab; id++) embd.data[id * nEmbd + (direction.get(id) ?? 0)] = 1;
  const output = zeros('output.weight', [nEmbd, nVocab]);
  output.data[s.eos * nEmbd] = LOGIT;
  for (const [from, to] of s.next) output.data[to * nEmbd + direction.get(from)!] = LOGIT;
  return [
    embd,
    ones('output_norm.weight'),
    output,
    ones('blk.0.attn_norm.weight'),
    zeros('blk.0.attn_q.weight', [nEmbd, nEmbd]),
    zeros('blk.0.attn_k.weight', [nEmbd, nEmbd]),
    zeros('blk.0.attn_v.weight', [nEmbd, nEmbd]),
    zeros('blk.0.attn_output.weight', [nEmbd, nEmbd]),
    ones('blk.0.ffn_norm.weight'),
    zeros('blk.0.ffn_gate.weight', [nEmbd, N_FF]),
    zeros('blk.0.ffn_up.weight', [nEmbd, N_FF]),
    zeros('blk.0.ffn_down.weight', [N_FF, nEmbd]),
  ];
}

function metadata(s: Script, options: ScriptedGgufOptions, nEmbd: number, alignment: number, name: string | undefined): GgufKv[] {
  const kvs: GgufKv[] = [
    ['general.architecture', 'string', 'llama'],
    ['general.alignment', 'uint32', alignment],
  ];
  if (name !== undefined) kvs.push(['general.name', 'string', name]);
  kvs.push(
    ['llama.context_length', 'uint32', options.contextLength ?? 512],
    ['llama.embedding_length', 'uint32', nEmbd],
    ['llama.block_count', 'uint32', 1],
    ['llama.feed_forward_length', 'uint32', N_FF],
    ['llama.attention.head_count', 'uint32', N_HEAD],
    ['llama.attention.head_count_kv', 'uint32', N_HEAD],
    // llama.cpp rejects n_rot other than n_embd / n_head ("invalid n_rot").
    ['llama.rope.dimension_count', 'uint32', nEmbd / N_HEAD],
    ['llama.attention.layer_norm_rms_epsilon', 'float32', 1e-5],
    ['llama.vocab_size', 'uint32', s.texts.length],
    ['tokenizer.ggml.model', 'string', 'llama'],
    ['tokenizer.ggml.tokens', 'array<string>', s.texts],
    ['tokenizer.ggml.scores', 'array<float32>', s.texts.map(() => 0)],
    ['tokenizer.ggml.token_type', 'array<int32>', s.types],
    ['tokenizer.ggml.bos_token_id', 'uint32', s.bos],
    ['tokenizer.ggml.eos_token_id', 'uint32', s.eos],
    ['tokenizer.ggml.unknown_token_id', 'uint32', 0],
    ['tokenizer.ggml.add_bos_token', 'bool', options.addBosToken ?? true],
    ['tokenizer.ggml.add_eos_token', 'bool', false],
    // SentencePiece's default (true) would put a space after every special token of a rendered prompt.
    ['tokenizer.ggml.add_space_prefix', 'bool', false],
  );
  if (s.pad !== undefined) kvs.push(['tokenizer.ggml.padding_token_id', 'uint32', s.pad]);
  if (options.chatTemplate !== undefined) kvs.push(['tokenizer.chat_template', 'string', options.chatTemplate]);
  return kvs;
}

/** GGUF v3 bytes: header, key/values, tensor infos, then the F32 data, every tensor at a multiple of `alignment`. */
function encode(kvs: GgufKv[], ts: Tensor[], alignment: number): { bytes: Buffer; dataStart: number } {
  const out = new Bytes();
  out.header(3, ts.length, kvs);
  let offset = 0;
  for (const t of ts) {
    out.string(t.name);
    out.u32(t.dims.length);
    t.dims.forEach((d) => out.u64(d));
    out.u32(0); // GGML_TYPE_F32
    out.u64(offset);
    offset += Math.ceil(t.data.byteLength / alignment) * alignment;
  }
  out.pad(alignment);
  const dataStart = out.length;
  for (const t of ts) {
    out.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    out.pad(alignment);
  }
  return { bytes: Buffer.concat(out.parts), dataStart };
}

function build(options: ScriptedGgufOptions, alignment: number, name = options.name): { bytes: Buffer; dataStart: number } {
  const s = script(options);
  // n_embd: one direction per token with a successor plus the shared one, in steps of 16 (n_rot stays even).
  const nEmbd = Math.max(16, Math.ceil((s.next.size + 1) / 16) * 16);
  return encode(metadata(s, options, nEmbd, alignment, name), tensors(s, nEmbd), alignment);
}

/** The model's GGUF bytes (~50 KB); throws when the script is not a bigram table or a token text repeats. */
export function buildScriptedGguf(options: ScriptedGgufOptions): Buffer {
  return build(options, 32).bytes;
}

export function writeScriptedGguf(file: string, options: ScriptedGgufOptions): void {
  writeFileSync(file, buildScriptedGguf(options));
}

/** A GGUF that makes llama.cpp abort() the process when loaded (e.g. tensor data alignment 8), for crash-isolation tests. */
export function buildAbortingGguf(): Buffer {
  // Alignment 8 with the data section starting off a 32-byte boundary: ggml asserts on the misaligned tensor
  // buffer. The name's length shifts the start until it is misaligned.
  for (let pad = 0; pad < 32; pad++) {
    const { bytes, dataStart } = build({ next: [] }, 8, `aborting${'_'.repeat(pad)}`);
    if (dataStart % 32 !== 0) return bytes;
  }
  throw new Error('unreachable: some name length misaligns the data section');
}
