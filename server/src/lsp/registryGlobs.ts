// Which files the `clemRegistry.files` globs make registries, for editors without the VS Code client (which matches
// them itself and sends the result). A glob is read as VS Code reads it: relative to each workspace folder, or
// against the whole path when it starts with `**/` or is absolute; `*` and `?` stay within a folder name, `**` spans
// folders, `{a,b}` gives alternatives and `[...]` a set of characters.
import * as path from 'node:path';

const compiled = new Map<string, RegExp>();

function toRegExp(glob: string): RegExp {
  let out = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        const atStart = i === 0 || glob[i - 1] === '/';
        i += slash ? 2 : 1;
        // `**/` is any number of whole folders (none too); a `**` elsewhere is anything.
        out += atStart && slash ? '(?:[^/]*/)*' : '.*';
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      depth++;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (c === ',' && depth > 0) {
      out += '|';
    } else if (c === '[') {
      // A `]` right after `[` (or `[!`) belongs to the set.
      const first = glob[i + 1] === '!' || glob[i + 1] === '^' ? i + 2 : i + 1;
      const end = glob.indexOf(']', first + 1);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      const negated = first === i + 2;
      out += `[${negated ? '^' : ''}${glob.slice(first, end).replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else {
      out += c.replace(/[.+^$()|\\\]{}]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}${')'.repeat(depth)}$`);
}

function matches(relative: string, glob: string): boolean {
  let re = compiled.get(glob);
  if (!re) {
    try {
      re = toRegExp(glob);
    } catch {
      re = /(?!)/; // a glob that is no pattern matches nothing
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(glob, re);
  }
  return re.test(relative);
}

const slashes = (p: string) => p.split(path.sep).join('/');

/** Whether the file at `file` (an absolute path) matches one of `globs`, given the workspace folders' paths. */
export function matchesRegistryGlobs(file: string, globs: readonly string[], folders: readonly string[]): boolean {
  const whole = slashes(file);
  for (const raw of globs) {
    const glob = slashes(raw);
    if (!glob) continue;
    if (glob.startsWith('**/') || path.isAbsolute(raw)) {
      if (matches(whole, glob)) return true;
      continue;
    }
    for (const folder of folders) {
      const relative = path.relative(folder, file);
      const outside = relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
      if (!outside && matches(slashes(relative), glob)) return true;
    }
  }
  return false;
}
