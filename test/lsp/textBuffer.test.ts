// The server's text buffer follows incremental edits exactly: after every edit it equals a buffer built fresh from
// the same text, and maps offsets and positions as vscode-languageserver-textdocument does, with LF, CRLF and mixed
// line ends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TextBuffer } from '../../server/src/lsp/textBuffer';
import { seededRandom } from '../support/random';
import { randomEdit, realRegistry, withLineEnds } from './randomEdits';

/** Asserts that `buf` and a fresh buffer (and a fresh TextDocument) of `text` agree, on sampled offsets. */
function assertSameAsFresh(buf: TextBuffer, text: string, random: () => number, what: string): void {
  const fresh = new TextBuffer('file:///fresh.json', 1, text);
  const oracle = TextDocument.create('file:///fresh.json', 'json', 1, text);
  assert.equal(buf.textLength, text.length, `length ${what}`);
  assert.equal(buf.lineCount, fresh.lineCount, `line count ${what}`);
  assert.equal(fresh.lineCount, oracle.lineCount, `line count of a fresh buffer ${what}`);
  const samples = [0, text.length, ...Array.from({ length: 12 }, () => Math.floor(random() * (text.length + 1)))];
  // Offsets next to line breaks are where a stale index shows first.
  for (let i = 0; i < text.length && samples.length < 40; i++) if ((text[i] === '\r' || text[i] === '\n') && random() < 0.2) samples.push(i, i + 1);
  for (const o of samples) {
    const position = buf.positionAt(o);
    assert.deepEqual(position, fresh.positionAt(o), `positionAt(${o}) ${what}`);
    assert.deepEqual(position, oracle.positionAt(o), `positionAt(${o}) against TextDocument ${what}`);
    const past = { line: position.line, character: position.character + 3 };
    assert.equal(buf.offsetAt(position), oracle.offsetAt(position), `offsetAt(${JSON.stringify(position)}) ${what}`);
    assert.equal(buf.offsetAt(past), oracle.offsetAt(past), `offsetAt(${JSON.stringify(past)}) ${what}`);
  }
}

describe('incremental edits equal a fresh buffer', () => {
  const { name, text: registry } = realRegistry();
  for (const kind of ['lf', 'crlf', 'mixed'] as const) {
    it(`${kind} line ends: 800 random edits on ${name}`, () => {
      const random = seededRandom(kind.length * 7919 + 17);
      let text = withLineEnds(registry, kind, random);
      const buf = new TextBuffer('file:///m.json', 1, text);
      for (let step = 0; step < 800; step++) {
        const edit = randomEdit(text, random);
        const applied = buf.apply({ range: edit.range, text: edit.text }, step + 2);
        assert.equal(text.slice(0, applied.offset) + edit.text + text.slice(applied.offset + applied.length), edit.after, `the offset edit of step ${step}`);
        text = edit.after;
        const what = `after step ${step} (${JSON.stringify(edit.range)} ← ${JSON.stringify(edit.text)})`;
        // The text is read back only now and then: most steps check the index while edits are still pending.
        if (step % 50 === 49) assert.equal(buf.getText(), text, `text ${what}`);
        assertSameAsFresh(buf, text, random, what);
      }
      assert.equal(buf.getText(), text);
    });
  }
});

describe('line breaks that an edit joins or parts', () => {
  const cases: { name: string; text: string; range: [number, number, number, number]; insert: string; lines: number }[] = [
    { name: 'a \\r typed before a \\n makes one CRLF break', text: 'a\nb', range: [0, 1, 0, 1], insert: '\r', lines: 2 },
    { name: 'a \\n typed after a lone \\r makes one CRLF break', text: 'a\rb', range: [1, 0, 1, 0], insert: '\n', lines: 2 },
    { name: 'deleting what stood between a \\r and a \\n joins them', text: 'a\rx\nb', range: [1, 0, 1, 1], insert: '', lines: 2 },
    { name: 'text typed between a lone \\r and a \\n it now borders', text: 'a\r\nb', range: [0, 1, 1, 0], insert: '\rz\n', lines: 3 },
    { name: 'a \\r\\n typed after a lone \\r', text: 'a\r', range: [1, 0, 1, 0], insert: '\r\n', lines: 3 },
    { name: 'a \\n typed after a \\r at the end', text: 'a\r', range: [1, 0, 1, 0], insert: '\n', lines: 2 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const buf = new TextBuffer('file:///m.json', 1, c.text);
      const range = { start: { line: c.range[0], character: c.range[1] }, end: { line: c.range[2], character: c.range[3] } };
      buf.apply({ range, text: c.insert }, 2);
      const oracle = TextDocument.create('file:///m.json', 'json', 1, c.text);
      TextDocument.update(oracle, [{ range, text: c.insert }], 2);
      assert.equal(buf.getText(), oracle.getText());
      assert.equal(buf.lineCount, c.lines);
      assertSameAsFresh(buf, oracle.getText(), seededRandom(1), c.name);
    });
  }
});

it('reads a character past the end of a line as the end of the line, before its break', () => {
  const buf = new TextBuffer('file:///m.json', 1, 'ab\r\ncd\ref\ngh');
  assert.equal(buf.offsetAt({ line: 0, character: 9 }), 2);
  assert.equal(buf.offsetAt({ line: 1, character: 9 }), 6);
  assert.equal(buf.offsetAt({ line: 2, character: 9 }), 9);
  assert.equal(buf.offsetAt({ line: 3, character: 9 }), 12);
  // Between the \r and \n of a break is no position: it maps to the end of the line.
  assert.deepEqual(buf.positionAt(3), { line: 0, character: 2 });
});

it('takes a full replacement', () => {
  const buf = new TextBuffer('file:///m.json', 1, 'abc');
  buf.apply({ text: 'x\ny' }, 2);
  assert.equal(buf.getText(), 'x\ny');
  assert.deepEqual(buf.positionAt(3), { line: 1, character: 1 });
});
