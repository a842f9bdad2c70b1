// `clem-registry test` as users run it: the report on real llama.cpp with a scripted GGUF, the JSON shape, the exit
// codes 0 (pass), 1 (fail) and 2 (error), and usage errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { replyChain, writeScriptedGguf } from '../support/scriptedGguf';

const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'clem-registry.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'clem-registry-cli-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const skip = !existsSync(path.join(REPO, 'node_modules', 'node-llama-cpp')) && 'node-llama-cpp is not installed';

const CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
writeScriptedGguf(path.join(dir, 'marker.gguf'), {
  tokens: [{ text: '<|im_start|>', type: 'control' }, { text: '<|im_end|>', type: 'control' }],
  next: replyChain('<0x0A>', ['Blue', '.', '<|im', '_end|>']),
});
const entry = (name: string, eos: string) => ({ model_name: name, backend: 'llamacpp', huggingface_id: 'test/scripted', model_config: { filename: '*.gguf', premade_chat_template: false, custom_chat_template: CHATML, eos_to_cull: eos } });
const hfEntry = (name: string, eos: string) => ({ model_name: name, backend: 'huggingface_local', huggingface_id: 'test/scripted-hf', model_config: { premade_chat_template: false, custom_chat_template: CHATML, eos_to_cull: eos, padding_side: 'left' } });
writeFileSync(path.join(dir, 'model_registry.json'), JSON.stringify([entry('good', '<\\|im_end\\|>'), entry('bad', '<|im_end|>'), hfEntry('hf-good', '<\\|im_end\\|>'), hfEntry('hf-bad', '<|im_end|>')], null, 2));

/** A Hugging Face cache that holds the scripted GGUF for test/scripted, as huggingface_hub lays it out. */
function cachedHub(): string {
  const hub = path.join(dir, 'hub');
  const snapshot = path.join(hub, 'models--test--scripted', 'snapshots', 'r1');
  mkdirSync(snapshot, { recursive: true });
  mkdirSync(path.join(hub, 'models--test--scripted', 'refs'), { recursive: true });
  writeFileSync(path.join(hub, 'models--test--scripted', 'refs', 'main'), 'r1');
  copyFileSync(path.join(dir, 'marker.gguf'), path.join(snapshot, 'marker.gguf'));
  return hub;
}

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'test', ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, HF_HUB_CACHE: path.join(dir, 'empty-hub') } });
  assert.equal(r.error, undefined, String(r.error));
  return r;
}

