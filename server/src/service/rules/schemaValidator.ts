// The JSON Schema validation that the value-type rule needs, over the keywords schemas/ uses (type, enum, minimum,
// properties, items, additionalProperties), with ajv's results: the same errors, in the same order, with the same
// instance paths, params and messages as ajv 8 with `allErrors` and `strict: false`. It interprets the schema per
// value instead of generating and compiling code, so that a fresh process (the CLI) checks a registry without first
// compiling one validator per backend. Any other validation keyword in a schema is refused when the validator is made
// (test/unit/schemaValidator.test.ts compares it with ajv on the real registries and on mutations of them).
import type { KeySchema } from '../schemaSet';

export interface SchemaError {
  /** type, enum, minimum or additionalProperties. */
  keyword: string;
  /** A JSON Pointer (RFC 6901) to the value, as ajv writes it: '' for the root, '/model_config/stop/0'. */
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Returns true when `data` is valid; its errors are then on `.errors` (null when valid), as with ajv. */
export interface SchemaValidateFunction {
  (data: unknown): boolean;
  errors: SchemaError[] | null;
}

/** Keywords of JSON Schema that change what is valid and that this validator does not implement. */
const UNSUPPORTED = [
  'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern', 'format',
  'required', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'minContains', 'maxContains', 'minProperties',
  'maxProperties', 'patternProperties', 'propertyNames', 'dependencies', 'dependentRequired', 'dependentSchemas', 'const',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', '$ref', '$dynamicRef', 'prefixItems', 'additionalItems',
  'unevaluatedProperties', 'unevaluatedItems',
];

/** Whether `data` is of the JSON type `type`, as ajv decides it without `strictNumbers` (Infinity is a number). */
function isType(data: unknown, type: string): boolean {
  switch (type) {
    case 'string': return typeof data === 'string';
    case 'boolean': return typeof data === 'boolean';
    case 'number': return typeof data === 'number';
    case 'integer': return typeof data === 'number' && !((data as number) % 1) && !Number.isNaN(data);
    case 'null': return data === null;
    case 'array': return Array.isArray(data);
    case 'object': return typeof data === 'object' && data !== null && !Array.isArray(data);
    default: return typeof data === type;
  }
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

const UNSUPPORTED_SET = new Set(UNSUPPORTED);
/** Schemas already found fine: the backends share most of their keys' schemas. */
const checked = new WeakSet<KeySchema>();

function checkKeywords(schema: KeySchema, where: string): void {
  if (checked.has(schema)) return;
  for (const keyword in schema) {
    if (UNSUPPORTED_SET.has(keyword) && schema[keyword] !== undefined) throw new Error(`schema keyword '${keyword}' at ${where || '/'} is not supported by the value validator`);
  }
  for (const key in schema.properties) checkKeywords(schema.properties[key], `${where}/properties/${key}`);
  if (schema.items && typeof schema.items === 'object') checkKeywords(schema.items, `${where}/items`);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') checkKeywords(schema.additionalProperties, `${where}/additionalProperties`);
  checked.add(schema);
}

/** A schema made ready once: its keywords read, its sub-schemas made ready too (shared where the schemas share them). */
interface Node {
  /** The schema's `type` as written (ajv's params), with its types listed; undefined without `type`. */
  type: unknown;
  types: string[] | undefined;
  enumValues: unknown[] | undefined;
  minimum: number | undefined;
  items: Node | undefined;
  /** Whether the object keywords apply (properties or additionalProperties). */
  isObjectSchema: boolean;
  known: Record<string, KeySchema>;
  /** The properties ajv checks, in order: key, its JSON Pointer segment, its schema. */
  properties: [string, string, Node][];
  /** additionalProperties: false, a schema, or undefined when any key may be there. */
  extra: false | Node | undefined;
}

const nodes = new WeakMap<KeySchema, Node>();

function nodeOf(schema: KeySchema): Node {
  let node = nodes.get(schema);
  if (node) return node;
  const extra = schema.additionalProperties;
  node = {
    type: schema.type,
    types: schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type],
    enumValues: schema.enum,
    minimum: typeof schema.minimum === 'number' ? schema.minimum : undefined,
    items: schema.items && typeof schema.items === 'object' ? nodeOf(schema.items) : undefined,
    isObjectSchema: schema.properties !== undefined || extra !== undefined,
    known: schema.properties ?? {},
    // ajv leaves __proto__ out.
    properties: Object.entries(schema.properties ?? {}).filter(([key]) => key !== '__proto__').map(([key, sub]) => [key, escapePointer(key), nodeOf(sub)]),
    extra: extra === false ? false : extra && typeof extra === 'object' ? nodeOf(extra) : undefined,
  };
  nodes.set(schema, node);
  return node;
}

/** The JSON Pointer of the value at `path` (segments already escaped). */
function pointer(path: string[]): string {
  return path.length ? `/${path.join('/')}` : '';
}

/** Appends the errors of `data` against `node` to `errors`, in ajv's order; `path` is the value's place (restored). */
function validate(node: Node, data: unknown, path: string[], errors: SchemaError[]): void {
  const types = node.types;
  // ajv reports a wrong type before the other keywords' errors (with one type that has keywords of its own, after
  // enum's: no schema has enum there, and the test against ajv would show the difference if one did).
  if (types !== undefined && types.length) {
    let fits = false;
    for (let i = 0; i < types.length && !fits; i++) fits = isType(data, types[i]);
    if (!fits) errors.push({ keyword: 'type', instancePath: pointer(path), params: { type: node.type }, message: `must be ${types.join(',')}` });
  }
  if (node.enumValues !== undefined && !node.enumValues.some((v) => equal(data, v))) {
    errors.push({ keyword: 'enum', instancePath: pointer(path), params: { allowedValues: node.enumValues }, message: 'must be equal to one of the allowed values' });
  }
  if (node.minimum !== undefined && typeof data === 'number' && (data < node.minimum || Number.isNaN(data))) {
    errors.push({ keyword: 'minimum', instancePath: pointer(path), params: { comparison: '>=', limit: node.minimum }, message: `must be >= ${node.minimum}` });
  }
  if (node.items !== undefined && Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      path.push(String(i));
      validate(node.items, data[i], path, errors);
      path.pop();
    }
  }
  if (node.isObjectSchema && isType(data, 'object')) validateObject(node, data as Record<string, unknown>, path, errors);
}

