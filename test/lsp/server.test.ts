// The real language server over stdio: published positions and codes, incremental edits, settings, the registry
// set, the status request, and survival on garbage input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { positionAt, rangeOf, withServer } from './lspClient';
import { SMALL_REGISTRY as REGISTRY } from '../fixtures/smallRegistry';

const URI = 'file:///work/project/model_registry.json';


function only(diags: Diagnostic[], code: string): Diagnostic[] {
  return diags.filter((d) => d.code === code);
}

function one(diags: Diagnostic[], code: string): Diagnostic {
  const found = only(diags, code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(diags.map((d) => d.code))}`);
  return found[0];
}

/** What a publish says, without the document URI, so two documents with the same text compare equal. */
function comparable(diags: Diagnostic[]) {
  return diags.map((d) => ({ ...d, relatedInformation: d.relatedInformation?.map((r) => ({ range: r.location.range, message: r.message })) }));
}

test('an opened registry gets diagnostics with exact ranges, codes, source, data, tags and related information', () =>
  withServer(async (client) => {
    client.open(URI, REGISTRY);
    const diags = await client.waitForVersion(URI, 1);
    for (const d of diags) assert.equal(d.source, 'clem-registry');

    const comma = one(diags, 'json-trailing-comma');
    assert.deepEqual(comma.range, rangeOf(REGISTRY, ',', 3)); // the comma after `"bogus_key": 1`
    assert.equal(comma.severity, 1);
    assert.deepEqual(comma.data, { replacement: '' });

    const unknown = one(diags, 'unknown-key');
    assert.deepEqual(unknown.range, rangeOf(REGISTRY, '"bogus_key"'));
    assert.equal(unknown.severity, 2);
    assert.deepEqual(unknown.tags, [1]); // Unnecessary
    assert.equal((unknown.data as { key?: string }).key, 'bogus_key');

    const duplicate = one(diags, 'duplicate-model-name');
    assert.deepEqual(duplicate.range, rangeOf(REGISTRY, '"alpha"', 1));
    assert.equal(duplicate.relatedInformation?.length, 1);
    assert.equal(duplicate.relatedInformation![0].location.uri, URI);
    assert.deepEqual(duplicate.relatedInformation![0].location.range, rangeOf(REGISTRY, '"alpha"', 0));

    const status = await client.status(URI);
    assert.equal(status.isRegistry, true);
    assert.equal(status.entries, 2);
    assert.equal(status.errors, diags.filter((d) => d.severity === 1).length);
    assert.equal(status.warnings, diags.filter((d) => d.severity === 2).length);
  }));

test('incremental edits move and change the diagnostics', () =>
  withServer(async (client) => {
    client.open(URI, REGISTRY);
    await client.waitForVersion(URI, 1);
    let text = REGISTRY;

    // Removing the trailing comma removes its diagnostic and leaves the others in place.
    const commaRange = rangeOf(text, ',', 3);
    let version = client.change(URI, [{ range: commaRange, text: '' }]);
    text = text.slice(0, text.indexOf('1,\n') + 1) + text.slice(text.indexOf('1,\n') + 2);
    let diags = await client.waitForVersion(URI, version);
    assert.equal(only(diags, 'json-trailing-comma').length, 0);
    assert.deepEqual(one(diags, 'unknown-key').range, rangeOf(text, '"bogus_key"'));

    // Two lines inserted before the second entry shift its diagnostics down by two lines.
    const before = one(diags, 'duplicate-model-name').range;
    version = client.change(URI, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: '\n\n' }]);
    text = text.split('\n').slice(0, 7).join('\n') + '\n\n\n' + text.split('\n').slice(7).join('\n');
    diags = await client.waitForVersion(URI, version);
    const after = one(diags, 'duplicate-model-name').range;
    assert.deepEqual(after, { start: { ...before.start, line: before.start.line + 2 }, end: { ...before.end, line: before.end.line + 2 } });
    assert.deepEqual(after, rangeOf(text, '"alpha"', 1));

    // An edit inside a key (inside one entry) changes that entry's finding.
    const key = rangeOf(text, 'bogus_key');
    version = client.change(URI, [{ range: { start: { ...key.end, character: key.end.character - 1 }, end: key.end }, text: 'z' }]);
    text = text.replace('bogus_key', 'bogus_kez');
    diags = await client.waitForVersion(URI, version);
    assert.match(String(one(diags, 'unknown-key').message), /bogus_kez/);

    // Several changes in one notification: each is against the text the previous one left.
    version = client.change(URI, [
      { range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: '\n' },
      { range: rangeOf('\n' + text, '"alpha"', 1), text: '"beta"' },
    ]);
    text = text.slice(0, 1) + '\n' + text.slice(1);
    text = text.slice(0, text.lastIndexOf('"alpha"')) + '"beta"' + text.slice(text.lastIndexOf('"alpha"') + 7);
    diags = await client.waitForVersion(URI, version);
    assert.equal(only(diags, 'duplicate-model-name').length, 0);
    assert.deepEqual(one(diags, 'unknown-key').range, rangeOf(text, '"bogus_kez"'));

    // A full-text change replaces everything.
    version = client.change(URI, [{ text: '[{"model_name": "x"}]' }]);
    diags = await client.waitForVersion(URI, version);
    assert.deepEqual(one(diags, 'missing-backend').range, rangeOf('[{"model_name": "x"}]', '"model_name"'));
  }));

test('after any sequence of edits the diagnostics equal those of a fresh open of the same text', () =>
  withServer(async (client) => {
    // A seeded generator keeps the edit sequence the same on every run.
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const snippets = ['', '"', ',', '\n', '  ', 'x', '"bogus": 2, ', '"model_name": "alpha", ', '}', '{', '\\q', '"backend": "vllm", '];
    let text = REGISTRY.replace('"bogus_key": 1,', '"bogus_key": 1');
    client.open(URI, text);
    await client.waitForVersion(URI, 1);
    // Letters occur only inside strings (and true/false/null): the first steps edit those, so the text stays valid
    // JSON and the service takes its incremental path; the later steps break and repair structure at random.
    const letters = () => [...text].flatMap((ch, i) => (/[a-z_]/.test(ch) ? [i] : []));
    for (let step = 0; step < 40; step++) {
      const changes = [];
      for (let k = 0; k <= random(2); k++) {
        const inString = step < 20;
        const candidates = letters();
        const start = inString ? candidates[random(candidates.length)] : random(text.length + 1);
        const end = Math.min(text.length, start + (inString ? random(2) : random(4)));
        const inserted = inString ? 'qz_'.slice(0, random(4)) : snippets[random(snippets.length)];
        changes.push({ range: { start: positionAt(text, start), end: positionAt(text, end) }, text: inserted });
        text = text.slice(0, start) + inserted + text.slice(end);
      }
      const version = client.change(URI, changes);
      const edited = await client.waitForVersion(URI, version);
      const fresh = `file:///work/fresh/${step}/model_registry.json`;
      client.open(fresh, text);
      const expected = await client.waitForVersion(fresh, 1);
      assert.deepEqual(comparable(edited), comparable(expected), `step ${step}: ${JSON.stringify(text)}`);
      client.close(fresh);
    }
  }));

