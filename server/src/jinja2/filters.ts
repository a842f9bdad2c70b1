// jinja2's built-in filters, with its semantics.
import { getattr, getitem } from './access';
import type { Jinja2Interpreter } from './interpreter';
import { pyCapitalize, pyCenter, pyFixed, pyPercent, pyReplace, pySplitlines, stripChars } from './pyStrings';
import { binary } from './testsOps';
import { bool, dict, entries, escaped, float, int, isMapping, isNumber, isStr, isUndefined, items, like, list, markup, num, pyCompare, pyEq, pyIter, pyLen, pyStr, str, truthy, tuple, typeName, undefinedError, undefinedValue, type Value } from './values';

type Filter = (value: Value, args: Value[], kwargs: Map<string, Value>, ctx: Jinja2Interpreter) => Value;

/** Every filter name jinja2 knows (an unknown one is a compile-time error there). */
export const FILTERS = new Set([
  'abs', 'attr', 'batch', 'capitalize', 'center', 'count', 'd', 'default', 'dictsort', 'e', 'escape', 'filesizeformat', 'first',
  'float', 'forceescape', 'format', 'groupby', 'indent', 'int', 'items', 'join', 'last', 'length', 'list', 'lower', 'map', 'max',
  'min', 'pprint', 'random', 'reject', 'rejectattr', 'replace', 'reverse', 'round', 'safe', 'select', 'selectattr', 'slice',
  'sort', 'string', 'striptags', 'sum', 'title', 'tojson', 'trim', 'truncate', 'unique', 'upper', 'urlencode', 'urlize',
  'wordcount', 'wordwrap', 'xmlattr',
]);

/** Argument `i` given positionally or by `name`, else `dflt`. */
export function arg(args: Value[], kwargs: Map<string, Value>, i: number, name: string): Value | undefined {
  return args[i] ?? kwargs.get(name);
}

/** jinja2's make_attrgetter: dotted paths, integer parts as indexes. */
function attrGetter(attribute: Value | undefined, ctx: Jinja2Interpreter, lower = false): (v: Value) => Value {
  const parts = attribute === undefined || attribute.type === 'NullValue' ? [] : pyStr(attribute).split('.');
  return (v) => {
    let x = v;
    for (const p of parts) x = getitem(x, /^\d+$/.test(p) ? int(Number(p)) : str(p), ctx.profile);
    return lower && isStr(x) ? str((x.value as string).toLowerCase()) : x;
  };
}

export function pyInt(v: Value, dflt: Value): Value {
  if (v.type === 'IntegerValue') return v;
  if (v.type === 'BooleanValue' || v.type === 'FloatValue') return int(Math.trunc(num(v)));
  if (isStr(v)) {
    const t = (v.value as string).trim().replace(/_/g, '');
    if (/^[+-]?\d+$/.test(t)) return int(Number(t));
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return int(Math.trunc(Number(t)));
  }
  return dflt;
}

function pyFloat(v: Value, dflt: Value): Value {
  if (isNumber(v)) return float(num(v));
  if (isStr(v)) {
    const t = (v.value as string).trim().replace(/_/g, '').toLowerCase();
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return float(Number(t));
    if (/^[+-]?(inf|infinity|nan)$/.test(t)) return float(t.includes('nan') ? NaN : t.startsWith('-') ? -Infinity : Infinity);
  }
  return dflt;
}

/** Python's round(x, digits): correctly rounded, half to even. */
function pyRound(x: number, digits: number): number {
  if (digits < 0) {
    const factor = 10 ** -digits;
    return Number(pyFixed(x / factor, 0)) * factor;
  }
  return Number(pyFixed(x, digits));
}

function sortKey(ctx: Jinja2Interpreter, attribute: Value | undefined, caseSensitive: boolean) {
  return attrGetter(attribute, ctx, !caseSensitive);
}

/** The value, unless it is Undefined (whose use raises). */
function defined(v: Value): Value {
  if (isUndefined(v)) throw undefinedError(v);
  return v;
}

function numeric(v: Value): number {
  if (!isNumber(defined(v))) throw new Error(`bad operand type: '${typeName(v)}'`);
  return num(v);
}

