// Where Python 3.10's re.compile judges a pattern differently from 3.11 (clemcore supports both).
//
// The differences modelled, from the 3.11 "What's New" (re module):
//  1. Atomic groups (?>...) are new in 3.11; 3.10 reports "unknown extension ?>".
//  2. Possessive quantifiers *+ ++ ?+ {m,n}+ are new in 3.11; 3.10 reads the '+' as a second repeat: "multiple repeat".
//  3. Global inline flags not at the start, e.g. abc(?i): an error in 3.11, only a DeprecationWarning in 3.10
//     (where the flags then apply to the whole pattern, and a late (?x) re-parses everything as verbose).
import { parsePattern, parsePattern310 } from './parser';

export interface Py310Judgement {
  /** Whether Python 3.10 accepts the pattern. */
  valid310: boolean;
  /** What 3.10 says (its error message, or the warning it only emits). */
  message: string;
  /** UTF-16 span of the construct that is judged differently. */
  offset: number;
  length: number;
}

/** undefined when 3.10 and 3.11 agree (both valid, or both invalid with the same error). */
export function py310Judgement(pattern: string): Py310Judgement | undefined {
  const r11 = parsePattern(pattern);
  const r10 = parsePattern310(pattern);
  if (r11.ok && r10.ok) return undefined;
  if (!r11.ok && !r10.ok && r11.error.message === r10.error.message && r11.error.pos === r10.error.pos) return undefined;
  if (r10.ok) {
    const e = (r11 as Extract<typeof r11, { ok: false }>).error;
    const late = e.message === 'global flags not at the start of the expression';
    return {
      valid310: true,
      message: late
        ? 'Python 3.10 accepts this with a DeprecationWarning (flags not at the start of the expression) and applies the flags to the whole pattern'
        : `Python 3.10 accepts this pattern`,
      offset: e.offset,
      length: e.length,
    };
  }
  return {
    valid310: false,
    message: `${r10.error.message} (Python 3.10)`,
    offset: r10.error.offset,
    length: r10.error.length,
  };
}
