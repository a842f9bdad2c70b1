// One registry's checking on the main thread's side, with real checker threads: answers for an older text are never
// used, and a thread that dies stops checking (said once) until the text gets shorter.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import { after, it } from 'node:test';
import { ResponseError } from 'vscode-languageserver/node';
import { DocumentCheck, type DocumentCheckHooks } from '../../server/src/lsp/checker/documentCheck';
import type { CheckAnswer } from '../../server/src/lsp/checker/protocol';
import { CheckerPool } from '../../server/src/lsp/checker/thread';
import { defaultSettings } from '../../server/src/lsp/settings';
import { TextBuffer } from '../../server/src/lsp/textBuffer';
import { SMALL_REGISTRY } from '../fixtures/smallRegistry';
import { REPO, withTimeout } from './lspClient';

const WORKER = path.join(REPO, 'dist', 'checkWorker.js');
const temp = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-check-'));
after(() => rmSync(temp, { recursive: true, force: true }));

/** A DocumentCheck on SMALL_REGISTRY with threads running `script`, recording what it tells the server. */
function started(script: string) {
  const events: string[] = [];
  const published: (CheckAnswer | undefined)[] = [];
  const hooks: DocumentCheckHooks = {
    publish: (answer) => { published.push(answer); events.push(answer ? `published ${answer.findings.length}` : 'published nothing'); },
    failed: (what) => events.push(`failed ${what}`),
    stopped: (reason) => events.push(`stopped: ${reason}`),
  };
  const pool = new CheckerPool(script);
  const text = new TextBuffer('file:///t/model_registry.json', 1, SMALL_REGISTRY);
  const check = new DocumentCheck(pool, text, { settings: defaultSettings(), documentPath: undefined }, hooks);
  return { text, check, events, published, dispose: () => { check.dispose(); pool.dispose(); } };
}

/** Waits until `events` holds at least `n` entries. */
function eventsReach(events: string[], n: number): Promise<void> {
  return withTimeout(new Promise<void>((resolve) => {
    const poll = () => (events.length >= n ? resolve() : setTimeout(poll, 10));
    poll();
  }), `${n} events`);
}

it('an answer computed before an edit is refused with ContentModified, and checks publish only the current text', async () => {
  const { text, check, published, dispose } = started(WORKER);
  try {
    check.schedule(0);
    await withTimeout(check.checkNow(), 'the first check');
    assert.equal(published.length, 1);
    const hover = check.ask({ kind: 'hover', offset: text.getText().indexOf('"backend"') + 2 });
    // An edit reaches the main thread before the answer does.
    const edit = text.apply({ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: '\n' }, 2);
    check.edited([edit]);
    await assert.rejects(withTimeout(hover, 'the hover'), (err: unknown) => err instanceof ResponseError && err.code === -32801);
    check.schedule(0);
    await withTimeout(check.checkNow(), 'the check after the edit');
    // The duplicate name moved down one line with the edit: the finding published is for the new text.
    const latest = published[published.length - 1]!;
    assert.equal(latest.textLength, text.textLength);
    const duplicate = latest.findings.find((f) => f.code === 'duplicate-model-name')!;
    assert.equal(text.getText().slice(duplicate.offset, duplicate.offset + duplicate.length), '"alpha"');
    assert.ok(duplicate.offset > text.getText().indexOf('"alpha"'));
  } finally {
    dispose();
  }
});

it('a checker thread that dies stops checking, says so once, and resumes when the text gets shorter', async () => {
  const crashing = path.join(temp, 'crashing.js');
  writeFileSync(crashing, "require('node:worker_threads').parentPort.on('message', (m) => { if (m.kind === 'ask') process.exit(3); });\n");
  const { text, check, events, dispose } = started(crashing);
  try {
    check.schedule(0);
    await withTimeout(check.checkNow(), 'a check that crashes');
    await eventsReach(events, 2);
    assert.deepEqual(events, ['stopped: it stopped', 'published nothing']);
    // Longer text: still stopped (no new thread, no new failure).
    const longer = text.apply({ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: ' ' }, 2);
    check.edited([longer]);
    check.schedule(0);
    await withTimeout(check.checkNow(), 'a check while stopped');
    assert.equal(events.length, 2);
    await assert.rejects(check.ask({ kind: 'symbols' }), { name: 'CheckerGone' });
    // Shorter text than when it stopped: a new thread is tried.
    const shorter = text.apply({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, text: '' }, 3);
    check.edited([shorter]);
    check.schedule(0);
    await withTimeout(check.checkNow(), 'a check after the text got shorter');
    await eventsReach(events, 4);
    assert.deepEqual(events.slice(2), ['stopped: it stopped', 'published nothing']);
  } finally {
    dispose();
  }
});
