// Python's str methods and the string helpers of jinja2's filters (strip, split, replace, `%` formatting, ...).
import { ALL_SPACE, PY_SPACE } from './pySpace';
import { bool, dict, entries, int, isMapping, isNumber, isStr, items, list, num, pyIter, pyRepr, pyStr, reprString, str, tuple, typeName, type Value } from './values';

export function stripChars(s: string, chars: Value | undefined, left: boolean, right: boolean): string {
  const set = chars === undefined || chars.type === 'NullValue' ? null : new Set(Array.from(chars.value as string));
  const cps = Array.from(s);
  const strip = (c: string) => (set ? set.has(c) : ALL_SPACE.test(c));
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && strip(cps[a])) a++;
  if (right) while (b > a && strip(cps[b - 1])) b--;
  return cps.slice(a, b).join('');
}

const isCased = (c: string) => c.toLowerCase() !== c.toUpperCase();

function pyTitle(s: string): string {
  let previousCased = false;
  let out = '';
  for (const c of s) {
    out += previousCased ? c.toLowerCase() : c.toUpperCase();
    previousCased = isCased(c);
  }
  return out;
}

export function pyCapitalize(s: string): string {
  const [first = '', ...rest] = Array.from(s);
  return first.toUpperCase() + rest.join('').toLowerCase();
}

function pySplit(s: string, sep: Value | undefined, maxsplit: number): Value {
  if (sep === undefined || sep.type === 'NullValue') {
    const parts: string[] = [];
    let rest = s.replace(new RegExp(`^[${PY_SPACE}]+`), '');
    while (rest) {
      if (maxsplit >= 0 && parts.length === maxsplit) {
        parts.push(rest);
        break;
      }
      const m = new RegExp(`[${PY_SPACE}]+`).exec(rest);
      if (!m) {
        parts.push(rest);
        break;
      }
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return list(parts.map(str));
  }
  const separator = sep.value as string;
  if (separator === '') throw new Error('empty separator');
  const parts = s.split(separator);
  if (maxsplit >= 0 && parts.length > maxsplit + 1) parts.splice(maxsplit, parts.length, parts.slice(maxsplit).join(separator));
  return list(parts.map(str));
}

export function pyReplace(s: string, old: string, replacement: string, count: number): string {
  if (count < 0) count = Infinity;
  if (old === '') {
    const cps = Array.from(s);
    let out = '';
    let n = 0;
    for (let i = 0; i <= cps.length; i++) {
      if (n < count) {
        out += replacement;
        n++;
      }
      if (i < cps.length) out += cps[i];
    }
    return out;
  }
  let out = '';
  let from = 0;
  for (let n = 0; n < count; n++) {
    const at = s.indexOf(old, from);
    if (at < 0) break;
    out += s.slice(from, at) + replacement;
    from = at + old.length;
  }
  return out + s.slice(from);
}

/** Python's printf-style `format % args` (a tuple is the argument list, a dict the mapping, anything else one argument). */
export function pyPercent(format: string, args: Value): string {
  const positional = args.type === 'TupleValue' ? items(args) : [args];
  const mapping = isMapping(args) ? entries(args) : undefined;
  let next = 0;
  const take = () => {
    if (next >= positional.length) throw new Error('not enough arguments for format string');
    return positional[next++];
  };
  const out = format.replace(/%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.?)/g, (whole, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conv: string) => {
    if (conv === '%' && whole === '%%') return '%';
    const w = width === '*' ? num(take()) : width === undefined ? 0 : Number(width);
    const p = precision === '*' ? num(take()) : precision === undefined ? undefined : Number(precision);
    let v: Value;
    if (key !== undefined) {
      if (!mapping) throw new Error('format requires a mapping');
      if (!mapping.has(key)) throw new Error(`KeyError: ${reprString(key)}`);
      v = mapping.get(key)!;
    } else v = take();
    const numeric = () => {
      if (!isNumber(v)) throw new Error(`%${conv} format: a real number is required, not ${typeName(v)}`);
      return num(v);
    };
    let body: string;
    let isNum = true;
    switch (conv) {
      case 's': case 'r': case 'a':
        body = conv === 's' ? pyStr(v) : pyRepr(v);
        if (p !== undefined) body = Array.from(body).slice(0, p).join('');
        isNum = false;
        break;
      case 'd': case 'i': case 'u': body = String(Math.trunc(numeric())); break;
      case 'x': case 'X': case 'o': {
        const n = Math.trunc(numeric());
        body = Math.abs(n).toString(conv === 'o' ? 8 : 16);
        if (flags.includes('#')) body = (conv === 'o' ? '0o' : '0x') + body;
        if (conv === 'X') body = body.toUpperCase();
        if (n < 0) body = `-${body}`;
        break;
      }
      case 'f': case 'F': body = pyFixed(numeric(), p ?? 6); break;
      case 'e': case 'E': {
        const [m, e] = numeric().toExponential(p ?? 6).split('e');
        body = `${m}e${e[0]}${e.slice(1).padStart(2, '0')}`;
        if (conv === 'E') body = body.toUpperCase();
        break;
      }
      case 'c':
        body = isStr(v) ? (v.value as string) : String.fromCodePoint(numeric());
        isNum = false;
        break;
      default:
        throw new Error(`unsupported format character '${conv}'`);
    }
    if (isNum && !body.startsWith('-')) body = (flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + body;
    const length = Array.from(body).length;
    if (length >= w) return body;
    if (flags.includes('-')) return body + ' '.repeat(w - length);
    if (isNum && flags.includes('0')) {
      const sign = /^[-+ ]/.test(body) ? body[0] : '';
      return sign + '0'.repeat(w - length) + body.slice(sign.length);
    }
    return ' '.repeat(w - length) + body;
  });
  if (!mapping && next < positional.length) throw new Error('not all arguments converted during string formatting');
  return out;
}

/** `'%.{digits}f' % x`: toFixed rounds an exact tie away from zero, Python to even. */
export function pyFixed(x: number, digits: number): string {
  const fixed = x.toFixed(digits);
  if (!Number.isFinite(x) || digits > 70) return fixed;
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 30)); // a double's tie ends within these digits
  const tie = new RegExp(`^\\d+\\.\\d{${digits}}50*$`).exec(exact);
  if (!tie) return fixed;
  const truncated = (x < 0 ? '-' : '') + exact.slice(0, exact.indexOf('.') + (digits ? digits + 1 : 0));
  const lastDigit = Number(truncated.replace(/\D/g, '').slice(-1));
  return lastDigit % 2 === 0 ? truncated.replace(/\.$/, '') : fixed;
}

