// Seeded mutations of real registries for the command line, and the run that checks each one: the built CLI in a
// process of its own per file, and Python's json.load (as clemcore calls it) once over all of them. Shared by the
// fuzz test (a few cases per family) and bench/fuzzCli.ts (many).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonJsonRejects } from '../../server/src/service';
import { MAX_LISTED_SYNTAX_FINDINGS } from '../../server/src/service/rules/jsonSyntax';
import { SMALL_REGISTRY } from '../fixtures/smallRegistry';
import { loadAsClemcore, type ClemcoreLoad } from './clemcoreLoad';
import { Rng, seedOf } from './random';

const REPO = path.resolve(__dirname, '..', '..');
/** The real registries (never copied into the repo); without them, the registries the repo has. */
const CORPUS = process.env.CLEM_SHARED_CORPUS ?? path.resolve(REPO, '..', 'shared', 'corpus');
/** The CLI under test; CLEM_REGISTRY_CLI names another build (e.g. an older one, to see that the test fails there). */
export const CLI = process.env.CLEM_REGISTRY_CLI ?? path.join(REPO, 'dist', 'cli.js');

// ---------------------------------------------------------------------------------------------------------------
// Seeds

export interface Seeds {
  source: string;
  /** Whole registry files, as bytes. */
  files: Buffer[];
  /** The entries of the files, as written, for registries of a few entries. */
  entries: string[];
}

export function loadSeeds(): Seeds {
  const files: Buffer[] = [];
  let source: string;
  if (existsSync(CORPUS)) {
    for (const dir of [CORPUS, path.join(CORPUS, 'history')]) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).sort()) if (name.endsWith('.json')) files.push(readFileSync(path.join(dir, name)));
    }
    source = `${files.length} registries of ${CORPUS}`;
  } else {
    files.push(readFileSync(path.join(REPO, 'examples', 'model_registry.json')), Buffer.from(SMALL_REGISTRY));
    source = 'examples/model_registry.json and the test fixture (no corpus found)';
  }
  const entries: string[] = [];
  for (const file of files) {
    // Top-level entries are written "  {" ... "  }" (two or four spaces) in every registry there is.
    const re = /^( {2}| {4})\{$[\s\S]*?^\1\}/gm;
    const text = file.toString('utf8');
    for (let m = re.exec(text); m; m = re.exec(text)) entries.push(m[0].trim());
  }
  return { source, files, entries };
}

// ---------------------------------------------------------------------------------------------------------------
// Cases

export const FAMILIES = ['byteFlip', 'tokenEdit', 'truncate', 'unicode', 'encoding', 'hugeValue', 'deepNesting', 'flood'] as const;
export type Family = (typeof FAMILIES)[number];

export interface FuzzCase {
  id: string;
  family: Family;
  /** What was done, for the failure message. */
  note: string;
  bytes: Buffer;
}

/** A registry to mutate: mostly a few consecutive real entries (quick to check), sometimes a whole file. */
function seedText(rng: Rng, seeds: Seeds, wholeFileChance: number): string {
  if (!seeds.entries.length || rng.chance(wholeFileChance)) return rng.pick(seeds.files).toString('utf8');
  const count = rng.int(1, 6);
  const start = rng.int(0, Math.max(0, seeds.entries.length - count));
  return `[\n    ${seeds.entries.slice(start, start + count).join(',\n    ')}\n]\n`;
}

/** The case `index` of `family`: the same bytes on every machine and every run. */
export function makeCase(family: Family, index: number, seeds: Seeds, wholeFileChance = 0.05): FuzzCase {
  const rng = new Rng(seedOf(`cli:${family}`, index));
  const text = seedText(rng, seeds, wholeFileChance);
  const { note, bytes } = MUTATE[family](rng, text, index);
  return { id: `${family}#${index}`, family, note, bytes };
}

type Mutator = (rng: Rng, text: string, index: number) => { note: string; bytes: Buffer };

function splice(text: string, at: number, remove: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at + remove);
}

/** Offsets of the characters of `text` that match `re` (a global regex). */
function offsetsOf(text: string, re: RegExp): number[] {
  const out: number[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m.index);
  return out;
}

