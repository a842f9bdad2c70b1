// "Test model entry": one registry entry through clemcore's llamacpp pipeline, stage by stage — which entry a lookup
// returns, the GGUF it resolves to, loading, the rendered prompt, greedy generation and post-processing — and a
// verdict; huggingface_local entries through transformers' text path with llama.cpp standing in (hfLocal.ts). Runs
// in the test worker process (llama.cpp can abort it on a malformed file).
import { ensureAlternatingRoles, SAMPLE_CONVERSATION, type ChatMessage } from '../clemcore/conversation';
import { chatSetup, type SpecialString } from './chatFormat';
import { renderTemplate } from '../jinja2';
import { entriesNamed, loadRegistry, lookupModel, ordinal, type FoundEntry, type LoadedRegistry, type RegistrySource } from './entryLookup';
import { GgufError, readGgufMetadata, summarizeGguf, type GgufMetadata } from './gguf';
import { readGgufTensorTable } from './ggufTensors';
import type { Token } from 'node-llama-cpp';
import type { LlamaEngine, LoadedModel } from './llama';
import { hubCache, resolveGguf } from './modelFiles';
import { llamacppTextPath, type TextPathStageName } from '../clemcore/textPath';
import { verdictOf, type EntryTestReport, type Problem, type ProblemLevel, type Stage, type StageId } from './report';
import { after, bytes, LATER, modelFileSize, ReportBuilder, sentence, withoutFullStop, type StageListener } from './reportBuilder';
import { isDict } from '../clemcore/python';
import { checkReply, specialTexts, tokenView } from './replyChecks';
import { clemcoreTextVersion, hfGenerateStage, hfModelFileStage, hfPostProcessStage, hfTemplateStage, hfUnsupported, type HfSide } from './hfLocal';

export interface EntryTestRequest {
  /** The registry under test, read as the working directory's model_registry.json. */
  registry: RegistrySource;
  /** clemcore's packaged registry, searched after the working directory's. */
  packaged?: RegistrySource;
  modelName: string;
  /** The entry the user picked in the registry under test; by default the one a lookup returns. */
  entryIndex?: number;
  /** A GGUF to use instead of the Hugging Face cache, and where that choice came from. */
  gguf?: { path: string; source: string };
  maxTokens: number;
  /** A smaller context than the trained one, for small machines. */
  contextSize?: number;
  /** Apply `execute_on` / `gpu_layers_offloaded`, which clemcore ignores (its hasattr checks never see them). */
  honourGpuKeys?: boolean;
  /** Load llama.cpp's CPU build only, even where a CUDA or Vulkan build would load. */
  cpuOnly?: boolean;
  clemcoreVersion?: string;
  messages?: ChatMessage[];
  threads?: number;
}

function where(found: FoundEntry): string {
  return `the ${ordinal(found.index + 1)} entry of ${found.registry}`;
}

