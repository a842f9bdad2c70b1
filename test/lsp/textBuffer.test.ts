// The server's text buffer maps offsets and positions exactly as vscode-languageserver-textdocument does.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TextBuffer } from '../../server/src/lsp/textBuffer';
import { seededRandom } from '../support/random';


it('follows random incremental edits like TextDocument (LF and CRLF texts)', () => {
  for (const eol of ['\n', '\r\n']) {
    const random = seededRandom(eol.length * 7919);
    const start = ['[', '  {"model_name": "a",', '   "backend": "openai"}', ']'].join(eol);
    const doc = TextDocument.create('file:///m.json', 'json', 1, start);
    const buf = new TextBuffer('file:///m.json', 1, start);
    const pieces = ['x', eol, `"k":${eol}1`, '', `${eol}${eol}`, 'é🙂'];
    for (let step = 0; step < 400; step++) {
      const text = doc.getText();
      const a = Math.floor(random() * (text.length + 1));
      const b = Math.min(text.length, a + Math.floor(random() * 4));
      // Never split a CRLF pair: editors do not.
      if (text[a - 1] === '\r' && text[a] === '\n') continue;
      if (text[b - 1] === '\r' && text[b] === '\n') continue;
      const change = { range: { start: doc.positionAt(a), end: doc.positionAt(b) }, text: pieces[Math.floor(random() * pieces.length)] };
      const edit = buf.apply(change, step + 2);
      assert.deepEqual(edit, { offset: a, length: b - a, text: change.text });
      TextDocument.update(doc, [change], step + 2);
      assert.equal(buf.lineCount, doc.lineCount, `line count after step ${step}`);
      for (let k = 0; k < 5; k++) {
        const o = Math.floor(random() * (doc.getText().length + 1));
        // Between CR and LF TextDocument moves the position back before the CR; no finding ends there.
        if (doc.getText()[o - 1] === '\r') continue;
        assert.deepEqual(buf.positionAt(o), doc.positionAt(o), `positionAt(${o}) after step ${step}`);
        assert.equal(buf.offsetAt(doc.positionAt(o)), o);
      }
    }
    assert.equal(buf.getText(), doc.getText());
    assert.equal(buf.textLength, doc.getText().length);
  }
});

it('takes a full replacement', () => {
  const buf = new TextBuffer('file:///m.json', 1, 'abc');
  buf.apply({ text: 'x\ny' }, 2);
  assert.equal(buf.getText(), 'x\ny');
  assert.deepEqual(buf.positionAt(3), { line: 1, character: 1 });
});