/** Where a value starts (after `": `), or a random offset. */
function valueAt(rng: Rng, text: string): number {
  const starts = offsetsOf(text, /": /g).map((i) => i + 3);
  return starts.length ? rng.pick(starts) : rng.int(0, text.length);
}

/** The span of a JSON string value (quotes included) at a random place, if any. */
function stringValue(rng: Rng, text: string): { at: number; length: number } | undefined {
  const spans: { at: number; length: number }[] = [];
  const re = /": ("(?:[^"\\\n]|\\.)*")/g;
  for (let m = re.exec(text); m; m = re.exec(text)) spans.push({ at: m.index + 3, length: m[1].length });
  return spans.length ? rng.pick(spans) : undefined;
}

const NON_FINITE = ['NaN', 'Infinity', '-Infinity', '-NaN', 'nan', 'inf', '+Infinity', 'NaN1', 'Infinityx', 'NAN'];

/** Token edits, the kind a person makes by hand; each case starts with a different one so that few cases see all. */
const TOKEN_EDITS: ((rng: Rng, t: string) => [string, string])[] = [
  (rng, t) => {
    const commas = offsetsOf(t, /,/g);
    const at = commas.length ? rng.pick(commas) : 0;
    return ['delete a comma', splice(t, at, 1, '')];
  },
  (rng, t) => {
    const closers = offsetsOf(t, /\n\s*[}\]]/g);
    return ['trailing comma', closers.length ? splice(t, rng.pick(closers), 0, ',') : `${t},`];
  },
  (rng, t) => {
    // A literal right before a value, without a comma: the tolerant parser once skipped it silently.
    const at = valueAt(rng, t);
    const word = rng.pick(NON_FINITE.slice(0, 4));
    return [`${word} before a value`, splice(t, at, 0, `${word} `)];
  },
  (rng, t) => {
    // A literal right before a syntax error: the error once went unreported.
    const at = valueAt(rng, t);
    const end = t.slice(at).search(/[,}\]\n]/);
    const word = rng.pick(NON_FINITE.slice(0, 4));
    const after = t.slice(at + Math.max(end, 0));
    const glued = rng.pick([',}', ',]', '}', ']', ',,']);
    return [`${word}${glued}`, t.slice(0, at) + word + glued + after];
  },
  (rng, t) => {
    const at = valueAt(rng, t);
    const end = t.slice(at).search(/[,}\]\n]/);
    const word = rng.pick(NON_FINITE);
    return [`value ${word}`, splice(t, at, Math.max(end, 0), word)];
  },
  (rng, t) => {
    const quotes = offsetsOf(t, /"/g);
    return ['delete a quote', quotes.length ? splice(t, rng.pick(quotes), 1, '') : t];
  },
  (rng, t) => {
    const brackets = offsetsOf(t, /[{}[\]]/g);
    const at = brackets.length ? rng.pick(brackets) : 0;
    return rng.chance(0.5) ? ['delete a bracket', splice(t, at, 1, '')] : ['double a bracket', splice(t, at, 0, t[at] ?? '[')];
  },
  (rng, t) => {
    const s = stringValue(rng, t);
    const piece = rng.pick(['\\|', '\\q', '\\u12', '\\x41', '\t', '\n', '\u0001', '\\', '\\ud800', '\\udc00x']);
    return [`${JSON.stringify(piece)} in a string`, s ? splice(t, s.at + 1 + rng.int(0, s.length - 2), 0, piece) : t];
  },
  (rng, t) => {
    const at = rng.pick(offsetsOf(t, /\n/g).concat([0]));
    return ['a comment', splice(t, at, 0, rng.pick(['// note\n', '/* note */', '# note\n', '/*']))];
  },
  (rng, t) => {
    const at = valueAt(rng, t);
    const end = t.slice(at).search(/[,}\]\n]/);
    const word = rng.pick(['True', 'None', "'single'", '01', '1.', '.5', '1e', '-', '+1', '0x1F', '1_000', '1e999', '-0', '""', 'undefined']);
    return [`value ${word}`, splice(t, at, Math.max(end, 0), word)];
  },
  (rng, t) => {
    const keys: [number, string][] = [];
    const re = /"([a-z_]+)": /g;
    for (let m = re.exec(t); m; m = re.exec(t)) keys.push([m.index, m[1]]);
    if (!keys.length) return ['key without quotes', `{a: 1}`];
    const [at, key] = rng.pick(keys);
    return ['key without quotes', splice(t, at, key.length + 2, key)];
  },
  (rng, t) => [`text after the end`, `${t}${rng.pick(['x', '[]', '{}', ',', ']', '\u0000'])}`],
];