export function pySplitlines(s: string): string[] {
  const lines = s.split(/\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------------
// Attribute and item access (jinja2's sandboxed getattr/getitem), with Python's methods of str, dict and list

/** Methods of str. */
export const STR_METHODS: Record<string, (s: string, a: Value[], k: Map<string, Value>) => Value> = {
  strip: (s, a) => str(stripChars(s, a[0], true, true)),
  lstrip: (s, a) => str(stripChars(s, a[0], true, false)),
  rstrip: (s, a) => str(stripChars(s, a[0], false, true)),
  upper: (s) => str(s.toUpperCase()),
  lower: (s) => str(s.toLowerCase()),
  title: (s) => str(pyTitle(s)),
  capitalize: (s) => str(pyCapitalize(s)),
  swapcase: (s) => str(Array.from(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')),
  startswith: (s, a) => bool((a[0].type === 'StringValue' ? [a[0]] : items(a[0])).some((p) => s.startsWith(p.value as string))),
  endswith: (s, a) => bool((a[0].type === 'StringValue' ? [a[0]] : items(a[0])).some((p) => s.endsWith(p.value as string))),
  split: (s, a, k) => pySplit(s, a[0] ?? k.get('sep'), num(a[1] ?? k.get('maxsplit') ?? int(-1))),
  splitlines: (s) => list(pySplitlines(s).map(str)),
  replace: (s, a) => str(pyReplace(s, a[0].value as string, a[1].value as string, a[2] ? num(a[2]) : -1)),
  join: (s, a) => str(pyIter(a[0]).map((x) => {
    if (!isStr(x)) throw new Error(`sequence item: expected str instance, ${typeName(x)} found`);
    return x.value as string;
  }).join(s)),
  count: (s, a) => int(a[0].value === '' ? Array.from(s).length + 1 : s.split(a[0].value as string).length - 1),
  find: (s, a) => int(s.indexOf(a[0].value as string)),
  rfind: (s, a) => int(s.lastIndexOf(a[0].value as string)),
  removeprefix: (s, a) => str(s.startsWith(a[0].value as string) ? s.slice((a[0].value as string).length) : s),
  removesuffix: (s, a) => str(a[0].value !== '' && s.endsWith(a[0].value as string) ? s.slice(0, -(a[0].value as string).length) : s),
  isdigit: (s) => bool(/^\p{Nd}+$/u.test(s)),
  isalpha: (s) => bool(/^\p{L}+$/u.test(s)),
  isalnum: (s) => bool(/^[\p{L}\p{N}]+$/u.test(s)),
  isspace: (s) => bool(s !== '' && ALL_SPACE.test(s)),
  islower: (s) => bool(Array.from(s).some(isCased) && s === s.toLowerCase()),
  isupper: (s) => bool(Array.from(s).some(isCased) && s === s.toUpperCase()),
  center: (s, a) => str(pyCenter(s, num(a[0]), (a[1]?.value as string | undefined) ?? ' ')),
  zfill: (s, a) => str(s.padStart(num(a[0]), '0')),
};

export function pyCenter(s: string, width: number, fill: string): string {
  const length = Array.from(s).length;
  if (width <= length) return s;
  const total = width - length;
  const left = Math.floor(total / 2) + (total & width & 1);
  return fill.repeat(left) + s + fill.repeat(total - left);
}

