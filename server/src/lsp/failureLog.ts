// Logs failures of the server's own code once per kind, so a bug hit on every keystroke costs one line in the output
// channel (and a count of repeats at most once a minute), never a flood. Lines never quote document text.

/** How often a repeated failure may be mentioned again, with its count. */
const REPEAT_INTERVAL_MS = 60_000;
const MAX_MESSAGE = 160;
const MAX_FRAMES = 8;

interface Seen {
  repeats: number;
  lastLogged: number;
}

export class FailureLog {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly write: (line: string) => void, private readonly now: () => number = Date.now) {}

  /** Records that `what` (a plain description of the work, e.g. "answering a hover") failed with `err`. */
  report(what: string, err: unknown, subject?: string): void {
    const kind = `${what}\u0000${kindOf(err)}`;
    const seen = this.seen.get(kind);
    const now = this.now();
    const about = subject ? ` (${subject})` : '';
    if (!seen) {
      this.seen.set(kind, { repeats: 0, lastLogged: now });
      this.emit(err instanceof Notice ? err.line : `clem-registry: ${what} failed${about}: ${describeError(err)}`);
      return;
    }
    seen.repeats++;
    if (now - seen.lastLogged < REPEAT_INTERVAL_MS) return;
    const times = `${seen.repeats} time${seen.repeats === 1 ? '' : 's'}`;
    this.emit(err instanceof Notice ? `${err.line} (${times} more since it was last logged)` : `clem-registry: ${what} failed again${about}, ${times} since it was last logged.`);
    seen.repeats = 0;
    seen.lastLogged = now;
  }

  /** Logs `line` the first time an event of `kind` happens (not a thrown error: a dropped message, say). */
  notice(kind: string, line: string): void {
    this.report(kind, new Notice(line));
  }

  private emit(line: string): void {
    try {
      this.write(line);
    } catch {
      // the channel itself is gone; nothing left to tell
    }
  }
}

/** An event worth one log line that is not an error thrown by code. */
class Notice {
  constructor(readonly line: string) {}
}

/** What makes two failures the same kind: the error's class and where it was thrown. */
function kindOf(err: unknown): string {
  if (err instanceof Notice) return 'notice';
  if (!(err instanceof Error)) return typeof err;
  const frame = (err.stack ?? '').split('\n').find((l) => l.trimStart().startsWith('at ')) ?? '';
  return `${err.name}\u0000${frame.trim()}`;
}

/**
 * An error as a log line: its class, a cleaned message and the first stack frames. Messages can quote the document
 * (JSON.parse and RegExp errors do), so quoted text is kept only when it looks like a name in code (`'uri'`).
 */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const frames = (err.stack ?? '').split('\n').filter((l) => l.trimStart().startsWith('at ')).slice(0, MAX_FRAMES).join('\n');
    return `${err.name}: ${cleanMessage(err.message)}${frames ? `\n${frames}` : ''}`;
  }
  return typeof err === 'string' ? cleanMessage(err) : `a thrown ${typeof err}`;
}

const QUOTED = /'[^'\n]*'|"[^"\n]*"|`[^`\n]*`|\/[^/\n]+\//g;
const CODE_NAME = /^[A-Za-z_$][\w$.]{0,40}$/;

function cleanMessage(message: string): string {
  const cleaned = message.replace(QUOTED, (q) => (CODE_NAME.test(q.slice(1, -1)) ? q : `${q[0]}…${q[q.length - 1]}`));
  const firstLine = cleaned.split('\n')[0];
  return firstLine.length > MAX_MESSAGE ? `${firstLine.slice(0, MAX_MESSAGE)}…` : firstLine;
}
