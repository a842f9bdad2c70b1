// One open registry as the main thread sees it: its checker thread, the debounce, the check in flight, and the last
// result. Results are published only for the text they were computed on; a check that a newer edit overtook is
// followed by another one instead.
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { TextBuffer, OffsetEdit } from '../textBuffer';
import type { Answers, CheckAnswer, CheckSettings, Question } from './protocol';
import { CheckerFailure, CheckerGone, utf16Of, type CheckerPool, type CheckerThread } from './thread';

export interface DocumentCheckHooks {
  /** Findings for the text as it is now (at `text.version`); undefined when checking it failed, so none are shown. */
  publish(answer: CheckAnswer | undefined): void;
  /** A check or a question failed inside the thread; `what` describes the work. */
  failed(what: string, err: Error): void;
  /** The checker thread stopped (a crash, out of memory, no answer in time): `reason` completes "because ...". */
  stopped(reason: string): void;
}

export interface CheckSummary {
  errors: number;
  warnings: number;
  entries: number;
  clemcoreVersion: string;
}

function summaryOf(answer: CheckAnswer): CheckSummary {
  let errors = 0;
  let warnings = 0;
  for (const f of answer.findings) {
    if (f.severity === 'error') errors++;
    else if (f.severity === 'warning') warnings++;
  }
  return { errors, warnings, entries: answer.entries, clemcoreVersion: answer.clemcoreVersion };
}

/** How many times a status request waits for a newer check while edits keep coming, before it answers anyway. */
const MAX_CATCH_UPS = 5;

export class DocumentCheck {
  private thread: CheckerThread | undefined;
  /** Counts every change of the text sent to the thread; answers carry the revision they saw. */
  private revision = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private recheck = false;
  /** The revision of the last published result (also after a failure, which publishes nothing). */
  private checkedRevision = -1;
  /** The text length at which the thread stopped; checking resumes once the text is shorter (or on a reset). */
  private stoppedAtLength: number | undefined;
  /** What the last published result says, for the status request (counts only: the findings are not kept here). */
  last: CheckSummary | undefined;
  /** Closed, or no longer a registry: answers still under way are dropped. */
  private disposed = false;

  constructor(
    private readonly pool: CheckerPool,
    private readonly text: TextBuffer,
    private settings: CheckSettings,
    private readonly hooks: DocumentCheckHooks,
  ) {
    this.reset();
  }

  /** Sends the whole text again (after an open, a full change, or when the thread's copy cannot be trusted). */
  reset(): void {
    this.stoppedAtLength = undefined;
    this.revision++;
    this.threadFor()?.send({ kind: 'reset', utf16: utf16Of(this.text.getText()), revision: this.revision, check: this.settings });
  }

  edited(edits: OffsetEdit[]): void {
    this.revision++;
    if (this.thread) this.thread.send({ kind: 'edit', edits, revision: this.revision });
    else if (this.stoppedAtLength !== undefined && this.text.textLength < this.stoppedAtLength) this.reset();
  }

  settingsChanged(settings: CheckSettings): void {
    this.settings = settings;
    if (this.thread) this.thread.send({ kind: 'settings', check: settings });
    else this.reset();
  }

  /** Checks after `debounceMs` of quiet (at once when it is 0). */
  schedule(debounceMs: number): void {
    this.clearTimer();
    if (debounceMs <= 0) this.run();
    else this.timer = setTimeout(() => this.run(), debounceMs);
  }

  /** Resolves once the last result is for the current text (or checking it failed), within a few catch-ups. */
  async checkNow(): Promise<void> {
    for (let i = 0; i < MAX_CATCH_UPS; i++) {
      if (this.timer || (!this.inFlight && this.checkedRevision !== this.revision)) this.run();
      if (!this.inFlight) return;
      await this.inFlight;
      if (this.checkedRevision === this.revision) return;
    }
  }

  /**
   * Asks the thread a question about the current text. When the text changes before the answer comes, the answer's
   * offsets no longer fit the line index: the request fails with ContentModified, as LSP asks.
   */
  async ask<K extends Exclude<Question['kind'], 'check' | 'workspaceSymbols'>>(question: Extract<Question, { kind: K }>): Promise<Answers[K]> {
    const thread = this.thread;
    if (!thread || this.disposed) throw new CheckerGone('the document is not being checked');
    const reply = await thread.ask<K>(question);
    if (this.disposed) throw new CheckerGone('the document is no longer checked');
    if (reply.revision !== this.revision) throw new ResponseError(LSPErrorCodes.ContentModified, 'The document changed while the request was answered.');
    return reply.answer;
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    if (this.thread) this.pool.release(this.thread);
    this.thread = undefined;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The thread, started (or taken from the pool) when there is none and checking is not on hold. */
  private threadFor(): CheckerThread | undefined {
    if (this.thread?.alive) return this.thread;
    if (this.stoppedAtLength !== undefined) return undefined;
    const thread = this.pool.acquire();
    this.thread = thread;
    thread.onLines = (revision, starts) => {
      if (revision === this.revision) this.text.adoptLineStarts(starts);
    };
    thread.onGone((gone) => {
      if (this.thread !== thread || gone.ended) return;
      this.thread = undefined;
      this.stoppedAtLength = this.text.textLength;
      this.last = undefined;
      this.hooks.stopped(gone.message);
      this.hooks.publish(undefined);
    });
    return thread;
  }

  private run(): void {
    this.clearTimer();
    if (this.disposed) return;
    if (this.inFlight) {
      this.recheck = true;
      return;
    }
    const thread = this.thread;
    if (!thread) return;
    const flight = thread.ask({ kind: 'check' }).then(
      ({ revision, answer }) => {
        if (this.disposed || revision !== this.revision) return; // overtaken by an edit, which scheduled another check
        this.checkedRevision = revision;
        if (answer.textLength !== this.text.textLength) {
          // The thread's copy drifted from the editor's text: every range would be off, so it gets the text again.
          this.hooks.failed('keeping the checker in step with the editor', new Error(`the checker held ${answer.textLength} characters where the editor has ${this.text.textLength}`));
          this.reset();
          this.recheck = true;
          return;
        }
        this.last = summaryOf(answer);
        this.hooks.publish(answer);
      },
      (err: Error) => {
        if (this.disposed || err instanceof CheckerGone) return; // told through `stopped`
        this.checkedRevision = err instanceof CheckerFailure ? err.revision : this.revision;
        this.hooks.failed('checking', err);
        // A failed check shows no findings rather than findings the server cannot vouch for.
        this.last = undefined;
        this.hooks.publish(undefined);
        if (err instanceof CheckerFailure && err.lostText) this.reset();
      },
    ).finally(() => {
      this.inFlight = undefined;
      // The next spare thread starts after this check, so that loading it does not slow the check down.
      if (!this.disposed) this.pool.warm();
      if (this.recheck && !this.disposed) {
        this.recheck = false;
        this.run();
      }
    });
    this.inFlight = flight;
  }
}
