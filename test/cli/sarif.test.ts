// `clem-registry check --format sarif`: a SARIF 2.1.0 log that the SARIF SDK's schema (vendored in ./vendor) accepts,
// with one rule per diagnostic code described by the README's table, and results that say exactly what the JSON
// format says: the same findings, in the same order, at the same places (1-based here, 0-based there).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { DIAGNOSTIC_CODES } from '../../server/src/service';
import { SMALL_REGISTRY } from '../fixtures/smallRegistry';
import type { JsonDiagnostic, JsonFileReport } from '../support/cliReport';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'clem-registry.js');
const README = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-sarif-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// The schema says "format" (uri, date-time, uuid) as JSON Schema 2020-12 does by default: as an annotation. The URIs
// are checked below by resolving them.
const validate = new Ajv2020({ allErrors: true, validateFormats: false })
  .compile(JSON.parse(readFileSync(path.join(__dirname, 'vendor', 'sarif-schema-2.1.0.json'), 'utf8')));

function write(relative: string, content: string): string {
  mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
  writeFileSync(path.join(dir, relative), content);
  return relative;
}

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, 'check', ...args], { cwd: dir, input, encoding: 'utf8', timeout: 20_000, maxBuffer: 256 * 1024 * 1024 });
  assert.equal(r.error, undefined, String(r.error));
  return r;
}

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; shortDescription?: { text: string; markdown: string }; help?: { text: string; markdown: string }; defaultConfiguration: { level: string } }[] } };
    artifacts: { location?: { uri: string; uriBaseId?: string } }[];
    columnKind: string;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri?: string; index: number }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }[];
      properties: { severity: string; path: (string | number)[] };
    }[];
  }[];
}

