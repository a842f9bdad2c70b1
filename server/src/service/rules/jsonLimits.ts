// What Python's json.load refuses in text that is otherwise valid JSON: nesting past the interpreter's recursion limit
// and integers past its digit limit. clemcore catches either error and silently ignores the whole file.
import { createScanner, SyntaxKind } from 'jsonc-parser';
import type { RegistryDiagnostic } from '../types';

/**
 * The Python frames on the stack when clemcore's `clem run` (the console script) loads the working directory's
 * model_registry.json, down to json's C scanner, per clemcore version (read in clemcore's sources):
 * - 3.7 (ef82bb43, 3.7.2): the script's `<module>` → `cli.main` → `cli.cli` → `cli.run` → `wrapper` (the
 *   `@temporary_loglevel` decorator of `backends.load_models`) → `load_models` →
 *   `ModelRegistry.from_packaged_and_cwd_files` → `from_directory` → `from_json_file` → `json.load` → `json.loads` →
 *   `JSONDecoder.decode` → `JSONDecoder.raw_decode`.
 * - 3.3 (8bd08307, 3.3.4): the same without `from_directory` and `from_json_file` (`from_packaged_and_cwd_files`
 *   calls `json.load` itself).
 */
export const CLEM_RUN_FRAMES: Record<string, number> = { '3.3': 11, '3.7': 13 };

/**
 * Python 3.10 and 3.11 (which clemcore supports, with 3.12) count json's nesting against the one recursion limit of
 * 1000 that the frames above already use: each array or object is one more level, and a file nested `1000 - frames`
 * levels deep raises RecursionError. Python 3.12 counts C recursion apart: there the scanner gives up past 1,497
 * levels whatever the frames.
 */
const PYTHON_RECURSION_LIMIT = 1000;
const PYTHON312_MAX_DEPTH = 1497;

/** The deepest nesting clemcore's json.load reads under Python 3.10 and 3.11, for a clemcore version. */
export function maxJsonDepth(version: string): number {
  const frames = CLEM_RUN_FRAMES[version] ?? Math.max(...Object.values(CLEM_RUN_FRAMES));
  return PYTHON_RECURSION_LIMIT - frames - 1;
}

/** A file-level finding at the bracket where Python's json gives up; `depth` is how deep the file nests. */
export function nestingTooDeep(text: string, depth: number, version: string): RegistryDiagnostic {
  const max = maxJsonDepth(version);
  const at = bracketAtDepth(text, max + 1);
  return {
    code: 'json-syntax', severity: 'error', offset: Math.max(at, 0), length: at < 0 ? 0 : 1, path: [],
    message: `The file nests arrays and objects ${depth > MAX_COUNTED_DEPTH ? `more than ${MAX_COUNTED_DEPTH.toLocaleString('en-US')}` : depth} levels deep. Under Python 3.10 and 3.11, json.load as \`clem run\` of clemcore ${version} calls it raises RecursionError past ${max} levels (here; Python 3.12 past ${PYTHON312_MAX_DEPTH.toLocaleString('en-US')}), and clemcore then ignores the whole file. Flatten the structure.`,
  };
}

/** Nesting beyond which the depth is not counted exactly (the scan stops there). */
export const MAX_COUNTED_DEPTH = 100_000;

/**
 * How deeply brackets outside strings nest, read in one pass that works on broken JSON too (a string ends at a line
 * break, as in the tolerant parser); the scan stops once `stopAt` is passed.
 */
export function bracketDepth(text: string, stopAt = MAX_COUNTED_DEPTH): number {
  let depth = 0;
  let max = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) i = stringEnd(text, i);
    else if (c === 123 || c === 91) {
      if (++depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if ((c === 125 || c === 93) && depth > 0) depth--;
  }
  return max;
}

/** The offset of the first opening bracket at nesting `depth`, or -1. */
function bracketAtDepth(text: string, depth: number): number {
  let d = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) i = stringEnd(text, i);
    else if (c === 123 || c === 91) {
      if (++d === depth) return i;
    } else if ((c === 125 || c === 93) && d > 0) d--;
  }
  return -1;
}

/** The offset of the closing quote (or line break, or end) of the string opened at `i`. */
function stringEnd(text: string, i: number): number {
  const n = text.length;
  for (let j = i + 1; j < n; j++) {
    const d = text.charCodeAt(j);
    if (d === 92 /* \ */) j++;
    else if (d === 34 || d === 10 || d === 13) return j;
  }
  return n;
}

/** Python's `sys.int_max_str_digits` default (3.10.7 and later): int() of more digits raises ValueError. */
export const MAX_INTEGER_DIGITS = 4300;

/**
 * Whether `text` has a run of more than MAX_INTEGER_DIGITS digits anywhere: the cheap test before a real scan. Such a
 * run covers one of every MAX_INTEGER_DIGITS + 1 positions, so only those are looked at, and the run around a digit
 * found there is measured: a valid file costs a few hundred reads per megabyte instead of one per character.
 */
export function hasLongDigitRun(text: string): boolean {
  const stride = MAX_INTEGER_DIGITS + 1;
  for (let p = MAX_INTEGER_DIGITS; p < text.length; p += stride) {
    if (!isDigit(text.charCodeAt(p))) continue;
    let start = p;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
    let end = p + 1;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    if (end - start > MAX_INTEGER_DIGITS) return true;
    // The next sampled position past this run is the next one that can start a longer run.
    while (p + stride < end) p += stride;
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Integers (numbers without a fraction or exponent) of more than MAX_INTEGER_DIGITS digits: Python's json.load raises
 * ValueError on them, which clemcore catches like any other error and ignores the file.
 */
export function hugeIntegers(text: string): RegistryDiagnostic[] {
  if (!hasLongDigitRun(text)) return [];
  const out: RegistryDiagnostic[] = [];
  const scanner = createScanner(text, true);
  for (let t = scanner.scan(); t !== SyntaxKind.EOF; t = scanner.scan()) {
    if (t !== SyntaxKind.NumericLiteral) continue;
    const length = scanner.getTokenLength();
    if (length <= MAX_INTEGER_DIGITS) continue;
    const offset = scanner.getTokenOffset();
    const literal = text.slice(offset, offset + length);
    if (!/^-?\d+$/.test(literal)) continue; // a float: Python reads any number of digits
    const digits = literal.length - (literal[0] === '-' ? 1 : 0);
    if (digits <= MAX_INTEGER_DIGITS) continue;
    out.push({
      code: 'json-syntax', severity: 'error', offset, length, path: [],
      message: `This integer has ${digits.toLocaleString('en-US')} digits: Python's json.load refuses integers of more than ${MAX_INTEGER_DIGITS} digits (ValueError: "Exceeds the limit (4300 digits) for integer string conversion"), so clemcore ignores the whole file. Write the value as a string, or shorten it.`,
    });
  }
  return out;
}