/** Runs the whole pipeline; `engine` is started by the caller so that its own failure is reported separately. */
export async function testEntry(request: EntryTestRequest, engine: () => Promise<LlamaEngine>, listener?: StageListener): Promise<EntryTestReport> {
  const r = new ReportBuilder(listener);
  const entry = entryStage(r, request);
  if (!entry) return finish(r, request, after('entry'), 'the entry could not be found');
  const config = isDict(entry.entry.model_config) ? entry.entry.model_config : {};
  const version = clemcoreTextVersion(request.clemcoreVersion);
  let file: string | undefined;
  let hf: HfSide | undefined;
  if (entry.entry.backend === 'huggingface_local') {
    r.standIn = 'with llama.cpp and this GGUF standing in for transformers and the model\'s weights';
    const found = hfModelFileStage(r, request, entry.entry, config, version);
    file = found?.file;
    hf = found?.hf;
  } else {
    file = modelFileStage(r, request, entry.entry, config);
  }
  if (!file) return finish(r, request, after('model-file'), 'there is no model file to load');

  r.begin('load');
  // A GGUF that stands in for transformers says nothing about clemcore when it does not load: that is an error.
  const loadLevel = hf ? 'error' : 'fail';
  let meta: GgufMetadata;
  try {
    meta = readGgufMetadata(file);
  } catch (err) {
    r.problem('load-failed', loadLevel, `The model file cannot be read as a GGUF: ${withoutFullStop(err instanceof GgufError ? err.message : String(err))}.`);
    return finish(r, request, after('load'), 'the model did not load');
  }
  try {
    readGgufTensorTable(file, meta);
  } catch (err) {
    if (!(err instanceof GgufError)) throw err;
    r.problem('load-failed', loadLevel, hf
      ? `The GGUF that stands in for the model is corrupt: ${sentence(err.message)} llama.cpp refuses such a file; this says nothing about the entry, whose weights transformers loads from huggingface_id.`
      : `The model file is corrupt: ${sentence(err.message)} llama.cpp makes the same check when it opens a GGUF and refuses the file, so llama-cpp-python (clemcore's llamacpp backend) cannot load it either.`);
    return finish(r, request, after('load'), 'the model did not load');
  }
  const loaded = await loadStage(r, request, file, config, meta, engine, hf !== undefined);
  if (!loaded) return finish(r, request, after('load'), 'the model did not load');
  try {
    if (hf) {
      const prompt = hfTemplateStage(r, request, entry.entry, config, meta, loaded.model, hf);
      if (prompt === undefined) return finish(r, request, after('template'), 'there is no prompt');
      const decoded = await hfGenerateStage(r, request, config, prompt, loaded.model, meta, hf);
      hfPostProcessStage(r, request, decoded, config, meta, loaded.model, prompt, hf);
    } else {
      const prompt = templateStage(r, request, config, meta, loaded);
      if (prompt === undefined) return finish(r, request, after('template'), 'there is no prompt');
      const raw = await generateStage(r, request, prompt, loaded, meta);
      if (raw === undefined) return finish(r, request, after('generate'), 'nothing was generated');
      postProcessStage(r, raw, config, meta);
    }
  } finally {
    await loaded.model.dispose();
  }
  return finish(r, request, [], '');
}

function finish(r: ReportBuilder, request: Pick<EntryTestRequest, 'modelName'>, skipped: StageId[], why: string): EntryTestReport {
  r.skip(skipped, why);
  const verdict = verdictOf(r.problems);
  r.begin('verdict').status = verdict === 'pass' ? 'ok' : 'failed';
  const reasons = r.problems.filter((p) => p.level !== 'warning');
  r.fact('Verdict', verdict);
  if (verdict === 'pass') r.fact('Why', `clemcore would load this entry, render the prompt, generate, and hand the game a clean reply${r.standIn ? ` (${r.standIn})` : ''}.`);
  for (const p of reasons) r.fact(p.level === 'error' ? 'Could not test' : 'Fails', `${p.code}: ${p.message}`);
  r.end();
  return { model: request.modelName, verdict, stages: r.stages, output: r.output, problems: r.problems };
}

// ---- 1. Entry -----------------------------------------------------------------------------------------------------

