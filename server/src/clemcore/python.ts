// Python's view of registry values as clemcore's code tests them: truthiness (`if model_config.get(key)`), dicts and
// str.strip() (Python's whitespace, str.isspace(), from the jinja2 package: JavaScript's trim differs on \x1c-\x1f and
// \ufeff).
import { PY_SPACE, TRAILING_SPACE } from '../jinja2';

export { PY_SPACE };

/** Python's truthiness of a JSON value. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value as object).length > 0;
  return true;
}

/** A JSON object, as Python's json gives a dict. */
export function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

export function pythonStrip(text: string): string {
  return text.replace(STRIP, '');
}

const LAST_GAP = new RegExp(`[${PY_SPACE}]+(?=[^${PY_SPACE}]*$)`);

/** `text.rsplit(None, maxsplit=1)`: split at the last run of whitespace, trailing whitespace ignored. */
export function rsplitWhitespace(text: string): string[] {
  const t = text.replace(TRAILING_SPACE, '');
  if (t === '') return [];
  const gap = LAST_GAP.exec(t);
  if (!gap || gap.index === 0) return [t.slice(gap ? gap[0].length : 0)];
  return [t.slice(0, gap.index), t.slice(gap.index + gap[0].length)];
}