const UNICODE_PIECES: (string | Buffer)[] = [
  '\u00a0', '\u2028', '\u2029', '\ufeff', '\u000b', '\u000c', '\u200b', '\u3000', '😀', 'é', '\u0301', '\u202e',
  Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff]), Buffer.from([0xe9]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xe2, 0x82]), Buffer.from([0x00]), Buffer.from([0xef, 0xbb, 0xbf]),
];

const MUTATE: Record<Family, Mutator> = {
  byteFlip: (rng, text) => {
    const bytes = Buffer.from(text);
    const ops: string[] = [];
    for (let n = rng.int(1, 8); n > 0 && bytes.length; n--) {
      const at = rng.int(0, bytes.length - 1);
      const bit = rng.int(0, 7);
      bytes[at] ^= 1 << bit;
      ops.push(`${at}^${1 << bit}`);
    }
    return { note: `flip ${ops.join(' ')}`, bytes };
  },
  tokenEdit: (rng, text, index) => {
    let t = text;
    const notes: string[] = [];
    for (let n = 0, count = rng.int(1, 3); n < count; n++) {
      const edit = n === 0 ? TOKEN_EDITS[index % TOKEN_EDITS.length] : rng.pick(TOKEN_EDITS);
      const [note, out] = edit(rng, t);
      notes.push(note);
      t = out;
    }
    return { note: notes.join(', '), bytes: Buffer.from(t) };
  },
  truncate: (rng, text) => {
    const bytes = Buffer.from(text);
    const at = rng.chance(0.2) ? rng.int(0, Math.min(8, bytes.length)) : rng.int(0, bytes.length);
    return { note: `cut at byte ${at}`, bytes: bytes.subarray(0, at) };
  },
  unicode: (rng, text, index) => {
    let bytes = Buffer.from(text);
    const notes: string[] = [];
    for (let n = 0, count = rng.int(1, 4); n < count; n++) {
      const piece = n === 0 ? UNICODE_PIECES[index % UNICODE_PIECES.length] : rng.pick(UNICODE_PIECES);
      const raw = typeof piece === 'string' ? Buffer.from(piece) : piece;
      // Between characters, never inside a UTF-8 sequence (the bytes pieces break sequences on their own).
      let at = rng.int(0, bytes.length);
      while (at < bytes.length && (bytes[at] & 0xc0) === 0x80) at++;
      bytes = Buffer.concat([bytes.subarray(0, at), raw, bytes.subarray(at)]);
      notes.push(`${raw.toString('hex')}@${at}`);
    }
    return { note: `insert ${notes.join(' ')}`, bytes };
  },
  encoding: (rng, text, index) => {
    const variants: [string, () => Buffer][] = [
      ['UTF-16 LE with BOM', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['UTF-16 LE', () => Buffer.from(text, 'utf16le')],
      ['UTF-16 BE with BOM', () => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
      ['UTF-32 LE', () => utf32(text)],
      ['UTF-8 BOM', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
      ['two UTF-8 BOMs', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from(text)])],
      ['Latin-1', () => Buffer.from(text.replace(/"model_name": "/, '"model_name": "\u00e9'), 'latin1')],
      ['Windows line ends', () => Buffer.from(text.replace(/\n/g, '\r\n'))],
      ['old Mac line ends', () => Buffer.from(text.replace(/\n/g, '\r'))],
      ['random binary', () => Buffer.from(Array.from({ length: rng.int(1, 4096) }, () => rng.int(0, 255)))],
    ];
    const [note, make] = variants[index % variants.length];
    return { note, bytes: make() };
  },
  hugeValue: (rng, text, index) => {
    const size = rng.int(100_000, 1_100_000);
    const variants: [string, () => string][] = [
      ['a huge string value', () => replaceValue(rng, text, JSON.stringify(rng.pick(['a', 'é', '|', '{% if %}', '(a|b)*', '<|im_end|>']).repeat(size / 8)))],
      ['a huge key', () => text.replace(/"model_name"/, `"${'k'.repeat(size)}": 1, "model_name"`)],
      ['a huge backend', () => text.replace(/"backend": "[^"]*"/, `"backend": "${'llamacp'.repeat(size / 7)}"`)],
      ['a huge chat template', () => text.replace(/"model_name"/, `"custom_chat_template": ${JSON.stringify('{{ messages[0]["content"] }}{% for m in messages %}'.repeat(size / 50))}, "model_name"`)],
      ['a huge regex', () => text.replace(/"model_name"/, `"eos_to_cull": ${JSON.stringify('(<\\|im_end\\|>|'.repeat(size / 16))}, "model_name"`)],
      // One digit past Python's limit, then at it, in turn.
      ['an integer at the digit limit', () => replaceValue(rng, text, `${rng.chance(0.5) ? '-' : ''}${'9'.repeat(4301 - (Math.floor(index / 10) % 2))}`)],
      ['a float with many digits', () => replaceValue(rng, text, `${'9'.repeat(rng.int(4000, 20_000))}.${rng.chance(0.5) ? '5' : '5e3'}`)],
      ['a number out of range', () => replaceValue(rng, text, rng.pick(['1e400', '-1e400', '1e-400', '1E999999', '0.' + '0'.repeat(5000) + '1']))],
      ['many escapes', () => replaceValue(rng, text, `"${'\\n\\u00e9\\"'.repeat(size / 16)}"`)],
      ['a long line of spaces', () => text.replace(/\n/, `${' '.repeat(size)}\n`)],
    ];
    const [note, make] = variants[index % variants.length];
    return { note, bytes: Buffer.from(make()) };
  },
  deepNesting: (rng, text, index) => {
    // Around the deepest nesting clemcore reads (986 for 3.7, 988 for 3.3), a level at a time, and far past it.
    const depth = index % 3 === 2 ? rng.int(2000, 30_000) : 984 + (index % 8);
    const variants: [string, (n: number) => string][] = [
      ['arrays', (n) => '['.repeat(n) + ']'.repeat(n)],
      ['objects', (n) => '{"a": '.repeat(n) + '1' + '}'.repeat(n)],
      ['unclosed arrays', (n) => '['.repeat(n)],
      ['mixed', (n) => Array.from({ length: n }, (_, i) => (i % 2 ? '[' : '{"x": ')).join('') + 'null' + Array.from({ length: n }, (_, i) => (i % 2 ? ']' : '}')).reverse().join('')],
    ];
    const [note, make] = variants[Math.floor(index / 3) % variants.length];
    // Entries and model_config are levels too: the nesting goes into a value, or is the whole file.
    const nested = rng.chance(0.5) ? make(depth) : replaceValue(rng, text, make(depth));
    return { note: `${note}, ${depth} deep`, bytes: Buffer.from(nested) };
  },
  flood: (rng, text, index) => {
    const n = rng.int(50_000, 140_000);
    const variants: [string, () => string][] = [
      ['commas', () => `[${','.repeat(n)}]`],
      ['NaNs', () => `[${'NaN,'.repeat(n)}NaN]`],
      ['broken values', () => `[${'{"a": },'.repeat(n / 4)}]`],
      ['exotic spaces', () => `[${'\u00a0'.repeat(n)}]`],
      ['comments', () => `[${'/**/'.repeat(n / 2)}]`],
      ['bad escapes', () => `["${'\\q'.repeat(n)}"]`],
      ['closers', () => `${text}${']'.repeat(n)}`],
      ['empty entries', () => `[${'{},'.repeat(n / 20)}{}]`],
      ['duplicate keys', () => `[{${'"a": 1, '.repeat(n / 4)}"model_name": "m", "backend": "openai", "model_id": "x"}]`],
      ['unclosed strings', () => `[${'"abc\n'.repeat(n / 4)}]`],
    ];
    const [note, make] = variants[index % variants.length];
    return { note: `${note} x${n}`, bytes: Buffer.from(make()) };
  },
};

function replaceValue(rng: Rng, text: string, value: string): string {
  const at = valueAt(rng, text);
  const end = text.slice(at).search(/,\s*\n|\n\s*[}\]]/);
  return splice(text, at, Math.max(end, 0), value);
}

function utf32(text: string): Buffer {
  const points = [...text].map((c) => c.codePointAt(0)!);
  const out = Buffer.alloc(points.length * 4);
  points.forEach((p, i) => out.writeUInt32LE(p, i * 4));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Running

export interface CaseResult {
  case: FuzzCase;
  status: number | null;
  ms: number;
  /** CPython's verdict, with clemcore's frames on the stack. */
  python: ClemcoreLoad;
  /** Whether the CLI reports a finding that means Python's json refuses the file. */
  cliRejects?: boolean;
  /** What went wrong, empty when the case passed. */
  problems: string[];
}

/** Runs every case: Python once over all of them, then the CLI per case, `parallel` at a time. */
export async function runCases(cases: FuzzCase[], parallel: number, onResult?: (r: CaseResult) => void): Promise<CaseResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-cli-fuzz-'));
  try {
    const files = cases.map((c, i) => {
      const file = path.join(dir, `${String(i).padStart(5, '0')}-${c.id.replace(/\W/g, '_')}.json`);
      writeFileSync(file, c.bytes);
      return file;
    });
    const verdicts = loadAsClemcore(files);
    const results: CaseResult[] = new Array(cases.length);
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const i = next++;
        results[i] = await runOne(cases[i], files[i], verdicts[i]);
        onResult?.(results[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Past this, a case counts as a hang (the goal is 2 s for any input of 10 MB or less; see bench/bigInputs.ts). */
const HANG_MS = 60_000;
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

interface JsonReport {
  file: string;
  diagnostics: { code: string; severity: string; message: string }[];
}

async function runOne(c: FuzzCase, file: string, python: ClemcoreLoad): Promise<CaseResult> {
  const started = Date.now();
  const { status, stdout, stderr, timedOut } = await spawnCollect(process.execPath, [CLI, 'check', '--format', 'json', file], HANG_MS);
  const result: CaseResult = { case: c, status, ms: Date.now() - started, python, problems: [] };
  const problem = (p: string) => result.problems.push(p);
  if (timedOut) problem(`no answer within ${HANG_MS / 1000} s`);
  if (STACK_TRACE.test(stderr) || /internal error/.test(stderr)) problem(`stderr: ${stderr.slice(0, 600)}`);
  if (status !== 0 && status !== 1) problem(`exit status ${status} (a readable file must exit 0 or 1): ${stderr.slice(0, 300)}`);
  let report: JsonReport[] | undefined;
  try {
    report = JSON.parse(stdout) as JsonReport[];
  } catch {
    problem(`stdout is not JSON: ${stdout.slice(0, 200)}`);
  }
  if (report) {
    if (!Array.isArray(report) || report.length !== 1 || !Array.isArray(report[0].diagnostics)) problem('the report is not one file with its diagnostics');
    else {
      const findings = report[0].diagnostics;
      const hasError = findings.some((d) => d.severity === 'error');
      if (status !== (hasError ? 1 : 0)) problem(`exit status ${status} with${hasError ? '' : 'out'} errors in the report`);
      const json = findings.filter((d) => pythonJsonRejects(d.code));
      for (const d of json) if (/[\r\n]/.test(d.message)) problem(`a JSON finding on more than one line: ${d.message.slice(0, 200)}`);
      // A cascade (a file in another encoding read as UTF-8, garbage) is listed up to the cap and counted beyond
      // (plus at most a finding about the bytes and one about the nesting).
      if (json.length > MAX_LISTED_SYNTAX_FINDINGS + 3) problem(`${json.length} JSON findings, more than the ${MAX_LISTED_SYNTAX_FINDINGS} listed and the count of the rest`);
      result.cliRejects = json.length > 0;
      if (result.cliRejects === python.accepted) {
        const first = findings.find((d) => pythonJsonRejects(d.code));
        problem(python.accepted ? `Python reads the file, the CLI says it cannot: ${first?.code}: ${first?.message.slice(0, 300)}` : `Python refuses the file (${python.error}), the CLI reports no JSON error`);
      }
    }
  }
  return result;
}

function spawnCollect(command: string, args: string[], timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
  });
}
