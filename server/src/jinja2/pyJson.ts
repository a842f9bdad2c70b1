// Python's json.dumps over jinja2 values, for the two tojson filters (jinja2's and transformers').
import { hex } from './literals';
import { compareCodePoints, entries, items, reprFloat, reprInt, typeName, type Value } from './values';

interface JsonOptions {
  ensureAscii: boolean;
  indent: string | null;
  separators: [string, string];
  sortKeys: boolean;
}

/** json.dumps. */
export function pyJson(v: Value, o: JsonOptions, depth = 0): string {
  switch (v.type) {
    case 'StringValue':
      return jsonString(v.value as string, o.ensureAscii);
    case 'IntegerValue':
      return reprInt(v.value as number);
    case 'FloatValue': {
      const x = v.value as number;
      return Number.isNaN(x) ? 'NaN' : !Number.isFinite(x) ? (x > 0 ? 'Infinity' : '-Infinity') : reprFloat(x);
    }
    case 'BooleanValue':
      return v.value ? 'true' : 'false';
    case 'NullValue':
      return 'null';
    case 'ArrayValue':
    case 'TupleValue':
      return jsonContainer('[', ']', items(v).map((x) => pyJson(x, o, depth + 1)), o, depth);
    case 'ObjectValue':
    case 'KeywordArgumentsValue': {
      let pairs = [...entries(v)];
      if (o.sortKeys) pairs = pairs.sort(([a], [b]) => compareCodePoints(a, b));
      return jsonContainer('{', '}', pairs.map(([k, x]) => `${jsonString(k, o.ensureAscii)}${o.separators[1]}${pyJson(x, o, depth + 1)}`), o, depth);
    }
    default:
      throw new Error(`Object of type ${typeName(v)} is not JSON serializable`);
  }
}

function jsonContainer(open: string, close: string, parts: string[], o: JsonOptions, depth: number): string {
  if (parts.length === 0) return open + close;
  if (o.indent === null) return open + parts.join(o.separators[0]) + close;
  const inner = `\n${o.indent.repeat(depth + 1)}`;
  return `${open}${inner}${parts.join(o.separators[0] + inner)}\n${o.indent.repeat(depth)}${close}`;
}

function jsonString(s: string, ensureAscii: boolean): string {
  const named: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
  const escape = ensureAscii ? /[\\"]|[^ -~]/g : /[\x00-\x1f\\"]/g;
  return `"${s.replace(escape, (c) => named[c] ?? `\\u${hex(c.charCodeAt(0), 4)}`)}"`;
}

