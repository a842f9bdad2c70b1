// The value validator against ajv, the JSON Schema implementation it stands in for: the same errors (keyword, instance
// path, params, message, in order) for every backend's schema, on the example registry, on the real registries
// (../shared/corpus, when present) and on every schema path of an entry set to values of every JSON type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { getSchemaSet, type KeySchema } from '../../server/src/service/schemaSet';
import { compileSchema } from '../../server/src/service/rules/schemaValidator';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = process.env.CLEM_SHARED_CORPUS ?? path.resolve(ROOT, '../shared/corpus');
const schemas = getSchemaSet();
const BACKENDS = [undefined, ...schemas.backendNames()];

/** Both validators of one backend's entry schema, as the value-type rule builds it. */
function pair(backend: string | undefined) {
  const schema = { type: 'object', properties: schemas.topKeys(backend) };
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(schema);
  const ours = compileSchema(schema);
  return (value: unknown, label: string) => {
    const ajvValid = ajv(value);
    const ourValid = ours(value);
    const theirs = (ajv.errors ?? []).map(({ keyword, instancePath, params, message }) => ({ keyword, instancePath, params, message }));
    assert.deepEqual(ours.errors ?? [], theirs, label);
    assert.equal(ourValid, ajvValid, label);
    return theirs.length;
  };
}

const SAMPLES: unknown[] = [null, true, false, 0, -1, 1, 2.5, -0.5, 1e300, Infinity, '', 'left', 'gpu', 'x', [], ['a'], ['a', 1, null], {}, { a: 1 }, { name: 'MIT' }];

/** Every path of properties (and items) in a schema, with the schema there. */
function schemaPaths(schema: KeySchema, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    out.push([...prefix, key], ...schemaPaths(sub, [...prefix, key]));
  }
  if (schema.items && typeof schema.items === 'object') out.push([...prefix, 0], ...schemaPaths(schema.items, [...prefix, 0]));
  return out;
}

function setAt(root: unknown, at: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const seg of at.slice(0, -1)) {
    if (node[seg] === null || typeof node[seg] !== 'object') node[seg] = typeof seg === 'number' ? [] : {};
    node = node[seg] as Record<string | number, unknown>;
  }
  node[at[at.length - 1]] = value;
  return copy;
}

function entriesOf(file: string): unknown[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return Array.isArray(data) ? data : [data];
}

test('the same errors as ajv on the example registry, for every backend', () => {
  const entries = entriesOf(path.join(ROOT, 'examples/model_registry.json'));
  for (const backend of BACKENDS) {
    const same = pair(backend);
    entries.forEach((e, i) => same(e, `${backend} example #${i}`));
  }
});

test('the same errors as ajv on the real registries, for every backend', { skip: existsSync(CORPUS) ? false : 'no ../shared/corpus on this machine' }, () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json'));
  assert.ok(files.length > 0);
  let compared = 0;
  for (const backend of BACKENDS) {
    const same = pair(backend);
    for (const f of files) {
      entriesOf(path.join(CORPUS, f)).forEach((e, i) => {
        same(e, `${backend} ${f} #${i}`);
        compared++;
      });
    }
  }
  assert.ok(compared > 1000);
});

test('the same errors as ajv with every schema path set to values of every type', () => {
  const base = entriesOf(path.join(ROOT, 'examples/model_registry.json'))[0];
  let compared = 0;
  for (const backend of BACKENDS) {
    const same = pair(backend);
    const paths = schemaPaths({ properties: schemas.topKeys(backend) });
    assert.ok(paths.length > 10, `${backend}: schema paths`);
    for (const at of paths) {
      for (const value of SAMPLES) {
        same(setAt(base, at, value), `${backend} ${at.join('.')} = ${JSON.stringify(value)}`);
        compared++;
      }
    }
    for (const value of SAMPLES) same(value, `${backend} entry = ${JSON.stringify(value)}`);
    same(setAt(base, ['model_config', 'a/b~c'], 1), `${backend} a key with / and ~`);
  }
  assert.ok(compared > 1000);
});

test('a schema keyword the validator does not implement is refused, not ignored', () => {
  assert.throws(() => compileSchema({ type: 'object', properties: { n: { type: 'integer', maximum: 3 } } }), /'maximum' at \/properties\/n/);
  assert.throws(() => compileSchema({ type: 'array', items: { type: 'string', pattern: '^a' } }), /'pattern'/);
  assert.doesNotThrow(() => compileSchema({ type: 'string', description: 'x', 'x-clem-kind': 'date', deprecated: true }));
});
