// `clem-registry check` as users run it: the text and JSON formats, exit codes, options and usage errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { SMALL_REGISTRY as REGISTRY } from '../fixtures/smallRegistry';
import type { JsonDiagnostic } from '../support/cliReport';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'clem-registry.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const VLLM = '[{"model_name": "v", "backend": "vllm", "huggingface_id": "org/v", "model_config": {}}]\n';

function fixture(name: string, content: string | Buffer): string {
  writeFileSync(path.join(dir, name), content);
  return name;
}

/** Runs the CLI in the fixture directory, so file names are given as relative paths. */
function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.error, undefined, String(r.error));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runJson(...args: string[]): { status: number | null; report: { file: string; diagnostics: JsonDiagnostic[] }[] } {
  const r = run('check', '--format', 'json', ...args);
  return { status: r.status, report: JSON.parse(r.stdout) };
}

const LINE = /^(.+):(\d+):(\d+): (error|warning|information|hint) ([a-z0-9-]+): (.+)$/;

test('text format: one finding per line, 1-based, with a summary on stderr and exit 1 on errors', () => {
  const file = fixture('model_registry.json', REGISTRY);
  const r = run('check', file);
  assert.equal(r.status, 1);
  const lines = r.stdout.trimEnd().split('\n');
  for (const line of lines) assert.match(line, LINE);
  // The trailing comma after `"bogus_key": 1` is on line 6, column 19.
  assert.ok(lines.some((l) => l.startsWith('model_registry.json:6:19: error json-trailing-comma: ')), r.stdout);
  assert.ok(lines.some((l) => l.startsWith('model_registry.json:6:5: warning unknown-key: ')), r.stdout);
  assert.ok(lines.some((l) => l.startsWith('model_registry.json:9:19: warning duplicate-model-name: ')), r.stdout);
  const errors = lines.filter((l) => LINE.exec(l)![4] === 'error').length;
  const warnings = lines.filter((l) => LINE.exec(l)![4] === 'warning').length;
  assert.match(r.stderr, new RegExp(`^${errors} errors?, ${warnings} warnings?(, \\d+ info)?(, \\d+ hints?)? in 1 file\\n$`));
  // Findings are listed top to bottom.
  const positions = lines.map((l) => LINE.exec(l)!).map((m) => Number(m[2]) * 1e6 + Number(m[3]));
  assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
});

test('JSON format: exactly the documented shape, 0-based ranges, paths, files as given and in order', () => {
  const first = fixture('model_registry.json', REGISTRY);
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  const second = fixture(path.join('sub', 'other.json'), '[{"model_name": "x"}]');
  const { status, report } = runJson(first, second);
  assert.equal(status, 1);
  assert.deepEqual(report.map((r) => r.file), [first, second]);
  for (const file of report) {
    assert.deepEqual(Object.keys(file), ['file', 'diagnostics']);
    for (const d of file.diagnostics) {
      assert.deepEqual(Object.keys(d), ['code', 'severity', 'message', 'range', 'path']);
      assert.equal(typeof d.code, 'string');
      assert.ok(['error', 'warning', 'information', 'hint'].includes(d.severity));
      assert.equal(typeof d.message, 'string');
      assert.deepEqual(Object.keys(d.range), ['start', 'end']);
      for (const p of [d.range.start, d.range.end]) {
        assert.deepEqual(Object.keys(p), ['line', 'character']);
        assert.ok(Number.isInteger(p.line) && p.line >= 0 && Number.isInteger(p.character) && p.character >= 0);
      }
      assert.ok(Array.isArray(d.path) && d.path.every((s) => typeof s === 'string' || typeof s === 'number'));
    }
  }
  const [registry, other] = report;
  const comma = registry.diagnostics.find((d) => d.code === 'json-trailing-comma')!;
  assert.deepEqual(comma.range, { start: { line: 5, character: 18 }, end: { line: 5, character: 19 } });
  assert.deepEqual(comma.path, []);
  const unknown = registry.diagnostics.find((d) => d.code === 'unknown-key')!;
  assert.deepEqual(unknown.range, { start: { line: 5, character: 4 }, end: { line: 5, character: 15 } });
  assert.deepEqual(unknown.path, [0, 'bogus_key']);
  assert.deepEqual(registry.diagnostics.find((d) => d.code === 'duplicate-model-name')!.path, [1, 'model_name']);
  assert.deepEqual(other.diagnostics.find((d) => d.code === 'missing-backend')!.path, [0]);
});

