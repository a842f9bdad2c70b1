// The document re-checks only the edited entry when an edit stays inside one, with the same result as a full check.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryDocument, checkRegistry, type RegistryDiagnostic } from '../../server/src/service';
import { entry, registry } from './harness';

function key(d: RegistryDiagnostic): string {
  return `${d.offset}:${d.length}:${d.code}:${JSON.stringify(d.path)}:${d.message}`;
}

function sameAsFull(doc: RegistryDocument): void {
  assert.deepEqual(doc.diagnostics().map(key).sort(), checkRegistry(doc.getText()).map(key).sort());
}

describe('incremental re-check', () => {
  const text = registry(entry('openai', { model_name: 'a' }), entry('llamacpp', { model_name: 'b' }), entry('anthropic', { model_name: 'c' }));

  it('re-checks one entry for an edit inside it and shifts the later ones', () => {
    const doc = new RegistryDocument(text);
    const at = text.indexOf('"b"') + 1;
    doc.update([{ offset: at, length: 1, text: 'a' }]); // entry 1 is now a duplicate of entry 0
    assert.equal(doc.lastUpdate, 'incremental');
    assert.ok(doc.diagnostics().some((d) => d.code === 'duplicate-model-name' && d.path[0] === 1));
    sameAsFull(doc);
    const cull = doc.getText().indexOf('<\\\\|im_end');
    doc.update([{ offset: cull + 1, length: 2, text: '' }]); // removes the escape: <|im_end\\|>
    assert.equal(doc.lastUpdate, 'incremental');
    assert.ok(doc.diagnostics().some((d) => d.code === 'regex-unescaped-bar'));
    sameAsFull(doc);
  });

  it('falls back to a full parse when an edit breaks the structure, and recovers', () => {
    const doc = new RegistryDocument(text);
    const close = text.indexOf('}\n    },') + 1;
    doc.update([{ offset: close, length: 0, text: ',' }]);
    assert.equal(doc.lastUpdate, 'full');
    assert.ok(doc.diagnostics().some((d) => d.code === 'json-trailing-comma'));
    doc.update([{ offset: close, length: 1, text: '' }]);
    assert.deepEqual(doc.diagnostics().map(key).sort(), checkRegistry(text).map(key).sort());
  });

  it('treats an edit that touches an entry boundary as a full change', () => {
    const doc = new RegistryDocument(text);
    const start = text.indexOf('{', 2);
    doc.update([{ offset: start, length: 0, text: ' ' }]);
    assert.equal(doc.lastUpdate, 'full');
    sameAsFull(doc);
  });
});
