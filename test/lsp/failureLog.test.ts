// The server's failure log: one line per kind of failure, a count of repeats at most once a minute, and no document
// text in any line.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FailureLog } from '../../server/src/lsp/failureLog';

function logWithClock() {
  const lines: string[] = [];
  let now = 0;
  const log = new FailureLog((line) => lines.push(line), () => now);
  return { lines, log, advance: (ms: number) => { now += ms; } };
}

/** An error thrown from one place in code, so that every call makes the same kind of failure. */
function failure(message: string): Error {
  return new TypeError(message);
}

it('logs a failure once, then counts its repeats at most once a minute', () => {
  const { lines, log, advance } = logWithClock();
  for (let i = 0; i < 1000; i++) {
    log.report('answering a hover', failure("Cannot read properties of undefined (reading 'uri')"));
    advance(10);
  }
  assert.equal(lines.length, 1, lines.join('\n')); // 10 s went by: no repeat line yet
  assert.match(lines[0], /^clem-registry: answering a hover failed: TypeError: Cannot read properties of undefined \(reading 'uri'\)\n\s+at /);
  advance(60_000);
  log.report('answering a hover', failure('again'));
  assert.equal(lines.length, 2);
  assert.equal(lines[1], 'clem-registry: answering a hover failed again, 1000 times since it was last logged.');
  log.report('answering a hover', failure('again'));
  assert.equal(lines.length, 2);
});

it('logs each kind of failure on its own', () => {
  const { lines, log } = logWithClock();
  log.report('answering a hover', failure('a'));
  log.report('completing', failure('a'));
  log.report('answering a hover', new RangeError('b'));
  log.notice('dropped didOpen', 'clem-registry: ignored a message: textDocument/didOpen needs params.textDocument.');
  log.notice('dropped didOpen', 'clem-registry: ignored a message: textDocument/didOpen needs params.textDocument.');
  assert.equal(lines.length, 4, lines.join('\n'));
});

it('keeps document text out of the lines: quoted text is dropped unless it looks like a name in code', () => {
  const { lines, log } = logWithClock();
  let parseError: unknown;
  try {
    JSON.parse('{"model_name": "SECRET-91a2" oops');
  } catch (err) {
    parseError = err;
  }
  log.report('reading', parseError);
  log.report('translating', new SyntaxError('Invalid regular expression: /(SECRET-77/: Unterminated group'));
  log.report('looking up', failure("Cannot read properties of undefined (reading 'model_config')"));
  assert.equal(lines.length, 3);
  assert.ok(!lines.some((l) => l.includes('SECRET')), lines.join('\n'));
  assert.match(lines[2], /reading 'model_config'/);
});
