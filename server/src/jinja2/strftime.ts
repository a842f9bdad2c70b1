// datetime.strftime, for the strftime_now helper of llama-cpp-python and transformers.

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** datetime.strftime on Linux (glibc's directives and flags, C locale), for a naive local time. */
export function pyStrftime(d: Date, format: string): string {
  const dayOfYear = Math.round((Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) - Date.UTC(d.getFullYear(), 0, 1)) / 86400000) + 1;
  const hour12 = d.getHours() % 12 || 12;
  const weekNumber = (mondayFirst: boolean) => {
    const weekday = mondayFirst ? (d.getDay() + 6) % 7 : d.getDay();
    return Math.floor((dayOfYear + 6 - weekday) / 7);
  };
  const numeric = (n: number, width: number, pad: string) => String(n).padStart(width, pad);
  const expand = (c: string, flag: string): string | undefined => {
    const pad = flag === '-' ? '' : flag === '_' ? ' ' : '0';
    const n = (value: number, width: number, defaultPad = '0') => (pad === '' ? String(value) : numeric(value, width, flag ? pad : defaultPad));
    switch (c) {
      case 'a': return DAYS[d.getDay()].slice(0, 3);
      case 'A': return DAYS[d.getDay()];
      case 'w': return String(d.getDay());
      case 'u': return String(d.getDay() || 7);
      case 'd': return n(d.getDate(), 2);
      case 'e': return n(d.getDate(), 2, ' ');
      case 'b': case 'h': return MONTHS[d.getMonth()].slice(0, 3);
      case 'B': return MONTHS[d.getMonth()];
      case 'm': return n(d.getMonth() + 1, 2);
      case 'y': return n(d.getFullYear() % 100, 2);
      case 'Y': return String(d.getFullYear());
      case 'C': return n(Math.floor(d.getFullYear() / 100), 2);
      case 'H': return n(d.getHours(), 2);
      case 'k': return n(d.getHours(), 2, ' ');
      case 'I': return n(hour12, 2);
      case 'l': return n(hour12, 2, ' ');
      case 'p': return d.getHours() < 12 ? 'AM' : 'PM';
      case 'P': return d.getHours() < 12 ? 'am' : 'pm';
      case 'M': return n(d.getMinutes(), 2);
      case 'S': return n(d.getSeconds(), 2);
      case 'f': return numeric(d.getMilliseconds() * 1000, 6, '0');
      case 'j': return n(dayOfYear, 3);
      case 'U': return n(weekNumber(false), 2);
      case 'W': return n(weekNumber(true), 2);
      case 's': return String(Math.floor(d.getTime() / 1000));
      case 'z': case 'Z': return '';
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      case 'c': return pyStrftime(d, '%a %b %e %H:%M:%S %Y');
      case 'x': case 'D': return pyStrftime(d, '%m/%d/%y');
      case 'X': case 'T': return pyStrftime(d, '%H:%M:%S');
      case 'F': return pyStrftime(d, '%Y-%m-%d');
      case 'R': return pyStrftime(d, '%H:%M');
      case 'r': return pyStrftime(d, '%I:%M:%S %p');
      default: return undefined;
    }
  };
  return format.replace(/%([-_0^#]?)([a-zA-Z%])/g, (whole, flag: string, c: string) => {
    const text = expand(c, flag);
    if (text === undefined) return whole;
    return flag === '^' ? text.toUpperCase() : text;
  });
}

