// Reads a GGUF file's header and key/value metadata in plain TypeScript, without loading weights or native code:
// enough for the chat template, the special tokens and the context length of a model that may be tens of GB.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** A metadata value. 64-bit integers are numbers when within ±(2^53 − 1), bigints otherwise, so no value is rounded. */
export type GgufValue = number | bigint | boolean | string | GgufValue[];

export interface GgufMetadata {
  /** 2 or 3: both share one little-endian layout (v3 only added big-endian files, which are refused). */
  version: number;
  tensorCount: number;
  /** Every key/value pair, in file order. */
  values: ReadonlyMap<string, GgufValue>;
  /** Each key's GGUF type: `uint32`, `string`, `array<string>`, `array<array<int32>>`, ... */
  types: ReadonlyMap<string, string>;
  /** Byte offset just past the key/value section, where the tensor infos start. */
  end: number;
}

/** A file this reader refuses, with what is wrong and the byte offset where it was found. */
export class GgufError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'GgufError';
  }
}

// Bounds that no real GGUF's metadata comes near (the largest vocabularies, ~260k tokens plus merges, need a few
// MB and about a million values), so that a corrupt count fails fast instead of allocating or looping for minutes.
const MAX_METADATA_BYTES = 256 * 2 ** 20;
const MAX_ARRAY_VALUES = 16 * 2 ** 20;
const MAX_NESTING = 8;
const CHUNK = 2 ** 20;

const SCALARS = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'bool', 'string', 'array', 'uint64', 'int64', 'float64'] as const;
const ARRAY = 9;
/** Bytes a value of each type takes at least (a string is its 8-byte length; an array its type and count). */
const MIN_SIZE = [1, 1, 2, 2, 4, 4, 4, 1, 8, 12, 8, 8, 8];

type NumberReader = 'readUInt8' | 'readInt8' | 'readUInt16LE' | 'readInt16LE' | 'readUInt32LE' | 'readInt32LE' | 'readFloatLE' | 'readDoubleLE' | 'readBigUInt64LE' | 'readBigInt64LE';

/** Sequential little-endian reads over a file descriptor through a window of at most one chunk (or one string). */
export class Cursor {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  pos = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** The buffer offset of `n` bytes at the current position, loading them first. */
  private take(n: number, what: string): number {
    const at = this.pos;
    if (at + n > this.size) throw new GgufError(`file ends inside ${what}: needs ${n} bytes, ${this.size - at} left`, at);
    if (at + n > MAX_METADATA_BYTES) throw new GgufError(`metadata runs past ${MAX_METADATA_BYTES / 2 ** 20} MiB while reading ${what}; not a plausible GGUF`, at);
    if (at < this.bufStart || at + n > this.bufStart + this.buf.length) {
      const length = Math.min(Math.max(n, CHUNK), this.size - at);
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const r = readSync(this.fd, buf, got, length - got, at + got);
        if (r === 0) throw new GgufError(`file shrank while reading ${what}`, at + got);
        got += r;
      }
      this.buf = buf;
      this.bufStart = at;
    }
    this.pos += n;
    return at - this.bufStart;
  }

  /**
   * A number read with Buffer's reader `method`. The window may move while the bytes are taken, so they are taken
   * before the window is read (`this.buf.readX(this.take(...))` would read the old window).
   */
  private number<M extends NumberReader>(method: M, n: number, what: string): ReturnType<Buffer[M]> {
    const o = this.take(n, what);
    return this.buf[method](o) as ReturnType<Buffer[M]>;
  }

  bytes(n: number, what: string): Buffer {
    const o = this.take(n, what);
    return Buffer.from(this.buf.subarray(o, o + n));
  }

  u32(what: string): number {
    return this.number('readUInt32LE', 4, what);
  }

  i32(what: string): number {
    return this.number('readInt32LE', 4, what);
  }

  i64(what: string): bigint {
    return this.number('readBigInt64LE', 8, what);
  }

  u64(what: string): bigint {
    return this.number('readBigUInt64LE', 8, what);
  }

  /**
   * A uint64 count of things that take at least `unit` bytes each, checked against the rest of the file before
   * anything is allocated for them.
   */
  count(field: string, owner: string, unit: number, things: string): number {
    const at = this.pos;
    const n = this.number('readBigUInt64LE', 8, field);
    const left = this.size - this.pos;
    if (n * BigInt(unit) > BigInt(left)) throw new GgufError(`${owner} claims ${n} ${things} but only ${left} bytes remain in the file`, at);
    return Number(n);
  }

  string(what: string): string {
    const length = this.count(`the length of ${what}`, what, 1, 'bytes');
    const o = this.take(length, what);
    return this.buf.toString('utf8', o, o + length);
  }

  scalar(type: number, what: string): GgufValue {
    switch (type) {
      case 0: return this.number('readUInt8', 1, what);
      case 1: return this.number('readInt8', 1, what);
      case 2: return this.number('readUInt16LE', 2, what);
      case 3: return this.number('readInt16LE', 2, what);
      case 4: return this.number('readUInt32LE', 4, what);
      case 5: return this.number('readInt32LE', 4, what);
      case 6: return this.number('readFloatLE', 4, what);
      case 7: return this.number('readUInt8', 1, what) !== 0;
      case 8: return this.string(what);
      case 10: return safe(this.number('readBigUInt64LE', 8, what));
      case 11: return safe(this.number('readBigInt64LE', 8, what));
      case 12: return this.number('readDoubleLE', 8, what);
    }
    throw new Error(`unreachable type ${type}`);
  }
}

