// Broken framing on stdin, sent to the real bundled server (dist/server.js --stdio): the server either goes on
// answering or exits non-zero with one line on stderr, so that the client restarts it. It never stays silent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RawServer, withTimeout } from './lspClient';

const INITIALIZE = { id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } };

/** Asserts that the server exited with 1 after one plain line on stderr. */
async function assertExitsWithMessage(server: RawServer, what: string): Promise<void> {
  const code = await withTimeout(server.exited, `the server to exit after ${what}`);
  assert.equal(code, 1, what);
  const lines = server.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr after ${what}: ${JSON.stringify(server.stderr)}`);
  assert.match(lines[0], /^clem-registry: the language server stops because .+; the messages from the editor can no longer be read\. The editor restarts the server\.$/);
}

describe('broken framing makes the server exit with a message', () => {
  const cases: Record<string, string | Buffer> = {
    'a header without Content-Length': 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}',
    'a Content-Length that is not a number': 'Content-Length: twelve\r\n\r\n{}',
    'a negative Content-Length': 'Content-Length: -5\r\n\r\n{}',
    'a header line without a colon': 'Content-Length 2\r\n\r\n{}',
    'headers ended with LF only': 'Content-Length: 2\n\n{}',
    'binary garbage': Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]),
    'a header that never ends': `X-Padding: ${'a'.repeat(9000)}`,
  };
  for (const [name, bytes] of Object.entries(cases)) {
    it(name, async () => {
      const server = new RawServer();
      try {
        server.write(bytes);
        await assertExitsWithMessage(server, name);
      } finally {
        server.kill();
      }
    });
  }

  it('also after a normal start, and the message quotes nothing that was sent', async () => {
    const server = new RawServer();
    try {
      server.send(INITIALIZE);
      await server.response(1);
      server.write('Content-Length: 2\r\nSECRET-4d1e\r\n\r\n{}');
      await assertExitsWithMessage(server, 'a broken header after initialize');
      assert.ok(!server.stderr.includes('SECRET'));
    } finally {
      server.kill();
    }
  });

  it('a Content-Length that is too small: the cut message is answered as unreadable, then the rest breaks the framing', async () => {
    const server = new RawServer();
    try {
      const body = JSON.stringify({ jsonrpc: '2.0', ...INITIALIZE });
      server.write(`Content-Length: 10\r\n\r\n${body}`);
      const parseError = await server.response(null);
      assert.equal((parseError.error as { code: number }).code, -32700);
      await assertExitsWithMessage(server, 'a short Content-Length');
    } finally {
      server.kill();
    }
  });

  it('a Content-Length that is too large: the next messages are swallowed until the framing breaks, then the server exits', async () => {
    const server = new RawServer();
    try {
      server.write('Content-Length: 100\r\n\r\n{"jsonrpc": "2.0"}');
      // The client goes on sending; the bytes fill the announced body and the rest cannot be a header.
      for (let i = 0; i < 3; i++) server.send({ ...INITIALIZE, id: 10 + i });
      await assertExitsWithMessage(server, 'a long Content-Length');
    } finally {
      server.kill();
    }
  });
});

describe('a body that is not JSON loses only that message', () => {
  const bodies: Record<string, [string, number]> = {
    'invalid JSON': ['{"jsonrpc": "2.0", "id": 1, "method":', -32700],
    'an empty body': ['', -32700],
    'a JSON array': ['[1, 2]', -32600],
    'a JSON number': ['42', -32600],
  };
  for (const [name, [body, code]] of Object.entries(bodies)) {
    it(name, async () => {
      const server = new RawServer();
      try {
        const bytes = Buffer.from(body, 'utf8');
        server.write(Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`), bytes]));
        const parseError = await server.response(null);
        assert.equal((parseError.error as { code: number }).code, code);
        assert.doesNotMatch(String((parseError.error as { message: string }).message), /SyntaxError|Unexpected|JSON\.parse/);
        // The framing still holds: the next request is answered.
        server.send(INITIALIZE);
        const initialized = await server.response(1);
        assert.ok((initialized.result as { capabilities?: unknown }).capabilities);
        server.send({ id: 2, method: 'shutdown' });
        await server.response(2);
        server.send({ method: 'exit' });
        assert.equal(await withTimeout(server.exited, 'exit'), 0);
      } finally {
        server.kill();
      }
    });
  }
});
