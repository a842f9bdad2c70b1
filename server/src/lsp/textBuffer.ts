// An open document's text and line index. Unlike vscode-languageserver-textdocument, an incremental change does not
// rebuild the whole text: the line index is updated in place and the text is rebuilt only when someone reads it,
// so typing in a 2 MB registry costs microseconds here.
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

/** Edits kept before the text is rebuilt anyway, so memory stays bounded. */
const MAX_PENDING = 500;

export class TextBuffer {
  private base: string;
  private pending: OffsetEdit[] = [];
  /** Offset of the first character of each line. */
  private lineStarts: number[];
  private length: number;

  constructor(readonly uri: string, public version: number, text: string) {
    this.base = text;
    this.length = text.length;
    this.lineStarts = lineStartsOf(text, 0, [0]);
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
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo] };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.length;
    if (position.line < 0) return 0;
    const start = this.lineStarts[position.line];
    const next = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1] : this.length;
    return Math.max(start, Math.min(start + position.character, next));
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
      this.lineStarts = lineStartsOf(change.text, 0, [0]);
      return edit;
    }
    const offset = this.offsetAt(change.range.start);
    const end = Math.max(offset, this.offsetAt(change.range.end));
    const edit = { offset, length: end - offset, text: change.text };
    const startLine = this.positionAt(offset).line;
    const endLine = this.positionAt(end).line;
    const added = lineStartsOf(change.text, offset, []);
    const delta = change.text.length - edit.length;
    this.length += delta;
    this.pending.push(edit);
    if (added.length > 10_000 || this.pending.length > MAX_PENDING) {
      // A large paste: rebuilding is simpler than splicing, and keeps the pending list short.
      this.lineStarts = lineStartsOf(this.getText(), 0, [0]);
      return edit;
    }
    this.lineStarts.splice(startLine + 1, endLine - startLine, ...added);
    for (let i = startLine + 1 + added.length; i < this.lineStarts.length; i++) this.lineStarts[i] += delta;
    return edit;
  }
}

/** Appends to `out` the offsets (shifted by `base`) where a line starts after a line break in `text`. */
function lineStartsOf(text: string, base: number, out: number[]): number[] {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      out.push(base + i + 1);
    } else if (c === 10) {
      out.push(base + i + 1);
    }
  }
  return out;
}
