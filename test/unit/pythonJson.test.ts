// What Python's json.load refuses, as clemcore calls it, and what the checker says: each case is judged by CPython
// (Debian's /usr/bin/python3, the one CI has) on the same bytes, at the stack depth of clemcore's `clem run`.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkRegistry, checkRegistryBytes, pythonJsonRejects, RegistryDocument, type RegistryDiagnostic } from '../../server/src/service';
import { maxJsonDepth, MAX_INTEGER_DIGITS } from '../../server/src/service/rules/jsonLimits';
import { MAX_LISTED_SYNTAX_FINDINGS } from '../../server/src/service/rules/jsonSyntax';
import { editDistance, suggest } from '../../server/src/didYouMean';
import { loadAsClemcore } from '../support/clemcoreLoad';
import { pythonLabel } from '../support/python';
import { seededRandom } from '../support/random';

const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-pyjson-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let written = 0;
/** Python's verdicts on texts (written as UTF-8) or byte strings. */
function judge(inputs: (string | Buffer)[], version = '3.7') {
  const files = inputs.map((input) => {
    const file = path.join(dir, `case${written++}.json`);
    writeFileSync(file, input);
    return file;
  });
  return loadAsClemcore(files, version);
}

const rejects = (diags: RegistryDiagnostic[]) => diags.some((d) => pythonJsonRejects(d.code));
const ENTRY = '{"model_name": "m", "backend": "openai", "model_id": "gpt-4o", "model_config": {}}';

