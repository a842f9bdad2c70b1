// llama-cpp-python's chat-format guess and clemcore's choice of template, BOS and EOS, on GGUF metadata.
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PYTHON, pythonLabel } from '../support/python';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CHATML_CHAT_TEMPLATE,
  LLAMA3_INSTRUCT_CHAT_TEMPLATE,
  MISTRAL_INSTRUCT_CHAT_TEMPLATE,
  MIXTRAL_INSTRUCT_CHAT_TEMPLATE,
  chatSetup,
  guessChatFormat,
} from '../../server/src/runtime/chatFormat';
import { readGgufMetadata, type GgufMetadata } from '../../server/src/runtime/gguf';
import { buildMetadataGguf, type GgufKv } from '../support/scriptedGguf';

const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-chat-format-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The four constants as they are written in llama_cpp/llama_chat_format.py (v0.3.x), for Python to evaluate. */
const PYTHON_SOURCE = String.raw`
CHATML_CHAT_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
MISTRAL_INSTRUCT_CHAT_TEMPLATE = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"
MIXTRAL_INSTRUCT_CHAT_TEMPLATE = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"
LLAMA3_INSTRUCT_CHAT_TEMPLATE = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
import json, sys
json.dump([CHATML_CHAT_TEMPLATE, MISTRAL_INSTRUCT_CHAT_TEMPLATE, MIXTRAL_INSTRUCT_CHAT_TEMPLATE, LLAMA3_INSTRUCT_CHAT_TEMPLATE], sys.stdout)
`;

let files = 0;
function meta(kvs: GgufKv[]): GgufMetadata {
  const file = path.join(dir, `m${files++}.gguf`);
  writeFileSync(file, buildMetadataGguf(kvs));
  return readGgufMetadata(file);
}

const VOCAB: GgufKv = ['tokenizer.ggml.tokens', 'array<string>', ['<unk>', '<s>', '</s>', '<|im_end|>', '']];
const ids = (bos: number, eos: number): GgufKv[] => [
  ['tokenizer.ggml.bos_token_id', 'uint32', bos],
  ['tokenizer.ggml.eos_token_id', 'uint32', eos],
];
const template = (t: string): GgufKv => ['tokenizer.chat_template', 'string', t];

it(`holds the reference templates byte for byte as ${pythonLabel()} reads them`, () => {
  const run = spawnSync(PYTHON, ['-c', PYTHON_SOURCE], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), [CHATML_CHAT_TEMPLATE, MISTRAL_INSTRUCT_CHAT_TEMPLATE, MIXTRAL_INSTRUCT_CHAT_TEMPLATE, LLAMA3_INSTRUCT_CHAT_TEMPLATE]);
});

it('guesses a format only for byte-exact templates', () => {
  assert.equal(guessChatFormat(CHATML_CHAT_TEMPLATE), 'chatml');
  assert.equal(guessChatFormat(MISTRAL_INSTRUCT_CHAT_TEMPLATE), 'mistral-instruct');
  assert.equal(guessChatFormat(MIXTRAL_INSTRUCT_CHAT_TEMPLATE), 'mistral-instruct');
  assert.equal(guessChatFormat(LLAMA3_INSTRUCT_CHAT_TEMPLATE), 'llama-3');
  for (const near of [`${CHATML_CHAT_TEMPLATE}\n`, CHATML_CHAT_TEMPLATE.replace(/\n/g, '\r\n'), CHATML_CHAT_TEMPLATE.replace("{{'", "{{ '"), LLAMA3_INSTRUCT_CHAT_TEMPLATE.trimEnd().slice(0, -1), '']) {
    assert.equal(guessChatFormat(near), 'chat_template.default', JSON.stringify(near.slice(-30)));
  }
  assert.equal(guessChatFormat(undefined), 'llama-2');
});

it('takes BOS and EOS from the guessed format, then from the GGUF token ids', () => {
  const chatml = chatSetup(meta([template(CHATML_CHAT_TEMPLATE), VOCAB]), { premade_chat_template: true });
  assert.deepEqual(chatml, {
    ok: true,
    chatFormat: 'chatml',
    template: CHATML_CHAT_TEMPLATE,
    templateSource: 'gguf',
    bos: { text: '<s>', source: 'chat_format' },
    eos: { text: '<|im_end|>', source: 'chat_format' },
  });
  const mistral = chatSetup(meta([template(MIXTRAL_INSTRUCT_CHAT_TEMPLATE), VOCAB]), { premade_chat_template: true });
  assert.ok(mistral.ok);
  assert.deepEqual([mistral.chatFormat, mistral.bos, mistral.eos], ['mistral-instruct', { text: '<s>', source: 'chat_format' }, { text: '</s>', source: 'chat_format' }]);
  // The GGUF's ids win over the format's constants, one by one.
  const overridden = chatSetup(meta([template(CHATML_CHAT_TEMPLATE), VOCAB, ['tokenizer.ggml.eos_token_id', 'uint32', 2]]), { premade_chat_template: true });
  assert.ok(overridden.ok);
  assert.deepEqual([overridden.bos, overridden.eos], [{ text: '<s>', source: 'chat_format' }, { text: '</s>', source: 'gguf', tokenId: 2 }]);
});

