// Memory of the real language server (dist/server.js over stdio) holding a large registry, against the same server
// idle, and after a run of one-character edits; also the time from didOpen / didChange to the publishDiagnostics.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';

export interface ServerMemoryResult {
  idleRssMB: number;
  idleHwmMB: number;
  openRssMB: number;
  openHwmMB: number;
  /** RSS after 6 one-character edits, and after all EDITS of them (then a moment to settle). */
  afterFewEditsRssMB: number;
  /** VmHWM at the end: the peak over the open and all the edits. */
  peakAfterEditsMB: number;
  settledRssMB: number;
  edits: number;
  diagnosticsCount: number;
  openToDiagnosticsMs: number;
  editToDiagnosticsMs: number[];
  configurationSections: string[];
}

/** VmRSS and VmHWM (peak RSS) of a process, in MB, from /proc. */
function memoryOf(pid: number): { rssMB: number; hwmMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 };
}

/** One-character edits sent after the open: enough to show memory that grows per keystroke. */
const EDITS = 60;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureServerMemory(serverJs: string, text: string, settings: Record<string, unknown>): Promise<ServerMemoryResult | string> {
  if (!existsSync(serverJs)) return `skipped: ${serverJs} is missing (npm run build makes it)`;
  if (!existsSync('/proc/self/status')) return 'skipped: /proc is not available on this system';
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const configurationSections: string[] = [];
  // Settings for every configuration item the server asks for, whatever its section.
  conn.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map((item) => {
      configurationSections.push(item.section ?? '(none)');
      return settings;
    }));
  conn.onRequest((_method: string) => null); // registerCapability, workDoneProgress/create, ...
  const uri = 'file:///bench/synthetic/model_registry.json';
  const published: { at: number; count: number; version?: number }[] = [];
  let onPublish: (() => void) | undefined;
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[]; version?: number }) => {
    if (p.uri !== uri) return;
    published.push({ at: performance.now(), count: p.diagnostics.length, version: p.version });
    onPublish?.();
  });
  conn.onNotification((_method: string) => undefined);
  conn.listen();

  const waitForPublish = (after: number, timeoutMs: number) =>
    new Promise<{ at: number; count: number }>((resolve, reject) => {
      const check = () => {
        const hit = published.find((p) => p.at >= after);
        if (hit) { onPublish = undefined; clearTimeout(timer); resolve(hit); }
      };
      const timer = setTimeout(() => { onPublish = undefined; reject(new Error(`no publishDiagnostics within ${timeoutMs} ms`)); }, timeoutMs);
      onPublish = check;
      check();
    });

  try {
    await Promise.race([
      conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } }, textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { dynamicRegistration: false } } },
        initializationOptions: settings,
      }),
      exited.then((code) => { throw new Error(`server exited (${code}) during initialize: ${stderr.slice(0, 2000)}`); }),
    ]);
    await conn.sendNotification('initialized', {});
    await sleep(1500);
    const idle = memoryOf(child.pid!);

    const openAt = performance.now();
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text } });
    const first = await waitForPublish(openAt, 60_000);
    const open = memoryOf(child.pid!);

    // One-character edits inside the model_name of the middle entry, alternating two values.
    const editToDiagnosticsMs: number[] = [];
    const at = text.indexOf('"model_name": "', Math.floor(text.length / 2)) + '"model_name": "'.length;
    const lineOf = (offset: number) => {
      const before = text.slice(0, offset);
      const line = before.split('\n').length - 1;
      return { line, character: offset - (before.lastIndexOf('\n') + 1) };
    };
    const pos = lineOf(at);
    // Typing: a new character each time, at five places in turn (each edit gives the entry a text not seen before).
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    let afterFew = open;
    for (let i = 0; i < EDITS; i++) {
      const sentAt = performance.now();
      const character = pos.character + (i % 5);
      await conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: i + 2 },
        contentChanges: [{ range: { start: { line: pos.line, character }, end: { line: pos.line, character: character + 1 } }, text: alphabet[(i * 7) % alphabet.length] }],
      });
      const got = await waitForPublish(sentAt, 30_000);
      editToDiagnosticsMs.push(got.at - sentAt);
      if (i === 5) afterFew = memoryOf(child.pid!);
    }
    await sleep(1500);
    const settled = memoryOf(child.pid!);
    return {
      idleRssMB: idle.rssMB,
      idleHwmMB: idle.hwmMB,
      openRssMB: open.rssMB,
      openHwmMB: open.hwmMB,
      peakAfterEditsMB: settled.hwmMB,
      afterFewEditsRssMB: afterFew.rssMB,
      settledRssMB: settled.rssMB,
      edits: EDITS,
      diagnosticsCount: first.count,
      openToDiagnosticsMs: first.at - openAt,
      editToDiagnosticsMs,
      configurationSections: [...new Set(configurationSections)],
    };
  } catch (err) {
    return `failed: ${(err as Error).message}${stderr ? `\nserver stderr: ${stderr.slice(0, 2000)}` : ''}`;
  } finally {
    try {
      await Promise.race([conn.sendRequest('shutdown'), sleep(2000)]);
      await conn.sendNotification('exit');
    } catch { /* the server may already be gone */ }
    await Promise.race([exited, sleep(2000)]);
    if (child.exitCode === null) child.kill();
    conn.dispose();
  }
}
