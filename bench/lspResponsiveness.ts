// `npm run bench:lsp`: how long the real language server (dist/server.js over stdio) makes a hover on a small
// registry wait while another document is being checked: a 20 MB registry, a registry with a 256 KB key, one with a
// 256 KB chat template. The anchor, measured in the same run, is the same hover with nothing else being checked.
// Also the time until each large document's diagnostics arrive and the server's peak memory (VmHWM, all threads).
// Reports only: the goal (a hover on another document answered within 100 ms) is marked met / NOT met.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-languageserver-protocol/node';
import { multiplyRegistry } from './synthetic';

/** `--server=<file>` measures another build of the server (an older one, to compare). */
const SERVER = path.resolve(process.argv.find((a) => a.startsWith('--server='))?.slice('--server='.length) ?? path.join(__dirname, '../dist/server.js'));
const CORPUS = process.env.CLEM_SHARED_CORPUS ?? path.resolve(__dirname, '../../shared/corpus');
const BIG_SOURCE = path.join(CORPUS, 'clemcore-2025-12-16-8bd08307.json');
const EXAMPLE = path.resolve(__dirname, '../examples/model_registry.json');
const GOAL_MS = 100;
const ANCHOR_HOVERS = 200;
/** Hovers start this far apart (or when the previous one is answered, if later), so they do not load the machine. */
const HOVER_EVERY_MS = 20;
const RUNS = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 3);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function memoryOf(pid: number): { rssMB: number; hwmMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The large documents, each checked while the small registry is hovered. */
function largeDocuments(): { name: string; uri: string; text: string }[] {
  const example = readFileSync(EXAMPLE, 'utf8');
  // 20 MB: the real 2.3 MB registry nine times over when the corpus is here, else the example many times over.
  const source = existsSync(BIG_SOURCE) ? readFileSync(BIG_SOURCE, 'utf8') : example;
  const times = Math.ceil(20_000_000 / multiplyRegistry(source, 1).length);
  const big = multiplyRegistry(source, times);
  let letters = '';
  for (let i = 0; letters.length < 256 * 1024; i++) letters += String.fromCharCode(97 + ((i * 7919) % 26));
  const longKey = `[{"model_name": "long-key", "backend": "openai", "model_id": "m", "${letters}": 1}]`;
  const template = `{% for message in messages %}{{ message['content'] }}{% endfor %}`.repeat(Math.ceil(256 * 1024 / 64)).slice(0, 256 * 1024);
  const longTemplate = `[{"model_name": "long-template", "backend": "llamacpp", "huggingface_id": "org/x-GGUF", "model_config": {"premade_chat_template": false, "custom_chat_template": ${JSON.stringify(template)}, "eos_to_cull": "</s>", "filename": "x.gguf"}}]`;
  return [
    { name: `${(big.length / 1e6).toFixed(1)} MB registry (${existsSync(BIG_SOURCE) ? 'the 2025 corpus registry' : 'the example'} x${times})`, uri: 'file:///bench/large/model_registry.json', text: big },
    { name: 'registry with a 256 KB key', uri: 'file:///bench/key/model_registry.json', text: longKey },
    { name: 'registry with a 256 KB chat template', uri: 'file:///bench/template/model_registry.json', text: longTemplate },
  ];
}

interface DuringCheck {
  name: string;
  chars: number;
  toDiagnosticsMs: number;
  diagnostics: number;
  hovers: number[];
  /**
   * The same without the hover sent right after the didOpen (it waits while the server reads the document's message
   * and hands the text to a checker thread) and the one answered together with the diagnostics (it waits while the
   * server converts and writes them): what is left waited only on the check itself. Empty when no hover was answered
   * before the diagnostics: then the hovers waited for the whole check.
   */
  hoversDuringCheck: number[];
}

interface RunResult {
  anchor: number[];
  during: DuringCheck[];
  idleRssMB: number;
  peakMB: number;
  endRssMB: number;
}

async function startServer(settings: Record<string, unknown>) {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  conn.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => settings));
  conn.onRequest(() => null);
  const published: { uri: string; at: number; count: number }[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => {
    published.push({ uri: p.uri, at: performance.now(), count: p.diagnostics.length });
  });
  conn.onNotification(() => undefined);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: { workspace: { configuration: true } } });
  await conn.sendNotification('initialized', {});
  return { child, conn, published, stderr: () => stderr };
}

async function hoverMs(conn: MessageConnection, uri: string, position: { line: number; character: number }): Promise<number> {
  const start = performance.now();
  const result = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position });
  if (!result) throw new Error('the hover on the small registry gave nothing');
  return performance.now() - start;
}

