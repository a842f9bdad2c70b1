// Finds an entry's GGUF in the local Hugging Face cache the way clemcore's llamacpp backend asks llama-cpp-python to:
// `Llama.from_pretrained(huggingface_id, filename)` lists the repository's files (recursively) and keeps those that
// fnmatch `filename`; exactly one must match. No download: only what the cache holds.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fnmatch } from '../clemcore/fnmatch';

export interface HubCache {
  dir: string;
  /** Where the location came from, for the report. */
  source: 'HF_HUB_CACHE' | 'HF_HOME' | 'default';
}

/** HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub (huggingface_hub's order). */
export function hubCache(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): HubCache {
  if (env.HF_HUB_CACHE) return { dir: env.HF_HUB_CACHE, source: 'HF_HUB_CACHE' };
  if (env.HF_HOME) return { dir: path.join(env.HF_HOME, 'hub'), source: 'HF_HOME' };
  return { dir: path.join(home, '.cache', 'huggingface', 'hub'), source: 'default' };
}

export type GgufResolution =
  | { ok: true; path: string; relative: string; snapshot: string; files: string[] }
  | { ok: false; error: string; files: string[] };

/** Whether `id` has the form of a Hugging Face repository id (`org/name`), so that it names a folder of the cache. */
export function isRepoId(id: string): boolean {
  return /^[\w.-]+\/[\w.-]+$/.test(id);
}

/** The snapshot folder of `repoId` in the cache, when the repository is cached. */
function cachedSnapshot(repoId: string, cache: HubCache): string | undefined {
  const repoDir = path.join(cache.dir, `models--${repoId.split('/').join('--')}`);
  return existsSync(repoDir) ? snapshotOf(repoDir) : undefined;
}

/** The snapshot folder of a cached repository: the one refs/main names, else the most recently written. */
function snapshotOf(repoDir: string): string | undefined {
  const snapshots = path.join(repoDir, 'snapshots');
  try {
    const ref = readFileSync(path.join(repoDir, 'refs', 'main'), 'utf8').trim();
    if (ref && existsSync(path.join(snapshots, ref))) return path.join(snapshots, ref);
  } catch {
    // no refs/main: fall back to the snapshots themselves
  }
  try {
    const dirs = readdirSync(snapshots).map((d) => path.join(snapshots, d)).filter((d) => statSync(d).isDirectory());
    return dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  } catch {
    return undefined;
  }
}

/** Repository-relative paths of every file in a snapshot, with `/` separators. */
function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${d.name}` : d.name;
      const full = path.join(dir, d.name);
      // Cached files are symlinks into blobs/: follow them.
      const isDir = d.isDirectory() || (d.isSymbolicLink() && statSync(full).isDirectory());
      if (isDir) walk(full, rel);
      else out.push(rel);
    }
  };
  walk(root, '');
  return out.sort();
}

/** The repositories of models in the cache (`org/name`), sorted; empty when there is no cache. */
export function cachedRepos(cache: HubCache = hubCache()): string[] {
  try {
    return readdirSync(cache.dir)
      .filter((d) => d.startsWith('models--'))
      .map((d) => d.slice('models--'.length).split('--'))
      .filter((parts) => parts.length === 2 && parts.every((p) => p))
      .map((parts) => parts.join('/'))
      .sort();
  } catch {
    return [];
  }
}

/** Repository-relative paths of the files of a cached repository's snapshot; empty when it is not cached. */
export function cachedFiles(repoId: string, cache: HubCache = hubCache()): string[] {
  const snapshot = cachedSnapshot(repoId, cache);
  try {
    return snapshot ? listFiles(snapshot) : [];
  } catch {
    return [];
  }
}

/**
 * Resolves `filename` (a glob) in the cached repository `repoId`, with llama-cpp-python's errors when it cannot (the
 * first line of each is a sentence without its full stop, for callers to go on from).
 */
export function resolveGguf(repoId: string, filename: string, cache: HubCache = hubCache()): GgufResolution {
  const snapshot = cachedSnapshot(repoId, cache);
  if (!snapshot) {
    return {
      ok: false,
      files: [],
      error: `${repoId} is not in the Hugging Face cache (${cache.dir}, from ${cache.source === 'default' ? 'the default location' : cache.source}). clemcore would download it; download it first (huggingface-cli download ${repoId} --include '${filename}') or point to the GGUF file directly`,
    };
  }
  const files = listFiles(snapshot);
  const matches = files.filter((f) => fnmatch(f, filename));
  if (matches.length === 0) {
    return { ok: false, files, error: `No file found in ${repoId} that match ${filename}\n\nAvailable Files:\n${JSON.stringify(files)}` };
  }
  if (matches.length > 1) {
    return { ok: false, files, error: `Multiple files found in ${repoId} matching ${filename}\n\nAvailable Files:\n${JSON.stringify(files)}` };
  }
  return { ok: true, path: path.join(snapshot, ...matches[0].split('/')), relative: matches[0], snapshot, files };
}

/** A file of a cached repository's snapshot (e.g. tokenizer_config.json), or undefined when it is not cached. */
export function cachedRepoFile(repoId: string, file: string, cache: HubCache = hubCache()): string | undefined {
  const snapshot = cachedSnapshot(repoId, cache);
  const full = snapshot && path.join(snapshot, ...file.split('/'));
  return full && existsSync(full) ? full : undefined;
}
