// Python's values as jinja2 renders them, held in @huggingface/jinja's value classes: constructors, markupsafe's Markup,
// jinja2's Undefined, and Python's str(), repr(), ==, <, iter() and len(). The library's value classes are not exported;
// their constructors are taken from values it makes.
import { Environment, Interpreter, parse, tokenize } from '@huggingface/jinja';
import { decimalDigits, hex } from './literals';

export type Value = ReturnType<Interpreter['evaluate']>;

type Ctor = new (value?: unknown) => Value;
/** The constructors, found the first time a value is made: a check whose templates were all kept makes none. */
function probeConstructors() {
  const env = new Environment();
  env.set('probe', { s: '', i: 1, f: 0.5, b: true, n: null, a: [], o: {}, fn: () => null });
  const fields = (env.lookupVariable('probe').value as Map<string, Value>);
  const ctor = (name: string) => fields.get(name)!.constructor as Ctor;
  const tuple = new Interpreter(env).evaluate(parse(tokenize('{{ (1, 2) }}')).body[0], env);
  let keywords: Ctor | undefined;
  env.variables.set('capture', new (ctor('fn'))((args: Value[]) => {
    keywords = args.at(-1)!.constructor as Ctor;
    return fields.get('n')!;
  }));
  new Interpreter(env).evaluate(parse(tokenize('{{ capture(k=1) }}')).body[0], env);
  return {
    str: ctor('s'), int: ctor('i'), float: ctor('f'), bool: ctor('b'), none: ctor('n'), list: ctor('a'), dict: ctor('o'),
    fn: ctor('fn'), undefined: env.lookupVariable('missing').constructor as Ctor, tuple: tuple.constructor as Ctor,
    keywords: keywords!,
  };
}
let constructors: ReturnType<typeof probeConstructors> | undefined;
const ctors = () => (constructors ??= probeConstructors());

type Fn = (args: Value[], kwargs: Map<string, Value>) => Value;

export const str = (s: string): Value => new (ctors().str)(s);
export const int = (n: number): Value => new (ctors().int)(n);
export const float = (n: number): Value => new (ctors().float)(n);
export const bool = (b: boolean): Value => new (ctors().bool)(b);
export const none = (): Value => new (ctors().none)(null);
export const list = (items: Value[]): Value => new (ctors().list)(items);
export const tuple = (items: Value[]): Value => new (ctors().tuple)(items);
export const dict = (entries: Map<string, Value>): Value => new (ctors().dict)(entries);
/** The keyword arguments of a call, as the library passes them to a function (its last argument). */
export const keywordArguments = (entries: Map<string, Value>): Value => new (ctors().keywords)(entries);
/**
 * markupsafe.Markup strings (from |safe, |e and jinja2's own tojson): `+` escapes the other operand, and string
 * operations keep the mark. A plain jinja2 concatenation (`~`) and most filters return str.
 */
const MARKUP = new WeakSet<object>();
export const markup = (s: string): Value => {
  const v = str(s);
  MARKUP.add(v);
  return v;
};
export const isMarkup = (v: Value) => MARKUP.has(v);
/** The string result of an operation on `source`. */
export const like = (source: Value, s: string): Value => (isMarkup(source) ? markup(s) : str(s));
export const escaped = (v: Value) => (isMarkup(v) ? (v.value as string) : htmlEscape(pyStr(v)));

/** A Python callable: keyword arguments arrive as the library's trailing KeywordArgumentsValue. */
export const fn = (f: Fn): Value =>
  new (ctors().fn)((args: Value[]) => {
    const last = args.at(-1);
    if (last?.type === 'KeywordArgumentsValue') return f(args.slice(0, -1), last.value as Map<string, Value>);
    return f(args, new Map());
  });

/** jinja2's Undefined, carrying the message its use would raise. */
export function undefinedValue(hint: string): Value {
  const u = new (ctors().undefined)();
  (u as unknown as { hint: string }).hint = hint;
  return u;
}
export function undefinedError(v: Value): Error {
  return new Error((v as unknown as { hint?: string }).hint ?? 'undefined value');
}

export const isUndefined = (v: Value) => v.type === 'UndefinedValue';
export const isStr = (v: Value) => v.type === 'StringValue';
export const isSeq = (v: Value) => v.type === 'ArrayValue' || v.type === 'TupleValue';
export const isMapping = (v: Value) => v.type === 'ObjectValue' || v.type === 'KeywordArgumentsValue';
export const isNumber = (v: Value) => v.type === 'IntegerValue' || v.type === 'FloatValue' || v.type === 'BooleanValue';
export const items = (v: Value) => v.value as Value[];
export const entries = (v: Value) => v.value as Map<string, Value>;
export const num = (v: Value) => (v.type === 'BooleanValue' ? (v.value ? 1 : 0) : (v.value as number));
export const truthy = (v: Value) => v.__bool__().value;

