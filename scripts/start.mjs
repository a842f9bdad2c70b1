#!/usr/bin/env node
// `npm start`: builds and packages the extension, installs the .vsix into a VS Code and opens examples/ in it.
// The desktop VS Code (`code` on PATH) when there is one; otherwise code-server on 127.0.0.1, installed into the
// cache folder, with its URL printed. `--code-server` picks code-server even when `code` exists; `--port N` its port.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { codeServerDir, freePort, installCodeServer, installExtension, startCodeServer } from './code-server.mjs';
import { packageVsix, ROOT } from './package.mjs';

const EXAMPLES = path.join(ROOT, 'examples');
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

async function withDesktop(vsix) {
  console.log('Installing the extension into VS Code (`code` on PATH)...');
  execFileSync('code', ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
  execFileSync('code', [EXAMPLES], { stdio: 'inherit' });
  console.log(`VS Code opens ${path.relative(process.cwd(), EXAMPLES) || EXAMPLES}/; open model_registry.json there to see the findings.`);
}

async function withCodeServer(vsix) {
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
  installExtension(vsix, { extensionsDir, userDataDir });
  const wanted = portArg >= 0 ? Number(args[portArg + 1]) : 8080;
  const port = (await portIsFree(wanted)) ? wanted : await freePort();
  const server = await startCodeServer({ folder: EXAMPLES, userDataDir, extensionsDir, port, timeoutMs: 120_000 });
  console.log(`\nclem-registry is installed in code-server, which serves ${EXAMPLES}:\n\n    ${server.folderUrl}\n`);
  console.log('Open that address in a browser and open model_registry.json. Ctrl+C stops code-server.');
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
if (onPath('code') && !args.includes('--code-server')) await withDesktop(vsix);
else await withCodeServer(vsix);
