// The test worker: a child process that runs one "Test model entry" and reports each stage to its parent over IPC.
// llama.cpp runs only here, so a GGUF that makes it abort() kills this process and nothing else.
import { LlamaEngine } from './llama';
import { findRuntime } from './runtimeLocation';
import { testEntry } from './pipeline';
import type { WorkerMessage, WorkerRequest } from './protocol';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function run(job: WorkerRequest): Promise<void> {
  let engine: LlamaEngine | undefined;
  const startEngine = async () => {
    const runtime = findRuntime(job.runtimeCandidates);
    if (!runtime) {
      throw new Error(`node-llama-cpp is not installed (looked in ${job.runtimeCandidates.join(', ') || 'no folder'}). Install the llama.cpp runtime or point clemRegistry.llamaRuntime at a folder holding node-llama-cpp.`);
    }
    engine = await LlamaEngine.start(runtime, job.request.threads, job.request.cpuOnly ? false : 'auto');
    return engine;
  };
  const pending: Promise<void>[] = [];
  const report = await testEntry(job.request, startEngine, (stage, problems) => {
    pending.push(send({ type: 'stage', stage, problems }));
  });
  await Promise.all(pending);
  await send({ type: 'done', report });
  await engine?.dispose().catch(() => undefined);
}

process.on('message', (message: { type: string; job?: WorkerRequest }) => {
  if (message.type !== 'run' || !message.job) return;
  run(message.job)
    .catch((err: unknown) => send({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) }))
    .finally(() => process.exit(0));
});
// The parent going away (a closed editor, a killed CLI) ends the worker too.
process.on('disconnect', () => process.exit(0));