function safe(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Reads one value of `type` (and the element type and count first, for arrays); returns the value and its type name. */
function readValue(c: Cursor, type: number, key: string, depth: number, budget: { values: number }): [GgufValue, string] {
  if (type !== ARRAY) return [c.scalar(type, `the value of ${key}`), SCALARS[type]];
  if (depth >= MAX_NESTING) throw new GgufError(`${key} nests arrays more than ${MAX_NESTING} deep`, c.pos);
  const typeAt = c.pos;
  const element = c.u32(`the element type of ${key}`);
  if (element >= SCALARS.length) throw new GgufError(`${key} has an array of unknown type ${element}`, typeAt);
  const countAt = c.pos;
  // Every element takes at least MIN_SIZE bytes: a count the rest of the file cannot hold is corrupt.
  const n = c.count(`the element count of ${key}`, key, MIN_SIZE[element], `${SCALARS[element]} values`);
  budget.values -= n;
  if (budget.values < 0) throw new GgufError(`${key} brings the metadata past ${MAX_ARRAY_VALUES} array values; not a plausible GGUF`, countAt);
  const out: GgufValue[] = new Array(n);
  let name = `array<${SCALARS[element]}>`;
  for (let i = 0; i < n; i++) {
    const [v, t] = readValue(c, element, key, depth + 1, budget);
    out[i] = v;
    if (element === ARRAY) name = `array<${t}>`;
  }
  return [out, name];
}

/** Reads the header and the key/value section of a GGUF file (v2 or v3, little-endian), never the tensor data. */
export function readGgufMetadata(file: string): GgufMetadata {
  const fd = openSync(file, 'r');
  try {
    const c = new Cursor(fd, fstatSync(fd).size);
    const magic = c.bytes(4, 'the magic').toString('latin1');
    if (magic !== 'GGUF') throw new GgufError(`not a GGUF file: it starts with ${JSON.stringify(magic)}, not "GGUF"`, 0);
    const version = c.u32('the version');
    // A big-endian file's version reads as 0x02000000 or 0x03000000 here (llama.cpp checks the low 16 bits the same way).
    if ((version & 0xffff) === 0 && version !== 0) throw new GgufError(`big-endian GGUF (version ${version >>> 24} byte-swapped) is not supported`, 4);
    if (version === 1) throw new GgufError('GGUF version 1 is not supported (llama.cpp dropped it too)', 4);
    if (version !== 2 && version !== 3) throw new GgufError(`unsupported GGUF version ${version}`, 4);
    // A tensor info takes at least 24 bytes (name length, dimension count, type, offset); a key/value pair at
    // least 13 (key length, type, one byte of value).
    const tensorCount = c.count('the tensor count', 'the header', 24, 'tensors');
    const kvCount = c.count('the key/value count', 'the header', 13, 'key/value pairs');
    const values = new Map<string, GgufValue>();
    const types = new Map<string, string>();
    const budget = { values: MAX_ARRAY_VALUES };
    for (let i = 0; i < kvCount; i++) {
      const keyAt = c.pos;
      const key = c.string(`key #${i}`);
      // llama.cpp refuses both, so a file with them would not load anyway.
      if (key === '') throw new GgufError(`key #${i} is empty`, keyAt);
      if (values.has(key)) throw new GgufError(`duplicate key ${key}`, keyAt);
      const typeAt = c.pos;
      const type = c.u32(`the type of ${key}`);
      if (type >= SCALARS.length) throw new GgufError(`${key} has unknown value type ${type}`, typeAt);
      const [value, name] = readValue(c, type, key, 0, budget);
      values.set(key, value);
      types.set(key, name);
    }
    return { version, tensorCount, values, types, end: c.pos };
  } finally {
    closeSync(fd);
  }
}

// ---- Convenience accessors for what the chat setup and the report need ----

/** llama.cpp's token types (llama_token_type), index = the value stored in tokenizer.ggml.token_type. */
export const TOKEN_TYPES = ['undefined', 'normal', 'unknown', 'control', 'user_defined', 'unused', 'byte'] as const;
export type GgufTokenType = (typeof TOKEN_TYPES)[number];

export interface GgufToken {
  id: number;
  /** tokenizer.ggml.tokens[id]; undefined when the id is outside the vocabulary. */
  text?: string;
  type?: GgufTokenType;
}

export interface GgufSummary {
  architecture?: string;
  name?: string;
  /** `<architecture>.context_length`: the trained context, which clemcore's n_ctx=0 uses. */
  contextLength?: number;
  chatTemplate?: string;
  vocabularySize?: number;
  bos?: GgufToken;
  eos?: GgufToken;
  addBosToken?: boolean;
  addEosToken?: boolean;
}

function integer(v: GgufValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

function str(v: GgufValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function bool(v: GgufValue | undefined): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** The text of token `id` as llama.cpp's token_get_text gives it (the raw vocabulary entry). */
export function tokenText(meta: GgufMetadata, id: number): string | undefined {
  const tokens = meta.values.get('tokenizer.ggml.tokens');
  return Array.isArray(tokens) ? str(tokens[id]) : undefined;
}

export function tokenType(meta: GgufMetadata, id: number): GgufTokenType | undefined {
  const types = meta.values.get('tokenizer.ggml.token_type');
  const t = Array.isArray(types) ? integer(types[id]) : undefined;
  return t === undefined ? undefined : TOKEN_TYPES[t];
}

function token(meta: GgufMetadata, key: string): GgufToken | undefined {
  const id = integer(meta.values.get(key));
  return id === undefined ? undefined : { id, text: tokenText(meta, id), type: tokenType(meta, id) };
}

/** Typed view of the keys a registry check needs; a key of an unexpected type counts as absent. */
export function summarizeGguf(meta: GgufMetadata): GgufSummary {
  const v = meta.values;
  const architecture = str(v.get('general.architecture'));
  const tokens = v.get('tokenizer.ggml.tokens');
  return {
    architecture,
    name: str(v.get('general.name')),
    contextLength: architecture === undefined ? undefined : integer(v.get(`${architecture}.context_length`)),
    chatTemplate: str(v.get('tokenizer.chat_template')),
    vocabularySize: Array.isArray(tokens) ? tokens.length : undefined,
    bos: token(meta, 'tokenizer.ggml.bos_token_id'),
    eos: token(meta, 'tokenizer.ggml.eos_token_id'),
    addBosToken: bool(v.get('tokenizer.ggml.add_bos_token')),
    addEosToken: bool(v.get('tokenizer.ggml.add_eos_token')),
  };
}
