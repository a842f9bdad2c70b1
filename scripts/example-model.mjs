#!/usr/bin/env node
// Writes the scripted GGUF that examples/.vscode/settings.json names for "Test entry" (the one the editor suites
// run, from test/e2e/shared/scriptedModel.ts through tsx). `npm start` and the "Run clem-registry" launch
// configuration call it; on its own: `npm run examples`.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

export const EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples');

/** Writes the scripted GGUF into examples/; returns the entries that run it and its path. */
export async function writeExampleModel() {
  const { SCRIPTED_ENTRIES, SCRIPTED_MODEL_PATH, writeScriptedModel } = await tsImport('../test/e2e/shared/scriptedModel.ts', import.meta.url);
  const file = path.join(EXAMPLES, SCRIPTED_MODEL_PATH);
  writeScriptedModel(file);
  return { entries: SCRIPTED_ENTRIES, file };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { entries, file } = await writeExampleModel();
  console.log(`wrote ${path.relative(process.cwd(), file) || file} for ${Object.values(entries).join(', ')}`);
}