const LEVEL_OF: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** Runs both formats with the same arguments: the SARIF log must be valid and say what the JSON report says. */
function checkBoth(args: string[], input?: string): { log: SarifLog; json: JsonFileReport[] } {
  const sarif = run(['--format', 'sarif', ...args], input);
  const json = run(['--format', 'json', ...args], input);
  assert.equal(sarif.status, json.status, 'the same exit status');
  assert.equal(sarif.stderr, json.stderr);
  const log = JSON.parse(sarif.stdout) as SarifLog;
  assert.ok(validate(log), `the log breaks the SARIF 2.1.0 schema: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
  const report = JSON.parse(json.stdout) as JsonFileReport[];

  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1, 'one run');
  const [only] = log.runs;
  assert.equal(only.tool.driver.name, 'clem-registry');
  assert.equal(only.columnKind, 'utf16CodeUnits', 'columns count UTF-16 code units, as LSP and the JSON format do');
  assert.equal(only.artifacts.length, report.length, 'one artifact per checked file');

  // Each result back in the JSON format's terms, grouped by artifact.
  const back = report.map(() => [] as JsonDiagnostic[]);
  for (const r of only.results) {
    assert.equal(r.locations.length, 1);
    const { artifactLocation, region } = r.locations[0].physicalLocation;
    assert.ok(region.startLine >= 1 && region.startColumn >= 1, 'regions are 1-based and always have a startLine');
    assert.equal(only.tool.driver.rules[r.ruleIndex].id, r.ruleId, 'ruleIndex names the rule of ruleId');
    assert.equal(r.level, LEVEL_OF[r.properties.severity]);
    const artifact = only.artifacts[artifactLocation.index];
    assert.equal(artifactLocation.uri, artifact.location?.uri, 'the result names the file as its artifact does');
    back[artifactLocation.index].push({
      code: r.ruleId,
      severity: r.properties.severity,
      message: r.message.text,
      range: { start: { line: region.startLine - 1, character: region.startColumn - 1 }, end: { line: region.endLine - 1, character: region.endColumn - 1 } },
      path: r.properties.path,
    });
  }
  report.forEach((file, i) => assert.deepEqual(back[i], file.diagnostics, `the results for ${file.file} equal the JSON report's`));
  return { log, json: report };
}

test('SARIF: valid SARIF 2.1.0 whose results equal the JSON output, files as URIs relative to the working directory', () => {
  const example = write('examples/model_registry.json', readFileSync(path.join(REPO, 'examples', 'model_registry.json'), 'utf8'));
  const small = write('my registries/model_registry.json', SMALL_REGISTRY);
  // Characters outside the BMP before a finding: columns count UTF-16 code units, so both formats must agree.
  const wide = write('wide.json', '[{"model_name": "😀😀", "backend": "openai", "model_id": "x", "bogus": 1,}]\n');
  const { log, json } = checkBoth([example, small, wide, '--severity', 'context-size=off', '--severity', 'unknown-key=hint']);
  assert.ok(json.every((f) => f.diagnostics.length > 0), 'every fixture has findings');
  const levels = new Set(log.runs[0].results.map((r) => r.properties.severity));
  assert.deepEqual([...levels].sort(), ['error', 'hint', 'information', 'warning'], 'every severity is exercised');
  assert.ok(!log.runs[0].results.some((r) => r.ruleId === 'context-size'), '--severity CODE=off holds for SARIF too');

  const cwd = pathToFileURL(`${dir}${path.sep}`);
  assert.deepEqual(log.runs[0].artifacts.map((a) => a.location?.uri), ['examples/model_registry.json', 'my%20registries/model_registry.json', 'wide.json']);
  for (const [i, file] of [example, small, wide].entries()) {
    const location = log.runs[0].artifacts[i].location!;
    assert.equal(location.uriBaseId, '%SRCROOT%');
    assert.equal(new URL(location.uri, cwd).href, pathToFileURL(path.join(dir, file)).href, 'the URI resolves against the working directory to the file');
  }
  assert.ok(!JSON.stringify(log).includes(dir), 'the log does not name the machine\'s paths');
});

test('SARIF: one rule per diagnostic code, in the order of the codes, with the README table\'s meaning and default', () => {
  const { log } = checkBoth([write('model_registry.json', SMALL_REGISTRY)]);
  const rules = log.runs[0].tool.driver.rules;
  assert.deepEqual(rules.map((r) => r.id), Object.keys(DIAGNOSTIC_CODES));
  for (const rule of rules) {
    const severity = DIAGNOSTIC_CODES[rule.id as keyof typeof DIAGNOSTIC_CODES].severity;
    assert.equal(rule.defaultConfiguration.level, LEVEL_OF[severity], `${rule.id}: the default level`);
    assert.ok(rule.shortDescription && rule.help, `${rule.id} is described`);
    // The README writes `|` as `\|` inside its table.
    const row = `| \`${rule.id}\` | ${severity} | ${rule.help.markdown.replace(/\|/g, '\\|')} |`;
    assert.ok(README.split('\n').includes(row), `${rule.id}: the help is the README's row, expected ${row}`);
    assert.equal(rule.shortDescription.markdown, rule.help.markdown);
    assert.equal(rule.help.text, rule.help.markdown.replace(/`/g, ''), 'the text form is the markdown without code marks');
  }
});

test('SARIF: standard input, files without findings and a report of thousands of findings', () => {
  const { log } = checkBoth(['-'], SMALL_REGISTRY);
  assert.equal(log.runs[0].artifacts[0].location, undefined, 'standard input has no URI');
  assert.ok(log.runs[0].results.length > 0);
  assert.ok(log.runs[0].results.every((r) => r.locations[0].physicalLocation.artifactLocation.uri === undefined));

  const clean = write('clean/model_registry.json', '{"model_name": "m", "backend": "openai", "model_id": "gpt-4o"}\n');
  const { json } = checkBoth([clean, '--severity', 'missing-doc-key=off']);
  assert.deepEqual(json[0].diagnostics, [], 'a file without findings is an artifact without results');

  // More than a thousand results: the log is written in parts.
  const entries = Array.from({ length: 1500 }, (_, i) => `{"model_name": "m${i}", "backend": "openai", "model_id": "x", "bogus": ${i}}`);
  const many = checkBoth([write('many/model_registry.json', `[${entries.join(',\n')}]\n`)]);
  assert.ok(many.log.runs[0].results.length > 2000, `${many.log.runs[0].results.length} results`);
});
