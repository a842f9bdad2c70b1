// Reads a GGUF file's tensor table (names, shapes, types, data offsets) and makes the checks llama.cpp's own GGUF
// reader makes before it loads anything (gguf_init_from_file in ggml's gguf.cpp), in the same order, so that a
// corrupt file is described in words here instead of failing inside a library that reads it less carefully.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { Cursor, GgufError, type GgufMetadata } from './gguf';

export interface GgufTensorInfo {
  name: string;
  /** ggml order: innermost dimension first, always four (missing ones are 1). */
  shape: [bigint, bigint, bigint, bigint];
  type: number;
  /** Offset of the tensor's data from the start of the data section. */
  offset: bigint;
  /** Bytes of data, before padding to the alignment. */
  bytes: bigint;
}

export interface GgufTensorTable {
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Byte offset of the data section (the end of the table, padded to the alignment). */
  dataStart: bigint;
  /** Bytes the data section needs: the last tensor's padded end. */
  dataBytes: bigint;
}

/**
 * ggml's tensor types, index = the type id stored in the file: name, elements per block, bytes per block, as built
 * into node-llama-cpp 3.21.1 (its llama.cpp). A block size of 0 marks a type llama.cpp has removed.
 */
export const GGML_TYPES: readonly (readonly [name: string, blockSize: number, typeSize: number])[] = [
  ['f32', 1, 4], ['f16', 1, 2], ['q4_0', 32, 18], ['q4_1', 32, 20], ['q4_2 (removed)', 0, 0], ['q4_3 (removed)', 0, 0],
  ['q5_0', 32, 22], ['q5_1', 32, 24], ['q8_0', 32, 34], ['q8_1', 32, 36], ['q2_K', 256, 84], ['q3_K', 256, 110],
  ['q4_K', 256, 144], ['q5_K', 256, 176], ['q6_K', 256, 210], ['q8_K', 256, 292], ['iq2_xxs', 256, 66],
  ['iq2_xs', 256, 74], ['iq3_xxs', 256, 98], ['iq1_s', 256, 50], ['iq4_nl', 32, 18], ['iq3_s', 256, 110],
  ['iq2_s', 256, 82], ['iq4_xs', 256, 136], ['i8', 1, 1], ['i16', 1, 2], ['i32', 1, 4], ['i64', 1, 8], ['f64', 1, 8],
  ['iq1_m', 256, 56], ['bf16', 1, 2], ['q4_0_4_4 (removed)', 0, 0], ['q4_0_4_8 (removed)', 0, 0],
  ['q4_0_8_8 (removed)', 0, 0], ['tq1_0', 256, 54], ['tq2_0', 256, 66], ['iq4_nl_4_4 (removed)', 0, 0],
  ['iq4_nl_4_8 (removed)', 0, 0], ['iq4_nl_8_8 (removed)', 0, 0], ['mxfp4', 32, 17], ['nvfp4', 64, 36],
  ['q1_0', 128, 18], ['q2_0', 64, 18],
];

const GGML_MAX_DIMS = 4;
/** ggml keeps a tensor name in a 64-byte buffer with its terminating NUL. */
const GGML_MAX_NAME = 64;
const GGUF_DEFAULT_ALIGNMENT = 32;
const INT64_MAX = 2n ** 63n - 1n;
const SIZE_MAX = 2n ** 64n - 1n;