function entryStage(r: ReportBuilder, request: EntryTestRequest): FoundEntry | undefined {
  r.begin('entry');
  const registries: LoadedRegistry[] = [loadRegistry(request.registry, request.clemcoreVersion)];
  if (request.packaged) registries.push(loadRegistry(request.packaged, request.clemcoreVersion));
  for (const reg of registries) {
    if (reg.ignored) r.problem('registry-ignored', reg === registries[0] ? 'fail' : 'warning', sentence(`clemcore ignores ${reg.label}: ${reg.ignored}`));
    if (reg.note) r.problem('registry-entries-dropped', 'warning', sentence(`${reg.label}: ${reg.note}`));
  }
  r.fact('Model name', request.modelName);
  r.fact('Registries searched', registries.map((x) => x.label).join(', then '), 'clemcore\'s order: the working directory\'s registry, then the packaged one');
  const winner = lookupModel(registries, request.modelName);
  const picked = request.entryIndex !== undefined ? registries[0].entries[request.entryIndex] : undefined;
  if (request.entryIndex !== undefined && !picked) {
    r.problem('entry-not-found', 'error', `The registry has no ${ordinal(request.entryIndex + 1)} entry.`);
    return undefined;
  }
  if (!winner) {
    if (!picked) {
      r.problem('entry-not-found', 'fail', `No entry is named ${JSON.stringify(request.modelName)}: clemcore raises "No model spec unifies with model selector".`);
      return undefined;
    }
  } else {
    r.fact('A lookup returns', where(winner), 'the first entry that unifies with {"model_name": …}');
  }
  const tested: FoundEntry = picked ? { registry: registries[0].label, index: request.entryIndex!, entry: picked } : winner!;
  if (winner && winner.entry !== tested.entry) {
    const catchAll = !('model_name' in winner.entry);
    r.problem('shadowed-entry', 'warning', catchAll
      ? `${where(winner)} has no model_name, so it matches every lookup before this entry: clemcore would run that entry, not this one.`
      : `This entry is a shadowed duplicate: a lookup of ${JSON.stringify(request.modelName)} returns ${where(winner)}, so clemcore never runs this one. The test runs the entry you picked.`);
  }
  const named = entriesNamed(registries, request.modelName);
  if (named.length > 1) r.fact('Entries with this name', named.map(where).join('; '));
  r.fact('Tested', where(tested));
  r.fact('Backend', String(tested.entry.backend));
  const backend = tested.entry.backend;
  const unsupported = backend === 'huggingface_local'
    ? hfUnsupported(isDict(tested.entry.model_config) ? tested.entry.model_config : {}, clemcoreTextVersion(request.clemcoreVersion))
    : backend === 'llamacpp' ? undefined : `The entry's backend is ${JSON.stringify(backend)}; only llamacpp and huggingface_local entries can be run here. "Preview template" renders other backends' templates.`;
  if (unsupported) {
    r.problem('backend-not-supported', 'error', unsupported);
    r.end();
    return undefined;
  }
  r.end();
  return tested;
}

// ---- 2. Model file ------------------------------------------------------------------------------------------------

function modelFileStage(r: ReportBuilder, request: EntryTestRequest, entry: Record<string, unknown>, config: Record<string, unknown>): string | undefined {
  r.begin('model-file');
  const repo = entry.huggingface_id;
  const pattern = config.filename;
  if (typeof repo === 'string') r.fact('huggingface_id', repo);
  if (typeof pattern === 'string') r.fact('filename', pattern, 'a Python fnmatch glob: case-sensitive, * also matches /');
  const cache = hubCache();
  let cached: string | undefined;
  if (typeof repo !== 'string' || typeof pattern !== 'string') {
    const missing = typeof repo !== 'string' ? 'huggingface_id' : 'filename';
    r.problem('missing-key', request.gguf ? 'warning' : 'fail', `clemcore raises KeyError: '${missing}' at load: the entry needs ${missing === 'filename' ? 'model_config.filename' : 'a top-level huggingface_id'} (a string).`);
  } else {
    const resolved = resolveGguf(repo, pattern, cache);
    r.fact('Hugging Face cache', cache.dir, cache.source === 'default' ? 'the default location' : `from ${cache.source}`);
    if (resolved.ok) {
      cached = resolved.path;
      r.fact('Matched in the cache', resolved.relative, `snapshot ${resolved.snapshot}`);
    } else if (request.gguf) {
      const why = resolved.files.length ? resolved.error.split('\n')[0] : `${repo} is not in the Hugging Face cache, so clemcore would download it from the hub`;
      r.problem('model-file-not-cached', 'warning', `${sentence(why)} This test uses ${request.gguf.path} instead.`);
    } else {
      const held = resolved.files.length ? ` The cached snapshot holds: ${resolved.files.join(', ')}.` : '';
      const code = resolved.error.startsWith('Multiple') ? 'model-file-ambiguous' : 'model-file-missing';
      r.problem(code, code === 'model-file-ambiguous' ? 'fail' : 'error', `${sentence(resolved.error.split('\n')[0])}${held} Set clemRegistry.modelFiles (or --gguf PATH) to test a GGUF stored elsewhere.`);
    }
    const extra = config.additional_files;
    if (Array.isArray(extra) && extra.length) {
      r.problem('additional-files-ignored', 'warning', 'clemcore ignores additional_files (its hasattr check on the model_config dict is always false), so only the first file is fetched; the other shards must already sit beside it.');
      for (const glob of extra) {
        if (typeof glob !== 'string') continue;
        const more = resolveGguf(repo, glob, cache);
        r.fact(`additional_files ${glob}`, more.ok ? more.relative : more.error.split('\n')[0]);
      }
    }
  }
  const file = request.gguf?.path ?? cached;
  if (!file) {
    r.end();
    return undefined;
  }
  if (request.gguf) r.fact('GGUF used', request.gguf.path, request.gguf.source);
  const readable = modelFileSize(r, file);
  r.end();
  return readable ? file : undefined;
}

