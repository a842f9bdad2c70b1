// The transport the VS Code client uses: the bundled server forked with --node-ipc. The same rules hold there as
// over stdio, and a registry is checked.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { createProtocolConnection, IPCMessageReader, IPCMessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { SMALL_REGISTRY } from '../fixtures/smallRegistry';
import { REPO, withTimeout } from './lspClient';

test('over node-ipc: ServerNotInitialized before initialize, then diagnostics and a clean exit', async () => {
  const child = fork(path.join(REPO, 'dist', 'server.js'), ['--node-ipc'], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const published: PublishDiagnosticsParams[] = [];
  const firstPublish = new Promise<void>((resolve) => connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    resolve();
  }));
  connection.listen();
  try {
    await assert.rejects(withTimeout(connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///x' }, position: { line: 0, character: 0 } }), 'an early hover'), { code: -32002 });
    await withTimeout(connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: { settings: { clemRegistry: { debounceMs: 0 } } } }), 'initialize');
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///ipc/model_registry.json', languageId: 'json', version: 1, text: SMALL_REGISTRY } });
    await withTimeout(firstPublish, 'diagnostics over node-ipc');
    assert.ok(published[0].diagnostics.some((d) => d.code === 'json-trailing-comma'));
    await withTimeout(connection.sendRequest('shutdown'), 'shutdown');
    await connection.sendNotification('exit');
    assert.equal(await withTimeout(exited, 'exit'), 0);
  } finally {
    connection.dispose();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
