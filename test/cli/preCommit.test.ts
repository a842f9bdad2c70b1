// The pre-commit hook (.pre-commit-hooks.yaml) as a user meets it: Debian's pre-commit runs `try-repo` on this
// repository against a git repository holding a broken and a clean registry. pre-commit installs the hook itself
// (language: node: `npm install` in its copy of this repository, which builds the bundles, then `npm pack` and a
// global install of the package), so the test proves that install too. Each try-repo installs afresh (about a minute).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { externalTool, toolPath } from '../support/tools';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'clem-registry.js');
const preCommit = externalTool('pre-commit', 'pre-commit');
const isCheckout = spawnSync('git', ['rev-parse', '--git-dir'], { cwd: REPO }).status === 0;
const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-pre-commit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CLEAN_REGISTRY = `${JSON.stringify([{
  model_name: 'gpt-4o-2024-08-06',
  backend: 'openai',
  model_id: 'gpt-4o-2024-08-06',
  release_date: '2024-08-06',
  open_weight: false,
  parameters: '',
  languages: ['en'],
  context_size: '128k',
  license: { name: 'Proprietary', url: 'https://openai.com/policies/terms-of-use' },
  model_config: {},
}], null, 2)}\n`;

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
}

/** `pre-commit try-repo` of this repository's hook on `files`, in the project at `cwd`; bounded by `timeoutMs`. */
function tryRepo(cwd: string, files: string[], timeoutMs: number): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(toolPath(preCommit), ['try-repo', REPO, 'clem-registry', '--color', 'never', '--files', ...files], {
      cwd,
      // pre-commit's own logs go to this run's folder, not the user's cache.
      env: { ...process.env, PRE_COMMIT_HOME: path.join(dir, 'pre-commit-home') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pre-commit try-repo did not finish within ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

test('pre-commit try-repo: the hook fails on a broken registry and passes on a clean one; other JSON files are not its business',
  { skip: preCommit.skip ?? (isCheckout ? undefined : 'this copy of the project is not a git checkout, which try-repo needs'), timeout: 20 * 60_000 },
  async () => {
    const project = path.join(dir, 'project');
    mkdirSync(path.join(project, 'broken'), { recursive: true });
    mkdirSync(path.join(project, 'clean'), { recursive: true });
    writeFileSync(path.join(project, 'broken', 'model_registry.json'), readFileSync(path.join(REPO, 'examples', 'model_registry.json')));
    writeFileSync(path.join(project, 'clean', 'model_registry.json'), CLEAN_REGISTRY);
    // Not a registry by its name: the hook's `files` pattern leaves it out, so its broken JSON fails nothing.
    writeFileSync(path.join(project, 'other.json'), '{"not": "json",}\n');
    git(project, 'init', '-q');
    git(project, 'add', '.');

    // Two installs side by side: try-repo installs the hook into a store of its own each time.
    const [broken, clean] = await Promise.all([
      tryRepo(project, ['broken/model_registry.json', 'other.json'], 15 * 60_000),
      tryRepo(project, ['clean/model_registry.json', 'other.json'], 15 * 60_000),
    ]);

    assert.equal(broken.status, 1, broken.output);
    assert.match(broken.output, /^clem-registry\.+Failed$/m, broken.output);
    // The hook says what `clem-registry check` says about the file, line for line.
    const direct = spawnSync(process.execPath, [BIN, 'check', 'broken/model_registry.json'], { cwd: project, encoding: 'utf8' });
    assert.equal(direct.status, 1);
    const lines = direct.stdout.trimEnd().split('\n');
    assert.ok(lines.length > 5, direct.stdout);
    for (const line of lines) assert.ok(broken.output.includes(line), `the hook's output lacks: ${line}\n${broken.output}`);
    assert.ok(!broken.output.includes('other.json:'), 'other.json is not checked');

    assert.equal(clean.status, 0, clean.output);
    assert.match(clean.output, /^clem-registry\.+Passed$/m, clean.output);
  });
