// Attribute and item access (jinja2's sandboxed getattr/getitem), with Python's methods of dict and list, and slices.
import type { Profile } from './environments';
import { STR_METHODS } from './pyStrings';
import { entries, fn, int, isMapping, isMarkup, isSeq, isStr, isUndefined, items, like, list, markup, none, num, pyCompare, pyEq, pyIter, pyRepr, str, tuple, typeName, undefinedError, undefinedValue, type Value } from './values';

/** Methods of list that mutate it: the sandbox refuses them; a plain jinja2.Template runs them. */
const LIST_MUTATORS = new Set(['append', 'extend', 'insert', 'pop', 'remove', 'clear', 'sort', 'reverse']);

function listMethod(target: Value, name: string, profile: Profile): Value {
  const xs = items(target);
  if (name === 'index') return fn((a) => {
    const i = xs.findIndex((x) => pyEq(x, a[0]));
    if (i < 0) throw new Error(`${pyRepr(a[0])} is not in list`);
    return int(i);
  });
  if (name === 'count') return fn((a) => int(xs.filter((x) => pyEq(x, a[0])).length));
  if (!LIST_MUTATORS.has(name) || target.type !== 'ArrayValue') return undefinedValue(`'${typeName(target)} object' has no attribute '${name}'`);
  if (profile.sandboxed) {
    return fn(() => {
      throw new Error(`access to attribute '${name}' of 'list' object is unsafe.`);
    });
  }
  return fn((a) => {
    switch (name) {
      case 'append': xs.push(a[0]); break;
      case 'extend': xs.push(...pyIter(a[0])); break;
      case 'insert': xs.splice(num(a[0]) < 0 ? Math.max(0, xs.length + num(a[0])) : num(a[0]), 0, a[1]); break;
      case 'pop': {
        if (xs.length === 0) throw new Error('pop from empty list');
        const i = a[0] ? (num(a[0]) + xs.length) % xs.length : xs.length - 1;
        return xs.splice(i, 1)[0];
      }
      case 'remove': {
        const i = xs.findIndex((x) => pyEq(x, a[0]));
        if (i < 0) throw new Error('list.remove(x): x not in list');
        xs.splice(i, 1);
        break;
      }
      case 'clear': xs.length = 0; break;
      case 'sort': xs.sort(pyCompare); break;
      case 'reverse': xs.reverse(); break;
    }
    return none();
  });
}

function dictMethod(target: Value, name: string): Value | undefined {
  const map = entries(target);
  switch (name) {
    case 'items': return fn(() => list([...map].map(([k, v]) => tuple([str(k), v]))));
    case 'keys': return fn(() => list([...map.keys()].map(str)));
    case 'values': return fn(() => list([...map.values()]));
    case 'get': return fn((a) => (isStr(a[0]) && map.has(a[0].value as string) ? map.get(a[0].value as string)! : (a[1] ?? none())));
    default: return undefined;
  }
}

/** obj.name: an attribute (a method) first, then an item. */
export function getattr(obj: Value, name: string, profile: Profile): Value {
  if (isUndefined(obj)) throw undefinedError(obj);
  if (isMapping(obj)) return dictMethod(obj, name) ?? entries(obj).get(name) ?? undefinedValue(`'dict object' has no attribute '${name}'`);
  if (obj.type === 'NamespaceValue') return entries(obj).get(name) ?? undefinedValue(`'Namespace object' has no attribute '${name}'`);
  if (isStr(obj)) {
    const method = STR_METHODS[name];
    if (method) {
      return fn((a, k) => {
        const result = method(obj.value as string, a, k);
        if (!isMarkup(obj)) return result;
        return isStr(result) ? markup(result.value as string) : isSeq(result) ? list(items(result).map((x) => markup(x.value as string))) : result;
      });
    }
  }
  if (isSeq(obj)) return listMethod(obj, name, profile);
  return undefinedValue(`'${typeName(obj)} object' has no attribute '${name}'`);
}

/** obj[key]: an item first, then (for a string key) an attribute. */
export function getitem(obj: Value, key: Value, profile: Profile): Value {
  if (isUndefined(obj)) throw undefinedError(obj);
  if (isMapping(obj) && isStr(key) && entries(obj).has(key.value as string)) return entries(obj).get(key.value as string)!;
  if ((isSeq(obj) || isStr(obj)) && (key.type === 'IntegerValue' || key.type === 'BooleanValue')) {
    const xs = isStr(obj) ? Array.from(obj.value as string) : items(obj);
    const i = num(key) < 0 ? xs.length + num(key) : num(key);
    if (i >= 0 && i < xs.length) return isStr(obj) ? like(obj, xs[i] as string) : (xs[i] as Value);
    return undefinedValue(`${typeName(obj)} object has no element ${num(key)}`);
  }
  if (isStr(key)) return getattr(obj, key.value as string, profile);
  return undefinedValue(`${typeName(obj)} object has no element ${pyRepr(key)}`);
}

/** Python's slice of a list, tuple or string. */
export function pySlice(obj: Value, start: Value, stop: Value, step: Value): Value {
  if (isUndefined(obj)) throw undefinedError(obj);
  if (!isSeq(obj) && !isStr(obj)) throw new Error(`'${typeName(obj)}' object is not subscriptable`);
  const xs: unknown[] = isStr(obj) ? Array.from(obj.value as string) : items(obj);
  const given = (v: Value) => !isUndefined(v) && v.type !== 'NullValue';
  const by = given(step) ? num(step) : 1;
  if (by === 0) throw new Error('slice step cannot be zero');
  const n = xs.length;
  const clamp = (v: Value, dflt: number, low: number, high: number) => {
    if (!given(v)) return dflt;
    const i = num(v) < 0 ? num(v) + n : num(v);
    return Math.min(Math.max(i, low), high);
  };
  const from = by > 0 ? clamp(start, 0, 0, n) : clamp(start, n - 1, -1, n - 1);
  const to = by > 0 ? clamp(stop, n, 0, n) : clamp(stop, -1, -1, n - 1);
  const picked: unknown[] = [];
  for (let i = from; by > 0 ? i < to : i > to; i += by) picked.push(xs[i]);
  if (isStr(obj)) return like(obj, picked.join(''));
  return obj.type === 'TupleValue' ? tuple(picked as Value[]) : list(picked as Value[]);
}

