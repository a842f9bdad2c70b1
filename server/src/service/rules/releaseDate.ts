// `release_date` (x-clem-kind "date"): a real calendar date written YYYY-MM-DD. Common other spellings get the ISO
// form as a quick-fix replacement when it is unambiguous (DD-MM-YY is read day-month-year, the registry's old habit).
import { stringValue } from '../jsonText';
import type { ValueCheck } from './valueKinds';

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6, jul: 7, july: 7,
  aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function valid(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

interface Reading {
  /** The ISO date, when one reading is clear. */
  date?: string;
  /** Why the value is wrong, as a sentence. */
  why: string;
  /** Extra note on how the value was read. */
  note?: string;
}

/** Whether `raw` is exactly a real date written YYYY-MM-DD (year 1000 on), read without regexes or allocations. */
function isRealIsoDate(raw: string): boolean {
  if (raw.length !== 10 || raw.charCodeAt(4) !== 45 || raw.charCodeAt(7) !== 45) return false;
  const y = digits(raw, 0, 4);
  const m = digits(raw, 5, 7);
  const d = digits(raw, 8, 10);
  if (y < 1000 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[m - 1]);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number the ASCII digits in [from, to) spell, or -1 when one is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Explains a value that is not YYYY-MM-DD and proposes the ISO form when unambiguous. */
export function readDate(raw: string): Reading | undefined {
  if (isRealIsoDate(raw)) return undefined; // the common case, as the first branch below would judge it
  const v = raw.trim();
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v))) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (v !== raw) return { date: v, why: 'it has spaces around the date' };
    if (valid(y, mo, d)) return undefined;
    if (mo < 1 || mo > 12) {
      if (d >= 1 && d <= 12 && mo <= 31 && valid(y, d, mo)) return { why: `there is no month ${mo}`, note: `If you meant ${iso(y, d, mo)}, the day and month are swapped.`, date: undefined };
      return { why: `there is no month ${mo}` };
    }
    return { why: `${MONTH_NAMES[mo - 1]} ${y} has ${daysIn(y, mo)} days, so day ${d} does not exist` };
  }
  const check = (y: number, mo: number, d: number, note?: string): Reading => {
    if (!valid(y, mo, d)) return { why: 'it is not written YYYY-MM-DD and is not a real date either' };
    return { date: iso(y, mo, d), why: 'it is not written YYYY-MM-DD', note };
  };
  // Year first: 2024-8-6, 2024/08/06, 2024.08.06, 2024_08_06, 20240806, with an optional time part.
  if ((m = /^(\d{4})[-/._ ](\d{1,2})[-/._ ](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(v))) {
    return check(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  if ((m = /^(\d{4})(\d{2})(\d{2})$/.exec(v))) return check(Number(m[1]), Number(m[2]), Number(m[3]));
  // Year last: DD-MM-YY (the registry's old habit), DD.MM.YYYY, DD/MM/YYYY or MM/DD/YYYY.
  if ((m = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})$/.exec(v))) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const y = m[4].length === 2 ? 2000 + Number(m[4]) : Number(m[4]);
    const sep = m[2];
    const yearNote = m[4].length === 2 ? ` and the two-digit year as 20${m[4]}` : '';
    if (a > 12 && b <= 12) return check(y, b, a, `Read as day-month-year${yearNote}.`);
    if (b > 12 && a <= 12) return check(y, a, b, `Read as month-day-year${yearNote}.`);
    if (a > 12 && b > 12) return { why: 'it is not written YYYY-MM-DD and is not a real date either' };
    if (sep === '/') {
      return { why: 'it is not written YYYY-MM-DD', note: `It is ambiguous: ${iso(y, b, a)} (day/month) or ${iso(y, a, b)} (month/day). Write the date you mean as YYYY-MM-DD.` };
    }
    const habit = sep === '-' ? 'as the registry used to write dates (DD-MM-YY)' : 'as dotted dates usually are';
    return check(y, b, a, `Read as day-month-year${yearNote}, ${habit}; check that this is the date you mean.`);
  }
  // Month names: "August 6, 2024", "6 Aug 2024", "Aug 2024".
  if ((m = /^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(v)) && MONTHS[m[1].toLowerCase()]) {
    return check(Number(m[3]), MONTHS[m[1].toLowerCase()], Number(m[2]));
  }
  if ((m = /^(\d{1,2})(?:st|nd|rd|th)?\.?\s+([A-Za-z]+)\.?,?\s+(\d{4})$/.exec(v)) && MONTHS[m[2].toLowerCase()]) {
    return check(Number(m[3]), MONTHS[m[2].toLowerCase()], Number(m[1]));
  }
  if ((m = /^(\d{4})[-/.](\d{1,2})$/.exec(v)) || (m = /^(\d{4})$/.exec(v))) {
    return { why: 'it is not a full date', note: 'If only the month or year is known, use its first day (e.g. YYYY-MM-01) and say so in a comment elsewhere.' };
  }
  if (v === '') return { why: 'it is empty' };
  return { why: 'it is not a date in the form YYYY-MM-DD' };
}

export const checkReleaseDate: ValueCheck = (ctx, node, path) => {
  if (node.type !== 'string') return; // other types: the type rule
  const key = String(path[path.length - 1] ?? 'release_date');
  const value = stringValue(ctx.text, node);
  const reading = readDate(value);
  if (!reading) return;
  const fix = reading.date ? ` Write "${reading.date}".` : ' Write the date as YYYY-MM-DD, e.g. "2024-08-06".';
  const message = `\`${key}\` "${value}" is not a valid ISO date: ${reading.why}.${reading.note ? ` ${reading.note}` : ''}${fix}`;
  ctx.report('release-date', node, path, message, reading.date ? { data: { replacement: JSON.stringify(reading.date) } } : {});
};
