// The CPython that judges Python behaviour in the tests (regex, json, fnmatch, Jinja2 rendering): Debian's
// /usr/bin/python3 when it exists, which is what a fresh Debian 12 machine and CI have, whatever else comes first on
// PATH; CLEM_REGISTRY_PYTHON names another one. Tests print which one judged them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const DEBIAN_PYTHON = '/usr/bin/python3';

export const PYTHON = process.env.CLEM_REGISTRY_PYTHON || (existsSync(DEBIAN_PYTHON) ? DEBIAN_PYTHON : 'python3');

let version: string | undefined;

/** The judge's version, e.g. "3.11.2", read once. */
export function pythonVersion(): string {
  if (version === undefined) {
    const run = spawnSync(PYTHON, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`cannot run ${PYTHON}: ${run.error?.message ?? run.stderr}`);
    version = run.stdout.trim();
  }
  return version;
}

/** "CPython 3.11.2 (/usr/bin/python3)", for test names and logs. */
export function pythonLabel(): string {
  return `CPython ${pythonVersion()} (${PYTHON})`;
}