function validateObject(node: Node, data: Record<string, unknown>, path: string[], errors: SchemaError[]): void {
  const extra = node.extra;
  if (extra !== undefined) {
    for (const key in data) {
      if (Object.prototype.hasOwnProperty.call(node.known, key)) continue;
      if (extra === false) {
        errors.push({ keyword: 'additionalProperties', instancePath: pointer(path), params: { additionalProperty: key }, message: 'must NOT have additional properties' });
      } else {
        path.push(escapePointer(key));
        validate(extra, data[key], path, errors);
        path.pop();
      }
    }
  }
  const properties = node.properties;
  for (let i = 0; i < properties.length; i++) {
    const [key, segment, sub] = properties[i];
    const value = data[key];
    if (value === undefined) continue;
    path.push(segment);
    validate(sub, value, path, errors);
    path.pop();
  }
}

/** Deep equality of JSON values, as ajv's enum compares them. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return a !== a && b !== b; // NaN
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A validator for `schema`; throws when the schema uses a keyword it does not implement. */
export function compileSchema(schema: KeySchema): SchemaValidateFunction {
  checkKeywords(schema, '');
  const root = nodeOf(schema);
  const fn = ((data: unknown) => {
    const errors: SchemaError[] = [];
    validate(root, data, [], errors);
    fn.errors = errors.length ? errors : null;
    return errors.length === 0;
  }) as SchemaValidateFunction;
  fn.errors = null;
  return fn;
}
