// The README's Neovim recipe (editors/neovim.lua) in a real Neovim: Debian's neovim, headless, with
// `clem-registry lsp --stdio` on PATH, on a copy of examples/model_registry.json. What Neovim's own APIs report
// (test/lsp/neovim/harness.lua) is held against the command line and the service: the buffer's diagnostics equal
// `clem-registry check --format json`, a hover on `eos_to_cull` has its documentation, and a quick fix applied
// through vim.lsp.buf.code_action() leaves the file exactly as the service's fix for that finding does.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { RegistryDocument, quickFixes } from '../../server/src/service';
import { SEVERITY_NAMES, sortFindings, type EditorFinding as Finding, type JsonFileReport } from '../support/cliReport';
import { externalTool, toolPath } from '../support/tools';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'clem-registry.js');
const RECIPE = path.join(REPO, 'editors', 'neovim.lua');
const HARNESS = path.join(__dirname, 'neovim', 'harness.lua');
const FIX_CODE = 'regex-unescaped-bar';
const nvim = externalTool('nvim', 'neovim');
const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-neovim-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface NeovimDiagnostic {
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  severity: number;
  code: string;
  message: string;
  source: string;
}

interface HarnessResult {
  nvim: string;
  error?: string;
  diagnostics: NeovimDiagnostic[];
  hover?: { kind: string; value: string };
  fix: { lnum: number; col: number; title?: string; offered: string[] };
}

/** Runs the harness in a headless Neovim with its own config, data and cache folders; bounded in time. */
function runNeovim(file: string, out: string): Promise<{ status: number | null; stderr: string; log: string }> {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  // `clem-registry` on PATH, as after `npm install -g`: the recipe runs unchanged.
  if (!existsSync(path.join(bin, 'clem-registry'))) symlinkSync(BIN, path.join(bin, 'clem-registry'));
  const xdg = (name: string) => path.join(dir, 'xdg', name);
  const env = {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: xdg('config'),
    XDG_DATA_HOME: xdg('data'),
    XDG_STATE_HOME: xdg('state'),
    XDG_CACHE_HOME: xdg('cache'),
    CLEM_NVIM_RECIPE: RECIPE,
    CLEM_NVIM_FILE: file,
    CLEM_NVIM_OUT: out,
    CLEM_NVIM_FIX_CODE: FIX_CODE,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(toolPath(nvim), ['--headless', '-n', '-i', 'NONE', '-u', HARNESS], { cwd: path.dirname(file), env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      // Neovim 0.7 logs LSP traffic and errors under the cache folder, later versions under the state folder.
      const log = ['cache', 'state'].map((d) => path.join(xdg(d), 'nvim', 'lsp.log')).filter(existsSync).map((f) => readFileSync(f, 'utf8')).join('\n');
      resolve({ status, stderr, log });
    });
  });
}

/** Neovim's byte column on a line as LSP's UTF-16 character (Neovim converts the server's positions to bytes). */
function utf16Column(lines: string[], line: number, byteColumn: number): number {
  return Buffer.from(lines[line] ?? '', 'utf8').subarray(0, byteColumn).toString('utf8').length;
}

test('Neovim with the README recipe: diagnostics equal check --format json, hover on eos_to_cull, a quick fix applied as the service computes it',
  { skip: nvim.skip, timeout: 180_000 },
  async () => {
    const work = path.join(dir, 'work');
    mkdirSync(work, { recursive: true });
    const file = path.join(work, 'model_registry.json');
    const original = readFileSync(path.join(REPO, 'examples', 'model_registry.json'), 'utf8');
    // A copy: the quick fix writes the file.
    writeFileSync(file, original);
    const cli = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', file], { encoding: 'utf8', timeout: 20_000 });
    const [report] = JSON.parse(cli.stdout) as JsonFileReport[];

    const out = path.join(dir, 'result.json');
    const run = await runNeovim(file, out);
    const context = `Neovim exited with ${run.status}; stderr:\n${run.stderr}\nlsp.log:\n${run.log.slice(-4000)}`;
    assert.ok(existsSync(out), context);
    const result = JSON.parse(readFileSync(out, 'utf8')) as HarnessResult;
    assert.equal(result.error, undefined, `${result.error}\n${context}`);
    assert.equal(run.status, 0, context);

    // 1. The diagnostics, as vim.diagnostic.get() has them, equal the command line's.
    const lines = original.split('\n');
    const fromNeovim = result.diagnostics.map((d): Finding => {
      assert.equal(d.source, 'clem-registry');
      return {
        code: d.code,
        severity: SEVERITY_NAMES[d.severity],
        message: d.message,
        range: { start: { line: d.lnum, character: utf16Column(lines, d.lnum, d.col) }, end: { line: d.end_lnum, character: utf16Column(lines, d.end_lnum, d.end_col) } },
      };
    });
    assert.ok(report.diagnostics.length > 10, 'the example has many findings');
    assert.deepEqual(sortFindings(fromNeovim), sortFindings(report.diagnostics.map(({ path: _path, ...rest }) => rest)), `Neovim ${result.nvim}`);

    // 2. The hover on the key has its documentation.
    assert.equal(result.hover?.kind, 'markdown');
    assert.match(result.hover?.value ?? '', /^\*\*`eos_to_cull`\*\*/);
    assert.match(result.hover?.value ?? '', /re\.sub/);

    // 3. The quick fix Neovim applied is the service's fix for the same finding, and it changes only that line.
    assert.ok(result.fix.title, `no quick fix for ${FIX_CODE} among ${JSON.stringify(result.fix.offered)}`);
    const doc = new RegistryDocument(original, { clemcoreVersion: '3.7' });
    const offset = lines.slice(0, result.fix.lnum).reduce((n, l) => n + l.length + 1, 0) + utf16Column(lines, result.fix.lnum, result.fix.col);
    const finding = doc.diagnostics().find((d) => d.code === FIX_CODE && d.offset === offset);
    assert.ok(finding, `the service has the ${FIX_CODE} finding Neovim fixed`);
    const fix = quickFixes(doc, finding).find((f) => f.title === result.fix.title);
    assert.ok(fix, `the service offers "${result.fix.title}"`);
    let expected = original;
    for (const edit of [...fix.edits].sort((a, b) => b.offset - a.offset)) {
      expected = expected.slice(0, edit.offset) + edit.newText + expected.slice(edit.offset + edit.length);
    }
    const fixed = readFileSync(file, 'utf8');
    assert.equal(fixed, expected);
    const changed = fixed.split('\n').flatMap((l, i) => (l === lines[i] ? [] : [i]));
    assert.deepEqual(changed, [result.fix.lnum]);
    const after = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', file], { encoding: 'utf8', timeout: 20_000 });
    const left = (JSON.parse(after.stdout) as JsonFileReport[])[0].diagnostics.filter((d) => d.code === FIX_CODE && d.range.start.line === result.fix.lnum);
    assert.deepEqual(left, [], 'the fixed line has no such finding left');
  });