/** Reads the tensor table that follows the metadata `meta` read from `file`, refusing what llama.cpp refuses. */
export function readGgufTensorTable(file: string, meta: GgufMetadata): GgufTensorTable {
  const alignment = alignmentOf(meta);
  const fd = openSync(file, 'r');
  try {
    const c = new Cursor(fd, fstatSync(fd).size);
    c.pos = meta.end;
    const tensors: GgufTensorInfo[] = [];
    const names = new Set<string>();
    for (let i = 0; i < meta.tensorCount; i++) {
      const at = c.pos;
      const length = c.count(`the name length of tensor #${i}`, `the name of tensor #${i}`, 1, 'bytes');
      const raw = c.bytes(length, `the name of tensor #${i}`);
      if (length >= GGML_MAX_NAME) throw new GgufError(`tensor #${i} has a name of ${length} bytes; llama.cpp allows at most ${GGML_MAX_NAME - 1}`, at);
      // ggml keeps names as C strings: a NUL ends one, and names are compared up to it.
      const cName = raw.subarray(0, raw.indexOf(0) < 0 ? raw.length : raw.indexOf(0));
      const name = cName.toString('utf8');
      const key = cName.toString('latin1');
      if (names.has(key)) throw new GgufError(`tensor '${name}' appears twice in the tensor table`, at);
      names.add(key);
      tensors.push(readTensor(c, name));
    }
    const dataStart = pad(BigInt(c.pos), alignment);
    let dataBytes = 0n;
    for (const t of tensors) {
      if (t.offset !== dataBytes) {
        throw new GgufError(`tensor '${t.name}' says its data starts at offset ${t.offset} of the data section, but the tensors before it end at ${dataBytes}: the tensor table does not match the data`, Number(dataStart));
      }
      dataBytes += pad(t.bytes, alignment);
      if (dataBytes > SIZE_MAX) throw new GgufError(`the tensors up to '${t.name}' need more than 2^64 − 1 bytes together`, Number(dataStart));
    }
    return { tensors, alignment, dataStart, dataBytes };
  } finally {
    closeSync(fd);
  }
}

function alignmentOf(meta: GgufMetadata): number {
  const type = meta.types.get('general.alignment');
  if (type === undefined) return GGUF_DEFAULT_ALIGNMENT;
  const value = meta.values.get('general.alignment');
  if (type !== 'uint32' || typeof value !== 'number') throw new GgufError(`general.alignment is a ${type}; llama.cpp needs a uint32`, meta.end);
  if (value === 0 || (value & (value - 1)) !== 0) throw new GgufError(`general.alignment is ${value}, not a power of two`, meta.end);
  return value;
}

function readTensor(c: Cursor, name: string): GgufTensorInfo {
  const dimsAt = c.pos;
  const dims = c.u32(`the dimension count of tensor '${name}'`);
  if (dims > GGML_MAX_DIMS) throw new GgufError(`tensor '${name}' has ${dims} dimensions; llama.cpp allows at most ${GGML_MAX_DIMS}`, dimsAt);
  const shape: [bigint, bigint, bigint, bigint] = [1n, 1n, 1n, 1n];
  for (let j = 0; j < dims; j++) {
    const at = c.pos;
    const n = c.i64(`dimension ${j} of tensor '${name}'`);
    if (n < 0n) throw new GgufError(`tensor '${name}' has ${BigInt.asUintN(64, n)} elements in dimension ${j}: that is negative as the signed 64-bit count llama.cpp reads`, at);
    shape[j] = n;
  }
  const [a, b, cc, d] = shape;
  if (a * b * cc * d > 0n && (INT64_MAX / b <= a || INT64_MAX / cc <= a * b || INT64_MAX / d <= a * b * cc)) {
    throw new GgufError(`tensor '${name}' has shape (${shape.join(', ')}): more elements than a signed 64-bit count holds`, dimsAt);
  }
  const typeAt = c.pos;
  const type = c.i32(`the type of tensor '${name}'`);
  const known = type >= 0 && type < GGML_TYPES.length ? GGML_TYPES[type] : undefined;
  if (!known) throw new GgufError(`tensor '${name}' has ggml type ${type}, which llama.cpp does not know (0 to ${GGML_TYPES.length - 1})`, typeAt);
  const [typeName, blockSize, typeSize] = known;
  if (blockSize === 0) throw new GgufError(`tensor '${name}' has ggml type ${type} (${typeName}), which llama.cpp no longer reads from files`, typeAt);
  if (a % BigInt(blockSize) !== 0n) throw new GgufError(`tensor '${name}' of type ${typeName} has ${a} elements per row, not a multiple of its block size ${blockSize}`, typeAt);
  const blocks = (a * b * cc * d) / BigInt(blockSize);
  if (blocks > SIZE_MAX / BigInt(typeSize)) throw new GgufError(`tensor '${name}' of shape (${shape.join(', ')}) takes more than 2^64 − 1 bytes`, dimsAt);
  const offset = c.u64(`the data offset of tensor '${name}'`);
  return { name, shape, type, offset, bytes: blocks * BigInt(typeSize) };
}

function pad(n: bigint, alignment: number): bigint {
  const a = BigInt(alignment);
  return ((n + a - 1n) / a) * a;
}