// ---- 3. Load ------------------------------------------------------------------------------------------------------

interface Loaded {
  model: LoadedModel;
}

function gpuLayersFor(request: EntryTestRequest, config: Record<string, unknown>): { layers: number | 'max'; source: string } {
  if (!request.honourGpuKeys) return { layers: 'max', source: 'clemcore: n_gpu_layers=-1, all layers' };
  if (config.execute_on === 'cpu') return { layers: 0, source: 'model_config.execute_on "cpu" (honoured on request; clemcore ignores it)' };
  if (config.execute_on === undefined && typeof config.gpu_layers_offloaded === 'number') {
    return { layers: config.gpu_layers_offloaded < 0 ? 'max' : config.gpu_layers_offloaded, source: 'model_config.gpu_layers_offloaded (honoured on request; clemcore ignores it)' };
  }
  return { layers: 'max', source: 'model_config.execute_on (honoured on request; clemcore ignores it)' };
}

/**
 * Why a load failed, in words. Only a failure that llama.cpp itself reports (in its log) is one clemcore shares:
 * llama-cpp-python runs the same loader. An exception from node-llama-cpp's own JavaScript, before llama.cpp saw
 * the file, says nothing about clemcore.
 */
export function loadFailure(err: unknown, llamaLog: readonly string[], clemcoresLoader = true): string {
  const message = withoutFullStop(err instanceof Error ? err.message : String(err));
  const found = llamaLog.find((l) => /^error: /.test(l) && !/failed to load model/.test(l));
  const llamaError = found && withoutFullStop(found.replace(/^error: /, ''));
  if (llamaError) return `llama.cpp failed to load the model: ${llamaError}.${clemcoresLoader ? ' llama-cpp-python runs the same loader, so clemcore fails at load too.' : ''}`;
  if (!clemcoresLoader) return `llama.cpp failed to load the model: ${message}.`;
  if (err instanceof Error && err.name !== 'Error') {
    return `node-llama-cpp could not read the file before handing it to llama.cpp (${err.name}: ${message}). That is a limit of node-llama-cpp, so whether llama-cpp-python, which clemcore uses, loads this file is not known.`;
  }
  return `llama.cpp failed to load the model: ${message}.`;
}

