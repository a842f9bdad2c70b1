// `clem-registry check` on hostile input: files with a huge number of findings, other encodings, pipes, devices,
// standard input, a reader that stops early, and files it cannot read. Never a stack trace, never a hang; a file it
// cannot read is one line and exit 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pythonJsonRejects } from '../../server/src/service';
import { SMALL_REGISTRY as REGISTRY } from '../fixtures/smallRegistry';
import { loadAsClemcore } from '../support/clemcoreLoad';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'clem-registry.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const BASH = ['/bin/bash', '/usr/bin/bash'].find((b) => existsSync(b));
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

function fixture(name: string, content: string | Buffer): string {
  writeFileSync(path.join(dir, name), content);
  return name;
}

function run(args: string[], options: { input?: string | Buffer } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 28, input: options.input });
  assert.equal(r.error, undefined, String(r.error));
  assert.doesNotMatch(r.stderr, STACK_TRACE, r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Report {
  file: string;
  diagnostics: { code: string; severity: string; message: string; range: { start: { line: number; character: number } } }[];
}

function runJson(...args: string[]): { status: number | null; report: Report[] } {
  const r = run(['check', '--format', 'json', ...args]);
  return { status: r.status, report: JSON.parse(r.stdout) };
}

/** Runs a shell command line in the fixture directory; `$CLI` is the command. */
function shell(line: string) {
  const r = spawnSync(BASH!, ['-c', line.replaceAll('$CLI', '"$NODE" "$BIN"')], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE: process.execPath, BIN } });
  assert.equal(r.error, undefined, String(r.error));
  return r;
}

test('130,000 syntax errors: exit 1, a JSON report of the first hundred and one finding that counts the rest', () => {
  const file = fixture('commas.json', `[${','.repeat(130_000)}]`);
  const { status, report } = runJson(file);
  assert.equal(status, 1);
  const findings = report[0].diagnostics;
  assert.equal(findings.length, 101);
  assert.match(findings[100].message, /^129,\d{3} more JSON syntax problems follow/);
  const text = run(['check', file]);
  assert.equal(text.status, 1);
  assert.equal(text.stdout.trimEnd().split('\n').length, 101);
});

