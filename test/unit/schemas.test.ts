// Checks the schemas/ directory against its conventions (schemas/README.md) and against the real registries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';

type Json = any;

const SCHEMAS = path.resolve(__dirname, '../../schemas');
const BACKENDS_DIR = path.join(SCHEMAS, 'backends');
const CORPUS = path.resolve(__dirname, '../../../shared/corpus');

const CLEM_KEYWORDS = [
  'x-clem-required', 'x-clem-kind', 'x-clem-presence', 'x-clem-runtime', 'x-clem-versions', 'x-clem-replacedBy',
  'x-clem-truthy', 'x-clem-lowercased', 'x-clem-backend', 'x-clem-reservedKeys', 'x-clem-reservedNames', 'x-clem-ignoredKeys',
];
const KINDS = ['regex', 'literal', 'jinja', 'glob', 'date', 'context-size', 'parameters', 'language-codes', 'license',
  'dotted-path', 'hf-repo'];
const WHENS = ['load', 'generation', 'docs'];
const EFFECTS = ['ignored', 'crash', 'note'];

function readJson(file: string): Json {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const entry = readJson(path.join(SCHEMAS, 'entry.schema.json'));
const backendFiles = fs.readdirSync(BACKENDS_DIR).filter((f) => f.endsWith('.schema.json')).sort();
const backends: Record<string, Json> = Object.fromEntries(
  backendFiles.map((f) => [f.replace(/\.schema\.json$/, ''), readJson(path.join(BACKENDS_DIR, f))]));
const versions = Object.keys(entry['x-clem-versions']);

/** Every property schema (with its path and its sibling names) under a schema's `properties`, recursively. */
function* walkProperties(schema: Json, where: string): Generator<{ where: string; prop: Json; siblings: string[] }> {
  const props = schema.properties ?? {};
  const siblings = Object.keys(props);
  for (const [name, prop] of Object.entries<Json>(props)) {
    const at = `${where}.${name}`;
    yield { where: at, prop, siblings };
    yield* walkProperties(prop, at);
    if (prop.items && typeof prop.items === 'object') yield* walkProperties(prop.items, `${at}[]`);
  }
}

function allSchemas(): [string, Json][] {
  return [['entry', entry], ...Object.entries(backends)];
}

function conditionKeys(cond: Json, where: string): string[] {
  const keys = Object.keys(cond);
  assert.equal(keys.length, 1, `${where}: a condition has exactly one operator`);
  const [op] = keys;
  if (op === 'allOf') {
    assert.ok(Array.isArray(cond.allOf) && cond.allOf.length > 0, `${where}: allOf needs conditions`);
    return cond.allOf.flatMap((c: Json) => conditionKeys(c, where));
  }
  assert.ok(['truthy', 'falsy', 'present', 'absent'].includes(op), `${where}: unknown condition operator ${op}`);
  assert.equal(typeof cond[op], 'string', `${where}: ${op} names a key`);
  return [cond[op]];
}

function assertVersions(list: Json, where: string): void {
  assert.ok(Array.isArray(list) && list.length > 0, `${where}: versions is a non-empty array`);
  for (const v of list) assert.ok(versions.includes(v), `${where}: unknown version ${v}`);
}

test('the README of schemas/ still lists the values this test allows', () => {
  const readme = fs.readFileSync(path.join(SCHEMAS, 'README.md'), 'utf8');
  for (const word of [...CLEM_KEYWORDS, ...KINDS, ...WHENS, ...EFFECTS]) {
    assert.ok(readme.includes(`\`${word}\``) || readme.includes(`"${word}"`), `README no longer mentions ${word}`);
  }
});

test('every schema file parses and compiles with ajv in strict mode', () => {
  const files = [path.join(SCHEMAS, 'entry.schema.json'), ...backendFiles.map((f) => path.join(BACKENDS_DIR, f))];
  assert.equal(files.length, 15);
  const ajv = new Ajv({ strict: true, allowUnionTypes: true });
  ajv.addVocabulary([...CLEM_KEYWORDS, 'markdownDescription', 'defaultSnippets']);
  for (const file of files) {
    const schema = readJson(file);
    assert.doesNotThrow(() => ajv.compile(schema), file);
  }
});

test('entry.schema.json declares versions, reserved keys and names', () => {
  assert.deepEqual(versions, ['3.3', '3.7'], 'the default (last) version is 3.7');
  for (const v of versions) {
    const info = entry['x-clem-versions'][v];
    assert.equal(typeof info.label, 'string');
    assert.match(info.commit, /^[0-9a-f]{8}$/);
    assert.match(info.date, /^\d{4}-\d{2}-\d{2}$/);
  }
  assert.ok(entry['x-clem-reservedKeys'].includes('to_dict'));
  assert.equal(entry['x-clem-reservedKeys'].length, 15);
  assert.deepEqual(Object.keys(entry['x-clem-reservedNames']).sort(), ['human', 'mock', 'programmatic', 'terminal']);
  for (const key of ['model_name', 'backend', 'release_date', 'open_weight', 'parameters', 'languages', 'context_size',
    'license', 'model_config', 'lookup_source', 'model_id', 'huggingface_id']) {
    assert.ok(entry.properties[key], `entry.schema.json lacks ${key}`);
  }
  for (const key of ['release_date', 'open_weight', 'parameters', 'languages', 'context_size', 'license', 'model_config']) {
    assert.ok(entry.properties[key]['x-clem-required'].some((r: Json) => r.when === 'docs'), `${key} is docs-required`);
  }
});

test('every backend in the enum has a schema file and vice versa', () => {
  const enumNames = [...entry.properties.backend.enum].sort();
  assert.equal(enumNames.length, 14);
  assert.deepEqual(Object.keys(backends).sort(), enumNames);
});

test('x-clem-backend of each backend is complete and matches the known versions', () => {
  const expected: Record<string, string[]> = {
    '3.7': ['anthropic', 'azure', 'cohere', 'google', 'huggingface_local', 'llamacpp', 'mistral', 'openai',
      'openai_compatible', 'openrouter', 'slurk'],
    '3.3': ['alephalpha', 'anthropic', 'cohere', 'google', 'huggingface_local', 'huggingface_multimodal', 'llamacpp',
      'mistral', 'openai', 'openai_compatible', 'openrouter', 'slurk', 'vllm'],
  };
  for (const [name, schema] of Object.entries(backends)) {
    const info = schema['x-clem-backend'];
    assert.ok(info, `${name}: x-clem-backend`);
    assertVersions(info.versions, name);
    for (const v of versions) assert.equal(info.versions.includes(v), expected[v].includes(name), `${name} in ${v}`);
    assert.equal(info.module, `clemcore/backends/${name}_api.py`);
    assert.equal(typeof info.remote, 'boolean');
    assert.equal(typeof info.metadata, 'boolean');
    if (name === 'slurk') assert.equal(info.metadata, false);
    else {
      assert.ok(['model_id', 'huggingface_id'].includes(info.idKey), `${name}: idKey`);
      const idProp = schema.properties[info.idKey];
      assert.ok(idProp?.['x-clem-required']?.length, `${name}: ${info.idKey} is required`);
    }
    assert.deepEqual(Object.keys(info).filter((k) => !['versions', 'module', 'remote', 'idKey', 'metadata', 'removed', 'broken'].includes(k)), [], name);
    for (const b of info.broken ?? []) {
      assertVersions(b.versions, `${name}.broken`);
      for (const v of b.versions) assert.ok(info.versions.includes(v), `${name}: broken in ${v}, which lacks the backend`);
      assert.equal(typeof b.message, 'string', `${name}.broken message`);
    }
    const gone = !info.versions.includes(versions[versions.length - 1]);
    assert.equal(typeof info.removed === 'string', gone, `${name}: removed is set exactly for removed backends`);
    assert.equal(typeof schema.markdownDescription, 'string');
    assert.ok(schema.properties.model_config?.properties || name === 'slurk', `${name}: model_config.properties`);
  }
});

test('every property has description and markdownDescription', () => {
  for (const [name, schema] of allSchemas()) {
    for (const { where, prop } of walkProperties(schema, name)) {
      assert.equal(typeof prop.description, 'string', `${where}: description`);
      assert.ok(prop.description.length > 0, `${where}: description`);
      assert.equal(typeof prop.markdownDescription, 'string', `${where}: markdownDescription`);
      assert.ok(prop.markdownDescription.length > prop.description.length / 2, `${where}: markdownDescription`);
      assert.ok(prop.type !== undefined, `${where}: type`);
    }
  }
});

test('x-clem-* values follow schemas/README.md', () => {
  for (const [name, schema] of allSchemas()) {
    const nodes = [...walkProperties(schema, name)];
    // items schemas may carry x-clem-kind too
    const items = nodes.filter((n) => n.prop.items).map((n) => ({ where: `${n.where}[]`, prop: n.prop.items, siblings: [] }));
    for (const { where, prop, siblings } of [...nodes, ...items]) {
      if ('x-clem-kind' in prop) assert.ok(KINDS.includes(prop['x-clem-kind']), `${where}: kind ${prop['x-clem-kind']}`);
      if ('x-clem-presence' in prop) assert.equal(prop['x-clem-presence'], true, `${where}: presence`);
      if ('x-clem-truthy' in prop) assert.equal(prop['x-clem-truthy'], true, `${where}: truthy`);
      if ('x-clem-versions' in prop) assertVersions(prop['x-clem-versions'], where);
      if ('x-clem-replacedBy' in prop) {
        assert.equal(prop.deprecated, true, `${where}: replacedBy needs deprecated`);
        assert.match(prop['x-clem-replacedBy'], /^[a-z_]+(\.[a-z_]+)*$/, `${where}: replacedBy is a JSON path`);
      }
      for (const r of prop['x-clem-required'] ?? []) {
        assert.deepEqual(Object.keys(r).filter((k) => !['when', 'versions', 'if', 'message', 'code'].includes(k)), [], where);
        if (r.code !== undefined) assert.equal(typeof r.code, 'string', `${where}: code`);
        assert.ok(WHENS.includes(r.when), `${where}: when ${r.when}`);
        if (r.versions) assertVersions(r.versions, where);
        if (r.message !== undefined) assert.equal(typeof r.message, 'string', where);
        if (r.if) {
          for (const key of conditionKeys(r.if, where)) {
            assert.ok(siblings.includes(key), `${where}: condition names ${key}, which is not a sibling property`);
          }
        }
      }
      for (const r of prop['x-clem-ignoredKeys'] ?? []) {
        assert.deepEqual(Object.keys(r).filter((k) => !['versions', 'if', 'keys', 'message', 'use'].includes(k)), [], where);
        if (r.versions) assertVersions(r.versions, where);
        assert.equal(typeof r.message, 'string', `${where}: ignoredKeys message`);
        const own = Object.keys(prop.properties ?? {});
        for (const key of [...r.keys, ...conditionKeys(r.if, where), ...(r.use ? [r.use.key] : [])]) assert.ok(own.includes(key), `${where}: ignoredKeys names ${key}, which is not a key of the object`);
      }
      for (const r of prop['x-clem-runtime'] ?? []) {
        assert.deepEqual(Object.keys(r).filter((k) => !['effect', 'versions', 'message'].includes(k)), [], where);
        assert.ok(EFFECTS.includes(r.effect), `${where}: effect ${r.effect}`);
        assert.equal(typeof r.message, 'string', `${where}: runtime message`);
        if (r.versions) assertVersions(r.versions, where);
      }
      for (const s of prop.defaultSnippets ?? []) {
        assert.equal(typeof s.label, 'string', `${where}: snippet label`);
        assert.ok('body' in s, `${where}: snippet body`);
      }
    }
  }
});

test('capability flags live only inside multimodality', () => {
  const flags = ['single_image', 'multiple_images', 'audio', 'video'];
  for (const [name, schema] of Object.entries(backends)) {
    const mc = schema.properties.model_config?.properties ?? {};
    for (const flag of flags) assert.ok(!(flag in mc), `${name}: ${flag} directly in model_config`);
    if (mc.multimodality) assert.deepEqual(Object.keys(mc.multimodality.properties).sort(), [...flags].sort());
  }
});

test('every key of the real registries is known to its backend schema', (t) => {
  if (!fs.existsSync(CORPUS)) {
    t.skip(`no corpus at ${CORPUS}`);
    return;
  }
  const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.json'));
  assert.ok(files.length > 0);
  const unknown: string[] = [];
  for (const file of files) {
    const data = readJson(path.join(CORPUS, file));
    const entries: Json[] = Array.isArray(data) ? data : [data];
    for (const e of entries) {
      const schema = backends[e.backend];
      const at = `${file} ${e.model_name} (${e.backend})`;
      if (!schema) {
        unknown.push(`${at}: backend`);
        continue;
      }
      const top = { ...entry.properties, ...schema.properties };
      for (const key of Object.keys(e)) if (!(key in top)) unknown.push(`${at}: ${key}`);
      const mcProps = schema.properties.model_config?.properties ?? {};
      for (const [key, value] of Object.entries<Json>(e.model_config ?? {})) {
        if (!(key in mcProps)) unknown.push(`${at}: model_config.${key}`);
        else if (key === 'multimodality') {
          for (const flag of Object.keys(value)) {
            if (!(flag in mcProps.multimodality.properties)) unknown.push(`${at}: model_config.multimodality.${flag}`);
          }
        }
      }
    }
  }
  assert.deepEqual(unknown, []);
});
