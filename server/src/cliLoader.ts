// dist/cli.js: starts the command line bundle (dist/cli/main.js) with V8's compiled code from an earlier run, so that
// a fresh process (a pre-commit hook, a CI step, a shell loop) does not parse and compile the bundle's functions
// again. Node 20 has no compile cache of its own (module.enableCompileCache came in Node 22). The code is kept per
// user in $XDG_CACHE_HOME/clem-registry (else ~/.cache/clem-registry; %LOCALAPPDATA% on Windows), one file per
// bundle, Node version and architecture. The bundle is known by the hash the build took of it (build.mjs) and by its
// length and modification time, so that a start neither hashes 1 MB nor loads node:crypto, and a bundle changed by
// hand after the build is a new one. It is written after the first run, with the
// functions that run compiled, into a temporary file renamed into place, so concurrent runs never read half a file;
// the code of other bundles (older builds) is removed then, but for the newest few.
// V8 refuses code that does not fit (another V8, other flags, a damaged file): the bundle is then compiled from its
// source and the code written anew. Any failure to read or write the cache only costs the time it would save.
// The bundle's kept results (keptResults.ts) go in the same folder, under the same key.
// CLEM_REGISTRY_CODE_CACHE=off turns both off.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { Script } from 'node:vm';

/** The hash of dist/cli/main.js, set by the build (build.mjs). */
declare const CLI_BUNDLE_HASH: string;

const MAIN = path.join(__dirname, 'cli', 'main.js');
const KEEP_OTHERS = 3;

/** 16 hex digits naming a short text: two 32-bit FNV-1a digests with different offsets. A name, not a secret. */
function shortDigest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The folder of the cache, or undefined when there is no sensible one. */
function codeCacheDir(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): string | undefined {
  if (env.CLEM_REGISTRY_CODE_CACHE === 'off') return undefined;
  let base = env.XDG_CACHE_HOME;
  if (!base || !path.isAbsolute(base)) base = platform === 'win32' ? env.LOCALAPPDATA : undefined;
  if (!base) {
    try {
      base = path.join(homedir(), '.cache');
    } catch {
      return undefined;
    }
  }
  return path.join(base, 'clem-registry');
}

function run(): void {
  const source = readFileSync(MAIN, 'utf8');
  const dir = codeCacheDir();
  let key: string | undefined;
  if (dir) {
    try {
      key = CLI_BUNDLE_HASH + shortDigest(`${source.length}\0${statSync(MAIN).mtimeMs}\0${process.version}\0${process.arch}`);
    } catch {
      // the bundle was just read: only a race with its removal gets here; run without the cache
    }
  }
  const file = dir && key && path.join(dir, `cli-${key}.v8`);
  let cachedData: Buffer | undefined;
  if (file) {
    try {
      cachedData = readFileSync(file);
    } catch {
      // none yet, or unreadable: compile from the source
    }
  }
  // The bundle runs as Node runs a CommonJS module, with this file's identity: it finds dist/server.js and
  // dist/testWorker.mjs next to it, as when it was dist/cli.js itself.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: MAIN, cachedData });
  if (file && (!cachedData || script.cachedDataRejected)) {
    // At exit, the functions the run compiled are in the code too.
    process.once('exit', () => writeCache(script, file));
  }
  // The bundle keeps the results of its pure computations next to its code, under the same key (keptResults.ts).
  if (dir && key) (globalThis as Record<symbol, unknown>)[Symbol.for('clem-registry.keptResults')] = path.join(dir, `results-${key}.json`);
  const start = script.runInThisContext() as (...args: unknown[]) => void;
  start.call(module.exports, module.exports, require, module, __filename, __dirname);
}

function writeCache(script: Script, file: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, file);
    removeOld(path.dirname(file), path.basename(file));
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was written
    }
  }
}

/** Keeps the code and results of the few most recently written other bundles (other installs may still use them). */
function removeOld(dir: string, keep: string): void {
  const others = readdirSync(dir)
    .filter((name) => /^cli-[0-9a-f]{32}\.v8$/.test(name) && name !== keep)
    .map((name) => ({ name, time: statSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const old of others.slice(KEEP_OTHERS)) {
    unlinkSync(path.join(dir, old.name));
    try {
      unlinkSync(path.join(dir, old.name.replace(/^cli-(.*)\.v8$/, 'results-$1.json')));
    } catch {
      // that bundle kept no results
    }
  }
}

run();