describe(`Python's json as clemcore calls it (${pythonLabel()})`, () => {
  it('nesting: the deepest file each clemcore version reads is the deepest the checker accepts, and one level more is one finding at the bracket where Python gives up', () => {
    for (const version of ['3.3', '3.7']) {
      const max = maxJsonDepth(version);
      // Nesting in an array of arrays, and inside an entry's model_config (the top array, the entry and model_config
      // are three of the levels).
      const arrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
      const inEntry = (n: number) => `[${ENTRY.replace('"model_config": {}', `"model_config": {"x": ${arrays(n - 3)}}`)}]`;
      const texts = [arrays(max), arrays(max + 1), inEntry(max), inEntry(max + 1)];
      const verdicts = judge(texts, version);
      assert.deepEqual(verdicts.map((v) => v.accepted), [true, false, true, false], `${version}: ${JSON.stringify(verdicts)}`);
      assert.match(verdicts[1].error!, /^RecursionError/);
      texts.forEach((text, i) => {
        const deep = checkRegistry(text, { clemcoreVersion: version }).filter((d) => /levels deep/.test(d.message));
        if (verdicts[i].accepted) assert.deepEqual(deep, [], `${version} case ${i}`);
        else {
          assert.equal(deep.length, 1, `${version} case ${i}`);
          assert.equal(deep[0].code, 'json-syntax');
          // At the first bracket past the limit, and the message names the limit.
          const brackets = [...text.matchAll(/[[{]/g)];
          assert.equal(deep[0].offset, brackets[max].index, `${version} case ${i}`);
          assert.match(deep[0].message, new RegExp(`${max + 1} levels deep.*RecursionError past ${max} levels`));
        }
      });
    }
  });

  it(`integers: more than ${MAX_INTEGER_DIGITS} digits are refused, a float of any length is read`, () => {
    const digits = (n: number) => '7'.repeat(n);
    const texts = [
      `[${digits(MAX_INTEGER_DIGITS)}]`,
      `[${digits(MAX_INTEGER_DIGITS + 1)}]`,
      `[-${digits(MAX_INTEGER_DIGITS)}]`,
      `[-${digits(MAX_INTEGER_DIGITS + 1)}]`,
      `[${digits(6000)}.5]`,
      `[${digits(6000)}e2]`,
      `[${ENTRY.replace('{}', `{"seed": ${digits(5000)}}`)}]`,
      `["${digits(5000)}"]`,
      // In a file with a syntax error too.
      `[${digits(5000)}, ]`,
    ];
    const verdicts = judge(texts);
    assert.deepEqual(verdicts.map((v) => v.accepted), [true, false, true, false, true, true, false, true, false]);
    assert.match(verdicts[1].error!, /^ValueError: Exceeds the limit \(4300 digits\) for integer string conversion/);
    texts.forEach((text, i) => {
      const found = checkRegistry(text).filter((d) => /digits/.test(d.message));
      assert.equal(found.length, verdicts[i].accepted ? 0 : 1, `case ${i}: ${JSON.stringify(found)}`);
      if (found.length) {
        assert.equal(found[0].code, 'json-syntax');
        // The finding covers the integer, sign included.
        assert.match(text.slice(found[0].offset, found[0].offset + found[0].length), new RegExp(`^-?\\d{${MAX_INTEGER_DIGITS + 1},}$`));
      }
    });
  });

  it('integers: an edit inside an entry that makes an integer too long is caught as in a full check', () => {
    const text = `[${ENTRY.replace('{}', '{"seed": 1}')}]`;
    const doc = new RegistryDocument(text);
    const at = text.indexOf('1}');
    doc.update([{ offset: at, length: 1, text: '9'.repeat(MAX_INTEGER_DIGITS + 1) }]);
    assert.ok(doc.diagnostics().some((d) => d.code === 'json-syntax' && /digits/.test(d.message)));
    assert.deepEqual(doc.diagnostics(), checkRegistry(doc.getText()));
  });

  it('NaN and Infinity: read by Python, and never hide the syntax error next to them', () => {
    const texts = [
      '[NaN]', '[Infinity, -Infinity]', `[${ENTRY.replace('{}', '{"t": NaN}')}]`,
      '[NaN,]', '[NaN}', '{"a": NaN "b": 1}', '[NaN 1]', '[-NaN]', '[NaNa]', '[NaN1]', '[- Infinity]', '{NaN: 1}',
      '[Infinity,,]', '[1, NaN', '[+Infinity]', '[nan]', '[-Infinity]',
    ];
    const verdicts = judge(texts);
    const mismatches = texts.filter((text, i) => rejects(checkRegistry(text)) === verdicts[i].accepted);
    assert.deepEqual(mismatches, [], JSON.stringify(verdicts));
    // Where Python reads the literal, the finding is the json-nan warning, not an error.
    assert.deepEqual(checkRegistry('[Infinity, -Infinity]').filter((d) => d.code.startsWith('json')).map((d) => [d.code, d.offset, d.length]), [['json-nan', 1, 8], ['json-nan', 11, 9]]);
  });

  it('bytes: a BOM, UTF-16, UTF-32 and bytes that are not UTF-8 are refused, and said once', () => {
    const registry = `[${ENTRY}]\n`;
    const utf16be = Buffer.from(registry, 'utf16le').swap16();
    const utf32le = Buffer.alloc(registry.length * 4);
    for (let i = 0; i < registry.length; i++) utf32le.writeUInt32LE(registry.charCodeAt(i), i * 4);
    const inputs: [string, Buffer][] = [
      ['UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(registry)])],
      ['two UTF-8 BOMs', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from(registry)])],
      ['UTF-16 LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(registry, 'utf16le')])],
      ['UTF-16 LE', Buffer.from(registry, 'utf16le')],
      ['UTF-16 BE', utf16be],
      ['UTF-32 LE', utf32le],
      ['a Latin-1 byte', Buffer.from(registry.replace('gpt-4o', 'gpt-4\xe9'), 'latin1')],
    ];
    const verdicts = judge(inputs.map(([, bytes]) => bytes));
    inputs.forEach(([name, bytes], i) => {
      assert.equal(verdicts[i].accepted, false, name);
      const { diagnostics } = checkRegistryBytes(bytes);
      const json = diagnostics.filter((d) => pythonJsonRejects(d.code));
      assert.equal(json.length, 1, `${name}: ${JSON.stringify(json)}`);
      assert.ok(!/[\r\n]/.test(json[0].message));
      if (name.startsWith('UTF-16') || name.startsWith('UTF-32')) {
        assert.match(json[0].message, new RegExp(`looks like ${name.slice(0, 6)}.*Save it as UTF-8`));
        assert.deepEqual(diagnostics, json, `${name}: the content of a file in another encoding is not checked`);
      }
    });
    // After a BOM or a stray byte, the rest of the file is still checked: the same findings as without.
    const plain = checkRegistry(registry.replace('"backend": "openai"', '"backend": "opnai"'));
    const withBom = checkRegistryBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(registry.replace('"backend": "openai"', '"backend": "opnai"'))])).diagnostics;
    assert.deepEqual(withBom.slice(1), plain);
    const latin1 = checkRegistryBytes(Buffer.from(registry, 'latin1').fill(0xe9, registry.indexOf('gpt') + 3, registry.indexOf('gpt') + 4)).diagnostics;
    assert.deepEqual(latin1.filter((d) => pythonJsonRejects(d.code)).map((d) => [d.code, d.offset]), [['json-syntax', registry.indexOf('gpt') + 3]]);
  });

  it('exotic whitespace and a leading BOM in the text are one finding each, not two', () => {
    for (const [text, at] of [['[\u00a0{}]', 1], ['[{}\u2028]', 3], ['\ufeff[]', 0]] as const) {
      const json = checkRegistry(text).filter((d) => d.code === 'json-syntax');
      assert.deepEqual(json.map((d) => d.offset), [at], text);
    }
  });
});

