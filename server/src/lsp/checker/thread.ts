// The main thread's handle on a checker thread (a worker_threads Worker running checkWorker.js), and a pool that
// keeps one started thread spare, so that opening a registry does not wait for a thread to load the service.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Answers, FromChecker, Question, ToChecker } from './protocol';

/** A question left unanswered this long means the thread is stuck: it is stopped, and the document said so. */
export const ANSWER_LIMIT_MS = 120_000;
/** Threads that held a text this long are not reused: their heap would keep the memory of a large file. */
const REUSE_BELOW_CHARS = 1_000_000;

export interface Reply<T> {
  revision: number;
  answer: T;
}

/** A question that failed inside the thread; the error is the thread's, rebuilt here for the log. */
export class CheckerFailure extends Error {
  constructor(readonly cause: Error, readonly lostText: boolean, readonly revision: number) {
    super(cause.message);
    this.name = cause.name;
    this.stack = cause.stack;
  }
}

/** The thread stopped (a crash, running out of memory, or the answer limit): `message` says which, plainly. */
export class CheckerGone extends Error {
  override name = 'CheckerGone';
  /** Ended on purpose (the document closed), not a failure. */
  constructor(message: string, readonly ended = false) {
    super(message);
  }
}

interface Waiting {
  resolve(reply: Reply<unknown>): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class CheckerThread {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private goneWith: CheckerGone | undefined;
  private readonly goneListeners: ((err: CheckerGone) => void)[] = [];
  /** The longest text this thread was given, to decide whether it may be reused. */
  largestText = 0;
  /** Receives the line starts the thread found in the text of a reset. */
  onLines: ((revision: number, starts: Int32Array) => void) | undefined;

  constructor(script: string) {
    this.worker = new Worker(script, { stdout: true });
    // The thread's stdout would go to the process's stdout, which carries the protocol; stderr is the log.
    this.worker.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    this.worker.on('message', (message: FromChecker) => this.onMessage(message));
    this.worker.on('error', (err: Error & { code?: string }) => {
      const reason = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'it ran out of memory' : `it failed (${err.name})`;
      this.stop(new CheckerGone(reason));
    });
    this.worker.on('exit', () => this.stop(new CheckerGone('it stopped')));
  }

  get alive(): boolean {
    return this.goneWith === undefined;
  }

  onGone(listener: (err: CheckerGone) => void): void {
    if (this.goneWith) listener(this.goneWith);
    else this.goneListeners.push(listener);
  }

  send(message: ToChecker): void {
    if (!this.alive) return;
    if (message.kind === 'reset') {
      this.largestText = Math.max(this.largestText, message.utf16.byteLength / 2);
      this.worker.postMessage(message, [message.utf16]);
    } else {
      this.worker.postMessage(message);
    }
  }

  ask<K extends Question['kind']>(question: Extract<Question, { kind: K }>): Promise<Reply<Answers[K]>> {
    if (this.goneWith) return Promise.reject(this.goneWith);
    const id = this.nextId++;
    return new Promise<Reply<Answers[K]>>((resolve, reject) => {
      const timer = setTimeout(() => this.stop(new CheckerGone(`it gave no answer within ${ANSWER_LIMIT_MS / 1000} s`)), ANSWER_LIMIT_MS);
      this.waiting.set(id, { resolve: resolve as (reply: Reply<unknown>) => void, reject, timer });
      this.worker.postMessage({ kind: 'ask', id, question } satisfies ToChecker);
    });
  }

  /** Forgets the listeners of the document it served, before it serves another (they hold that document). */
  forgetListeners(): void {
    this.onLines = undefined;
    this.goneListeners.length = 0;
  }

  /** Whether the thread may serve another document after this one. */
  get reusable(): boolean {
    return this.alive && this.largestText < REUSE_BELOW_CHARS;
  }

  terminate(): void {
    this.stop(new CheckerGone('it was ended', true));
  }

  private onMessage(message: FromChecker): void {
    if (message.kind === 'lines') {
      this.onLines?.(message.revision, message.starts);
      return;
    }
    const waiting = this.waiting.get(message.id);
    if (!waiting) return;
    this.waiting.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.kind === 'answer') waiting.resolve({ revision: message.revision, answer: message.answer });
    else {
      const cause = Object.assign(new Error(message.error.message), { name: message.error.name, stack: message.error.stack });
      waiting.reject(new CheckerFailure(cause, message.lostText, message.revision));
    }
  }

  private stop(reason: CheckerGone): void {
    if (this.goneWith) return;
    this.goneWith = reason;
    void this.worker.terminate();
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(reason);
    }
    this.waiting.clear();
    for (const listener of this.goneListeners.splice(0)) listener(reason);
  }
}

/** Hands out checker threads, keeping one started thread spare. */
export class CheckerPool {
  private spare: CheckerThread | undefined;
  private readonly script: string;
  private disposed = false;

  constructor(script = path.join(__dirname, 'checkWorker.js')) {
    this.script = script;
  }

  /** Starts the spare thread now (when there is none), so the next registry opened does not wait for one. */
  warm(): void {
    if (!this.disposed && !this.spare?.alive) this.spare = new CheckerThread(this.script);
  }

  /** A thread for a document; the caller starts the next spare with `warm` once its first check is done. */
  acquire(): CheckerThread {
    const thread = this.spare?.alive ? this.spare : new CheckerThread(this.script);
    this.spare = undefined;
    return thread;
  }

  /** Takes a thread back when its document closes: kept as the spare when it is small, else ended. */
  release(thread: CheckerThread): void {
    thread.forgetListeners();
    thread.send({ kind: 'release' });
    if (thread.reusable && !this.disposed && !this.spare?.alive) this.spare = thread;
    else thread.terminate();
  }

  dispose(): void {
    this.disposed = true;
    this.spare?.terminate();
    this.spare = undefined;
  }
}

/** The text as UTF-16 code units in a buffer of its own, to be transferred to a thread. */
export function utf16Of(text: string): ArrayBuffer {
  const buffer = new ArrayBuffer(text.length * 2);
  Buffer.from(buffer).write(text, 'utf16le');
  return buffer;
}
