// Every quick fix offered on the real registries, applied alone, keeps the file parseable, keeps its entries in order,
// and changes only the text the fix names. Skipped when ../shared/corpus is absent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RegistryDocument, fixAll, quickFixes, type FixEdit } from '../../server/src/service';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
const FILES = ['clemcore-2025-12-16-8bd08307.json', 'clemcore-2026-04-15-ef82bb43.json'].map((f) => path.join(CORPUS, f));
const skip = FILES.every((f) => fs.existsSync(f)) ? false : 'no ../shared/corpus on this machine';

function apply(text: string, edits: FixEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

/** The text outside the edited spans must be the same, byte for byte. */
function untouchedElsewhere(before: string, after: string, edits: FixEdit[]): boolean {
  let b = 0;
  let a = 0;
  for (const e of [...edits].sort((x, y) => x.offset - y.offset)) {
    const keep = before.slice(b, e.offset);
    if (after.slice(a, a + keep.length) !== keep) return false;
    a += keep.length + e.newText.length;
    b = e.offset + e.length;
  }
  return after.slice(a) === before.slice(b);
}

describe('quick fixes on the real registries', { skip }, () => {
  for (const file of FILES) {
    it(path.basename(file), () => {
      const text = fs.readFileSync(file, 'utf8');
      const names = (JSON.parse(text) as { model_name: string }[]).map((e) => e.model_name);
      for (const version of ['3.3', '3.7']) {
        const doc = new RegistryDocument(text, { clemcoreVersion: version });
        let offered = 0;
        for (const d of doc.diagnostics()) {
          for (const fix of quickFixes(doc, d)) {
            offered++;
            const after = apply(text, fix.edits);
            const parsed = JSON.parse(after) as { model_name: string }[];
            const removesEntry = /Remove this entry/.test(fix.title);
            if (!removesEntry) assert.equal(parsed.length, names.length, `${fix.title} keeps every entry`);
            if (!removesEntry && !/^Rename to/.test(fix.title)) assert.deepEqual(parsed.map((e) => e.model_name), names, `${fix.title} keeps names and order`);
            assert.ok(untouchedElsewhere(text, after, fix.edits), `${fix.title} changes only its spans`);
          }
        }
        const all = fixAll(doc, doc.diagnostics());
        const after = apply(text, all);
        assert.deepEqual((JSON.parse(after) as { model_name: string }[]).map((e) => e.model_name), names);
        console.log(`${path.basename(file)} @${version}: ${offered} fixes offered, each applied alone; fix-all: ${all.length} edits`);
      }
    });
  }
});
