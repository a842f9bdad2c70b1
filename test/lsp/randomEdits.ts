// Seeded random edits as an editor sends them (LSP ranges), aimed at line breaks: typed `\r`, `\n` and `\r\n` at and
// around existing breaks, deletions that join or part a `\r` and a `\n`, replacements spanning breaks, and plain
// typing. The expected result comes from vscode-languageserver-textdocument on a fresh copy of the text, so it does
// not depend on the buffer under test.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-protocol';
import { REPO } from './lspClient';

export interface RandomEdit {
  range: Range;
  text: string;
  /** The text after the edit. */
  after: string;
}

const PIECES = ['\r', '\n', '\r\n', '\n\r', '\r\r\n', 'x', '', ' ', '"k": 1,', '\r\n    "x": 2,', '}', '{', '"', 'é🙂', '\n\n'];
const BREAK = /\r\n|\r|\n/g;

/** Offsets next to line-break characters: where a change can join or part a CR and an LF. */
function breakOffsets(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(BREAK)) out.push(m.index!, m.index! + m[0].length);
  for (let i = 0; i < text.length; i++) if (text[i] === '\r' || text[i] === '\n') out.push(i, i + 1);
  return out;
}

/** One random edit of `text`. */
export function randomEdit(text: string, random: () => number): RandomEdit {
  const doc = TextDocument.create('file:///oracle.json', 'json', 1, text);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const near = breakOffsets(text);
  const anchor = near.length && random() < 0.7 ? pick(near) + pick([-1, 0, 0, 1]) : Math.floor(random() * (text.length + 1));
  const start = Math.max(0, Math.min(text.length, anchor));
  const span = random() < 0.5 ? 0 : Math.floor(random() * (random() < 0.8 ? 4 : 40));
  const end = Math.min(text.length, start + span);
  let range = { start: doc.positionAt(start), end: doc.positionAt(end) };
  // Now and then a position past the end of its line, which LSP reads as the end of the line.
  if (random() < 0.1) range = { start: range.start, end: { line: range.end.line, character: range.end.character + 1 + Math.floor(random() * 3) } };
  const inserted = random() < 0.15 ? pick(PIECES) + pick(PIECES) : pick(PIECES);
  TextDocument.update(doc, [{ range, text: inserted }], 2);
  return { range, text: inserted, after: doc.getText() };
}

/** `text` with its line breaks as LF, CRLF, or a seeded mix of LF, CRLF and lone CR. */
export function withLineEnds(text: string, kind: 'lf' | 'crlf' | 'mixed', random: () => number): string {
  const lf = text.replace(BREAK, '\n');
  if (kind === 'lf') return lf;
  if (kind === 'crlf') return lf.replace(/\n/g, '\r\n');
  return lf.replace(/\n/g, () => ['\n', '\r\n', '\r'][Math.floor(random() * 3)]);
}

/** A real registry: clemcore's 2026 one when ../shared/corpus is present, else the example of this repository. */
export function realRegistry(): { name: string; text: string } {
  const corpus = path.resolve(REPO, '..', 'shared', 'corpus', 'clemcore-2026-04-15-ef82bb43.json');
  const file = existsSync(corpus) ? corpus : path.join(REPO, 'examples', 'model_registry.json');
  return { name: path.basename(file), text: readFileSync(file, 'utf8') };
}