describe('many findings', () => {
  it(`past ${MAX_LISTED_SYNTAX_FINDINGS} JSON syntax findings, one more says how many follow, in the editor as on the command line`, () => {
    const text = `[${','.repeat(130_000)}]`;
    const diags = checkRegistry(text);
    assert.equal(diags.length, MAX_LISTED_SYNTAX_FINDINGS + 1);
    assert.match(diags[MAX_LISTED_SYNTAX_FINDINGS].message, /^129,\d{3} more JSON syntax problems follow from here/);
    assert.deepEqual(checkRegistryBytes(Buffer.from(text)).diagnostics, diags);
  });

  it('a flood of NaNs, which Python reads, is counted the same way and stays a warning', () => {
    const text = `[${'NaN, '.repeat(5000)}Infinity]`;
    assert.equal(judge([text])[0].accepted, true);
    const diags = checkRegistry(text).filter((d) => d.code.startsWith('json'));
    assert.equal(diags.length, MAX_LISTED_SYNTAX_FINDINGS + 1);
    assert.ok(diags.every((d) => d.code === 'json-nan' && d.severity === 'warning'));
    assert.match(diags[MAX_LISTED_SYNTAX_FINDINGS].message, /^4,901 more `NaN` or `Infinity` values follow/);
  });

  it('thousands of trailing commas and exotic spaces are each found once, in order', () => {
    const text = `[${'{"a": 1,},'.repeat(20_000)}\u00a0${' \u00a0'.repeat(20_000)}]`;
    const diags = checkRegistry(text).filter((d) => d.code.startsWith('json'));
    assert.equal(diags.length, MAX_LISTED_SYNTAX_FINDINGS + 1);
    const offsets = diags.map((d) => d.offset);
    assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
    assert.equal(new Set(offsets).size, offsets.length);
  });
});

describe('did you mean', () => {
  it('the bounded distance equals the full one up to the bound', () => {
    const random = seededRandom(7);
    const word = () => Array.from({ length: Math.floor(random() * 10) }, () => 'abcd'[Math.floor(random() * 4)]).join('');
    for (let k = 0; k < 20_000; k++) {
      const a = word();
      const b = word();
      const max = Math.floor(random() * 5);
      const exact = editDistance(a, b);
      assert.equal(editDistance(a, b, max), exact <= max ? exact : max + 1, `${a} ${b} ${max}`);
    }
    assert.equal(editDistance('ab', 'ba'), 1, 'a swap is one edit');
  });

  it('a megabyte-long word gets no suggestion, and a near one still does', () => {
    assert.deepEqual(suggest('x'.repeat(1 << 20), ['model_name', 'backend']), []);
    assert.deepEqual(suggest('modle_name', ['model_name', 'backend']), ['model_name']);
    const long = checkRegistry(`[${ENTRY.replace('"backend": "openai"', `"backend": "${'b'.repeat(1 << 20)}"`)}]`);
    const unknown = long.find((d) => d.code === 'unknown-backend')!;
    assert.ok(unknown.message.length < 2000, 'a long value is cut in the message');
  });
});
