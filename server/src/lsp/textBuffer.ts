// An open document's text and line index. Unlike vscode-languageserver-textdocument, an incremental change does not
// rebuild the whole text: the line index is updated in place and the text is rebuilt only when someone reads it,
// so typing in a 2 MB registry costs microseconds here. `\r\n`, `\n` and a lone `\r` each end a line, as in LSP.
import type { Position, Range } from 'vscode-languageserver/node';

export interface ContentChange {
  range?: Range;
  text: string;
}

export interface OffsetEdit {
  offset: number;
  length: number;
  text: string;
}

/** Edits kept before the text is rebuilt anyway, so memory and character look-ups stay bounded. */
const MAX_PENDING = 500;
/** Line breaks in one change beyond which the whole index is rebuilt rather than spliced. */
const MAX_SPLICED_LINES = 10_000;

const CR = 13;
const LF = 10;

export class TextBuffer {
  private base: string;
  private pending: OffsetEdit[] = [];
  /**
   * Offset of the first character of each line; built on first use, so opening a file costs no scan, or taken from
   * a checker thread that built it from the same text (an Int32Array until the first edit).
   */
  private starts: number[] | Int32Array | undefined;
  private length: number;

  constructor(readonly uri: string, public version: number, text: string) {
    this.base = text;
    this.length = text.length;
  }

  getText(): string {
    if (this.pending.length) {
      let t = this.base;
      for (const e of this.pending) t = t.slice(0, e.offset) + e.text + t.slice(e.offset + e.length);
      this.base = t;
      this.pending = [];
    }
    return this.base;
  }

  get textLength(): number {
    return this.length;
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  /**
   * The position of an offset. An offset between the `\r` and `\n` of a line break is not a position in LSP; it
   * maps to the end of its line, as vscode-languageserver-textdocument does.
   */
  positionAt(offset: number): Position {
    const starts = this.lineStarts();
    let o = Math.max(0, Math.min(offset, this.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    // Only the last offset before a line start can follow a break character of the same line: the `\r` of a CRLF.
    if (o > starts[lo] && lo + 1 < starts.length && o === starts[lo + 1] - 1 && this.charCodeAt(o - 1) === CR) o--;
    return { line: lo, character: o - starts[lo] };
  }

  /** The offset of a position; a character past the end of its line means the end of the line, before its break. */
  offsetAt(position: Position): number {
    const starts = this.lineStarts();
    if (position.line >= starts.length) return this.length;
    if (position.line < 0) return 0;
    const start = starts[position.line];
    if (position.character <= 0) return start;
    if (position.line + 1 >= starts.length) return Math.min(start + position.character, this.length);
    const next = starts[position.line + 1];
    // The line's content ends where its break (`\n`, `\r` or `\r\n`) begins.
    const breakLength = next - start >= 2 && this.charCodeAt(next - 1) === LF && this.charCodeAt(next - 2) === CR ? 2 : 1;
    return Math.min(start + position.character, next - breakLength);
  }

  /**
   * Applies one change (a full replacement when it has no range) and returns it as an offset edit against the
   * text before it.
   */
  apply(change: ContentChange, version: number): OffsetEdit {
    this.version = version;
    if (!change.range) {
      const edit = { offset: 0, length: this.length, text: change.text };
      this.base = change.text;
      this.pending = [];
      this.length = change.text.length;
      this.starts = undefined;
      return edit;
    }
    // A range given end first is read the right way round, as vscode-languageserver-textdocument does.
    const a = this.offsetAt(change.range.start);
    const b = this.offsetAt(change.range.end);
    const offset = Math.min(a, b);
    const end = Math.max(a, b);
    const edit = { offset, length: end - offset, text: change.text };
    const starts = this.editableLineStarts();
    // Whether a line starts at p depends on the characters at p - 1 and p, so the line starts from `offset` to the
    // end of the inserted text are decided anew, from the inserted text and the one character on either side.
    const before = offset > 0 ? this.charCodeAt(offset - 1) : -1;
    const after = end < this.length ? this.charCodeAt(end) : -1;
    const added = lineStartsAround(before, change.text, after, offset);
    // Old line starts in [offset, end] each depended on a character that the edit removes or now borders.
    const first = firstAtLeast(starts, Math.max(offset, 1));
    const last = firstAtLeast(starts, end + 1);
    const delta = change.text.length - edit.length;
    this.length += delta;
    this.pending.push(edit);
    if (added.length > MAX_SPLICED_LINES || this.pending.length > MAX_PENDING) {
      // A large paste, or many edits since the text was last built: rebuilding is simpler than splicing.
      this.starts = lineStartsOf(this.getText());
      return edit;
    }
    starts.splice(first, last - first, ...added);
    for (let i = first + added.length; i < starts.length; i++) starts[i] += delta;
    return edit;
  }

  /**
   * Takes line starts built elsewhere from this same text (a checker thread scans the text it was sent), so that a
   * large file's index costs this thread nothing. Ignored when the index is already built.
   */
  adoptLineStarts(starts: Int32Array): void {
    if (this.starts === undefined && starts[0] === 0 && (starts.length === 1 || starts[starts.length - 1] <= this.length)) this.starts = starts;
  }

  private lineStarts(): ArrayLike<number> {
    this.starts ??= lineStartsOf(this.getText());
    return this.starts;
  }

  private editableLineStarts(): number[] {
    const starts = this.lineStarts();
    if (Array.isArray(starts)) return starts;
    const copy = Array.from(starts);
    this.starts = copy;
    return copy;
  }

  /** The character at `offset` of the current text, read through the pending edits without rebuilding the text. */
  private charCodeAt(offset: number): number {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const e = this.pending[i];
      if (offset < e.offset) continue;
      if (offset < e.offset + e.text.length) return e.text.charCodeAt(offset - e.offset);
      offset += e.length - e.text.length;
    }
    return this.base.charCodeAt(offset);
  }
}

/** The offsets where a line starts in `text`, beginning with 0. */
export function lineStartsOf(text: string): number[] {
  const out = [0];
  if (!text.includes('\r')) {
    // The usual file: the native search finds each `\n`, which a fresh process runs at full speed from the start.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
    return out;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) out.push(i + 1);
  }
  return out;
}

/**
 * The line starts p in [max(base, 1), base + text.length] once `text` stands at `base` between the characters
 * `before` and `after` (-1 at either end of the document).
 */
function lineStartsAround(before: number, text: string, after: number, base: number): number[] {
  const out: number[] = [];
  const charAt = (i: number) => (i < 0 ? before : i < text.length ? text.charCodeAt(i) : after);
  for (let i = base === 0 ? 1 : 0; i <= text.length; i++) {
    // p = base + i starts a line when the character before it ends one (a CR only when no LF follows).
    const previous = charAt(i - 1);
    if (previous === LF || (previous === CR && charAt(i) !== LF)) out.push(base + i);
  }
  return out;
}

/** The index of the first element of the sorted `xs` that is >= `value` (xs.length when none is). */
function firstAtLeast(xs: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