export const FILTER_IMPLS: Record<string, Filter> = {
  abs: (v) => (v.type === 'FloatValue' ? float(Math.abs(numeric(v))) : int(Math.abs(numeric(v)))),
  attr: (v, a, _k, ctx) => getattr(v, pyStr(a[0]), ctx.profile),
  batch: (v, a, k) => {
    const size = num(arg(a, k, 0, 'linecount') ?? int(1));
    const fill = arg(a, k, 1, 'fill_with');
    const rows: Value[][] = [];
    for (const x of pyIter(v)) {
      if (!rows.length || rows[rows.length - 1].length === size) rows.push([]);
      rows[rows.length - 1].push(x);
    }
    if (fill && fill.type !== 'NullValue' && rows.length) while (rows[rows.length - 1].length < size) rows[rows.length - 1].push(fill);
    return list(rows.map(list));
  },
  capitalize: (v) => like(v, pyCapitalize(pyStr(v))),
  center: (v, a, k) => like(v, pyCenter(pyStr(v), num(arg(a, k, 0, 'width') ?? int(80)), ' ')),
  count: (v) => int(pyLen(v)),
  length: (v) => int(pyLen(v)),
  default: (v, a, k) => {
    const dflt = arg(a, k, 0, 'default_value') ?? str('');
    const boolean = arg(a, k, 1, 'boolean');
    return isUndefined(v) || (boolean && truthy(boolean) && !truthy(v)) ? dflt : v;
  },
  dictsort: (v, a, k, ctx) => {
    const caseSensitive = truthy(arg(a, k, 0, 'case_sensitive') ?? bool(false));
    const by = pyStr(arg(a, k, 1, 'by') ?? str('key'));
    const reverse = truthy(arg(a, k, 2, 'reverse') ?? bool(false));
    const pos = by === 'key' ? 0 : 1;
    const key = sortKey(ctx, undefined, caseSensitive);
    if (!isMapping(defined(v))) throw new Error('You can only sort by either "key" or "value"');
    const pairs = [...entries(v)].map(([x, y]) => tuple([str(x), y]));
    pairs.sort((p, q) => pyCompare(key(items(p)[pos]), key(items(q)[pos])) * (reverse ? -1 : 1));
    return list(pairs);
  },
  escape: (v) => markup(escaped(v)),
  format: (v, a, k) => {
    if (a.length && k.size) throw new Error("can't handle positional and keyword arguments at the same time");
    return like(v, pyPercent(pyStr(v), k.size ? dict(k) : tuple(a)));
  },
  first: (v) => pyIter(v)[0] ?? undefinedValue('No first item, sequence was empty.'),
  last: (v) => pyIter(v).at(-1) ?? undefinedValue('No last item, sequence was empty.'),
  float: (v, a, k) => pyFloat(defined(v), arg(a, k, 0, 'default') ?? float(0)),
  int: (v, a, k) => pyInt(defined(v), arg(a, k, 0, 'default') ?? int(0)),
  indent: (v, a, k) => {
    const width = arg(a, k, 0, 'width') ?? int(4);
    const first = truthy(arg(a, k, 1, 'first') ?? bool(false));
    const blank = truthy(arg(a, k, 2, 'blank') ?? bool(false));
    const indention = isStr(width) ? (width.value as string) : ' '.repeat(num(width));
    const lines = pySplitlines(`${pyStr(defined(v))}\n`);
    let rv: string;
    if (blank) rv = lines.join(`\n${indention}`);
    else {
      rv = lines.shift() ?? '';
      if (lines.length) rv += `\n${lines.map((line) => (line ? indention + line : line)).join('\n')}`;
    }
    return like(v, first ? indention + rv : rv);
  },
  items: (v) => {
    if (isUndefined(v)) return list([]);
    if (!isMapping(v)) throw new Error('Can only get item pairs from a mapping.');
    return list([...entries(v)].map(([x, y]) => tuple([str(x), y])));
  },
  join: (v, a, k, ctx) => {
    const get = attrGetter(arg(a, k, 1, 'attribute'), ctx);
    return str(pyIter(v).map((x) => pyStr(get(x))).join(pyStr(arg(a, k, 0, 'd') ?? str(''))));
  },
  list: (v) => list(pyIter(v)),
  lower: (v) => like(v, pyStr(v).toLowerCase()),
  upper: (v) => like(v, pyStr(v).toUpperCase()),
  map: (v, a, k, ctx) => {
    const xs = pyIter(v);
    if (a.length === 0 && k.has('attribute')) {
      const get = attrGetter(k.get('attribute'), ctx);
      const dflt = k.get('default');
      return list(xs.map((x) => {
        const y = get(x);
        return isUndefined(y) && dflt !== undefined ? dflt : y;
      }));
    }
    const name = pyStr(a[0]);
    return list(xs.map((x) => ctx.runFilter(name, x, a.slice(1), k)));
  },
  max: (v, a, k, ctx) => pickExtreme(v, a, k, ctx, 1),
  min: (v, a, k, ctx) => pickExtreme(v, a, k, ctx, -1),
  reject: (v, a, _k, ctx) => list(pyIter(v).filter((x) => !ctx.runTest(pyStr(a[0] ?? str('')), x, a.slice(1), a.length === 0))),
  select: (v, a, _k, ctx) => list(pyIter(v).filter((x) => ctx.runTest(pyStr(a[0] ?? str('')), x, a.slice(1), a.length === 0))),
  rejectattr: (v, a, _k, ctx) => list(pyIter(v).filter((x) => !ctx.runTest(pyStr(a[1] ?? str('')), attrGetter(a[0], ctx)(x), a.slice(2), a.length < 2))),
  selectattr: (v, a, _k, ctx) => list(pyIter(v).filter((x) => ctx.runTest(pyStr(a[1] ?? str('')), attrGetter(a[0], ctx)(x), a.slice(2), a.length < 2))),
  replace: (v, a, k) => str(pyReplace(pyStr(v), pyStr(a[0]), pyStr(a[1]), num(arg(a, k, 2, 'count') ?? int(-1)))),
  reverse: (v) => (isStr(v) ? str(Array.from(v.value as string).reverse().join('')) : list([...pyIter(v)].reverse())),
  round: (v, a, k) => {
    const precision = num(arg(a, k, 0, 'precision') ?? int(0));
    const method = pyStr(arg(a, k, 1, 'method') ?? str('common'));
    const factor = 10 ** precision;
    const x = numeric(v);
    if (method === 'ceil') return float(Math.ceil(x * factor) / factor);
    if (method === 'floor') return float(Math.floor(x * factor) / factor);
    return float(pyRound(x, precision));
  },
  safe: (v) => markup(pyStr(v)),
  slice: (v, a, k) => {
    const xs = pyIter(v);
    const count = num(arg(a, k, 0, 'slices') ?? int(1));
    const fill = arg(a, k, 1, 'fill_with');
    const per = Math.floor(xs.length / count);
    const extra = xs.length % count;
    const out: Value[] = [];
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const size = per + (i < extra ? 1 : 0);
      const part = xs.slice(offset, offset + size);
      offset += size;
      if (fill && fill.type !== 'NullValue' && i >= extra) part.push(fill);
      out.push(list(part));
    }
    return list(out);
  },
  sort: (v, a, k, ctx) => {
    const reverse = truthy(arg(a, k, 0, 'reverse') ?? bool(false));
    const key = sortKey(ctx, arg(a, k, 2, 'attribute'), truthy(arg(a, k, 1, 'case_sensitive') ?? bool(false)));
    return list([...pyIter(v)].sort((x, y) => pyCompare(key(x), key(y)) * (reverse ? -1 : 1)));
  },
  string: (v) => like(v, pyStr(v)),
  sum: (v, a, k, ctx) => {
    const get = attrGetter(arg(a, k, 0, 'attribute'), ctx);
    return pyIter(v).reduce((acc, x) => binary('+', acc, get(x)), arg(a, k, 1, 'start') ?? int(0));
  },
  title: (v) => str(pyStr(v).split(/([-\s({[<]+)/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('')),
  tojson: (v, a, k, ctx) => ctx.tojson(v, a, k),
  trim: (v, a, k) => like(v, stripChars(pyStr(v), arg(a, k, 0, 'chars'), true, true)),
  truncate: (v, a, k) => {
    const s = Array.from(pyStr(v));
    const length = num(arg(a, k, 0, 'length') ?? int(255));
    const end = pyStr(arg(a, k, 2, 'end') ?? str('...'));
    const leeway = num(arg(a, k, 3, 'leeway') ?? int(5));
    if (s.length <= length + leeway) return str(s.join(''));
    const head = s.slice(0, Math.max(0, length - Array.from(end).length)).join('');
    if (truthy(arg(a, k, 1, 'killwords') ?? bool(false))) return str(head + end);
    const space = head.lastIndexOf(' ');
    return str((space < 0 ? head : head.slice(0, space)) + end);
  },
  unique: (v, a, k, ctx) => {
    const key = sortKey(ctx, arg(a, k, 1, 'attribute'), truthy(arg(a, k, 0, 'case_sensitive') ?? bool(false)));
    const seen: Value[] = [];
    const out: Value[] = [];
    for (const x of pyIter(v)) {
      const kx = key(x);
      if (!seen.some((s) => pyEq(s, kx))) {
        seen.push(kx);
        out.push(x);
      }
    }
    return list(out);
  },
  wordcount: (v) => int((pyStr(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length),
};
FILTER_IMPLS.d = FILTER_IMPLS.default;
FILTER_IMPLS.e = FILTER_IMPLS.escape;
FILTER_IMPLS.forceescape = FILTER_IMPLS.escape;

function pickExtreme(v: Value, a: Value[], k: Map<string, Value>, ctx: Jinja2Interpreter, sign: number): Value {
  const key = sortKey(ctx, arg(a, k, 1, 'attribute'), truthy(arg(a, k, 0, 'case_sensitive') ?? bool(false)));
  const xs = pyIter(v);
  if (xs.length === 0) return undefinedValue('No aggregated item, sequence was empty.');
  return xs.reduce((best, x) => (pyCompare(key(x), key(best)) * sign > 0 ? x : best));
}