test('settings: the clemcore version and severity overrides are pulled again on a change', () =>
  withServer(async (client) => {
    const text = '[{"model_name": "v", "backend": "vllm", "huggingface_id": "org/v", "bogus": 1}]';
    client.open(URI, text);
    let diags = await client.waitForVersion(URI, 1);
    assert.deepEqual(one(diags, 'removed-backend').range, rangeOf(text, '"vllm"'));
    assert.equal((await client.status(URI)).version, '3.7');

    let next = client.next(URI);
    client.changeSettings({ debounceMs: 0, clemcoreVersion: '3.3' });
    diags = (await next).diagnostics;
    assert.equal(only(diags, 'removed-backend').length, 0);
    assert.equal((await client.status(URI)).version, '3.3');

    next = client.next(URI);
    client.changeSettings({ debounceMs: 0, clemcoreVersion: '3.3', severity: { 'unknown-key': 'error' } });
    diags = (await next).diagnostics;
    assert.equal(one(diags, 'unknown-key').severity, 1);

    next = client.next(URI);
    client.changeSettings({ debounceMs: 0, clemcoreVersion: '3.3', severity: { 'unknown-key': 'off', 'no-such-code': 'error' } });
    diags = (await next).diagnostics;
    assert.equal(only(diags, 'unknown-key').length, 0);
    assert.ok(client.logs.some((l) => l.includes('no-such-code')), 'an unknown code in the settings is logged');

    // A version the server does not know falls back to the newest one.
    next = client.next(URI);
    client.changeSettings({ debounceMs: 0, clemcoreVersion: '9.9' });
    diags = (await next).diagnostics;
    assert.equal(only(diags, 'removed-backend').length, 1);
  }));