async function loadStage(r: ReportBuilder, request: EntryTestRequest, file: string, config: Record<string, unknown>, meta: GgufMetadata, engine: () => Promise<LlamaEngine>, standIn: boolean): Promise<Loaded | undefined> {
  const gpu = standIn ? { layers: 'max' as const, source: 'all layers, as transformers\' device_map="auto" puts the model on the GPU when there is one' } : gpuLayersFor(request, config);
  if (standIn) r.fact('llama.cpp stands in for transformers', 'llama.cpp loads the GGUF\'s quantized weights, where transformers would load huggingface_id\'s weights (AutoModelForCausalLM).');
  else if (!request.honourGpuKeys && ('execute_on' in config || 'gpu_layers_offloaded' in config)) {
    r.problem('gpu-keys-ignored', 'warning', 'clemcore ignores execute_on and gpu_layers_offloaded (its hasattr check on the model_config dict is always false) and offloads every layer; the test does the same unless you ask it to honour them.');
  }
  const summary = summarizeGguf(meta);
  r.fact('Architecture', summary.architecture ?? '(none)', 'GGUF metadata');
  let llama: LlamaEngine;
  try {
    llama = await engine();
  } catch (err) {
    r.problem('runtime-unavailable', 'error', `llama.cpp could not start: ${(err as Error).message}`);
    r.end();
    return undefined;
  }
  r.fact('llama.cpp runtime', `node-llama-cpp ${llama.runtime.version} (${llama.runtime.dir})`);
  const logStart = llama.log.length;
  let model: LoadedModel;
  try {
    model = await llama.load(file, { gpuLayers: gpu.layers, contextSize: request.contextSize, threads: request.threads });
  } catch (err) {
    await llama.settleLog();
    const log = llama.log.slice(logStart);
    r.problem('load-failed', standIn ? 'error' : 'fail', standIn ? `The GGUF that stands in for the model does not load (this says nothing about the entry, whose weights transformers loads): ${loadFailure(err, log, false)}` : loadFailure(err, log));
    r.log(log.slice(-60));
    r.end();
    return undefined;
  }
  r.fact('Backend', model.gpu, request.cpuOnly ? 'the CPU only, as asked (clemcore offloads to the GPU when there is one)' : 'node-llama-cpp tries CUDA, then Vulkan, then the CPU');
  r.fact('GPU layers', `${model.gpuLayers}${model.totalLayers !== undefined ? ` of ${model.totalLayers}` : ''} offloaded`, gpu.source);
  r.fact('Context', standIn
    ? `${model.contextSize} tokens${model.contextSize !== model.trainContextSize ? ` (smaller than the GGUF's trained ${model.trainContextSize})` : ' (the GGUF\'s trained context)'}`
    : `${model.contextSize} tokens${model.contextSize !== model.trainContextSize ? ` (smaller than the trained ${model.trainContextSize}, which clemcore uses: n_ctx=0)` : ' (the trained context, as clemcore: n_ctx=0)'}`, request.contextSize ? 'the test\'s context setting' : 'the GGUF\'s context_length');
  r.fact('Load time', `${model.loadMs.toFixed(0)} ms`);
  r.fact('Memory', `model file ${bytes(model.modelBytes)}; RAM +${bytes(model.ramUsedBytes)}${model.vramUsedBytes ? `; VRAM +${bytes(model.vramUsedBytes)}` : ''}`, 'the worker\'s resident memory and the GPU\'s used memory, before and after loading');
  if (!standIn && request.contextSize && request.contextSize < model.trainContextSize) {
    r.problem('smaller-context', 'warning', `The test used a ${model.contextSize}-token context; clemcore allocates the trained ${model.trainContextSize} tokens, which needs more memory.`);
  }
  r.end();
  return { model };
}

// ---- 4. Template --------------------------------------------------------------------------------------------------

const SPECIAL_SOURCE: Record<SpecialString['source'], (which: string, id?: number) => string> = {
  chat_format: () => 'llama-cpp-python\'s constant for the guessed chat format',
  gguf: (which, id) => `GGUF metadata tokenizer.ggml.${which}_token_id = ${id}`,
  registry: (which) => `model_config.${which}_string (neither the chat format nor the GGUF gives one)`,
};

/** The prompt tokens of the real call, or undefined when clemcore would stop before generating. */
function templateStage(r: ReportBuilder, request: EntryTestRequest, config: Record<string, unknown>, meta: GgufMetadata, loaded: Loaded): Token[] | undefined {
  const { model } = loaded;
  r.begin('template');
  const setup = chatSetup(meta, config);
  r.fact('Chat format (llama-cpp-python\'s guess)', setup.chatFormat, 'a byte-exact comparison of the GGUF template with four reference templates');
  if (!setup.ok) {
    r.problem(setup.error.exception === 'KeyError' ? 'missing-key' : 'template-error', 'fail', `clemcore fails at load with ${setup.error.message}: ${setup.error.detail}`);
    r.end();
    return undefined;
  }
  r.fact('Template source', setup.templateSource === 'gguf' ? 'GGUF metadata tokenizer.chat_template' : 'model_config.custom_chat_template', setup.templateSource === 'gguf' ? 'premade_chat_template is true' : 'premade_chat_template is false');
  r.fact('BOS', setup.bos.text, SPECIAL_SOURCE[setup.bos.source]('bos', setup.bos.tokenId));
  r.fact('EOS', setup.eos.text, SPECIAL_SOURCE[setup.eos.source]('eos', setup.eos.tokenId));
  const messages = ensureAlternatingRoles(request.messages ?? SAMPLE_CONVERSATION);
  r.fact('Conversation after ensure_alternating_roles', messages.map((m) => `${m.role}: ${JSON.stringify(m.content)}`).join('\n'), undefined, 'plain');
  const rendered = renderTemplate({
    template: setup.template,
    environment: 'llama-cpp-python',
    messages,
    variables: { bos_token: setup.bos.text, eos_token: setup.eos.text, add_generation_prompt: true },
  });
  if (!rendered.ok) {
    const what = rendered.raised ? 'The template raised an exception' : rendered.stage === 'parse' ? 'The template does not parse' : 'The template fails to render';
    r.problem('template-error', 'fail', `${what}: ${sentence(rendered.message)} clemcore fails ${rendered.stage === 'parse' ? 'at load' : 'at the first generation'}.`);
    r.end();
    return undefined;
  }
  const prompt = rendered.prompt;
  r.fact('Rendered prompt', prompt, 'llama-cpp-python\'s Jinja environment (trim_blocks, lstrip_blocks, add_generation_prompt=True)', true);

  const asText = model.tokenize(prompt, false);
  const parsed = model.tokenize(prompt, true);
  const bos = model.bos;
  const tokens = model.shouldPrependBos && bos !== null ? [bos, ...parsed] : parsed;
  const limit = model.trainContextSize;
  r.fact('Tokens, as clemcore\'s context check counts them', `${asText.length} (special tokens counted as text) + max_tokens ${request.maxTokens} against ${limit}`);
  r.fact('Tokens of the real call', `${tokens.length}${model.shouldPrependBos ? ' (BOS prepended, as the GGUF asks)' : ''}`);
  if (asText.length + request.maxTokens > limit) {
    r.problem('prompt-too-long', 'fail', `clemcore's context check counts ${asText.length} prompt tokens + ${request.maxTokens} new tokens > ${limit}: it raises ContextExceededError before generating.`);
    r.end();
    return undefined;
  }
  if (model.shouldPrependBos && bos !== null && parsed[0] === bos) {
    r.problem('double-bos', 'warning', `The template renders the BOS token ${JSON.stringify(setup.bos.text)} itself and llama.cpp prepends another (the GGUF sets add_bos_token), so the model sees two. Remove {{ bos_token }} from the template or expect slightly different replies.`);
  }
  if (tokens.length >= model.contextSize) {
    r.problem('prompt-too-long-for-test', 'error', `The prompt has ${tokens.length} tokens, more than the test's ${model.contextSize}-token context. Use a larger test context.`);
    r.end();
    return undefined;
  }
  r.end();
  return tokens;
}

// ---- 5. Generate --------------------------------------------------------------------------------------------------

async function generateStage(r: ReportBuilder, request: EntryTestRequest, prompt: Token[], loaded: Loaded, meta: GgufMetadata): Promise<string | undefined> {
  const { model } = loaded;
  r.begin('generate');
  r.fact('Sampling', `greedy (temperature 0), at most ${request.maxTokens} tokens`);
  const gen = await model.generate(prompt, request.maxTokens);
  // llama-cpp-python detokenizes completions without special tokens, and never includes the end-of-generation token.
  const raw = model.detokenize(gen.tokens, false);
  const stop = gen.stop === 'eog' ? `end-of-generation token ${JSON.stringify(model.detokenize([gen.eogToken!], true))}` : gen.stop === 'max-tokens' ? `max tokens (${request.maxTokens})` : 'the context is full';
  r.fact('Stop reason', stop);
  r.fact('Generated tokens', String(gen.tokens.length));
  r.fact('Time to first token', `${gen.firstTokenMs.toFixed(0)} ms`);
  r.fact('Speed', `${gen.tokensPerSecond.toFixed(1)} tokens/s`);
  r.fact('Tokens («text», ⟦special⟧)', tokenView(model, meta, gen.tokens), undefined, true);
  r.fact('Raw text, as llama-cpp-python returns it', raw, 'special tokens detokenized as nothing', true);
  r.output.raw = raw;
  if (gen.stop !== 'eog') r.problem('no-end-token', 'warning', `Generation stopped at ${stop}, not at an end-of-generation token: the reply may be cut off.`);
  r.end();
  return raw;
}

// ---- 6. Post-process ----------------------------------------------------------------------------------------------

// The stages of clemcore's llamacpp text path (clemcore/textPath.ts), which Test model entry shows.
const STEP_LABEL: Partial<Record<TextPathStageName, string>> = { strip: 'After strip()', output_split_prefix: 'After output_split_prefix (rsplit, last part)', eos_to_cull: 'After re.sub(eos_to_cull, "", …)' };
const OUTPUT_KEY: Partial<Record<TextPathStageName, 'stripped' | 'split' | 'culled'>> = { strip: 'stripped', output_split_prefix: 'split', eos_to_cull: 'culled' };

function postProcessStage(r: ReportBuilder, raw: string, config: Record<string, unknown>, meta: GgufMetadata): void {
  r.begin('post-process');
  const result = llamacppTextPath(raw, config);
  let beforeCull = raw;
  for (const step of result.stages) {
    const key = OUTPUT_KEY[step.name];
    if (step.text !== undefined && key) {
      r.output[key] = step.text;
      r.fact(STEP_LABEL[step.name]!, step.text, step.name === 'strip' ? undefined : `model_config.${step.name}`, true);
      if (step.name !== 'eos_to_cull') beforeCull = step.text;
    }
    if (step.error) {
      const code = step.name === 'output_split_prefix' ? 'split-prefix-missing' : step.error.startsWith('KeyError') ? 'missing-key' : 'cull-error';
      r.problem(code, 'fail', sentence(`${step.name}: clemcore raises ${step.error}`));
    }
    if (step.engine) r.fact('re.sub computed with', step.engine);
    if (step.note && step.name === 'eos_to_cull' && step.text === undefined) r.problem('cull-too-slow', 'fail', `eos_to_cull: ${step.note}`);
  }
  const reply = result.reply;
  if (reply === undefined) {
    r.end();
    return;
  }
  checkReply(r, { reply, beforeCull, culled: reply }, config, specialTexts(meta), 'llamacpp');
  r.fact('Reply clemcore hands to the game', reply, undefined, true);
  r.end();
}

// ---- A worker that died ------------------------------------------------------------------------------------------

/**
 * The report of a run whose worker process ended early (llama.cpp aborted, a time limit, a cancel): the stages it
 * finished, the problem that ended it (with the process's last output as the stage's log), and the rest skipped.
 */
export function interruptedReport(modelName: string, done: Stage[], problems: Problem[], ended: { code: string; level: ProblemLevel; message: string; log?: string[] }): EntryTestReport {
  const r = new ReportBuilder(undefined);
  r.stages.push(...done);
  r.problems.push(...problems);
  const next = LATER.find((id) => !done.some((s) => s.id === id)) ?? 'post-process';
  r.begin(next);
  r.problem(ended.code, ended.level, ended.message);
  if (ended.log) r.log(ended.log);
  return finish(r, { modelName }, after(next), `the test process ended during ${next}`);
}
