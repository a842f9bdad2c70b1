// Where the llama.cpp runtime (node-llama-cpp) is installed: a setting, the extension's own storage, or the package's
// own node_modules in a development checkout. Only looks at files; loading it is the test worker's job.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The node-llama-cpp version the runtime is pinned to. */
export const LLAMA_RUNTIME_VERSION = '3.21.1';

export interface RuntimeLocation {
  /** The node-llama-cpp package folder. */
  dir: string;
  version: string;
}

/**
 * node-llama-cpp in `candidates`: each is either the package folder itself or a folder with node_modules/ holding it.
 * The first that exists wins.
 */
export function findRuntime(candidates: string[]): RuntimeLocation | undefined {
  for (const c of candidates) {
    for (const dir of [c, path.join(c, 'node_modules', 'node-llama-cpp')]) {
      try {
        const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'node-llama-cpp' && pkg.version) return { dir, version: pkg.version };
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