test('a real registry saved as UTF-16 or UTF-32 is one finding on one line, and clemcore refuses it too', () => {
  const registry = REGISTRY.replace(/,(\s*[}\]])/g, '$1'); // valid JSON, so that only the encoding is wrong
  const utf16be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(registry, 'utf16le').swap16()]);
  const utf32 = Buffer.alloc(registry.length * 4);
  for (let i = 0; i < registry.length; i++) utf32.writeUInt32LE(registry.charCodeAt(i), i * 4);
  const files = [
    fixture('utf16le-bom.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(registry, 'utf16le')])),
    fixture('utf16le.json', Buffer.from(registry, 'utf16le')),
    fixture('utf16be-bom.json', utf16be),
    fixture('utf32le.json', utf32),
  ];
  const verdicts = loadAsClemcore(files.map((f) => path.join(dir, f)));
  files.forEach((file, i) => {
    assert.equal(verdicts[i].accepted, false, file);
    const r = run(['check', file]);
    assert.equal(r.status, 1, file);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${file}: ${r.stdout.slice(0, 500)}`);
    assert.match(lines[0], new RegExp(`^${file.replace('.', '\\.')}:1:1: error json-syntax: The file looks like UTF-(16|32) .*Save it as UTF-8\\.$`));
  });
});

test('NaN or Infinity right before a syntax error: the error is reported and the exit status is 1, as Python refuses the file', () => {
  const cases = ['[NaN,]', '[NaN 1]', '[-NaN]', '{"a": NaN "b": 1}', '[Infinity}'];
  const verdicts = loadAsClemcore(cases.map((text, i) => path.join(dir, fixture(`nan${i}.json`, text))));
  cases.forEach((text, i) => {
    assert.equal(verdicts[i].accepted, false, text);
    const { status, report } = runJson(`nan${i}.json`);
    assert.equal(status, 1, text);
    assert.ok(report[0].diagnostics.some((d) => pythonJsonRejects(d.code) && d.severity === 'error'), `${text}: ${JSON.stringify(report)}`);
  });
  assert.equal(runJson(fixture('nan-ok.json', '[{"model_name": "m", "backend": "openai", "model_id": "x", "model_config": {}, "t": NaN}]')).status, 0);
});

test('a megabyte-long key and backend value are checked, with the value cut short in the message', () => {
  const long = 'k'.repeat(1 << 20);
  const file = fixture('long.json', JSON.stringify([{ model_name: 'm', backend: long, model_id: 'x', model_config: {} }, { model_name: 'n', backend: 'openai', model_id: 'x', model_config: {}, [long]: 1 }]));
  const { status, report } = runJson(file);
  assert.equal(status, 1);
  const codes = report[0].diagnostics.map((d) => d.code);
  assert.ok(codes.includes('unknown-backend') && codes.includes('unknown-key'), codes.join());
  for (const d of report[0].diagnostics) assert.ok(d.message.length < 2000, `${d.code}: ${d.message.length} characters`);
});

test('a reader that stops early ends the run quietly, with the check\'s status', { skip: !BASH && 'needs bash' }, () => {
  const many = JSON.stringify(Array.from({ length: 3000 }, (_, i) => ({ model_name: `m${i}`, backend: 'nope', bogus: 1 })));
  fixture('many.json', many);
  for (const format of ['text', 'json', 'github']) {
    const r = shell(`$CLI check --format ${format} many.json | head -c 10 > /dev/null; echo "status=\${PIPESTATUS[0]}"`);
    // At most the summary, which goes to stderr, which the reader did not close.
    assert.match(r.stderr, /^(\d+ errors?, \d+ warnings? in 1 file\n)?$/, `${format}: ${r.stderr}`);
    assert.match(r.stdout, /^status=1$/m, `${format}: ${r.stdout}`);
  }
});

test('pipes: process substitution and standard input are read; a named pipe without a writer and an endless device are one line, exit 2', { skip: !BASH && 'needs bash' }, () => {
  fixture('model_registry.json', REGISTRY);
  const direct = runJson('model_registry.json').report[0].diagnostics;
  const substituted = shell(`$CLI check --format json <(cat model_registry.json)`);
  assert.equal(substituted.status, 1, substituted.stderr);
  assert.deepEqual(JSON.parse(substituted.stdout)[0].diagnostics, direct);
  const stdin = run(['check', '--format', 'json', '-'], { input: REGISTRY });
  assert.equal(stdin.status, 1);
  assert.equal(JSON.parse(stdin.stdout)[0].file, '<stdin>');
  assert.deepEqual(JSON.parse(stdin.stdout)[0].diagnostics, direct);

  const fifo = path.join(dir, 'fifo.json');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const noWriter = run(['check', 'fifo.json']);
  assert.equal(noWriter.status, 2);
  assert.equal(noWriter.stdout, '');
  assert.equal(noWriter.stderr, "clem-registry: cannot read 'fifo.json': it is a named pipe and nothing is writing to it\n");
  // A writer that comes while the check waits is read.
  const late = shell(`(sleep 0.1; cat model_registry.json > fifo.json) & $CLI check --format json fifo.json`);
  assert.equal(late.status, 1, late.stderr);
  assert.deepEqual(JSON.parse(late.stdout)[0].diagnostics, direct);

  const zero = run(['check', '/dev/zero']);
  assert.equal(zero.status, 2);
  assert.match(zero.stderr, /^clem-registry: cannot read '\/dev\/zero': it goes on past 64 MB .*\n$/);
  assert.equal(zero.stderr.split('\n').length, 2);
});

test('a file that cannot be read: one line on stderr, exit 2, nothing on stdout, no usage text', () => {
  const file = fixture('model_registry.json', REGISTRY);
  mkdirSync(path.join(dir, 'no-registries'), { recursive: true });
  const locked = fixture('locked.json', REGISTRY);
  chmodSync(path.join(dir, locked), 0o000);
  const canBypassPermissions = process.getuid?.() === 0;
  const cases: [string[], RegExp][] = [
    [['check', 'missing.json'], /^clem-registry: cannot read 'missing\.json': no such file$/],
    [['check', file, 'missing.json'], /^clem-registry: cannot read 'missing\.json': no such file$/],
    [['check', 'no-registries'], /^clem-registry: no model_registry\.json under 'no-registries'$/],
    [['check', `${file}/inside`], /^clem-registry: cannot read 'model_registry\.json\/inside': a part of the path is not a directory$/],
    ...(canBypassPermissions ? [] : [[['check', locked], /^clem-registry: cannot read 'locked\.json': permission denied$/]] as [string[], RegExp][]),
    [['test', 'missing.json', '--model', 'm'], /^clem-registry: cannot read 'missing\.json': no such file$/],
  ];
  for (const [args, expected] of cases) {
    const r = run(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], expected);
  }
});