test('settings: each workspace folder gets its own clemcore version and severities, also a folder added later', async () => {
  const a = 'file:///work/multi/a';
  const b = 'file:///work/multi/b';
  const c = 'file:///work/multi/c';
  // Under 3.7 the vllm entry gets only removed-backend; the openai entry's unknown key shows the severities.
  const text = '[{"model_name": "v", "backend": "vllm", "huggingface_id": "org/v", "bogus": 1}, {"model_name": "w", "backend": "openai", "model_id": "w", "bogus": 1}]';
  await withServer(async (client) => {
    client.folderSettings.set(a, { debounceMs: 0, clemcoreVersion: '3.3', severity: { 'unknown-key': 'off' } });
    client.folderSettings.set(b, { debounceMs: 0, clemcoreVersion: '3.7' });
    client.changeSettings({ debounceMs: 0 });
    for (const f of [a, b, 'file:///work/outside']) client.open(`${f}/model_registry.json`, text);
    // Settings arrive after the opens; the publish after them has the folders' versions.
    const inA = (await client.waitFor(`${a}/model_registry.json`, (p) => !p.diagnostics.some((d) => d.code === 'removed-backend'))).diagnostics;
    assert.equal(only(inA, 'unknown-key').length, 0);
    assert.equal((await client.status(`${a}/model_registry.json`)).version, '3.3');
    const inB = (await client.waitFor(`${b}/model_registry.json`, (p) => p.diagnostics.some((d) => d.code === 'removed-backend'))).diagnostics;
    assert.equal(only(inB, 'unknown-key').length, 1);
    assert.equal((await client.status(`${b}/model_registry.json`)).version, '3.7');
    // Outside every folder: the settings without a folder (the newest version).
    assert.equal((await client.status('file:///work/outside/model_registry.json')).version, '3.7');

    client.folderSettings.set(c, { debounceMs: 0, clemcoreVersion: '3.3' });
    client.open(`${c}/model_registry.json`, text);
    await client.waitFor(`${c}/model_registry.json`);
    assert.equal((await client.status(`${c}/model_registry.json`)).version, '3.7', 'not a workspace folder yet');
    const next = client.next(`${c}/model_registry.json`, (p) => !p.diagnostics.some((d) => d.code === 'removed-backend'));
    client.changeWorkspaceFolders([c]);
    await next;
    assert.equal((await client.status(`${c}/model_registry.json`)).version, '3.3');
  }, { debounceMs: 0 }, null, [a, b]);
});

test('closing a registry clears its diagnostics', () =>
  withServer(async (client) => {
    client.open(URI, REGISTRY);
    assert.ok((await client.waitForVersion(URI, 1)).length > 0);
    const next = client.next(URI);
    client.close(URI);
    assert.deepEqual((await next).diagnostics, []);
    assert.equal((await client.status(URI)).isRegistry, false);
  }));

test('other JSON files are checked only once the client marks them as registries', () =>
  withServer(async (client) => {
    const other = 'file:///work/project/registries/extra.json';
    const untitled = 'untitled:Untitled-1';
    client.open(other, REGISTRY);
    client.open(untitled, '[{"model_name": "u"}]');
    assert.deepEqual(await client.status(other), { isRegistry: false, version: '3.7', entries: 0, errors: 0, warnings: 0 });
    assert.equal(client.publishes(other).length, 0);

    let next = client.next(other);
    const nextUntitled = client.next(untitled);
    void client.connection.sendNotification('clemRegistry/registryFiles', { uris: [other, untitled] });
    assert.ok(one((await next).diagnostics, 'json-trailing-comma'));
    assert.ok(one((await nextUntitled).diagnostics, 'missing-backend'));
    assert.equal((await client.status(other)).entries, 2);

    // Edits made before the mark are part of the text the server checks.
    next = client.next(untitled);
    const version = client.change(untitled, [{ range: rangeOf('[{"model_name": "u"}]', '}'), text: ', "backend": "nope"}' }]);
    assert.ok(one((await next).diagnostics, 'unknown-backend'));
    assert.equal(client.publishes(untitled).at(-1)!.version, version);

    // The set is replaced as a whole: unmarked documents are cleared.
    next = client.next(other);
    void client.connection.sendNotification('clemRegistry/registryFiles', { uris: [untitled] });
    assert.deepEqual((await next).diagnostics, []);
    assert.equal((await client.status(other)).isRegistry, false);
    assert.equal((await client.status(untitled)).isRegistry, true);
  }));

