// A minimal LSP client for tests: runs the bundled dist/server.js over stdio, answers its settings requests, and
// collects published diagnostics. Every wait is bounded, so a broken server fails a test instead of hanging it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

export const REPO = path.resolve(__dirname, '..', '..');
const SERVER = path.join(REPO, 'dist', 'server.js');
export const WAIT_MS = 5000;

import type { StatusResult } from '../../server/src/lsp/protocol';

export type { StatusResult };

export function withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class LspClient {
  readonly connection: ProtocolConnection;
  /** What `workspace/configuration` answers for the `clemRegistry` section (null: nothing); tests change it, then notify. */
  settings: Record<string, unknown> | null;
  /** What it answers for a workspace folder (by the folder's URI), when the folder has its own settings. */
  readonly folderSettings = new Map<string, Record<string, unknown>>();
  readonly logs: string[] = [];
  stderr = '';
  private readonly published = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();
  private exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess, settings: Record<string, unknown> | null) {
    this.settings = settings;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string; scopeUri?: string }[] }) =>
      params.items.map((item) => (item.section === 'clemRegistry' ? (item.scopeUri && this.folderSettings.get(item.scopeUri)) || this.settings : null)));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.connection.listen();
  }

  /** Starts the server and completes the initialize handshake (with the configuration capability). */
  static async start(settings: Record<string, unknown> = { debounceMs: 0 }, rootUri: string | null = null, workspaceFolders?: string[]): Promise<LspClient> {
    return LspClient.startWith({ settings, rootUri, workspaceFolders });
  }

  /**
   * Starts a server as an editor describes it: the command (default `node dist/server.js --stdio`), whether it
   * answers workspace/configuration, and the initialization options.
   */
  static async startWith(editor: { command?: string[]; configuration?: boolean; settings?: Record<string, unknown> | null; initializationOptions?: unknown; rootUri?: string | null; workspaceFolders?: string[] }): Promise<LspClient> {
    const { command = [SERVER, '--stdio'], configuration = true, settings = { debounceMs: 0 }, rootUri = null, workspaceFolders } = editor;
    const child = spawn(process.execPath, command, { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new LspClient(child, settings);
    try {
      await withTimeout(client.connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri,
        workspaceFolders: workspaceFolders?.map((uri) => ({ uri, name: uri.slice(uri.lastIndexOf('/') + 1) })) ?? null,
        initializationOptions: editor.initializationOptions,
        capabilities: { workspace: { configuration, workspaceFolders: workspaceFolders !== undefined, didChangeConfiguration: { dynamicRegistration: false } } },
      }), 'initialize');
      await client.connection.sendNotification('initialized', {});
    } catch (err) {
      client.kill();
      throw err;
    }
    return client;
  }

  open(uri: string, text: string, languageId = 'json'): void {
    this.versions.set(uri, 1);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Sends one didChange with these changes (applied in order); returns the new version (`version` when given). */
  change(uri: string, changes: TextDocumentContentChangeEvent[], version = (this.versions.get(uri) ?? 0) + 1): number {
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  close(uri: string): void {
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** New settings: answered when the server pulls them, and pushed as `{"clemRegistry": settings}` to one that cannot. */
  changeSettings(settings: Record<string, unknown> | null): void {
    this.settings = settings;
    void this.connection.sendNotification('workspace/didChangeConfiguration', { settings: settings === null ? {} : { clemRegistry: settings } });
  }

  /** Tells the server that workspace folders were added or removed. */
  changeWorkspaceFolders(added: string[], removed: string[] = []): void {
    const folder = (uri: string) => ({ uri, name: uri.slice(uri.lastIndexOf('/') + 1) });
    void this.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: added.map(folder), removed: removed.map(folder) } });
  }

  status(uri: string): Promise<StatusResult> {
    return withTimeout(this.connection.sendRequest<StatusResult>('clemRegistry/status', { uri }), `the status of ${uri}`);
  }

  /** All publishes for `uri` so far. */
  publishes(uri: string): PublishDiagnosticsParams[] {
    return this.published.get(uri) ?? [];
  }

  /** The first publish for `uri` so far or to come that satisfies `accept` (default: any). */
  async waitFor(uri: string, accept: (p: PublishDiagnosticsParams) => boolean = () => true, what = `diagnostics of ${uri}`, ms = WAIT_MS): Promise<PublishDiagnosticsParams> {
    const find = () => this.publishes(uri).find(accept);
    return withTimeout(new Promise<PublishDiagnosticsParams>((resolve) => {
      const check = () => {
        const hit = find();
        if (hit) resolve(hit);
        else this.waiters.push(check);
      };
      check();
    }), what, ms);
  }

  /** The publish for `uri` at exactly this document version. */
  waitForVersion(uri: string, version: number): Promise<Diagnostic[]> {
    return this.waitFor(uri, (p) => p.version === version, `diagnostics of ${uri} at version ${version}`).then((p) => p.diagnostics);
  }

  /** Waits for the next publish for `uri` from now on. */
  async next(uri: string, accept: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    const seen = this.publishes(uri).length;
    return this.waitFor(uri, (p) => this.publishes(uri).indexOf(p) >= seen && accept(p));
  }

  /** shutdown + exit, then waits for the process to end; kills it when it does not. */
  async stop(): Promise<number | null> {
    try {
      await withTimeout(this.connection.sendRequest('shutdown'), 'shutdown', 2000);
      await this.connection.sendNotification('exit');
      return await withTimeout(this.exited, 'the server to exit', 2000);
    } finally {
      this.kill();
    }
  }

  kill(): void {
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * The bundled server over stdio without any handshake: the test writes raw bytes and reads what comes back (messages
 * on stdout, lines on stderr, the exit code).
 */
export class RawServer {
  readonly messages: Record<string, unknown>[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly waiters: (() => void)[] = [];

  constructor() {
    this.child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.stdin!.on('error', () => undefined); // writing to a server that exited
    new StreamMessageReader(this.child.stdout!).listen((m) => {
      this.messages.push(m as unknown as Record<string, unknown>);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  write(bytes: string | Buffer): void {
    this.child.stdin!.write(bytes);
  }

  /** Writes one well-framed message. */
  send(message: Record<string, unknown>): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    this.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  /** The first message so far or to come that satisfies `accept`. */
  waitFor(accept: (m: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> {
    return withTimeout(new Promise((resolve) => {
      const check = () => {
        const hit = this.messages.find(accept);
        if (hit) resolve(hit);
        else this.waiters.push(check);
      };
      check();
    }), what);
  }

  /** The response to the request with this id. */
  response(id: number | string | null): Promise<Record<string, unknown>> {
    return this.waitFor((m) => m.id === id && !('method' in m), `the response to request ${JSON.stringify(id)}`);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** Starts a server for one test body and always stops it, killing it when the body failed. */
export async function withServer(body: (client: LspClient) => Promise<void>, settings?: Record<string, unknown>, rootUri: string | null = null, workspaceFolders?: string[]): Promise<void> {
  const client = await LspClient.start(settings, rootUri, workspaceFolders);
  try {
    await body(client);
  } catch (err) {
    client.kill();
    throw err;
  }
  const code = await client.stop();
  if (code !== 0) throw new Error(`the server exited with ${code}; stderr: ${client.stderr}`);
}

/** The LSP position of `offset` in `text` (lines split at \n, as the fixtures here use). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** The range of the `nth` occurrence (0-based) of `needle` in `text`. */
export function rangeOf(text: string, needle: string, nth = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${JSON.stringify(needle)} occurs fewer than ${nth + 1} times`);
  }
  return { start: positionAt(text, at), end: positionAt(text, at + needle.length) };
}
