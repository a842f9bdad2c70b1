// The scripted GGUF that "Test entry" runs in the editor suites and in `npm start`'s examples/: a tiny ChatML model
// (test/support/scriptedGguf.ts) whose greedy reply is "Blue." followed by the end marker written as text, `<|im` +
// `_end|>`, then the EOS token. An entry whose `eos_to_cull` escapes the bars (`<\\|im_end\\|>`) culls the marker and
// passes; one that leaves them unescaped (`<|im_end|>`) culls `<`, `im_end` and `>` one by one and leaves `Blue.||`.
// scripts/start.mjs loads this file through tsx.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { CHATML_CHAT_TEMPLATE } from '../../../server/src/runtime/chatFormat';
import { replyChain, writeScriptedGguf } from '../../support/scriptedGguf';

/** Where the model goes, relative to the workspace folder (the fixture's and examples/ .vscode/settings.json name it). */
export const SCRIPTED_MODEL_PATH = 'models/scripted-chatml.gguf';

/** The entries that point at the model through `clemRegistry.modelFiles`, and what testing each gives. */
export const SCRIPTED_ENTRIES = {
  /** `eos_to_cull` is `<\\|im_end\\|>`: the marker is culled, the reply is `Blue.`. */
  pass: 'scripted-chatml',
  /** `eos_to_cull` is `<|im_end|>`: `Blue.||` is left, with the problem `end-marker-left`. */
  fail: 'scripted-chatml-unescaped',
} as const;

/** Writes the scripted model (about 50 KB) to `file`, creating its folder. */
export function writeScriptedModel(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeScriptedGguf(file, {
    name: 'scripted-chatml',
    tokens: [{ text: '<|im_start|>', type: 'control' }, { text: '<|im_end|>', type: 'control' }],
    // The prompt ends with `<|im_start|>assistant\n`; after its line break the model says "Blue." and the marker.
    next: replyChain('<0x0A>', ['Blue', '.', '<|im', '_end|>']),
    // llama-cpp-python's ChatML template byte for byte, so that its chat-format guess says "chatml".
    chatTemplate: CHATML_CHAT_TEMPLATE,
  });
}
