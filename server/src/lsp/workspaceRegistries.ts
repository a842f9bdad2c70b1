// Finds the model_registry.json files of the workspace folders on disk, for workspace symbols: a bounded walk that
// skips dependency and VCS folders, with the entries of each file kept until the file changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RegistryDocument, documentSymbols, type EntrySymbol, type ServiceSettings } from '../service';

const SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '__pycache__', 'dist', 'build']);
const MAX_DIRECTORIES = 5000;
const MAX_DEPTH = 8;

export interface FileSymbols {
  uri: string;
  text: string;
  symbols: EntrySymbol[];
}

const cache = new Map<string, { mtimeMs: number; value: FileSymbols }>();

export function registryFilesIn(folders: string[], fileName: string): string[] {
  const found: string[] = [];
  let budget = MAX_DIRECTORIES;
  const walk = (dir: string, depth: number) => {
    if (budget-- <= 0 || depth > MAX_DEPTH) return;
    let names: import('node:fs').Dirent[];
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const d of names) {
      if (d.isDirectory() && !SKIPPED.has(d.name) && !d.name.startsWith('.')) walk(path.join(dir, d.name), depth + 1);
      else if (d.isFile() && d.name === fileName) found.push(path.join(dir, d.name));
    }
  };
  for (const folder of folders) walk(folder, 0);
  return found;
}

/** The entries of a registry file on disk (checked with the given settings), or undefined when it cannot be read. */
export function symbolsOfFile(file: string, settings: ServiceSettings): FileSymbols | undefined {
  try {
    const { mtimeMs } = statSync(file);
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit.value;
    const text = readFileSync(file, 'utf8');
    const value = { uri: pathToFileURL(file).toString(), text, symbols: documentSymbols(new RegistryDocument(text, settings)) };
    cache.set(file, { mtimeMs, value });
    return value;
  } catch {
    return undefined;
  }
}
