// `npm run bench:big`: hostile and normal inputs of up to 10 MB, each checked by the built CLI in a fresh process
// (`check --format json`), with its wall time, CPU time and peak RSS, against an anchor run on the same bytes in the
// same round: Python reading the file as clemcore does (open as UTF-8, json.load) in a fresh interpreter. Goal: each
// input checked in 2 s or less. Reports only; nothing fails on time. Options: --runs N (default 3), --only NAME.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { multiplyRegistry } from './synthetic';
import { PYTHON } from '../test/support/python';
import { seededRandom } from '../test/support/random';

const REPO = path.resolve(__dirname, '..');
const CLI = process.env.CLEM_REGISTRY_CLI ?? path.join(REPO, 'dist', 'cli.js');
const CORPUS = process.env.CLEM_SHARED_CORPUS ?? path.resolve(REPO, '..', 'shared', 'corpus');
const MB = 1024 * 1024;
const LIMIT = 10 * MB;
const GOAL_MS = 2000;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs

function seedRegistry(): { text: string; source: string } {
  const big = path.join(CORPUS, 'clemcore-2025-12-16-8bd08307.json');
  if (existsSync(big)) return { text: readFileSync(big, 'utf8'), source: big };
  const example = path.join(REPO, 'examples', 'model_registry.json');
  return { text: readFileSync(example, 'utf8'), source: example };
}

/** `unit` repeated to just under `bytes` (UTF-8), between `head` and `tail`. */
function fill(head: string, unit: string, tail: string, bytes = LIMIT): string {
  const room = bytes - Buffer.byteLength(head) - Buffer.byteLength(tail);
  return head + unit.repeat(Math.max(0, Math.floor(room / Buffer.byteLength(unit)))) + tail;
}

const ENTRY = { model_name: 'm', backend: 'openai', model_id: 'gpt-4o', release_date: '2024-05-13', open_weight: false, parameters: '', languages: ['en'], context_size: '128k', license: { name: 'Proprietary', url: 'https://openai.com' }, model_config: {} };

function withValue(key: string, value: unknown): string {
  return JSON.stringify([{ ...ENTRY, [key]: value }], null, 4);
}

/** An entry whose `key` is `unit` repeated to fill 10 MB once written as JSON (escapes included). */
function withHugeValue(key: string, unit: string): string {
  const written = Buffer.byteLength(JSON.stringify(unit)) - 2;
  const room = LIMIT - Buffer.byteLength(withValue(key, ''));
  return withValue(key, unit.repeat(Math.floor(room / written)));
}

/** `n` bytes from a seeded generator, the same in every run. */
function randomBytes(n: number, byte: (r: number) => number): Buffer {
  const next = seededRandom(9);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = byte(next());
  return out;
}

/** The inputs, each made when it is its turn (the bench's own memory stays small). */
function inputs(): { name: string; make: () => string | Buffer }[] {
  const seed = seedRegistry().text;
  // As many copies of every entry as fit in 10 MB (the copies' names are a little longer than the originals).
  const valid = () => {
    let times = Math.max(1, Math.floor(LIMIT / Buffer.byteLength(seed)));
    let text = multiplyRegistry(seed, times);
    while (times > 1 && Buffer.byteLength(text) > LIMIT) text = multiplyRegistry(seed, --times);
    return text;
  };
  const out: [string, () => string | Buffer][] = [
    ['valid registry, 10 MB', valid],
    ['valid registry on one line', () => JSON.stringify(JSON.parse(valid()))],
    ['the corpus registry', () => seed],
    ['one 10 MB string value', () => withHugeValue('notes', 'x')],
    ['10 MB chat template', () => withHugeValue('custom_chat_template', "{% for m in messages %}{{ m['content'] }}{% endfor %}")],
    ['10 MB eos_to_cull regex', () => withHugeValue('eos_to_cull', '<\\|im_end\\|>|')],
    ['1 MB key', () => JSON.stringify([{ ...ENTRY, ['k'.repeat(MB)]: 1 }])],
    ['1 MB backend value', () => JSON.stringify([{ ...ENTRY, backend: 'llamacp'.repeat(MB / 7) }])],
    ['130,000 commas', () => `[${','.repeat(130_000)}]`],
    ['10 MB of commas', () => fill('[', ',', ']')],
    ['10 MB of NaN', () => fill('[', 'NaN, ', 'NaN]')],
    ['deep nesting, 10 MB', () => fill('', '[', '')],
    ['deep nesting, 990 levels x many', () => fill('[', `${'['.repeat(990)}${']'.repeat(990)},`, '[]]')],
    ['UTF-16, 10 MB', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid().slice(0, LIMIT / 2 - 1), 'utf16le')])],
    ['5,000-digit integers', () => fill('[', `${'7'.repeat(5000)}, `, '0]')],
    ['syntax errors everywhere', () => fill('[', '{"a" 1 "b": },', ']')],
    ['random printable garbage', () => randomBytes(LIMIT, (r) => 32 + Math.floor(r * 95))],
    ['random bytes', () => randomBytes(LIMIT, (r) => Math.floor(r * 256))],
    ['exotic spaces', () => fill('[', '\u00a0', ']')],
    ['long lines of spaces', () => fill('[\n', `${' '.repeat(100_000)}\n`, ']')],
    ['empty entries', () => fill('[', '{}, ', '{}]')],
    ['unknown keys', () => fill('[{"model_name": "m", "backend": "openai", "model_id": "x", "model_config": {}', ', "bogus_key": 1', '}]')],
    ['duplicate names', () => fill('[', '{"model_name": "m", "backend": "openai", "model_id": "x", "model_config": {}}, ', '{}]')],
  ];
  return out.map(([name, make]) => ({ name, make }));
}

