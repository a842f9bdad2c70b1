// How Test model entry and Preview template read a registry: a lookup as clemcore's, and entries named as a person
// names them (by model_name, else counted from 1), never by a 0-based index.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadRegistry, lookupModel, ordinal } from '../../server/src/runtime/entryLookup';

describe('registry lookup', () => {
  it('counts from 1 in words', () => {
    assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal), ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);
  });

  it('names the entry without a backend by its model_name, else by its place', () => {
    const named = loadRegistry({ label: 'r', text: '[{"model_name": "a", "backend": "openai"}, {"model_name": "b"}]' }, '3.7');
    assert.equal(named.ignored, 'the entry `b` has no "backend", so clemcore ignores the whole file');
    const unnamed = loadRegistry({ label: 'r', text: '[{"model_name": "a", "backend": "openai"}, {"model_id": "x"}, {"model_name": "c", "backend": "openai"}]' }, '3.3');
    assert.equal(unnamed.note, 'the 2nd entry has no "backend", so clemcore 3.3 drops it and every entry after it');
    assert.deepEqual(unnamed.entries.map((e) => e.model_name), ['a']);
  });

  it('returns the first entry a name selector unifies with', () => {
    const r = loadRegistry({ label: 'r', text: '[{"model_name": "m", "backend": "openai", "v": 1}, {"model_name": "m", "backend": "openai", "v": 2}]' });
    assert.equal(lookupModel([r], 'm')?.entry.v, 1);
  });
});