it('reads bos_string / eos_string only when nothing else gave a non-empty string', () => {
  const config = { premade_chat_template: true, bos_string: '<B>', eos_string: null };
  const llama3 = chatSetup(meta([template(LLAMA3_INSTRUCT_CHAT_TEMPLATE), VOCAB]), config);
  assert.ok(llama3.ok);
  // llama-3 sets no constants; a registry null is rendered by Jinja as Python's "None".
  assert.deepEqual([llama3.chatFormat, llama3.bos, llama3.eos], ['llama-3', { text: '<B>', source: 'registry' }, { text: 'None', source: 'registry' }]);
  // A token whose text is empty is falsy in Python: the registry value is used instead.
  const empty = chatSetup(meta([template('{{ x }}'), VOCAB, ...ids(4, 3)]), config);
  assert.ok(empty.ok);
  assert.deepEqual([empty.chatFormat, empty.bos, empty.eos], ['chat_template.default', { text: '<B>', source: 'registry' }, { text: '<|im_end|>', source: 'gguf', tokenId: 3 }]);
  const noTemplate = chatSetup(meta([VOCAB, ...ids(1, 2)]), { premade_chat_template: false, custom_chat_template: 'C' });
  assert.deepEqual(noTemplate, {
    ok: true,
    chatFormat: 'llama-2',
    template: 'C',
    templateSource: 'custom_chat_template',
    bos: { text: '<s>', source: 'gguf', tokenId: 1 },
    eos: { text: '</s>', source: 'gguf', tokenId: 2 },
  });
});

it('uses the custom template whenever premade_chat_template is falsy in Python, still guessing from the GGUF', () => {
  const gguf = meta([template(CHATML_CHAT_TEMPLATE), VOCAB, ...ids(1, 2)]);
  for (const premade of [false, 0, '', null, [], {}]) {
    const s = chatSetup(gguf, { premade_chat_template: premade, custom_chat_template: 'C' });
    assert.ok(s.ok && s.templateSource === 'custom_chat_template' && s.template === 'C' && s.chatFormat === 'chatml', JSON.stringify(premade));
  }
  for (const premade of [true, 1, 'false', [0]]) {
    const s = chatSetup(gguf, { premade_chat_template: premade });
    assert.ok(s.ok && s.templateSource === 'gguf', JSON.stringify(premade));
  }
});

it('fails where clemcore raises, with the first exception it would raise', () => {
  const error = (m: GgufMetadata, config: Record<string, unknown>) => {
    const s = chatSetup(m, config);
    assert.ok(!s.ok, 'expected a failure');
    return s.ok ? undefined : s.error.message;
  };
  const withIds = meta([template(LLAMA3_INSTRUCT_CHAT_TEMPLATE), VOCAB, ...ids(1, 2)]);
  const withoutTemplate = meta([VOCAB, ...ids(1, 2)]);
  const bare = meta([template(LLAMA3_INSTRUCT_CHAT_TEMPLATE), VOCAB]);
  assert.equal(error(withIds, {}), "KeyError: 'premade_chat_template'");
  assert.equal(error(withoutTemplate, { premade_chat_template: true, custom_chat_template: 'C' }), "KeyError: 'tokenizer.chat_template'");
  assert.equal(error(withIds, { premade_chat_template: false }), "KeyError: 'custom_chat_template'");
  assert.match(error(withIds, { premade_chat_template: false, custom_chat_template: null }) ?? '', /^TypeError/);
  // BOS is looked up in the registry before EOS; the template before either.
  assert.equal(error(bare, { premade_chat_template: true }), "KeyError: 'bos_string'");
  assert.equal(error(bare, { premade_chat_template: true, bos_string: '<s>' }), "KeyError: 'eos_string'");
  assert.equal(error(bare, { premade_chat_template: false, bos_string: '<s>' }), "KeyError: 'custom_chat_template'");
  // token_get_text on an id outside the vocabulary aborts inside llama.cpp, before any registry lookup.
  const outside = chatSetup(meta([template(LLAMA3_INSTRUCT_CHAT_TEMPLATE), VOCAB, ['tokenizer.ggml.eos_token_id', 'uint32', 99]]), { premade_chat_template: true });
  assert.ok(!outside.ok && outside.error.exception === 'abort' && /eos_token_id 99/.test(outside.error.message));
});
