// What the real server answers besides features: requests before initialize (ServerNotInitialized), after shutdown
// (InvalidRequest), with malformed params (InvalidParams with a plain message, never the text of an exception), and
// how often malformed traffic reaches its log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RawServer, withServer, withTimeout } from './lspClient';
import { SMALL_REGISTRY } from '../fixtures/smallRegistry';

const URI = 'file:///work/project/model_registry.json';
const INITIALIZE = { method: 'initialize', params: { processId: null, rootUri: null, capabilities: { workspace: { configuration: false } } } };
/** What the text of a JavaScript exception looks like; no answer may carry it. */
const EXCEPTION_TEXT = /Cannot read propert|undefined \(reading|is not a function|is not iterable|TypeError|ReferenceError|at .*\.js:\d+/;

function errorOf(message: Record<string, unknown>): { code: number; message: string } {
  assert.ok(message.error, `expected an error, got ${JSON.stringify(message)}`);
  return message.error as { code: number; message: string };
}

describe('before initialize', () => {
  it('every request gets ServerNotInitialized and notifications are dropped', async () => {
    const server = new RawServer();
    try {
      const early = ['textDocument/hover', 'clemRegistry/status', 'workspace/symbol', 'shutdown', 'no/suchMethod'];
      early.forEach((method, i) => server.send({ id: 100 + i, method, params: { textDocument: { uri: URI }, position: { line: 0, character: 0 }, uri: URI, query: '' } }));
      server.send({ method: 'textDocument/didOpen', params: { textDocument: { uri: URI, languageId: 'json', version: 1, text: SMALL_REGISTRY } } });
      for (let i = 0; i < early.length; i++) {
        const error = errorOf(await server.response(100 + i));
        assert.equal(error.code, -32002, early[i]);
        assert.match(error.message, /not initialized/);
      }
      server.send({ id: 1, ...INITIALIZE });
      await server.response(1);
      server.send({ method: 'initialized', params: {} });
      // The didOpen sent before initialize was dropped: the document is unknown.
      server.send({ id: 2, method: 'clemRegistry/status', params: { uri: URI } });
      assert.equal(((await server.response(2)).result as { isRegistry: boolean }).isRegistry, false);
      assert.ok(!server.messages.some((m) => m.method === 'textDocument/publishDiagnostics'));
    } finally {
      server.kill();
    }
  });

  it('initialize without an object of params is InvalidParams, and the server still starts afterwards', async () => {
    const server = new RawServer();
    try {
      server.send({ id: 1, method: 'initialize', params: null });
      const error = errorOf(await server.response(1));
      assert.equal(error.code, -32602);
      assert.doesNotMatch(error.message, EXCEPTION_TEXT);
      // A client that sends no capabilities gets a server that assumes none.
      server.send({ id: 2, method: 'initialize', params: { processId: null, rootUri: null } });
      assert.ok(((await server.response(2)).result as { capabilities?: unknown }).capabilities);
      server.send({ id: 3, ...INITIALIZE });
      assert.equal(errorOf(await server.response(3)).code, -32600, 'a second initialize');
    } finally {
      server.kill();
    }
  });
});

describe('after shutdown', () => {
  it('requests get InvalidRequest, and exit ends the server with 0', async () => {
    const server = new RawServer();
    try {
      server.send({ id: 1, ...INITIALIZE });
      await server.response(1);
      server.send({ id: 2, method: 'shutdown' });
      assert.equal((await server.response(2)).result, null);
      server.send({ id: 3, method: 'textDocument/hover', params: { textDocument: { uri: URI }, position: { line: 0, character: 0 } } });
      assert.equal(errorOf(await server.response(3)).code, -32600);
      server.send({ method: 'exit' });
      assert.equal(await withTimeout(server.exited, 'exit'), 0);
    } finally {
      server.kill();
    }
  });
});

describe('malformed params', () => {
  const document = { textDocument: { uri: URI } };
  const position = { line: 1, character: 4 };
  /** For each request the server handles: params that are malformed in different ways. */
  const malformed: Record<string, unknown[]> = {
    'textDocument/hover': [null, 7, 'x', {}, { textDocument: {} }, { textDocument: { uri: 5 }, position }, document, { ...document, position: { line: '1', character: 4 } }, { ...document, position: { line: -1, character: 0 } }, { ...document, position: [1, 4] }],
    'textDocument/definition': [null, {}, document, { ...document, position: { line: 1 } }],
    'textDocument/completion': [null, {}, document, { ...document, position: { line: 1.5, character: 0 } }],
    'textDocument/documentSymbol': [null, [], {}, { textDocument: null }, { textDocument: { uri: null } }],
    'textDocument/foldingRange': [null, {}, { textDocument: 'file:///x' }],
    'textDocument/codeLens': [null, {}, { textDocument: { uri: {} } }],
    'textDocument/codeAction': [
      null,
      document,
      { ...document, range: { start: position, end: position } },
      { ...document, range: { start: position, end: position }, context: {} },
      { ...document, range: { start: position, end: position }, context: { diagnostics: [{}] } },
      { ...document, range: { start: position, end: position }, context: { diagnostics: [], only: 'quickfix' } },
      { ...document, range: 'all', context: { diagnostics: [] } },
    ],
    'workspace/symbol': [null, {}, { query: 5 }],
    'clemRegistry/status': [null, {}, { uri: 5 }, { uri: null }],
  };

  it('every request the server handles answers InvalidParams with a plain message', () =>
    withServer(async (client) => {
      client.open(URI, SMALL_REGISTRY);
      await client.waitForVersion(URI, 1);
      for (const [method, cases] of Object.entries(malformed)) {
        for (const params of cases) {
          const what = `${method} with ${JSON.stringify(params)}`;
          const outcome = await withTimeout(client.connection.sendRequest(method, params).then(
            (result) => ({ result }),
            (error: { code: number; message: string }) => ({ error }),
          ), what);
          assert.ok('error' in outcome, `${what} was answered ${JSON.stringify(outcome)}`);
          assert.equal(outcome.error.code, -32602, what);
          assert.match(outcome.error.message, new RegExp(`^${method.replace('/', '\\/')} needs .+\\.$`), what);
          assert.doesNotMatch(outcome.error.message, EXCEPTION_TEXT, what);
        }
      }
      // Well-formed requests on documents the server does not have are answered with nothing, not an error.
      const unknown = { textDocument: { uri: 'file:///nowhere/model_registry.json' } };
      assert.equal(await client.connection.sendRequest('textDocument/hover', { ...unknown, position }), null);
      assert.equal(await client.connection.sendRequest('textDocument/codeAction', { ...unknown, range: { start: position, end: position }, context: { diagnostics: [] } }), null);
      // Positions far outside the text are clamped, as LSP says.
      assert.equal(await client.connection.sendRequest('textDocument/hover', { ...document, position: { line: 99999, character: 99999 } }), null);
      // The server still works, and nothing of this reached the log as a failure.
      assert.ok((await client.status(URI)).entries > 0);
      assert.ok(!client.logs.some((l) => /failed/.test(l)), client.logs.join('\n'));
    }));

  it('malformed notifications are dropped, logged once per kind, and break nothing', () =>
    withServer(async (client) => {
      for (let i = 0; i < 50; i++) {
        void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, version: 1, text: 42 } });
        void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ range: 'x', text: '' }] });
        void client.connection.sendNotification('textDocument/didClose', null);
        void client.connection.sendNotification('clemRegistry/registryFiles', { uris: 5 });
      }
      client.open(URI, SMALL_REGISTRY);
      assert.ok((await client.waitForVersion(URI, 1)).length > 0);
      for (const method of ['textDocument/didOpen', 'textDocument/didChange', 'textDocument/didClose', 'clemRegistry/registryFiles']) {
        const lines = client.logs.filter((l) => l.includes(method));
        assert.equal(lines.length, 1, `${method}: ${JSON.stringify(lines)}`);
        assert.doesNotMatch(lines[0], EXCEPTION_TEXT);
      }
    }));
});
