// llama.cpp through node-llama-cpp: load a GGUF, tokenize both ways, and generate greedily token by token, as
// llama-cpp-python does under clemcore. Runs only in the test worker process: a malformed GGUF can abort() it.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Llama, LlamaModel, Token } from 'node-llama-cpp';
import type { RuntimeLocation } from './runtimeLocation';

type NodeLlamaCpp = typeof import('node-llama-cpp');

/** The package's ESM entry (it is ESM-only, so it is imported by URL, never required). */
function entryOf(location: RuntimeLocation): string {
  const pkg = JSON.parse(readFileSync(path.join(location.dir, 'package.json'), 'utf8')) as { exports?: unknown; main?: string };
  const root = (pkg.exports as Record<string, unknown> | undefined)?.['.'] ?? pkg.exports;
  const target = typeof root === 'string' ? root : ((root as Record<string, string> | undefined)?.import ?? (root as Record<string, string> | undefined)?.default ?? pkg.main ?? 'dist/index.js');
  const file = path.join(location.dir, target);
  if (!existsSync(file)) throw new Error(`node-llama-cpp at ${location.dir} has no ${target}`);
  return pathToFileURL(file).href;
}

export interface LoadOptions {
  /** A layer count, or 'max' for all layers (clemcore's n_gpu_layers=-1). */
  gpuLayers: number | 'max';
  /** undefined: the model's trained context, as clemcore's n_ctx=0. */
  contextSize?: number;
  threads?: number;
}

export interface Generation {
  tokens: Token[];
  stop: 'eog' | 'max-tokens' | 'context-full';
  /** The end-of-generation token, when that stopped it. */
  eogToken?: Token;
  firstTokenMs: number;
  tokensPerSecond: number;
}

export interface LoadedModel {
  gpu: string;
  gpuLayers: number;
  totalLayers: number | undefined;
  loadMs: number;
  trainContextSize: number;
  contextSize: number;
  modelBytes: number;
  vramUsedBytes: number;
  /** Growth of the worker's resident memory during the load (weights, KV cache, buffers). */
  ramUsedBytes: number;
  bos: Token | null;
  shouldPrependBos: boolean;
  tokenize(text: string, parseSpecial: boolean): Token[];
  detokenize(tokens: readonly Token[], specialTokens: boolean): string;
  isEog(token: Token): boolean;
  generate(prompt: Token[], maxTokens: number): Promise<Generation>;
  dispose(): Promise<void>;
}

export class LlamaEngine {
  private constructor(
    private readonly llama: Llama,
    readonly runtime: RuntimeLocation,
    /** llama.cpp's own log lines (the latest 400): its load errors reach JavaScript only here. */
    readonly log: string[],
  ) {}

  /** `gpu`: 'auto' tries CUDA, then Vulkan, then the CPU; false loads the CPU build only. */
  static async start(runtime: RuntimeLocation, threads = os.availableParallelism?.() ?? os.cpus().length, gpu: 'auto' | false = 'auto'): Promise<LlamaEngine> {
    const lib = (await import(entryOf(runtime))) as NodeLlamaCpp;
    const log: string[] = [];
    const llama = await lib.getLlama({
      // Prebuilt binaries only: never compile, never download.
      build: 'never',
      skipDownload: true,
      gpu,
      maxThreads: threads,
      logLevel: lib.LlamaLogLevel.warn,
      logger: (level, message) => {
        const line = message.replace(/\s+$/, '');
        if (line) log.push(`${level}: ${line}`);
        if (log.length > 400) log.splice(0, log.length - 400);
      },
    });
    return new LlamaEngine(llama, runtime, log);
  }

  /**
   * Waits until llama.cpp's log lines stop arriving (they come asynchronously, after the failed call has returned),
   * at most half a second.
   */
  async settleLog(): Promise<void> {
    let seen = -1;
    for (let waited = 0; waited < 500 && seen !== this.log.length; waited += 40) {
      seen = this.log.length;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }

  get gpu(): string {
    return this.llama.gpu === false ? 'CPU' : this.llama.gpu.toUpperCase();
  }

  async load(modelPath: string, options: LoadOptions): Promise<LoadedModel> {
    const vramBefore = await this.llama.getVramState().catch(() => undefined);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const model: LlamaModel = await this.llama.loadModel({ modelPath, gpuLayers: options.gpuLayers });
    const trainContextSize = model.trainContextSize;
    const contextSize = options.contextSize ?? trainContextSize;
    const context = await model.createContext({ contextSize, sequences: 1, threads: options.threads });
    const loadMs = performance.now() - started;
    const vramAfter = await this.llama.getVramState().catch(() => undefined);
    const ramUsedBytes = Math.max(0, process.memoryUsage().rss - rssBefore);
    const sequence = context.getSequence();
    const blocks = model.fileInsights?.totalLayers;
    return {
      gpu: this.gpu,
      gpuLayers: model.gpuLayers,
      totalLayers: typeof blocks === 'number' ? blocks : undefined,
      loadMs,
      trainContextSize,
      contextSize: context.contextSize,
      modelBytes: model.size,
      vramUsedBytes: vramBefore && vramAfter ? Math.max(0, vramAfter.used - vramBefore.used) : 0,
      ramUsedBytes,
      bos: model.tokens.bos,
      shouldPrependBos: model.tokens.shouldPrependBosToken,
      tokenize: (text, parseSpecial) => model.tokenize(text, parseSpecial),
      detokenize: (tokens, special) => model.detokenize(tokens, special),
      isEog: (token) => model.isEogToken(token),
      async generate(prompt, maxTokens) {
        const out: Token[] = [];
        const t0 = performance.now();
        let first = 0;
        let stop: Generation['stop'] = 'max-tokens';
        let eogToken: Token | undefined;
        if (maxTokens > 0) {
          // Greedy (temperature 0) with the EOG token yielded, so the report can name it.
          for await (const token of sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) {
            if (out.length === 0 && first === 0) first = performance.now() - t0;
            if (model.isEogToken(token)) {
              stop = 'eog';
              eogToken = token;
              break;
            }
            out.push(token);
            if (out.length >= maxTokens) break;
            if (sequence.nextTokenIndex >= context.contextSize) {
              stop = 'context-full';
              break;
            }
          }
        }
        const seconds = (performance.now() - t0 - first) / 1000;
        return { tokens: out, stop, eogToken, firstTokenMs: first, tokensPerSecond: out.length > 1 && seconds > 0 ? (out.length - 1) / seconds : 0 };
      },
      async dispose() {
        await context.dispose();
        await model.dispose();
      },
    };
  }

  async dispose(): Promise<void> {
    await this.llama.dispose();
  }
}
