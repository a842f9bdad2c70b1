// jinja2's tests (`is defined`, `is string`, ...) and Python's binary operators on jinja2 values.
import { spend } from './budget';
import { pyPercent, STR_METHODS } from './pyStrings';
import { bool, entries, escaped, float, int, isMapping, isMarkup, isNumber, isSeq, isStr, isUndefined, items, like, list, markup, num, pyCompare, pyEq, pyStr, str, tuple, typeName, undefinedError, type Value } from './values';

type Test = (value: Value, args: Value[]) => boolean;

export const TEST_IMPLS: Record<string, Test> = {
  odd: (v) => integerOf(v) % 2 !== 0,
  even: (v) => integerOf(v) % 2 === 0,
  divisibleby: (v, a) => num(v) % num(a[0]) === 0,
  defined: (v) => !isUndefined(v),
  undefined: (v) => isUndefined(v),
  none: (v) => v.type === 'NullValue',
  boolean: (v) => v.type === 'BooleanValue',
  false: (v) => v.type === 'BooleanValue' && !v.value,
  true: (v) => v.type === 'BooleanValue' && v.value === true,
  integer: (v) => v.type === 'IntegerValue',
  float: (v) => v.type === 'FloatValue',
  number: (v) => isNumber(v),
  string: (v) => isStr(v),
  mapping: (v) => isMapping(v),
  sequence: (v) => isStr(v) || isSeq(v) || isMapping(v) || isUndefined(v), // Undefined has __len__ and __getitem__
  iterable: (v) => isStr(v) || isSeq(v) || isMapping(v) || isUndefined(v),
  callable: (v) => v.type === 'FunctionValue' || isUndefined(v), // Undefined has a __call__ (that raises)
  lower: (v) => STR_METHODS.islower(pyStr(v), [], new Map()).value === true,
  upper: (v) => STR_METHODS.isupper(pyStr(v), [], new Map()).value === true,
  escaped: () => false,
  sameas: (v, a) => v === a[0] || (v.type === a[0].type && ['NullValue', 'BooleanValue', 'IntegerValue'].includes(v.type) && v.value === a[0].value),
  in: (v, a) => containedIn(v, a[0]),
  eq: (v, a) => pyEq(v, a[0]),
  ne: (v, a) => !pyEq(v, a[0]),
  gt: (v, a) => pyCompare(v, a[0]) > 0,
  ge: (v, a) => pyCompare(v, a[0]) >= 0,
  lt: (v, a) => pyCompare(v, a[0]) < 0,
  le: (v, a) => pyCompare(v, a[0]) <= 0,
};
for (const [alias, name] of [['==', 'eq'], ['equalto', 'eq'], ['!=', 'ne'], ['>', 'gt'], ['greaterthan', 'gt'], ['>=', 'ge'], ['<', 'lt'], ['lessthan', 'lt'], ['<=', 'le']]) {
  TEST_IMPLS[alias] = TEST_IMPLS[name];
}
/** Every test name jinja2 knows. */
export const TESTS = new Set([...Object.keys(TEST_IMPLS), 'filter', 'test']);

function integerOf(v: Value): number {
  if (isUndefined(v)) throw undefinedError(v);
  if (!isNumber(v)) throw new Error(`not all arguments converted during string formatting`);
  return num(v);
}

/** Python's `a in b`. */
function containedIn(a: Value, b: Value): boolean {
  if (isUndefined(b)) return false;
  if (isStr(b)) {
    if (isUndefined(a)) throw undefinedError(a);
    if (!isStr(a)) throw new Error(`'in <string>' requires string as left operand, not ${typeName(a)}`);
    return (b.value as string).includes(a.value as string);
  }
  if (isSeq(b)) return items(b).some((x) => pyEq(x, a));
  if (isMapping(b)) return isStr(a) && entries(b).has(a.value as string);
  throw new Error(`argument of type '${typeName(b)}' is not iterable`);
}

/** Python's binary operators (and jinja2's `~`), on the library's values. */
export function binary(op: string, a: Value, b: Value): Value {
  if (op === '~') return str(pyStr(a) + pyStr(b));
  switch (op) {
    case '==': return bool(pyEq(a, b));
    case '!=': return bool(!pyEq(a, b));
    case 'in': return bool(containedIn(a, b));
    case 'not in': return bool(!containedIn(a, b));
    case '<': return bool(pyCompare(a, b) < 0);
    case '>': return bool(pyCompare(a, b) > 0);
    case '<=': return bool(pyCompare(a, b) <= 0);
    case '>=': return bool(pyCompare(a, b) >= 0);
  }
  if (op === '%' && isStr(a)) return like(a, pyPercent(a.value as string, b));
  if (isUndefined(a)) throw undefinedError(a);
  if (isUndefined(b)) throw undefinedError(b);
  const unsupported = () => new Error(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  if (isNumber(a) && isNumber(b)) {
    const x = num(a);
    const y = num(b);
    const floaty = a.type === 'FloatValue' || b.type === 'FloatValue';
    const make = (n: number) => (floaty ? float(n) : int(n));
    switch (op) {
      case '+': return make(x + y);
      case '-': return make(x - y);
      case '*': return make(x * y);
      case '/':
        if (y === 0) throw new Error('division by zero');
        return float(x / y);
      case '//':
        if (y === 0) throw new Error('integer division or modulo by zero');
        return make(Math.floor(x / y));
      case '%':
        if (y === 0) throw new Error('integer division or modulo by zero');
        return make(x - Math.floor(x / y) * y);
      case '**':
        if (!floaty && y < 0) return float(x ** y);
        return make(x ** y);
    }
  }
  if (op === '+') {
    if (isMarkup(a) && (isStr(b) || isMarkup(b))) return markup((a.value as string) + escaped(b));
    if (isMarkup(b) && isStr(a)) return markup(escaped(a) + (b.value as string));
    if (isStr(a) && isStr(b)) return str((a.value as string) + (b.value as string));
    if (isSeq(a) && a.type === b.type) return a.type === 'TupleValue' ? tuple([...items(a), ...items(b)]) : list([...items(a), ...items(b)]);
    if (isStr(a)) throw new Error(`can only concatenate str (not "${typeName(b)}") to str`);
    throw unsupported();
  }
  if (op === '*') {
    const [seq, times] = isNumber(a) ? [b, a] : [a, b];
    if (times.type === 'IntegerValue' || times.type === 'BooleanValue') {
      const n = Math.max(0, num(times));
      spend(n * (isStr(seq) ? (seq.value as string).length : isSeq(seq) ? items(seq).length : 0));
      if (isStr(seq)) return like(seq, (seq.value as string).repeat(n));
      if (isSeq(seq)) return list(Array.from({ length: n }, () => items(seq)).flat());
    }
  }
  throw unsupported();
}