async function oneRun(small: string, large: ReturnType<typeof largeDocuments>): Promise<RunResult> {
  const server = await startServer({ debounceMs: 0, clemcoreVersion: '3.3' });
  const { conn, child, published } = server;
  try {
    await sleep(1500); // the spare checker thread starts
    const idle = memoryOf(child.pid!);
    const smallUri = 'file:///bench/small/model_registry.json';
    const position = { line: 3, character: 10 }; // "backend" of the first entry
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: smallUri, languageId: 'json', version: 1, text: small } });
    while (!published.some((p) => p.uri === smallUri)) await sleep(5);
    for (let i = 0; i < 20; i++) await hoverMs(conn, smallUri, position); // warm-up
    const anchor: number[] = [];
    for (let i = 0; i < ANCHOR_HOVERS; i++) anchor.push(await hoverMs(conn, smallUri, position));

    const during: DuringCheck[] = [];
    for (const doc of large) {
      await sleep(1200); // a spare checker thread is ready again
      const openedAt = performance.now();
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: doc.uri, languageId: 'json', version: 1, text: doc.text } });
      const hovers: { ms: number; endedAt: number }[] = [];
      // Hover on the small registry every HOVER_EVERY_MS until the large document's diagnostics arrive.
      while (!published.some((p) => p.uri === doc.uri)) {
        const startedAt = performance.now();
        const ms = await hoverMs(conn, smallUri, position);
        hovers.push({ ms, endedAt: performance.now() });
        await sleep(startedAt + HOVER_EVERY_MS - performance.now());
        if (performance.now() - openedAt > 300_000) throw new Error(`no diagnostics for the ${doc.name} within 300 s`);
      }
      const got = published.find((p) => p.uri === doc.uri)!;
      const duringCheck = hovers.slice(1).filter((h) => h.endedAt < got.at - 1).map((h) => h.ms);
      during.push({ name: doc.name, chars: doc.text.length, toDiagnosticsMs: got.at - openedAt, diagnostics: got.count, hovers: hovers.map((h) => h.ms), hoversDuringCheck: duringCheck });
    }
    const end = memoryOf(child.pid!);
    return { anchor, during, idleRssMB: idle.rssMB, peakMB: end.hwmMB, endRssMB: end.rssMB };
  } finally {
    try {
      await Promise.race([conn.sendRequest('shutdown'), sleep(5000)]);
      await conn.sendNotification('exit');
    } catch { /* gone already */ }
    await sleep(200);
    if (child.exitCode === null) child.kill();
    conn.dispose();
  }
}

const fmt = (ms: number) => (!Number.isFinite(ms) ? 'n/a' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const range = (xs: number[], f = fmt) => (xs.length ? `${f(Math.min(...xs))}–${f(Math.max(...xs))}` : 'n/a');

async function main(): Promise<void> {
  if (!existsSync(SERVER)) {
    console.log(`skipped: ${SERVER} is missing (npm run build makes it)`);
    return;
  }
  if (!existsSync('/proc/self/status')) console.log('note: /proc is not available; memory is not measured');
  const small = readFileSync(EXAMPLE, 'utf8');
  const large = largeDocuments();
  console.log(`server: ${path.relative(process.cwd(), SERVER)}`);
  console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${RUNS} runs, each with a fresh server`);
  console.log(`small registry: examples/model_registry.json (${small.length} characters), hovered at "backend" of its first entry`);
  const runs: RunResult[] = [];
  for (let r = 0; r < RUNS; r++) {
    const run = await oneRun(small, large);
    runs.push(run);
    const anchorMedian = median(run.anchor);
    console.log(`\nrun ${r + 1}: anchor hover (nothing else checked): median ${fmt(anchorMedian)} ms, max ${fmt(Math.max(...run.anchor))} ms over ${run.anchor.length}`);
    for (const d of run.during) {
      const max = Math.max(...d.hovers);
      console.log(`  from the didOpen of the ${d.name} to its diagnostics (${d.diagnostics}, after ${fmt(d.toDiagnosticsMs)} ms): ${d.hovers.length} hovers, median ${fmt(median(d.hovers))} ms (x${(median(d.hovers) / anchorMedian).toFixed(1)} the anchor), max ${fmt(max)} ms (x${(max / anchorMedian).toFixed(1)}); the first ${fmt(d.hovers[0])} ms, the last ${fmt(d.hovers[d.hovers.length - 1])} ms; the ${d.hoversDuringCheck.length} in between: max ${fmt(Math.max(...d.hoversDuringCheck))} ms`);
    }
    console.log(`  memory: idle ${run.idleRssMB.toFixed(0)} MB RSS, peak ${run.peakMB.toFixed(0)} MB (VmHWM), at the end ${run.endRssMB.toFixed(0)} MB RSS`);
  }
  console.log(`\nsummary over ${RUNS} runs (ranges of the per-run figures):`);
  console.log(`  anchor hover median: ${range(runs.map((r) => median(r.anchor)))} ms`);
  let worst = 0;
  let worstDuringCheck = 0;
  for (let i = 0; i < large.length; i++) {
    const per = runs.map((r) => r.during[i]);
    const maxes = per.map((d) => Math.max(...d.hovers));
    // No hover answered between the two means every hover waited for the whole check.
    const checkMaxes = per.map((d) => Math.max(...(d.hoversDuringCheck.length ? d.hoversDuringCheck : d.hovers)));
    worst = Math.max(worst, ...maxes);
    worstDuringCheck = Math.max(worstDuringCheck, ...checkMaxes);
    console.log(`  ${large[i].name}: hover median ${range(per.map((d) => median(d.hovers)))} ms, max ${range(maxes)} ms (x${range(per.map((d, k) => Math.max(...d.hovers) / median(runs[k].anchor)), (x) => x.toFixed(0))} the anchor median); first hover ${range(per.map((d) => d.hovers[0]))} ms, last ${range(per.map((d) => d.hovers[d.hovers.length - 1]))} ms, max while checked (without those two) ${range(checkMaxes)} ms; diagnostics after ${range(per.map((d) => d.toDiagnosticsMs), (x) => x.toFixed(0))} ms`);
  }
  console.log(`  peak memory: ${range(runs.map((r) => r.peakMB), (x) => x.toFixed(0))} MB (idle ${range(runs.map((r) => r.idleRssMB), (x) => x.toFixed(0))} MB)`);
  console.log(`  goal: a hover on another document answered within ${GOAL_MS} ms while one is checked: ${worstDuringCheck <= GOAL_MS ? 'met' : 'NOT met'} during the checks (worst ${fmt(worstDuringCheck)} ms); ${worst <= GOAL_MS ? 'met' : 'NOT met'} counting the hovers that waited on reading a document or writing its diagnostics (worst ${fmt(worst)} ms)`);
  console.log(`  load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(', ')}`);
}

void main();
