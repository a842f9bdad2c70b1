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

/** Appends the errors of `data` against `schema` to `errors`, in ajv's order. */
function validate(schema: KeySchema, data: unknown, path: string, errors: SchemaError[]): void {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  // ajv reports a wrong type before the other keywords' errors (with one type that has keywords of its own, after
  // enum's: no schema has enum there, and the test against ajv would show the difference if one did).
  if (types.length && !types.some((t) => isType(data, t))) {
    errors.push({ keyword: 'type', instancePath: path, params: { type: schema.type }, message: `must be ${types.join(',')}` });
  }
  if (schema.enum !== undefined && !schema.enum.some((v) => equal(data, v))) {
    errors.push({ keyword: 'enum', instancePath: path, params: { allowedValues: schema.enum }, message: 'must be equal to one of the allowed values' });
  }
  if (typeof schema.minimum === 'number' && typeof data === 'number' && (data < schema.minimum || Number.isNaN(data))) {
    errors.push({ keyword: 'minimum', instancePath: path, params: { comparison: '>=', limit: schema.minimum }, message: `must be >= ${schema.minimum}` });
  }
  if (typeof schema.items === 'object' && Array.isArray(data)) data.forEach((item, i) => validate(schema.items!, item, `${path}/${i}`, errors));
  if ((schema.properties !== undefined || schema.additionalProperties !== undefined) && isType(data, 'object')) {
    validateObject(schema, data as Record<string, unknown>, path, errors);
  }
}

function validateObject(schema: KeySchema, data: Record<string, unknown>, path: string, errors: SchemaError[]): void {
  const properties = schema.properties ?? {};
  const extra = schema.additionalProperties;
  if (extra !== undefined && extra !== true) {
    for (const key in data) {
      if (Object.prototype.hasOwnProperty.call(properties, key)) continue;
      if (extra === false) {
        errors.push({ keyword: 'additionalProperties', instancePath: path, params: { additionalProperty: key }, message: 'must NOT have additional properties' });
      } else {
        validate(extra, data[key], `${path}/${escapePointer(key)}`, errors);
      }
    }
  }
  for (const key in properties) {
    if (key === '__proto__') continue; // ajv leaves it out
    const value = data[key];
    if (value !== undefined) validate(properties[key], value, `${path}/${escapePointer(key)}`, errors);
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
  const fn = ((data: unknown) => {
    const errors: SchemaError[] = [];
    validate(schema, data, '', errors);
    fn.errors = errors.length ? errors : null;
    return errors.length === 0;
  }) as SchemaValidateFunction;
  fn.errors = null;
  return fn;
}