test('exit 0 when no finding is an error, and the exit code always agrees with the report', () => {
  const file = fixture('model_registry.json', REGISTRY);
  const { status, report } = runJson(file);
  const errorCodes = [...new Set(report[0].diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))];
  assert.equal(status, errorCodes.length > 0 ? 1 : 0);
  const downgraded = runJson(...errorCodes.flatMap((c) => ['--severity', `${c}=warning`]), file);
  assert.equal(downgraded.status, 0);
  assert.ok(downgraded.report[0].diagnostics.length > 0);
  assert.ok(downgraded.report[0].diagnostics.every((d) => d.severity !== 'error'));
  assert.equal(run('check', fixture('empty.json', '[]\n')).status, 0);
});

test('--severity CODE=off drops a code and CODE=error raises it', () => {
  const file = fixture('model_registry.json', REGISTRY);
  const off = runJson('--severity', 'unknown-key=off', file).report[0].diagnostics;
  assert.ok(!off.some((d) => d.code === 'unknown-key'));
  const raised = runJson('--severity=unknown-key=error', file).report[0].diagnostics;
  assert.equal(raised.find((d) => d.code === 'unknown-key')!.severity, 'error');
});

test('--clemcore 3.3 accepts the vllm backend that 3.7 removed', () => {
  const file = fixture('vllm.json', VLLM);
  const removed = (...args: string[]) => runJson(...args, file).report[0].diagnostics.filter((d) => d.code === 'removed-backend');
  const in37 = removed('--clemcore', '3.7');
  assert.equal(in37.length, 1);
  const at = VLLM.indexOf('"vllm"');
  assert.deepEqual(in37[0].range, { start: { line: 0, character: at }, end: { line: 0, character: at + 6 } });
  assert.deepEqual(in37[0].path, [0, 'backend']);
  assert.deepEqual(removed(), in37, 'the default is the newest version');
  assert.deepEqual(removed('--clemcore', '3.3'), []);
});