describe('clem-registry test', { skip }, () => {
  it('passes with a correct eos_to_cull (exit 0) and prints the stages', () => {
    const r = run('model_registry.json', '--model', 'good', '--gguf', 'marker.gguf', '--max-tokens', '8');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Test of model entry "good": PASS/);
    for (const title of ['1. Entry', '2. Model file', '3. Load', '4. Template', '5. Generate', '6. Post-process', '7. Verdict']) assert.ok(r.stdout.includes(title), title);
  });

  it('prints the JSON report and exits 1 when culling leaves text behind', () => {
    const r = run('model_registry.json', '--model', 'bad', '--gguf', 'marker.gguf', '--format', 'json');
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { verdict: string; stages: { id: string }[]; output: Record<string, string | null>; problems: { code: string; message: string }[] };
    assert.deepEqual(Object.keys(report), ['verdict', 'stages', 'output', 'problems']);
    assert.equal(report.verdict, 'fail');
    assert.deepEqual(report.output, { raw: 'Blue.<|im_end|>', stripped: 'Blue.<|im_end|>', split: null, culled: 'Blue.||' });
    assert.ok(report.problems.some((p) => p.code === 'end-marker-left'));
    assert.deepEqual(Object.keys(report.problems[0]).sort(), ['code', 'message']);
  });

  it('loads the CPU build only with --cpu, and says so in the load stage', () => {
    const backendFact = (...extra: string[]) => {
      const r = run('model_registry.json', '--model', 'good', '--gguf', 'marker.gguf', '--max-tokens', '8', '--format', 'json', ...extra);
      assert.equal(r.status, 0, r.stderr);
      const load = (JSON.parse(r.stdout) as { stages: { id: string; facts?: { label: string; value: string; source?: string }[] }[] }).stages.find((s) => s.id === 'load');
      return load?.facts?.find((f) => f.label === 'Backend');
    };
    const cpu = backendFact('--cpu');
    assert.equal(cpu?.value, 'CPU');
    assert.match(cpu?.source ?? '', /CPU only, as asked/);
    assert.match(backendFact()?.source ?? '', /tries CUDA, then Vulkan, then the CPU/);
  });

  it('exits 2 when the model file is not there', () => {
    const r = run('model_registry.json', '--model', 'good', '--format', 'json');
    assert.equal(r.status, 2);
    assert.equal(JSON.parse(r.stdout).verdict, 'error');
  });

  it('exits 2 with a usage message on bad arguments', () => {
    const noModel = run('model_registry.json');
    assert.equal(noModel.status, 2);
    assert.match(noModel.stderr, /--model NAME is required/);
    const badNumber = run('model_registry.json', '--model', 'good', '--max-tokens', 'lots');
    assert.equal(badNumber.status, 2);
    assert.match(badNumber.stderr, /--max-tokens needs a positive whole number/);
  });

  it('tests every llamacpp entry with --all, each with its GGUF from the cache, and sums them up', () => {
    const hub = cachedHub();
    const withOthers = JSON.stringify([
      entry('good', '<\\|im_end\\|>'), entry('bad', '<|im_end|>'), entry('good', 'shadowed'),
      { model_name: 'remote', backend: 'openai', model_id: 'gpt-4o' },
    ]);
    writeFileSync(path.join(dir, 'all.json'), withOthers);
    const runAll = (...args: string[]) => spawnSync(process.execPath, [BIN, 'test', 'all.json', '--all', '--max-tokens', '8', ...args], { cwd: dir, encoding: 'utf8', timeout: 240_000, env: { ...process.env, HF_HUB_CACHE: hub } });
    const json = runAll('--format', 'json');
    assert.equal(json.status, 1, json.stderr);
    const reports = JSON.parse(json.stdout) as { model: string; verdict: string }[];
    assert.deepEqual(reports.map((r) => [r.model, r.verdict]), [['good', 'pass'], ['bad', 'fail']]);
    const text = runAll();
    assert.equal(text.status, 1);
    assert.match(text.stdout, /Summary of 2 entries: 1 pass, 1 fail, 0 error\n {2}PASS {2}good\n {2}FAIL {2}bad: end-marker-left/);
    const both = run('all.json', '--all', '--model', 'good');
    assert.equal(both.status, 2);
    assert.match(both.stderr, /either --model NAME or --all/);
  });

  it('runs a huggingface_local entry on --gguf with llama.cpp standing in for transformers, in the same JSON shape', () => {
    const good = run('model_registry.json', '--model', 'hf-good', '--gguf', 'marker.gguf', '--max-tokens', '8', '--format', 'json');
    assert.equal(good.status, 0, good.stdout + good.stderr);
    const report = JSON.parse(good.stdout) as { verdict: string; stages: { id: string; facts: { label: string; value: string }[] }[]; output: Record<string, string | null>; problems: { code: string }[] };
    assert.deepEqual(Object.keys(report), ['verdict', 'stages', 'output', 'problems']);
    assert.equal(report.verdict, 'pass');
    assert.deepEqual(report.stages.map((s) => s.id), ['entry', 'model-file', 'load', 'template', 'generate', 'post-process', 'verdict']);
    // The EOS </s> stays in the decoded sequence; the pad step (pad = EOS) removes it, eos_to_cull the marker text.
    assert.ok(report.output.raw!.endsWith('<|im_start|>assistant\nBlue.<|im_end|></s>'), report.output.raw!);
    assert.equal(report.output.stripped, 'Blue.<|im_end|></s>');
    assert.equal(report.output.split, null);
    assert.equal(report.output.unpadded, 'Blue.<|im_end|>');
    assert.equal(report.output.culled, 'Blue.');
    assert.ok(report.stages.find((s) => s.id === 'generate')!.facts.some((f) => f.label === 'llama.cpp stands in for transformers'));

    const bad = run('model_registry.json', '--model', 'hf-bad', '--gguf', 'marker.gguf', '--max-tokens', '8', '--format', 'json');
    assert.equal(bad.status, 1, bad.stderr);
    const failed = JSON.parse(bad.stdout) as { verdict: string; output: Record<string, string | null>; problems: { code: string }[] };
    assert.equal(failed.output.culled, 'Blue.||');
    assert.ok(failed.problems.some((p) => p.code === 'end-marker-left'));

    const text = run('model_registry.json', '--model', 'hf-good', '--gguf', 'marker.gguf', '--max-tokens', '8');
    assert.match(text.stdout, /Test of model entry "hf-good": PASS/);
    const none = run('model_registry.json', '--model', 'hf-good', '--format', 'json');
    assert.equal(none.status, 2);
    assert.ok((JSON.parse(none.stdout) as { problems: { code: string }[] }).problems.some((p) => p.code === 'model-file-missing'));
  });

  it('covers the huggingface_local entries that --all names a GGUF for with --gguf NAME=PATH, and lists the others', () => {
    const hub = cachedHub();
    writeFileSync(path.join(dir, 'mixed.json'), JSON.stringify([entry('good', '<\\|im_end\\|>'), hfEntry('hf-good', '<\\|im_end\\|>'), hfEntry('hf-none', '<\\|im_end\\|>')]));
    const runAll = (...args: string[]) => spawnSync(process.execPath, [BIN, 'test', 'mixed.json', '--all', '--max-tokens', '8', ...args], { cwd: dir, encoding: 'utf8', timeout: 240_000, env: { ...process.env, HF_HUB_CACHE: hub } });
    const json = runAll('--gguf', 'hf-good=marker.gguf', '--format', 'json');
    assert.equal(json.status, 0, json.stderr);
    const reports = JSON.parse(json.stdout) as { model: string; verdict: string }[];
    assert.deepEqual(reports.map((r) => [r.model, r.verdict]), [['good', 'pass'], ['hf-good', 'pass']]);
    assert.match(json.stderr, /Not tested \(huggingface_local without a GGUF; name one with --gguf NAME=PATH\): hf-none/);
    const unknown = runAll('--gguf', 'nobody=marker.gguf');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /has no llamacpp or huggingface_local entry named 'nobody'/);
    const bare = runAll('--gguf', 'marker.gguf');
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /with --all, --gguf takes NAME=PATH/);
  });

  it('fails when the name is in no entry, as clemcore\'s lookup does', () => {
    const r = run('model_registry.json', '--model', 'nobody', '--gguf', 'marker.gguf', '--format', 'json');
    assert.equal(r.status, 1);
    assert.match(JSON.parse(r.stdout).problems[0].message, /No model spec unifies/);
  });
});