test('typing is debounced: quick changes give one publish of the last version', () =>
  withServer(async (client) => {
    const text = '[{"model_name": "d", "backend": "openai", "model_id": "m"}]';
    client.open(URI, text);
    await client.waitForVersion(URI, 1); // an open is published at once
    let version = 1;
    for (let i = 0; i < 5; i++) {
      version = client.change(URI, [{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: ' ' }]);
    }
    await client.waitForVersion(URI, version);
    assert.ok(client.publishes(URI).length < 6, `expected the 5 changes to be debounced, got ${client.publishes(URI).length - 1} publishes`);
  }, { debounceMs: 100 }));

test('a UTF-8 byte order mark is reported as a JSON syntax error at the start', () =>
  withServer(async (client) => {
    client.open(URI, '\uFEFF[{"model_name": "b", "backend": "openai", "model_id": "m"}]');
    const diags = await client.waitForVersion(URI, 1);
    const bom = only(diags, 'json-syntax').find((d) => /byte order mark/.test(String(d.message)));
    assert.ok(bom, JSON.stringify(diags));
    assert.deepEqual(bom.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } });
  }));

test('garbage input never stops the server, and document text never reaches its log', () =>
  withServer(async (client) => {
    const secret = 'SECRET-7f3a9c';
    let binary = '';
    for (let i = 0; i < 4096; i++) binary += String.fromCharCode((i * 7919) % 65536);
    const garbage: Record<string, string> = {
      binary: binary + secret,
      nul: `[{"model_name": "\u0000${secret}", "backend": "\u0000"}]`,
      hugeString: `[{"model_name": "${secret}${'x'.repeat(5_000_000)}", "backend": "llamacpp", "eos_to_cull": "${'('.repeat(2000)}"}]`,
      deepArrays: '['.repeat(10000) + secret,
      deepObjects: '{"a":'.repeat(10000) + secret,
      deepClosed: '['.repeat(10000) + ']'.repeat(10000),
      manyEntries: `[${Array.from({ length: 3000 }, (_, i) => `{"model_name": "m${i % 50}", "backend": "b${i}"}`).join(',')}]`,
      loneSurrogates: `[{"model_name": "\uD800${secret}\uDC00", "backend": "openai"}]`,
      empty: '',
    };
    for (const [name, text] of Object.entries(garbage)) {
      const uri = `file:///garbage/${name}/model_registry.json`;
      client.open(uri, text);
      await client.waitForVersion(uri, 1);
      const status = await client.status(uri);
      assert.equal(status.isRegistry, true, name);
      // Edits far outside the text are clamped, as LSP says.
      const version = client.change(uri, [
        { range: { start: { line: 1_000_000, character: 5 }, end: { line: 2_000_000, character: 0 } }, text: secret },
        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, text: '' },
      ]);
      await client.waitForVersion(uri, version);
      client.close(uri);
    }
    // Malformed messages are ignored, not fatal.
    void client.connection.sendNotification('clemRegistry/registryFiles', { uris: 5 });
    void client.connection.sendNotification('clemRegistry/registryFiles', null);
    client.change('file:///never/opened/model_registry.json', [{ text: secret }]);
    assert.equal((await client.status('')).isRegistry, false);

    // Still fully working afterwards.
    client.open(URI, REGISTRY);
    assert.ok(one(await client.waitForVersion(URI, 1), 'json-trailing-comma'));
    assert.ok(!client.logs.some((l) => l.includes(secret)), 'a log line quotes document text');
    assert.ok(!client.stderr.includes(secret), 'stderr quotes document text');
  }));
