// What the checker reads from a local Hugging Face cache: special tokens, the default chat template, and the
// tokens generation_config.json says stop generation, mapped to their texts.
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listHubCache, readTokenizerFacts } from '../../server/src/runtime/tokenizerFacts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-tokenizer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cache = { dir, source: 'HF_HUB_CACHE' as const };

function repo(id: string, files: Record<string, unknown>): void {
  const root = path.join(dir, `models--${id.replace('/', '--')}`);
  mkdirSync(path.join(root, 'snapshots', 'rev1'), { recursive: true });
  mkdirSync(path.join(root, 'refs'), { recursive: true });
  writeFileSync(path.join(root, 'refs', 'main'), 'rev1');
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(root, 'snapshots', 'rev1', name), typeof content === 'string' ? content : JSON.stringify(content));
  }
}

it('reads the special tokens, the template and the stop tokens of tokenizer_config.json and generation_config.json', () => {
  repo('org/a', {
    'tokenizer_config.json': { eos_token: { content: '</s>' }, pad_token: '<pad>', chat_template: 'T{{ messages }}', added_tokens_decoder: { 2: { content: '</s>' }, 7: { content: '<|im_end|>' } } },
    'generation_config.json': { eos_token_id: [2, 7, 99] },
  });
  const facts = readTokenizerFacts('org/a', cache, 0)!;
  assert.equal(facts.eosToken, '</s>');
  assert.equal(facts.padToken, '<pad>');
  assert.equal(facts.chatTemplate, 'T{{ messages }}');
  // Id 99 has no known text and is left out.
  assert.deepEqual(facts.stopTokens.sort(), ['</s>', '<|im_end|>']);
});

it('prefers chat_template.jinja, takes the "default" of named templates, and ids from tokenizer.json', () => {
  repo('org/b', {
    'tokenizer_config.json': { eos_token: '<|end|>', chat_template: [{ name: 'tool_use', template: 'X' }, { name: 'default', template: 'D' }] },
    'generation_config.json': { eos_token_id: 5 },
    'tokenizer.json': { added_tokens: [{ id: 5, content: '<|return|>' }] },
  });
  const named = readTokenizerFacts('org/b', cache, 0)!;
  assert.equal(named.chatTemplate, 'D');
  // Later, with the files unchanged, the facts are reused rather than read (and tokenizer.json parsed) again.
  assert.equal(readTokenizerFacts('org/b', cache, 60_000), named);
  assert.deepEqual(named.stopTokens.sort(), ['<|end|>', '<|return|>']);
  repo('org/c', { 'tokenizer_config.json': { chat_template: 'OLD' }, 'chat_template.jinja': 'NEW' });
  assert.equal(readTokenizerFacts('org/c', cache, 0)!.chatTemplate, 'NEW');
});

it('answers undefined for what the cache does not hold or cannot be read, and notices a download after a while', () => {
  assert.equal(readTokenizerFacts('org/absent', cache, 0), undefined);
  assert.equal(readTokenizerFacts('not a repo id', cache, 0), undefined);
  repo('org/broken', { 'tokenizer_config.json': '{ not json' });
  assert.equal(readTokenizerFacts('org/broken', cache, 0), undefined);
  assert.equal(readTokenizerFacts('org/later', cache, 1_000), undefined);
  repo('org/later', { 'tokenizer_config.json': { eos_token: '</s>' } });
  assert.equal(readTokenizerFacts('org/later', cache, 2_000), undefined, 'reused for a few seconds');
  assert.equal(readTokenizerFacts('org/later', cache, 60_000)?.eosToken, '</s>');
});

it('with the cache folder listed once for a run, reads the repositories in the list and looks for no other', () => {
  repo('Org/Listed', { 'tokenizer_config.json': { eos_token: '<eos>' } });
  const listed = listHubCache(cache)!;
  assert.ok(listed.has('models--org--listed'));
  assert.equal(readTokenizerFacts('Org/Listed', cache, 0, listed)?.eosToken, '<eos>');
  repo('org/after', { 'tokenizer_config.json': { eos_token: '</after>' } });
  assert.equal(readTokenizerFacts('org/after', cache, 0, listed), undefined, 'not in the list made before it was downloaded');
  assert.equal(readTokenizerFacts('org/after', cache, 0, listHubCache(cache))?.eosToken, '</after>');
  assert.deepEqual(listHubCache({ dir: path.join(dir, 'no-such-cache'), source: 'HF_HUB_CACHE' }), new Set());
  const notAFolder = path.join(dir, 'a-file');
  writeFileSync(notAFolder, '');
  assert.equal(listHubCache({ dir: notAFolder, source: 'HF_HUB_CACHE' }), undefined, 'unlistable: each lookup looks for itself');
});
