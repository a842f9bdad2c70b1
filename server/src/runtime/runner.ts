// Runs "Test model entry" in a child process (the test worker) with a time limit and cancellation, and turns a worker
// that dies — llama.cpp aborting on a malformed GGUF, say — into a report instead of a crash of the caller.
import { fork } from 'node:child_process';
import type { EntryTestRequest } from './pipeline';
import { interruptedReport } from './pipeline';
import type { WorkerMessage, WorkerRequest } from './protocol';
import type { EntryTestReport, Problem, Stage } from './report';

export interface RunOptions {
  /** The bundled worker (dist/testWorker.mjs). */
  workerPath: string;
  runtimeCandidates: string[];
  timeoutMs: number;
  signal?: AbortSignal;
  /** Each stage as the worker finishes it, with its problems, for progress. */
  onStage?: (stage: Stage, problems: Problem[]) => void;
}

const KEEP_LINES = 60;

export function runEntryTest(request: EntryTestRequest, options: RunOptions): Promise<EntryTestReport> {
  return new Promise((resolve) => {
    const stages: Stage[] = [];
    const problems: Problem[] = [];
    const output: string[] = [];
    let settled = false;
    let ending: { code: string; message: string } | undefined;

    const child = fork(options.workerPath, [], {
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // In an editor the parent is Electron's or code-server's binary: make it act as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const collect = (chunk: Buffer) => {
      output.push(...chunk.toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== ''));
      if (output.length > KEEP_LINES) output.splice(0, output.length - KEEP_LINES);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);

    const settle = (report: EntryTestReport) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolve(report);
    };
    const stop = (code: string, message: string) => {
      ending = { code, message };
      child.kill('SIGKILL');
    };
    const onAbort = () => stop('cancelled', 'The test was cancelled.');
    const timer = setTimeout(() => stop('timeout', `The test took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped. Raise the time limit, lower max tokens, or use a smaller context.`), options.timeoutMs);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort);

    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'stage') {
        stages.push(message.stage);
        problems.push(...message.problems);
        options.onStage?.(message.stage, message.problems);
      } else if (message.type === 'done') {
        settle(message.report);
      } else if (message.type === 'failed') {
        ending = { code: 'worker-error', message: `The test failed inside the worker: ${message.message.split('\n')[0]}` };
      }
    });
    child.on('error', (err) => {
      settle(interruptedReport(request.modelName, stages, problems, { code: 'worker-error', level: 'error', message: `The test process could not run: ${err.message}` }));
    });
    child.on('exit', (code, signal) => {
      // Let the last stdio chunks arrive before the report is made.
      setImmediate(() => {
        if (settled) return;
        if (ending) {
          settle(interruptedReport(request.modelName, stages, problems, { ...ending, level: 'error', log: output.slice() }));
          return;
        }
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const loading = !stages.some((s) => s.id === 'load') && stages.some((s) => s.id === 'model-file');
        settle(interruptedReport(request.modelName, stages, problems, loading
          ? { code: 'load-crashed', level: 'fail', message: `llama.cpp ended the process while loading the model (it ${how}): the file is malformed or not supported by this llama.cpp, and clemcore's process would die the same way.`, log: output.slice() }
          : { code: 'worker-crashed', level: 'error', message: `The test process ${how}.`, log: output.slice() }));
      });
    });
    const job: WorkerRequest = { request, runtimeCandidates: options.runtimeCandidates };
    child.send({ type: 'run', job });
  });
}