/** Python's type names, for error messages. */
export function typeName(v: Value): string {
  const names: Record<string, string> = {
    StringValue: 'str', IntegerValue: 'int', FloatValue: 'float', BooleanValue: 'bool', NullValue: 'NoneType', ArrayValue: 'list',
    TupleValue: 'tuple', ObjectValue: 'dict', KeywordArgumentsValue: 'dict', NamespaceValue: 'Namespace', FunctionValue: 'function',
    UndefinedValue: 'Undefined',
  };
  return names[v.type] ?? v.type;
}

/** str(value), which jinja2 writes out (Undefined as ''). */
export function pyStr(v: Value): string {
  switch (v.type) {
    case 'StringValue':
      return v.value as string;
    case 'UndefinedValue':
      return '';
    default:
      return pyRepr(v);
  }
}

export function pyRepr(v: Value): string {
  switch (v.type) {
    case 'StringValue':
      return reprString(v.value as string);
    case 'IntegerValue':
      return reprInt(v.value as number);
    case 'FloatValue':
      return reprFloat(v.value as number);
    case 'BooleanValue':
      return v.value ? 'True' : 'False';
    case 'NullValue':
      return 'None';
    case 'UndefinedValue':
      return 'Undefined';
    case 'ArrayValue':
      return `[${items(v).map(pyRepr).join(', ')}]`;
    case 'TupleValue':
      return items(v).length === 1 ? `(${pyRepr(items(v)[0])},)` : `(${items(v).map(pyRepr).join(', ')})`;
    case 'ObjectValue':
    case 'KeywordArgumentsValue':
      return reprDict(entries(v));
    case 'NamespaceValue':
      return `<Namespace ${reprDict(entries(v))}>`;
    default:
      return `<${typeName(v)}>`;
  }
}

function reprDict(map: Map<string, Value>): string {
  return `{${[...map].map(([k, x]) => `${reprString(k)}: ${pyRepr(x)}`).join(', ')}}`;
}

export function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u.test(ch)) out += cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    else out += ch;
  }
  return out + quote;
}

export function reprInt(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString();
}

/** repr(float): the shortest round-trip digits, positional for exponents -4..15, else d.ddde+XX. */
export function reprFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const { digits, exp } = decimalDigits(Math.abs(x));
  const sign = x < 0 ? '-' : '';
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${whole}.${frac || '0'}`;
  }
  return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Python's ==, which jinja2 uses for ==, `in` and the `eq` tests. */
export function pyEq(a: Value, b: Value): boolean {
  if (isNumber(a) && isNumber(b)) return num(a) === num(b);
  if (a.type !== b.type && !(isMapping(a) && isMapping(b))) return false;
  switch (a.type) {
    case 'StringValue':
      return a.value === b.value;
    case 'NullValue':
    case 'UndefinedValue':
      return true;
    case 'ArrayValue':
    case 'TupleValue':
      return items(a).length === items(b).length && items(a).every((x, i) => pyEq(x, items(b)[i]));
    case 'ObjectValue':
    case 'KeywordArgumentsValue': {
      const x = entries(a);
      const y = entries(b);
      return x.size === y.size && [...x].every(([k, v]) => y.has(k) && pyEq(v, y.get(k)!));
    }
    default:
      return a === b;
  }
}

/** Python's ordering (<), for comparisons, sort, min and max. */
export function pyCompare(a: Value, b: Value): number {
  if (isNumber(a) && isNumber(b)) return num(a) < num(b) ? -1 : num(a) > num(b) ? 1 : 0;
  if (isStr(a) && isStr(b)) return compareCodePoints(a.value as string, b.value as string);
  if (isSeq(a) && a.type === b.type) {
    const x = items(a);
    const y = items(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (!pyEq(x[i], y[i])) return pyCompare(x[i], y[i]);
    return x.length - y.length;
  }
  if (isUndefined(a)) throw undefinedError(a);
  if (isUndefined(b)) throw undefinedError(b);
  throw new Error(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i].codePointAt(0)! - y[i].codePointAt(0)!;
  }
  return x.length - y.length;
}

/** iter(value): characters of a string, keys of a dict, nothing for Undefined. */
export function pyIter(v: Value): Value[] {
  if (isSeq(v)) return items(v);
  if (isStr(v)) return Array.from(v.value as string, str);
  if (isMapping(v)) return [...entries(v).keys()].map(str);
  if (isUndefined(v)) return [];
  throw new Error(`'${typeName(v)}' object is not iterable`);
}

export function pyLen(v: Value): number {
  if (isStr(v)) return Array.from(v.value as string).length;
  if (isSeq(v)) return items(v).length;
  if (isMapping(v)) return entries(v).size;
  if (isUndefined(v)) return 0;
  throw new Error(`object of type '${typeName(v)}' has no len()`);
}


function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
}
