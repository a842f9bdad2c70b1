#!/usr/bin/env node
// `npm start`: builds and packages the extension, installs the .vsix into a VS Code and opens examples/ in it.
// The desktop VS Code (`code` on PATH) when there is one; otherwise code-server on 127.0.0.1, installed into the
// cache folder, with its URL printed. `--code-server` picks code-server even when `code` exists; `--port N` its port.
// It first writes the scripted GGUF that examples/.vscode/settings.json names for "Test entry" (the one the editor
// suites run, from test/e2e/shared/scriptedModel.ts through tsx), and points the extension at this repository's
// node-llama-cpp (a dev dependency) with `clemRegistry.llamaRuntime`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import { codeServerDir, freePort, installCodeServer, installExtension, startCodeServer } from './code-server.mjs';
import { EXAMPLES, writeExampleModel } from './example-model.mjs';
import { packageVsix, ROOT } from './package.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const portArg = args.indexOf('--port');

function onPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, command)));
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Whether `folder` holds node-llama-cpp as the extension looks for it: the package itself, or in node_modules/. */
function holdsRuntime(folder) {
  if (typeof folder !== 'string' || folder === '') return false;
  return [folder, path.join(folder, 'node_modules', 'node-llama-cpp')].some((dir) => {
    try {
      return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'node-llama-cpp';
    } catch {
      return false;
    }
  });
}

/**
 * Sets `clemRegistry.llamaRuntime` to this repository in a settings.json, keeping its other settings and comments,
 * unless it already names a folder that holds node-llama-cpp.
 */
function setLlamaRuntime(settingsFile) {
  const { applyEdits, modify, parse } = require('jsonc-parser');
  const text = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : '{}';
  const current = parse(text)?.['clemRegistry.llamaRuntime'];
  if (current === ROOT || holdsRuntime(current)) return;
  const edits = modify(text, ['clemRegistry.llamaRuntime'], ROOT, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  writeFileSync(settingsFile, applyEdits(text, edits));
}

function tryTestEntry({ entries, file }) {
  return `"Test entry" above ${entries.pass} runs the scripted model ${path.relative(ROOT, file)} through llama.cpp and `
    + `passes; above ${entries.fail} it fails (its eos_to_cull leaves "||" in the reply).`;
}

async function withDesktop(vsix, model) {
  console.log('Installing the extension into VS Code (`code` on PATH)...');
  execFileSync('code', ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
  execFileSync('code', [EXAMPLES], { stdio: 'inherit' });
  console.log(`VS Code opens ${path.relative(process.cwd(), EXAMPLES) || EXAMPLES}/; open model_registry.json there to see the findings.`);
  // The CLI cannot set a machine-scoped setting, and this one does not belong in the workspace.
  console.log(`\n${tryTestEntry(model)} Trust the folder, and let the extension use this repository's node-llama-cpp: add\n\n`
    + `    "clemRegistry.llamaRuntime": ${JSON.stringify(ROOT)}\n\n`
    + 'to your user settings (Preferences: Open User Settings (JSON)); without it the extension offers to install its own copy.');
}

async function withCodeServer(vsix, model) {
  installCodeServer();
  // Settings and the installed extension persist between runs, next to code-server in the cache folder.
  const home = path.join(path.dirname(codeServerDir()), 'start');
  const userDataDir = path.join(home, 'user-data');
  const extensionsDir = path.join(home, 'extensions');
  const settings = path.join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settings)) {
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(settings, JSON.stringify({
      'telemetry.telemetryLevel': 'off',
      'workbench.startupEditor': 'none',
      // examples/ sits inside this repository; do not offer to open it.
      'git.openRepositoryInParentFolders': 'never',
    }, null, 2));
  }
  // "Test entry" loads llama.cpp from this repository's node_modules (a machine setting: user settings only).
  setLlamaRuntime(settings);
  installExtension(vsix, { extensionsDir, userDataDir });
  const wanted = portArg >= 0 ? Number(args[portArg + 1]) : 8080;
  const port = (await portIsFree(wanted)) ? wanted : await freePort();
  const server = await startCodeServer({ folder: EXAMPLES, userDataDir, extensionsDir, port, timeoutMs: 120_000 });
  console.log(`\nclem-registry is installed in code-server, which serves ${EXAMPLES}:\n\n    ${server.folderUrl}\n`);
  console.log('Open that address in a browser and open model_registry.json.');
  console.log(`${tryTestEntry(model)}\nCtrl+C stops code-server.`);
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.process.on('exit', (code) => {
    if (stopping) return;
    console.error(`code-server exited (${code}):\n${server.output()}`);
    process.exit(1);
  });
}

const { file: vsix } = packageVsix();
const model = await writeExampleModel();
if (onPath('code') && !args.includes('--code-server')) await withDesktop(vsix, model);
else await withCodeServer(vsix, model);
