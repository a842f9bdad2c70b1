// Messages between the test worker and its parent (the CLI or the extension host).
import type { EntryTestRequest } from './pipeline';
import type { EntryTestReport, Problem, Stage } from './report';

export interface WorkerRequest {
  request: EntryTestRequest;
  /** Folders that may hold node-llama-cpp, in order of preference. */
  runtimeCandidates: string[];
}

export type WorkerMessage =
  | { type: 'stage'; stage: Stage; problems: Problem[] }
  | { type: 'done'; report: EntryTestReport }
  | { type: 'failed'; message: string };