// ---------------------------------------------------------------------------------------------------------------
// Running

interface Run {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  status: number | null;
  findings?: number;
  outBytes: number;
}

/**
 * Reports the process's peak RSS (KB) and CPU time on exit (loaded with -r into the CLI's node). The peak is VmHWM of
 * /proc/self/status where there is one: getrusage's maxrss keeps the parent's size from before exec on Linux.
 */
const USAGE_PRELOAD = `process.on('exit', () => {
  const fs = require('fs');
  const u = process.resourceUsage();
  let rss = u.maxRSS;
  try { rss = Number(/VmHWM:\\s*(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]); } catch {}
  fs.writeFileSync(process.env.CLEM_BENCH_USAGE, JSON.stringify({ rss, cpu: (u.userCPUTime + u.systemCPUTime) / 1000 }));
});`;

function timeProcess(command: string, args: string[], usageFile: string, countFindings: boolean): Promise<Run> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CLEM_BENCH_USAGE: usageFile } });
    const chunks: Buffer[] = [];
    let outBytes = 0;
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (countFindings) chunks.push(b);
    });
    child.on('close', (status) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const usage = existsSync(usageFile) ? (JSON.parse(readFileSync(usageFile, 'utf8')) as { rss: number; cpu: number }) : { rss: NaN, cpu: NaN };
      rmSync(usageFile, { force: true });
      let findings: number | undefined;
      if (countFindings) {
        try {
          findings = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { diagnostics: unknown[] }[])[0].diagnostics.length;
        } catch {
          findings = undefined;
        }
      }
      resolve({ wallMs, cpuMs: usage.cpu, peakRssMb: usage.rss / 1024, status, findings, outBytes });
    });
  });
}

/** Python's resource module gives the same two figures for the anchor. */
const PYTHON_LOAD = `
import json, resource, sys, time
try:
    with open(sys.argv[1], encoding='utf-8') as f:
        json.load(f)
except Exception:
    pass
u = resource.getrusage(resource.RUSAGE_SELF)
rss = u.ru_maxrss
try:
    rss = int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM:')).split()[1])
except Exception:
    pass
with open(sys.argv[2], 'w') as out:
    json.dump({'rss': rss, 'cpu': (u.ru_utime + u.ru_stime) * 1000}, out)
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const runs = Number(arg('runs') ?? 3);
  const only = arg('only');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-big-'));
  const preload = path.join(dir, 'usage.cjs');
  writeFileSync(preload, USAGE_PRELOAD);
  const usageFile = path.join(dir, 'usage.json');
  const [loadAvg] = os.loadavg();
  console.log(`CLI ${CLI}; anchor: ${PYTHON} reading each file as clemcore does, in a fresh process; ${runs} runs each, alternating; ${os.cpus().length} cores, load ${loadAvg.toFixed(1)} at start; seed ${seedRegistry().source}`);
  console.log('input                               MB   findings  wall ms (median, range)   cpu ms   peak RSS MB   anchor wall ms   ratio   goal 2 s');
  let met = 0;
  let total = 0;
  try {
    for (const { name, make } of inputs()) {
      if (only && !name.includes(only)) continue;
      const made = make();
      const input = { name, bytes: typeof made === 'string' ? Buffer.from(made) : made };
      if (input.bytes.length > LIMIT) throw new Error(`${name}: ${input.bytes.length} bytes, over 10 MB`);
      const file = path.join(dir, 'model_registry.json');
      writeFileSync(file, input.bytes);
      const cli: Run[] = [];
      const anchor: Run[] = [];
      for (let i = 0; i < runs; i++) {
        cli.push(await timeProcess(process.execPath, ['-r', preload, CLI, 'check', '--format', 'json', file], usageFile, i === 0));
        anchor.push(await timeProcess(PYTHON, ['-c', PYTHON_LOAD, file, usageFile], usageFile, false));
      }
      const wall = median(cli.map((r) => r.wallMs));
      const anchorWall = median(anchor.map((r) => r.wallMs));
      const ok = cli.every((r) => r.wallMs <= GOAL_MS);
      total++;
      if (ok) met++;
      const range = `${Math.round(Math.min(...cli.map((r) => r.wallMs)))}-${Math.round(Math.max(...cli.map((r) => r.wallMs)))}`;
      const statuses = [...new Set(cli.map((r) => r.status))].join('/');
      console.log(
        `${input.name.padEnd(34)} ${(input.bytes.length / MB).toFixed(1).padStart(5)} ${String(cli[0].findings ?? '?').padStart(9)}  ${`${Math.round(wall)} (${range})`.padEnd(24)} ${String(Math.round(median(cli.map((r) => r.cpuMs)))).padStart(7)} ${Math.round(Math.max(...cli.map((r) => r.peakRssMb))).toString().padStart(12)} ${String(Math.round(anchorWall)).padStart(15)} ${(wall / anchorWall).toFixed(1).padStart(7)}x   ${ok ? 'met' : 'NOT met'}${statuses === '0' || statuses === '1' ? '' : ` (exit ${statuses})`}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${met} of ${total} inputs checked within ${GOAL_MS} ms in every run (wall time, which includes the machine's load; cpu ms is the process's own).`);
}

void main();
