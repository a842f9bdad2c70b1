// One mistake, one finding: single mistakes planted into clean entries draw on average at most 1.15 findings
// (information and above) at the key they are in, never more than 2; and on the real registries no key has more
// than 2 findings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkRegistry, type RegistryDiagnostic } from '../../server/src/service';
import { entry } from './harness';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
const FILES: [string, string][] = [['clemcore-2025-12-16-8bd08307.json', '3.3'], ['clemcore-2026-04-15-ef82bb43.json', '3.7']];
const corpusSkip = FILES.every(([f]) => fs.existsSync(path.join(CORPUS, f))) ? false : 'no ../shared/corpus on this machine';

type Json = Record<string, unknown>;
interface Plant {
  name: string;
  backends: string[];
  /** The key the mistake is in, relative to the entry; `apply` changes the entry there. */
  at: string[];
  apply: (e: Json) => void;
}

const config = (e: Json) => e.model_config as Json;
const PLANTS: Plant[] = [
  { name: 'unescaped bars in eos_to_cull', backends: ['huggingface_local', 'llamacpp'], at: ['model_config', 'eos_to_cull'], apply: (e) => { config(e).eos_to_cull = '<|im_end|>'; } },
  { name: 'eos_to_cull escaped twice', backends: ['huggingface_local', 'llamacpp'], at: ['model_config', 'eos_to_cull'], apply: (e) => { config(e).eos_to_cull = '<\\\\|im_end\\\\|>'; } },
  { name: 'brackets read as a class', backends: ['huggingface_local'], at: ['model_config', 'eos_to_cull'], apply: (e) => { config(e).eos_to_cull = '[EOS]'; } },
  { name: 'eos_to_cull that does not compile', backends: ['llamacpp'], at: ['model_config', 'eos_to_cull'], apply: (e) => { config(e).eos_to_cull = '(<eos>'; } },
  { name: 'unescaped bars in cot_end_tag', backends: ['huggingface_local'], at: ['model_config', 'cot_end_tag'], apply: (e) => { Object.assign(config(e), { cot_output: true, cot_end_tag: '<|end|>' }); } },
  { name: 'a date in day-month-year', backends: ['openai', 'llamacpp'], at: ['release_date'], apply: (e) => { e.release_date = '23-07-24'; } },
  { name: 'a language name', backends: ['anthropic', 'huggingface_local'], at: ['languages'], apply: (e) => { e.languages = ['English']; } },
  { name: 'a date that does not exist', backends: ['huggingface_local'], at: ['release_date'], apply: (e) => { e.release_date = '2024-13-01'; } },
  { name: 'a context size with a space', backends: ['llamacpp'], at: ['context_size'], apply: (e) => { e.context_size = '128 K'; } },
  { name: 'a license as a string', backends: ['openai'], at: ['license'], apply: (e) => { e.license = 'MIT'; } },
  { name: 'a glob with a folder that never matches', backends: ['llamacpp'], at: ['model_config', 'filename'], apply: (e) => { config(e).filename = '*/Q8_0/*Q8_0*.gguf'; } },
  { name: 'an unclosed template loop', backends: ['llamacpp', 'huggingface_local'], at: ['model_config', 'custom_chat_template'], apply: (e) => { Object.assign(config(e), { premade_chat_template: false, custom_chat_template: "{% for m in messages %}{{ m['content'] }}" }); } },
  { name: 'a flag written as a string', backends: ['huggingface_local'], at: ['model_config', 'premade_chat_template'], apply: (e) => { config(e).premade_chat_template = 'true'; } },
  { name: 'a misspelt key', backends: ['huggingface_local'], at: ['model_config', 'eos_to_culll'], apply: (e) => { const c = config(e); c.eos_to_culll = c.eos_to_cull; delete c.eos_to_cull; } },
  { name: 'a key at the wrong level', backends: ['llamacpp'], at: ['huggingface_id'], apply: (e) => { config(e).huggingface_id = e.huggingface_id; delete e.huggingface_id; } },
  { name: 'a presence flag written as false', backends: ['openai'], at: ['model_config', 'reasoning_model'], apply: (e) => { config(e).reasoning_model = false; } },
  { name: 'padding on an unknown side', backends: ['huggingface_local'], at: ['model_config', 'padding_side'], apply: (e) => { config(e).padding_side = 'middle'; } },
  { name: 'a misspelt backend', backends: ['llamacpp'], at: ['backend'], apply: (e) => { e.backend = 'llamacp'; } },
  { name: 'the id key of another kind of backend', backends: ['openai'], at: ['model_id'], apply: (e) => { e.huggingface_id = e.model_id; delete e.model_id; } },
];

/** Where a planted mistake's findings are: at its key or inside its value (a moved key is found where it moved to). */
function atKey(d: RegistryDiagnostic, at: string[]): boolean {
  const own = d.path.slice(1);
  const moved = at[0] === 'huggingface_id' ? ['model_config', 'huggingface_id'] : at[0] === 'model_id' ? ['huggingface_id'] : at;
  return [at, moved].some((p) => p.every((seg, i) => own[i] === seg));
}

const SERIOUS = new Set(['error', 'warning', 'information']);

describe('one mistake, one finding', () => {
  it('planted mistakes: on average at most 1.15 findings at the key, never more than 2', () => {
    const counts: { plant: string; backend: string; n: number; codes: string[] }[] = [];
    for (const plant of PLANTS) {
      for (const backend of plant.backends) {
        for (const version of ['3.3', '3.7']) {
          const clean = entry(backend);
          const cleanText = JSON.stringify([clean], null, 2);
          const before = checkRegistry(cleanText, { clemcoreVersion: version }).filter((d) => SERIOUS.has(d.severity) && atKey(d, plant.at));
          const planted = structuredClone(clean);
          plant.apply(planted);
          const found = checkRegistry(JSON.stringify([planted], null, 2), { clemcoreVersion: version })
            .filter((d) => SERIOUS.has(d.severity) && atKey(d, plant.at));
          assert.equal(before.length, 0, `${plant.name} (${backend}): the clean entry has findings there`);
          counts.push({ plant: `${plant.name} @${version}`, backend, n: found.length, codes: found.map((d) => d.code) });
        }
      }
    }
    const missed = counts.filter((c) => c.n === 0);
    assert.deepEqual(missed, [], 'every planted mistake is found');
    const over = counts.filter((c) => c.n > 2);
    assert.deepEqual(over, [], 'no planted mistake draws more than 2 findings at its key');
    const mean = counts.reduce((s, c) => s + c.n, 0) / counts.length;
    console.log(`planted mistakes: ${counts.length} cases, ${mean.toFixed(3)} findings at the key on average; with 2: ${counts.filter((c) => c.n === 2).map((c) => `${c.plant} (${c.backend}): ${c.codes.join(' + ')}`).join('; ') || 'none'}`);
    assert.ok(mean <= 1.15, `mean ${mean}`);
  });

  it('the real registries: no key has more than 2 findings', { skip: corpusSkip }, () => {
    for (const [file, version] of FILES) {
      const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      const perKey = new Map<string, string[]>();
      for (const d of checkRegistry(text, { clemcoreVersion: version })) {
        const key = JSON.stringify(d.path);
        perKey.set(key, [...(perKey.get(key) ?? []), d.code]);
      }
      const crowded = [...perKey].filter(([, codes]) => codes.length > 2);
      assert.deepEqual(crowded, [], `${file} at ${version}`);
    }
  });
});