test('a UTF-8 BOM is a JSON syntax error at 0:0 and does not shift the other columns', () => {
  const plain = runJson(fixture('plain.json', REGISTRY)).report[0].diagnostics;
  const withBom = runJson(fixture('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(REGISTRY)]))).report[0].diagnostics;
  const bom = withBom[0];
  assert.equal(bom.code, 'json-syntax');
  assert.equal(bom.severity, 'error');
  assert.match(bom.message, /BOM/);
  assert.deepEqual(bom.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  assert.deepEqual(withBom.slice(1), plain);
  assert.match(run('check', 'bom.json').stdout, /^bom\.json:1:1: error json-syntax: /);
});

test('exit 2 with a one-line reason and the usage when the call is wrong', () => {
  const file = fixture('model_registry.json', REGISTRY);
  const cases: [string[], RegExp][] = [
    [['check', '--bogus', file], /unknown option '--bogus'/],
    [['check', '--clemcore', '9.9', file], /unknown clemcore version '9\.9' \(known: 3\.3, 3\.7\)/],
    [['check', file, '--clemcore'], /option '--clemcore' needs a value/],
    [['check', '--format', 'xml', file], /unknown format 'xml'/],
    [['check', '--severity', 'no-such-code=error', file], /unknown diagnostic code 'no-such-code'/],
    [['check', '--severity', 'unknown-key=loud', file], /the level must be one of/],
    [['check'], /no FILE given/],
    [[], /no command given/],
    [['lint', file], /unknown command 'lint'/],
    [['--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, reason] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', `${args.join(' ')} printed a report`);
    const [first, usage] = r.stderr.trimEnd().split('\n');
    assert.match(first, /^clem-registry: /);
    assert.match(first, reason);
    assert.match(usage, /^Usage: clem-registry /);
  }
});

test('a directory stands for the model_registry.json files below it, not those in dependency or hidden folders', () => {
  for (const sub of ['tree/a', 'tree/b/c', 'tree/node_modules/pkg', 'tree/.hidden']) mkdirSync(path.join(dir, sub), { recursive: true });
  fixture('tree/a/model_registry.json', REGISTRY);
  fixture('tree/b/c/model_registry.json', VLLM);
  fixture('tree/node_modules/pkg/model_registry.json', VLLM);
  fixture('tree/.hidden/model_registry.json', VLLM);
  fixture('tree/other.json', VLLM);
  const { status, report } = runJson('tree');
  assert.deepEqual(report.map((r) => r.file), [path.join('tree', 'a', 'model_registry.json'), path.join('tree', 'b', 'c', 'model_registry.json')]);
  // The vllm entry is an error at 3.7 (removed backend), so the run fails.
  assert.equal(status, 1);
  assert.ok(report[1].diagnostics.some((d) => d.code === 'removed-backend'));
  // Files and directories mix, in the order given.
  assert.deepEqual(runJson('tree/other.json', 'tree/a').report.map((r) => r.file), ['tree/other.json', path.join('tree', 'a', 'model_registry.json')]);
});

test('github format: one workflow command per finding, on the same lines and columns as the text format', () => {
  const file = fixture('model_registry.json', REGISTRY);
  const text = run('check', file);
  const github = run('check', '--format', 'github', file);
  assert.equal(github.status, text.status);
  assert.equal(github.stderr, text.stderr, 'the same summary on stderr');
  const plain = text.stdout.trimEnd().split('\n').map((l) => LINE.exec(l)!);
  const commands = github.stdout.trimEnd().split('\n');
  assert.equal(commands.length, plain.length);
  const level = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' } as Record<string, string>;
  commands.forEach((c, i) => {
    const m = /^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endLine=(\d+)(?:,endColumn=(\d+))?,title=clem-registry ([a-z0-9-]+)::(.+)$/.exec(c);
    assert.ok(m, c);
    const [, f, line, col, severity, code, message] = plain[i];
    assert.deepEqual([m[1], m[2], m[3], m[4], m[7]], [level[severity], f, line, col, code]);
    assert.ok(!/[\r\n]/.test(m[8]) && message.startsWith(m[8].replace(/%25/g, '%').slice(0, 20)), c);
  });
});

test('with a cached tokenizer, a cull that leaves the model\'s turn-ending token is reported; without, nothing is said', () => {
  const hub = path.join(dir, 'hub');
  const snapshot = path.join(hub, 'models--org--chatml', 'snapshots', 'r1');
  mkdirSync(snapshot, { recursive: true });
  const template = "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' }}{% endfor %}";
  writeFileSync(path.join(snapshot, 'tokenizer_config.json'), JSON.stringify({ eos_token: '</s>', chat_template: template, added_tokens_decoder: { 5: { content: '<|im_end|>' } } }));
  writeFileSync(path.join(snapshot, 'generation_config.json'), JSON.stringify({ eos_token_id: [2, 5] }));
  const file = fixture('cached.json', JSON.stringify([{ model_name: 'c', backend: 'huggingface_local', huggingface_id: 'org/chatml', model_config: { premade_chat_template: true, eos_to_cull: '</s>' } }]));
  const withCache = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', file], { cwd: dir, encoding: 'utf8', env: { ...process.env, HF_HUB_CACHE: hub } });
  const found = JSON.parse(withCache.stdout)[0].diagnostics.filter((d: JsonDiagnostic) => d.code === 'eos-not-culled');
  assert.equal(found.length, 1, withCache.stdout);
  assert.deepEqual(found[0].path, [0, 'model_config', 'eos_to_cull']);
  const without = spawnSync(process.execPath, [BIN, 'check', '--format', 'json', file], { cwd: dir, encoding: 'utf8', env: { ...process.env, HF_HUB_CACHE: path.join(dir, 'no-hub') } });
  assert.ok(!without.stdout.includes('eos-not-culled'));
});

test('--help and --version', () => {
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: clem-registry <command>/);
  assert.match(help.stdout, /check/);
  const checkHelp = run('check', '--help');
  assert.equal(checkHelp.status, 0);
  assert.match(checkHelp.stdout, /--format text\|json/);
  assert.match(checkHelp.stdout, /--clemcore VERSION/);
  const version = run('--version');
  assert.equal(version.status, 0);
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
  assert.equal(version.stdout, `clem-registry ${pkg.version}\n`);
});

test('bin/clem-registry.js is an executable node script', () => {
  assert.ok((statSync(BIN).mode & 0o111) !== 0, 'not executable');
  assert.match(readFileSync(BIN, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});
