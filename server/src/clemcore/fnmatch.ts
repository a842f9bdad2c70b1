// Python's fnmatch, as llama-cpp-python matches a GGUF `filename` glob against a repository's file paths:
// `fnmatch.translate` ported to build the same Python regex, judged by pyre's matcher with Python's semantics.
// Case-sensitive (os.path.normcase is the identity on POSIX); `*` and `?` also match `/`.
import { fullMatch, parsePattern, type Pattern } from '../pyre';

const STAR = Symbol('star');
const REGEX_SPECIAL = /[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/;

/** Python's re.escape for one character. */
function escape(c: string): string {
  return REGEX_SPECIAL.test(c) ? `\\${c}` : c;
}

/** fnmatch.translate of Python 3.11. */
export function translate(pat: string): string {
  const res: (string | typeof STAR)[] = [];
  let i = 0;
  const n = pat.length;
  while (i < n) {
    const c = pat[i++];
    if (c === '*') {
      if (!res.length || res[res.length - 1] !== STAR) res.push(STAR);
    } else if (c === '?') {
      res.push('.');
    } else if (c === '[') {
      let j = i;
      if (j < n && pat[j] === '!') j++;
      if (j < n && pat[j] === ']') j++;
      while (j < n && pat[j] !== ']') j++;
      if (j >= n) {
        res.push('\\[');
      } else {
        let stuff = pat.slice(i, j);
        if (!stuff.includes('-')) {
          stuff = stuff.replace(/\\/g, '\\\\');
        } else {
          const chunks: string[] = [];
          let k = pat[i] === '!' ? i + 2 : i + 1;
          for (;;) {
            k = pat.indexOf('-', k);
            if (k < 0 || k >= j) break;
            chunks.push(pat.slice(i, k));
            i = k + 1;
            k = k + 3;
          }
          const chunk = pat.slice(i, j);
          if (chunk) chunks.push(chunk);
          else chunks[chunks.length - 1] += '-';
          // Remove empty ranges, which are invalid in a regex.
          for (let m = chunks.length - 1; m > 0; m--) {
            if (chunks[m - 1][chunks[m - 1].length - 1] > chunks[m][0]) {
              chunks[m - 1] = chunks[m - 1].slice(0, -1) + chunks[m].slice(1);
              chunks.splice(m, 1);
            }
          }
          stuff = chunks.map((s) => s.replace(/\\/g, '\\\\').replace(/-/g, '\\-')).join('-');
        }
        stuff = stuff.replace(/([&~|])/g, '\\$1');
        i = j + 1;
        if (!stuff) res.push('(?!)');
        else if (stuff === '!') res.push('.');
        else {
          if (stuff[0] === '!') stuff = `^${stuff.slice(1)}`;
          else if (stuff[0] === '^' || stuff[0] === '[') stuff = `\\${stuff}`;
          res.push(`[${stuff}]`);
        }
      }
    } else {
      res.push(escape(c));
    }
  }
  // STAR fixed STAR fixed ...: a minimal match of each fixed piece, without backtracking (atomic groups).
  const out: string[] = [];
  let k = 0;
  while (k < res.length && res[k] !== STAR) out.push(res[k++] as string);
  while (k < res.length) {
    k++; // the STAR
    if (k === res.length) {
      out.push('.*');
      break;
    }
    let fixed = '';
    while (k < res.length && res[k] !== STAR) fixed += res[k++] as string;
    if (k === res.length) out.push('.*', fixed);
    else out.push(`(?>.*?${fixed})`);
  }
  return `(?s:${out.join('')})\\Z`;
}

const compiled = new Map<string, Pattern>();

/** fnmatch.fnmatch on POSIX: the whole name matches the shell pattern, case-sensitively. */
export function fnmatch(name: string, pattern: string): boolean {
  let ast = compiled.get(pattern);
  if (!ast) {
    const parsed = parsePattern(translate(pattern));
    if (!parsed.ok) return false;
    ast = parsed.ast;
    compiled.set(pattern, ast);
  }
  // re.match anchors at the start; the pattern ends in \Z, so a match covers the whole name.
  return fullMatch(ast, name) === true;
}
