// Outline, folding and hover through the real language server over stdio.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CodeLens, CompletionItem, DocumentSymbol, FoldingRange, Hover, Location, MarkupContent, SymbolInformation } from 'vscode-languageserver-protocol/node';
import { positionAt, rangeOf, withServer, withTimeout } from './lspClient';

const URI = 'file:///work/project/model_registry.json';
const TEXT = `[
    {
        "model_name": "qwen-gguf",
        "backend": "llamacpp",
        "huggingface_id": "Qwen/Qwen2.5-7B-Instruct-GGUF",
        "model_config": {
            "premade_chat_template": true,
            "filename": "*Q4_K_M.gguf",
            "eos_to_cull": "<\\\\|im_end\\\\|>"
        }
    },
    {
        "model_name": "gpt-4o",
        "backend": "openai",
        "model_id": "gpt-4o-2024-08-06"
    }
]
`;

test('outline, folding and hover come from the service', () =>
  withServer(async (client) => {
    client.open(URI, TEXT);
    await client.waitForVersion(URI, 1);
    const textDocument = { uri: URI };
    const symbols = await withTimeout(client.connection.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument }), 'symbols');
    assert.deepEqual(symbols.map((s) => [s.name, s.detail]), [['qwen-gguf', 'llamacpp'], ['gpt-4o', 'openai']]);
    assert.deepEqual(symbols[1].selectionRange, rangeOf(TEXT, '"gpt-4o"'));
    const folds = await withTimeout(client.connection.sendRequest<FoldingRange[]>('textDocument/foldingRange', { textDocument }), 'folding');
    assert.deepEqual(folds.map((f) => [f.startLine, f.endLine]), [[1, 10], [11, 15]]);
    const at = positionAt(TEXT, TEXT.indexOf('"eos_to_cull"') + 2);
    const h = await withTimeout(client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument, position: at }), 'hover');
    assert.ok(h);
    assert.match((h!.contents as MarkupContent).value, /`eos_to_cull`.*llamacpp/);
    assert.deepEqual(h!.range, rangeOf(TEXT, '"eos_to_cull"'));
    const none = await withTimeout(client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument, position: positionAt(TEXT, 0) }), 'hover outside');
    assert.equal(none, null);
  }));

test('quick fixes and fix-all come back as workspace edits', () =>
  withServer(async (client) => {
    const text = TEXT.replace('<\\\\|im_end\\\\|>', '<|im_end|>');
    client.open(URI, text);
    const diags = await client.waitForVersion(URI, 1);
    const bar = diags.find((d) => d.code === 'regex-unescaped-bar');
    assert.ok(bar);
    const textDocument = { uri: URI };
    const actions = await withTimeout(client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument, range: bar!.range, context: { diagnostics: [bar] } }), 'code actions');
    const action = actions.find((a) => a.isPreferred);
    assert.ok(action, JSON.stringify(actions.map((a) => a.title)));
    const edits = action!.edit!.changes![URI];
    assert.equal(edits.length, 1);
    assert.deepEqual(edits[0].range, rangeOf(text, '"<|im_end|>"'));
    assert.equal(edits[0].newText, '"<\\\\|im_end\\\\|>"');
    const all = await withTimeout(client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument, range: bar!.range, context: { diagnostics: [], only: ['source.fixAll'] } }), 'fix all');
    assert.equal(all.length, 1);
    assert.equal(all[0].kind, 'source.fixAll.clemRegistry');
  }));

test('a shadowed entry gets a code lens and a definition link to the winner', () =>
  withServer(async (client) => {
    const text = TEXT.replace('"gpt-4o",', '"qwen-gguf",');
    client.open(URI, text);
    await client.waitForVersion(URI, 1);
    const textDocument = { uri: URI };
    const all = await withTimeout(client.connection.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument }), 'code lenses');
    const lenses = all.filter((l) => l.command?.command === 'clemRegistry.goToEntry');
    assert.equal(lenses.length, 1);
    assert.deepEqual(lenses[0].range, rangeOf(text, '"qwen-gguf"', 1));
    // The llamacpp entry gets "Test entry" and "Preview template" above its opening brace; the openai entry gets neither.
    const tests = all.filter((l) => l.command?.command === 'clemRegistry.testEntry');
    assert.deepEqual(tests.map((l) => l.command?.arguments?.slice(1)), [[0, 'qwen-gguf']]);
    assert.equal(text.split('\n')[tests[0].range.start.line][tests[0].range.start.character], '{');
    assert.equal(all.filter((l) => l.command?.command === 'clemRegistry.previewTemplate').length, 1);
    assert.equal(lenses[0].command?.command, 'clemRegistry.goToEntry');
    assert.deepEqual(lenses[0].command?.arguments, [URI, rangeOf(text, '"qwen-gguf"', 0)]);
    const position = positionAt(text, text.lastIndexOf('"qwen-gguf"') + 2);
    const location = await withTimeout(client.connection.sendRequest<Location | null>('textDocument/definition', { textDocument, position }), 'definition');
    assert.deepEqual(location, { uri: URI, range: rangeOf(text, '"qwen-gguf"', 0) });
  }));

test('completion offers the backend\'s keys inside model_config', () =>
  withServer(async (client) => {
    const text = TEXT.replace('"filename": "*Q4_K_M.gguf",', '"filename": "*Q4_K_M.gguf",\n            "",');
    client.open(URI, text);
    await client.waitForVersion(URI, 1);
    const position = positionAt(text, text.indexOf('"",') + 1);
    const items = await withTimeout(client.connection.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri: URI }, position }), 'completion');
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('bos_string') && labels.includes('custom_chat_template'), JSON.stringify(labels));
    assert.ok(!labels.includes('filename'), 'already present');
    const bos = items.find((i) => i.label === 'bos_string')!;
    assert.deepEqual((bos.textEdit as { range: unknown }).range, rangeOf(text, '""'));
  }));

test('workspace symbols find entries in open registries and in registry files on disk', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-ws-'));
  try {
    mkdirSync(path.join(root, 'experiments', 'a'), { recursive: true });
    mkdirSync(path.join(root, 'node_modules', 'x'), { recursive: true });
    writeFileSync(path.join(root, 'experiments', 'a', 'model_registry.json'), '[{"model_name": "qwen-on-disk", "backend": "openai", "model_id": "q"}]');
    writeFileSync(path.join(root, 'node_modules', 'x', 'model_registry.json'), '[{"model_name": "qwen-ignored", "backend": "openai", "model_id": "q"}]');
    await withServer(async (client) => {
      client.open(URI, TEXT);
      await client.waitForVersion(URI, 1);
      const symbols = await withTimeout(client.connection.sendRequest<SymbolInformation[]>('workspace/symbol', { query: 'qwen' }), 'workspace symbols');
      assert.deepEqual(symbols.map((s) => s.name).sort(), ['qwen-gguf', 'qwen-on-disk']);
      const disk = symbols.find((s) => s.name === 'qwen-on-disk')!;
      assert.equal(disk.location.uri, pathToFileURL(path.join(root, 'experiments', 'a', 'model_registry.json')).toString());
      assert.equal(disk.containerName, 'openai');
    }, undefined, pathToFileURL(root).toString());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
