// The file's scan for entries lists each object entry's own properties in the same pass; they must be exactly what
// a separate look into the entry (propertiesOf, which positions otherwise come from) finds, on real registries and on
// random valid JSON with every kind of value, odd spacing and escaped quotes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { propertiesOf, scanTopLevel } from '../../server/src/service/topLevelScan';
import { Rng, seedOf } from '../support/random';

const CORPUS = process.env.CLEM_SHARED_CORPUS ?? path.resolve(__dirname, '../../../shared/corpus');
const CORPUS_FILES = ['clemcore-2025-12-16-8bd08307.json', 'clemcore-2026-04-15-ef82bb43.json'];

function assertScanAgrees(text: string, label: string): number {
  const scan = scanTopLevel(text);
  assert.ok(scan, `${label}: the scan accepts valid JSON`);
  let objects = 0;
  for (const span of scan.spans) {
    const element = text.slice(span.start, span.end);
    if (element.startsWith('{')) {
      objects++;
      assert.deepEqual(span.properties, propertiesOf(element, 0), `${label}: the properties of ${element.slice(0, 80)}`);
    } else assert.equal(span.properties, undefined, `${label}: a non-object element lists no properties`);
  }
  return objects;
}

function space(rng: Rng): string {
  return rng.pick(['', '', ' ', '\n  ', '\t', ' \r\n ']);
}

function randomValue(rng: Rng, depth: number): string {
  const kind = depth > 3 ? rng.int(0, 4) : rng.int(0, 6);
  switch (kind) {
    case 0: return String(rng.pick([0, -1, 3.25, 1e21, 7]));
    case 1: return rng.pick(['true', 'false', 'null']);
    case 2: return JSON.stringify(rng.pick(['', 'a"b', 'back\\slash\\', '\\"', '{"x": 1}', 'ü ♥', ',:]}']));
    case 3: return JSON.stringify('x'.repeat(rng.int(0, 39)));
    case 4: return '"\\\\"';
    case 5: return `[${space(rng)}${Array.from({ length: rng.int(0, 4) }, () => randomValue(rng, depth + 1)).join(`${space(rng)},${space(rng)}`)}${space(rng)}]`;
    default: return randomObject(rng, depth + 1);
  }
}

function randomObject(rng: Rng, depth: number): string {
  const props = Array.from({ length: rng.int(0, 6) }, (_, i) => `${space(rng)}${JSON.stringify(rng.pick(['k', 'a"q', 'model_config', '\\', 'é']) + i)}${space(rng)}:${space(rng)}${randomValue(rng, depth)}${space(rng)}`);
  return `{${props.join(',')}${space(rng)}}`;
}

test('the scan lists the properties of random object entries as propertiesOf does', () => {
  let objects = 0;
  for (let i = 0; i < 400; i++) {
    const rng = new Rng(seedOf('topLevelScan', i));
    const elements = Array.from({ length: 1 + rng.int(0, 4) }, () => (rng.int(0, 4) === 0 ? randomValue(rng, 0) : randomObject(rng, 0)));
    const text = `${space(rng)}[${space(rng)}${elements.join(`${space(rng)},${space(rng)}`)}${space(rng)}]${space(rng)}`;
    JSON.parse(text);
    objects += assertScanAgrees(text, `case ${i}`);
    // A file holding one entry object is its own root.
    const root = randomObject(rng, 0);
    objects += assertScanAgrees(`${space(rng)}${root}${space(rng)}`, `root case ${i}`);
  }
  assert.ok(objects > 1000, `enough objects were compared (${objects})`);
});

test('the scan lists the properties of the real registries\' entries as propertiesOf does', (t) => {
  const files = CORPUS_FILES.map((f) => path.join(CORPUS, f)).filter((f) => existsSync(f));
  if (!files.length) return t.skip('the real registries are not in ../shared/corpus');
  for (const file of files) assert.ok(assertScanAgrees(readFileSync(file, 'utf8'), path.basename(file)) >= 18, `${file}: its entries were compared`);
});
