// Python's view of registry values as clemcore's code tests them: truthiness (`if model_config.get(key)`) and
// str.strip().

/** Python's truthiness of a JSON value. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value as object).length > 0;
  return true;
}

/** Characters Python's str.strip() removes (str.isspace): JavaScript's trim differs on \x1c-\x1f and \ufeff. */
export const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

export function pythonStrip(text: string): string {
  return text.replace(STRIP, '');
}

const TRAILING = new RegExp(`[${PY_SPACE}]+$`);
const LAST_GAP = new RegExp(`[${PY_SPACE}]+(?=[^${PY_SPACE}]*$)`);

/** `text.rsplit(None, maxsplit=1)`: split at the last run of whitespace, trailing whitespace ignored. */
export function rsplitWhitespace(text: string): string[] {
  const t = text.replace(TRAILING, '');
  if (t === '') return [];
  const gap = LAST_GAP.exec(t);
  if (!gap || gap.index === 0) return [t.slice(gap ? gap[0].length : 0)];
  return [t.slice(0, gap.index), t.slice(gap.index + gap[0].length)];
}
