// JSON types and enumerations of values, checked against the backend's schema.
import { compileSchema, type SchemaError, type SchemaValidateFunction as ValidateFunction } from './schemaValidator';
import { kindOf } from './topLevelShape';
import type { EntryContext } from '../context';
import type { SchemaSet } from '../schemaSet';
import { conditionallyIgnored } from './runtimeNotes';

const validators = new WeakMap<SchemaSet, Map<string, ValidateFunction>>();

function validatorFor(schemas: SchemaSet, backend: string | undefined): ValidateFunction {
  let perSet = validators.get(schemas);
  if (!perSet) validators.set(schemas, (perSet = new Map()));
  const key = backend ?? '';
  let v = perSet.get(key);
  if (!v) {
    v = compileSchema({ type: 'object', properties: schemas.topKeys(backend) });
    perSet.set(key, v);
  }
  return v;
}

export function checkValueTypes(ctx: EntryContext): void {
  const validate = ctx.derived<ValidateFunction>(validatorFor) ?? ctx.derive(validatorFor, validatorFor(ctx.schemas, ctx.backend));
  if (validate(ctx.value)) return;
  // Values the runtime does not read in this entry (their keys are reported as ignored) cannot fail it.
  const ignored = conditionallyIgnored(ctx);
  const seen = new Set<string>();
  for (const err of validate.errors ?? []) {
    if (err.keyword === 'additionalProperties' || err.keyword === 'required') continue; // other rules say it better
    if (err.instancePath === '/backend' && err.keyword === 'enum') continue; // the backend rule, with a did-you-mean
    const path = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    if (ignored && path[0] === 'model_config' && ignored.has(String(path[1]))) continue;
    const id = path.join('\u0000');
    if (seen.has(id)) continue; // one finding per value (e.g. type and enum)
    seen.add(id);
    const node = ctx.locate(path)?.value;
    if (!node) continue;
    const name = path.length ? path.join('.') : 'the entry';
    if (err.keyword === 'type') {
      // A license written as a string: the license rule says what to write instead, with a fix.
      if (typeof ctx.valueAt(path) === 'string' && licenseKind(ctx, path)) continue;
      const expected = [err.params.type].flat().join(' or ');
      ctx.report('type-mismatch', node, path, `\`${name}\` must be ${article(expected)}, not ${describeNode(kindOf(ctx.valueAt(path)))}.`, { data: { expected } });
    } else {
      // clemcore lower-cases some values before it compares them (padding_side): "Left" is valid there.
      if (err.keyword === 'enum' && lowerCasedMatch(ctx, path, err.params.allowedValues as unknown[])) continue;
      ctx.report('invalid-value', node, path, `\`${name}\` ${message(err)}.`, { data: { allowed: err.params.allowedValues } });
    }
  }
}

function lowerCasedMatch(ctx: EntryContext, path: (string | number)[], allowed: unknown[]): boolean {
  const key = path[path.length - 1];
  const value = ctx.valueAt(path);
  if (typeof key !== 'string' || typeof value !== 'string') return false;
  return ctx.schemas.objectSchemaAt(ctx.backend, path.slice(0, -1))?.properties?.[key]?.['x-clem-lowercased'] === true && allowed.includes(value.toLowerCase());
}

function licenseKind(ctx: EntryContext, path: (string | number)[]): boolean {
  const key = path[path.length - 1];
  if (typeof key !== 'string') return false;
  return ctx.schemas.objectSchemaAt(ctx.backend, path.slice(0, -1))?.properties?.[key]?.['x-clem-kind'] === 'license';
}

function message(err: SchemaError): string {
  if (err.keyword === 'enum') return `must be one of ${(err.params.allowedValues as unknown[]).map((v) => `\`${JSON.stringify(v)}\``).join(', ')}`;
  return err.message ?? 'is not valid';
}

function article(t: string): string {
  if (t === 'array') return 'an array';
  if (t === 'object') return 'an object';
  if (t === 'integer') return 'an integer';
  return `a ${t}`;
}

function describeNode(type: string): string {
  return type === 'null' ? 'null' : article(type);
}
