// Programs from outside the project that some tests drive as users would: Debian's neovim and pre-commit. Where one
// is missing, its tests skip and say how to install it. CI (.ci/run) installs them and sets
// CLEM_REGISTRY_REQUIRE_TOOLS=1, under which a missing program fails its tests instead of skipping them.
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

export interface ExternalTool {
  command: string;
  /** The program's path, when it is installed. */
  path?: string;
  /** Why its tests skip (node:test's `skip` option); undefined when they run, or must fail. */
  skip?: string;
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function externalTool(command: string, debianPackage: string): ExternalTool {
  const found = onPath(command);
  if (found) return { command, path: found };
  if (process.env.CLEM_REGISTRY_REQUIRE_TOOLS === '1') return { command };
  return { command, skip: `${command} is not installed (apt-get install ${debianPackage}; CI installs it and sets CLEM_REGISTRY_REQUIRE_TOOLS=1)` };
}

/** The program's path, or a failure that says it is missing although the run requires it. */
export function toolPath(tool: ExternalTool): string {
  if (!tool.path) throw new Error(`${tool.command} is not installed, and CLEM_REGISTRY_REQUIRE_TOOLS=1 says its tests must run (.ci/run installs it)`);
  return tool.path;
}
