// Reading the files the command line is given: regular files, `-` for standard input, pipes (`<(cat file)`), named
// pipes and devices, none of which may block forever or be read forever. A file that cannot be read is one line.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';

/** Why a file could not be read: one line for the user, exit status 2. */
export class InputError extends Error {}

/** Inputs are read up to this size; a registry is a few hundred kilobytes, and an endless device never ends. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** How long a named pipe may stay without a writer before it is reported instead of waited for. */
const WRITER_GRACE_MS = 500;
const POLL_MS = 5;

export const STDIN = '-';

/** The bytes of `file` (`-` for standard input). */
export function readInput(file: string): Buffer {
  if (file === STDIN) {
    try {
      return readStream(0, 'standard input', false);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`cannot read standard input: ${reasonOf(err)}`);
    }
  }
  let fd: number;
  try {
    // Non-blocking, so that opening a named pipe without a writer returns at once instead of waiting for one.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new InputError(`cannot read '${file}': ${reasonOf(err)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputError(`cannot read '${file}': it is a directory`);
    if (stat.isFile()) {
      if (stat.size > MAX_INPUT_BYTES) throw new InputError(`cannot read '${file}': it has ${megabytes(stat.size)}; clem-registry reads files up to ${megabytes(MAX_INPUT_BYTES)}`);
      return readStream(fd, `'${file}'`, false);
    }
    return readStream(fd, `'${file}'`, isNamedPipe(file));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read '${file}': ${reasonOf(err)}`);
  } finally {
    closeSync(fd);
  }
}

function isNamedPipe(file: string): boolean {
  try {
    return lstatSync(file).isFIFO();
  } catch {
    return false;
  }
}

/**
 * Reads `fd` to its end or past MAX_INPUT_BYTES. A non-blocking pipe with a writer that has nothing yet is polled;
 * a named pipe that ends before any byte arrived has no writer, and is waited for only briefly.
 */
function readStream(fd: number, label: string, namedPipe: boolean): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const started = Date.now();
  for (;;) {
    const chunk = Buffer.allocUnsafe(total < 1 << 20 ? 1 << 16 : 1 << 20);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      sleep(POLL_MS); // a writer is there, with nothing to say yet
      continue;
    }
    if (n === 0) {
      if (namedPipe && total === 0) {
        if (Date.now() - started < WRITER_GRACE_MS) {
          sleep(POLL_MS);
          continue;
        }
        throw new InputError(`cannot read ${label}: it is a named pipe and nothing is writing to it`);
      }
      return Buffer.concat(chunks, total);
    }
    total += n;
    if (total > MAX_INPUT_BYTES) throw new InputError(`cannot read ${label}: it goes on past ${megabytes(MAX_INPUT_BYTES)} (an endless device?); clem-registry reads files up to ${megabytes(MAX_INPUT_BYTES)}`);
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
}

/** The reason of a failed open or read, in words. */
export function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'it is a directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ENXIO': return 'it is a socket or a device that cannot be read';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'ENAMETOOLONG': return 'the name is too long';
    default: return (e.message ?? String(err)).split('\n')[0];
  }
}
