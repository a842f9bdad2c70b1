// code-server (VS Code's workbench in a browser, with the real extension host): where it is installed, how it is
// installed, and how it starts. `npm start` and the end-to-end tests share this; it lives outside the extension's own
// dependency tree, in a cache folder, so that `npm ci` for the extension stays small.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The newest code-server that runs on Node 20 (VS Code 1.99.3). */
export const CODE_SERVER_VERSION = '4.99.4';

/** `$CLEM_REGISTRY_CODE_SERVER_DIR`, else `$XDG_CACHE_HOME` or `~/.cache`, then `clem-registry/code-server-<version>`. */
export function codeServerDir() {
  if (process.env.CLEM_REGISTRY_CODE_SERVER_DIR) return path.resolve(process.env.CLEM_REGISTRY_CODE_SERVER_DIR);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'clem-registry', `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerBin() {
  return path.join(codeServerDir(), 'node_modules', '.bin', 'code-server');
}

const MARKER = '.installed';

export function isCodeServerInstalled() {
  const marker = path.join(codeServerDir(), MARKER);
  return existsSync(codeServerBin()) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === CODE_SERVER_VERSION;
}

/*
 * @vscode/ripgrep's postinstall downloads ripgrep from a code host that may be unreachable; it first looks for a
 * cached archive in os.tmpdir(). An archive holding the system's `rg` satisfies it. The pairs are the package
 * versions seen in code-server's tree and the ripgrep release each one asks for.
 */
const RIPGREP_CACHES = [
  ['1.15.11', 'v13.0.0-10'],
  ['1.15.13', 'v13.0.0-13'],
  ['1.15.14', 'v13.0.0-13'],
  ['1.17.0', 'v15.0.0'],
  ['1.17.1', 'v15.0.1'],
];

function which(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function seedRipgrepCache(log) {
  const rg = which('rg');
  if (!rg) {
    log('no `rg` on PATH: @vscode/ripgrep will try to download ripgrep (install the Debian package `ripgrep` when offline)');
    return;
  }
  const staging = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-rg-'));
  try {
    copyFileSync(rg, path.join(staging, 'rg'));
    const archive = path.join(staging, 'rg.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', staging, 'rg']);
    for (const [pkgVersion, rgVersion] of RIPGREP_CACHES) {
      const dir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${pkgVersion}`);
      mkdirSync(dir, { recursive: true });
      for (const arch of ['x86_64-unknown-linux-musl', 'aarch64-unknown-linux-musl', 'aarch64-unknown-linux-gnu']) {
        const target = path.join(dir, `ripgrep-${rgVersion}-${arch}.tar.gz`);
        if (!existsSync(target)) copyFileSync(archive, target);
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Installs code-server into the cache folder unless it is there already; returns the path of its binary. */
export function installCodeServer({ log = (message) => console.error(message) } = {}) {
  if (isCodeServerInstalled()) return codeServerBin();
  const [major] = process.versions.node.split('.');
  if (major !== '20') throw new Error(`code-server ${CODE_SERVER_VERSION} needs Node 20; this is Node ${process.versions.node}`);
  const dir = codeServerDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'clem-registry-code-server',
    private: true,
    description: 'code-server for clem-registry: npm start and the end-to-end tests',
    dependencies: { 'code-server': CODE_SERVER_VERSION },
  }, null, 2) + '\n');
  seedRipgrepCache(log);
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (about a minute; native modules build with node-gyp)`);
  const started = Date.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--unsafe-perm', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
    // node-pty's postinstall runs `npx node-gyp`, which would ask before installing it.
    env: { ...process.env, npm_config_yes: 'true' },
  });
  if (!existsSync(codeServerBin())) throw new Error(`npm install finished but ${codeServerBin()} is missing`);
  writeFileSync(path.join(dir, MARKER), CODE_SERVER_VERSION + '\n');
  log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return codeServerBin();
}

/** Installs a .vsix into an extensions folder with code-server's CLI, as a user would. */
export function installExtension(vsix, { extensionsDir, userDataDir }) {
  const args = ['--install-extension', vsix, '--extensions-dir', extensionsDir, '--force'];
  if (userDataDir) args.push('--user-data-dir', userDataDir, '--config', path.join(userDataDir, 'code-server.yaml'));
  return execFileSync(codeServerBin(), args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts code-server on 127.0.0.1 on `folder`. With `trust: false` workspace trust stays enabled, so a folder that
 * was never trusted opens in restricted mode. Its config file goes into the user data folder unless one is given,
 * so that nothing is written to ~/.config. Resolves when it answers HTTP.
 */
export async function startCodeServer({ folder, userDataDir, extensionsDir, port, trust = true, configFile, stdio = 'pipe', timeoutMs = 60_000 }) {
  port ??= await freePort();
  const args = [
    '--config', configFile ?? path.join(userDataDir, 'code-server.yaml'),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(trust ? ['--disable-workspace-trust'] : []),
    folder,
  ];
  const child = spawn(codeServerBin(), args, { stdio: ['ignore', stdio, stdio], detached: false });
  let output = '';
  child.stdout?.on('data', (d) => { output += d; });
  child.stderr?.on('data', (d) => { output += d; });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + timeoutMs;
  while (!(await httpOk(`${url}healthz`))) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`code-server did not answer on ${url} within ${timeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const folderUrl = `${url}?folder=${encodeURIComponent(folder)}`;
  return {
    url,
    folderUrl,
    process: child,
    output: () => output,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
