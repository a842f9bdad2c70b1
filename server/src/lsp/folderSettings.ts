// Which settings apply to a file: in a multi-root workspace each folder can check against another clemcore version
// or change severities; files outside every folder use the settings without a folder.
import * as path from 'node:path';
import type { ServerSettings } from './settings';

/** The settings of the innermost workspace folder (by path) that holds `file`, else `outside`. */
export function settingsForPath(file: string | undefined, outside: ServerSettings, folders: ReadonlyMap<string, ServerSettings>): ServerSettings {
  if (file === undefined || folders.size === 0) return outside;
  let best: string | undefined;
  for (const folder of folders.keys()) {
    const inside = file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
    if (inside && (best === undefined || folder.length > best.length)) best = folder;
  }
  return best === undefined ? outside : folders.get(best)!;
}
