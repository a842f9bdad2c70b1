// The language server as editors other than VS Code start it: `clem-registry lsp --stdio`, settings from the
// initialization options or from workspace/configuration (or the defaults), the `files` globs matched by the server,
// and the findings equal to `clem-registry check --format json` with the same settings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspClient, positionAt, REPO, withTimeout } from './lspClient';
import { SEVERITY_NAMES, sortFindings as sorted, type EditorFinding as Finding, type JsonFileReport } from '../support/cliReport';
import { SMALL_REGISTRY } from '../fixtures/smallRegistry';

const BIN = path.join(REPO, 'bin', 'clem-registry.js');
const LSP = [BIN, 'lsp', '--stdio'];
const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-editors-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ROOT = pathToFileURL(dir).href;

/** A 3.3-only backend next to an unknown key: the clemcore version and a severity both change the findings. */
const VLLM_REGISTRY = '[{"model_name": "v", "backend": "vllm", "huggingface_id": "org/v", "model_config": {}, "bogus": 1}]\n';

function write(relative: string, text: string): { file: string; uri: string; text: string } {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return { file, uri: pathToFileURL(file).href, text };
}

/** What `clem-registry check --format json ARGS FILE` reports, without the paths (which LSP does not carry). */
function cliFindings(file: string, ...args: string[]): Finding[] {
  const r = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', ...args, file], { encoding: 'utf8', timeout: 20_000 });
  const [report] = JSON.parse(r.stdout) as JsonFileReport[];
  return sorted(report.diagnostics.map(({ path: _path, ...rest }) => rest));
}

function asJson(diags: Diagnostic[]): Finding[] {
  return sorted(diags.map((d) => ({ code: String(d.code), severity: SEVERITY_NAMES[d.severity ?? 1], message: String(d.message), range: d.range })));
}

async function stopped(client: LspClient, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } finally {
    await client.stop().catch(() => client.kill());
  }
}

test('clem-registry lsp --stdio is the language server: same capabilities, and findings equal to check --format json', async () => {
  const example = write('example/model_registry.json', readFileSync(path.join(REPO, 'examples', 'model_registry.json'), 'utf8'));
  const client = await LspClient.startWith({ command: LSP, configuration: false, rootUri: ROOT });
  await stopped(client, async () => {
    client.open(example.uri, example.text);
    const { diagnostics } = await client.waitFor(example.uri);
    assert.deepEqual(asJson(diagnostics), cliFindings(example.file));
    const hover = await withTimeout(client.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: example.uri },
      position: positionAt(example.text, example.text.indexOf('"eos_to_cull"') + 2),
    }), 'a hover');
    assert.match(hover?.contents.value ?? '', /eos_to_cull/);
  });
});

test('initialization options set the version, severities and files for a client without workspace/configuration', async () => {
  const extra = write('registries/extra.json', VLLM_REGISTRY);
  const other = write('other.json', VLLM_REGISTRY);
  const named = write('model_registry.json', VLLM_REGISTRY);
  const settings = { clemcoreVersion: '3.3', severity: { 'unknown-key': 'off' }, files: ['registries/*.json'], debounceMs: 0 };
  const client = await LspClient.startWith({ command: LSP, configuration: false, rootUri: ROOT, initializationOptions: { settings: { clemRegistry: settings } } });
  await stopped(client, async () => {
    for (const doc of [other, extra, named]) client.open(doc.uri, doc.text);
    const expected = cliFindings(extra.file, '--clemcore', '3.3', '--severity', 'unknown-key=off');
    assert.notDeepEqual(expected, cliFindings(extra.file), 'the settings change the findings');
    assert.deepEqual(asJson((await client.waitFor(extra.uri)).diagnostics), expected, 'a file matching `files` is checked with the settings');
    assert.deepEqual(asJson((await client.waitFor(named.uri)).diagnostics), expected);
    assert.equal((await client.status(other.uri)).isRegistry, false, 'other JSON files are not registries');
    assert.equal(client.publishes(other.uri).length, 0);

    // A client that pushes settings: new `files` make an open document a registry, and fewer take that away.
    client.changeSettings({ ...settings, files: ['*.json'] });
    assert.deepEqual(asJson((await client.waitFor(other.uri)).diagnostics), expected);
    client.changeSettings({ ...settings, files: [] });
    await client.waitFor(other.uri, (p) => p.diagnostics.length === 0, 'the findings of other.json to be cleared');
    assert.equal((await client.status(extra.uri)).isRegistry, false);
  });
});

test('a client with workspace/configuration but no clemRegistry section keeps the initialization options; without either, the defaults', async () => {
  const doc = write('pulled/model_registry.json', VLLM_REGISTRY);
  const withOptions = await LspClient.startWith({ command: LSP, settings: null, rootUri: ROOT, initializationOptions: { clemRegistry: { clemcoreVersion: '3.3' } } });
  await stopped(withOptions, async () => {
    withOptions.open(doc.uri, doc.text);
    assert.deepEqual(asJson((await withOptions.waitFor(doc.uri)).diagnostics), cliFindings(doc.file, '--clemcore', '3.3'));
  });
  const bare = await LspClient.startWith({ command: LSP, configuration: false, rootUri: ROOT });
  await stopped(bare, async () => {
    bare.open(doc.uri, doc.text);
    assert.deepEqual(asJson((await bare.waitFor(doc.uri)).diagnostics), cliFindings(doc.file));
  });
  const small = write('small/model_registry.json', SMALL_REGISTRY);
  const pulled = await LspClient.startWith({ command: LSP, settings: { severity: { 'unknown-key': 'error' } }, rootUri: ROOT, initializationOptions: { clemRegistry: { clemcoreVersion: '3.3' } } });
  await stopped(pulled, async () => {
    pulled.open(small.uri, small.text);
    assert.deepEqual(asJson((await pulled.waitFor(small.uri)).diagnostics), cliFindings(small.file, '--severity', 'unknown-key=error'), 'settings the client answers win');
  });
});

test('clem-registry lsp: a missing or doubled transport is a usage error, and --help says how settings arrive', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'lsp', ...args], { encoding: 'utf8', timeout: 10_000, input: '' });
  const none = run();
  assert.equal(none.status, 2);
  assert.match(none.stderr, /^clem-registry: name the transport: --stdio/);
  assert.equal(run('--stdio', '--node-ipc').status, 2);
  assert.equal(run('--socket=abc').status, 2);
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /initialization options/);
  assert.match(help.stdout, /workspace\/configuration/);
});
