// Results of pure functions of a text (a chat template's analysis, its renders, its whitespace differences), kept
// between runs of the command line. pre-commit and CI start a fresh process for every check, and most of a fresh
// check of a registry is spent parsing and rendering the same chat templates as the run before. The results are kept
// per user next to the code cache (see cliLoader.ts), in one JSON file per bundle: a new build starts from nothing,
// so a result is only ever reused by the code that computed it. Only what the inputs alone decide is kept: nothing
// that depends on the file system, the time or the settings.
// The language server does not use it (it keeps its results in memory for as long as it runs). Reading or writing
// the file can fail in any way; that only costs the time the results would have saved.
// A result is found by its kind and its whole input, not by a hash of them: two inputs never share a result, and a
// start does not load node:crypto (a few milliseconds of a run that takes a few hundred).
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Enough for every template of a few registries; the results of one template take a few kilobytes at most. */
const MAX_ENTRIES = 2000;
/**
 * And at most about this many characters of inputs, so that a start reads at most about a megabyte (a registry's
 * templates take tens of kilobytes, about three times over: analysis, renders, whitespace).
 */
const MAX_INPUT_CHARS = 1_000_000;
const FORMAT = 2;

interface Store {
  file: string;
  /** Results by kind and input (`keyOf`): those read from the file, and those computed in this run. */
  entries: Map<string, unknown>;
  /** Keys asked for or added in this run: they are kept first when the file is full. */
  used: Set<string>;
  changed: boolean;
}

let store: Store | undefined;

function keyOf(kind: string, input: string): string {
  return `${kind}\0${input}`;
}

/** Whether results are kept in this process (so that callers can skip preparing a result for keeping). */
export function keepingResults(): boolean {
  return store !== undefined;
}

/**
 * The kept result of `kind` for `input`, or undefined when there is none, or when what is kept does not have the
 * shape `fits` checks (a file edited by hand, or damaged): the caller then computes the result again.
 */
export function keptResult<T>(kind: string, input: string, fits: (value: unknown) => value is T): T | undefined {
  if (!store) return undefined;
  const key = keyOf(kind, input);
  const value = store.entries.get(key);
  if (value === undefined || !fits(value)) return undefined;
  store.used.add(key);
  return value;
}

/**
 * For the shape checks of kept results: a plain JSON object. (clemcore/python.ts's isDict says the same, but the
 * jinja2 package, whose results are kept here too, may import nothing of clemcore.)
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** For the shape checks of kept results: a span of offsets in a template. */
export function isSpan(value: unknown): value is Record<string, unknown> & { start: number; end: number } {
  return isRecord(value) && Number.isInteger(value.start) && Number.isInteger(value.end);
}

/** Keeps a JSON-serializable result of `kind` for `input`; written to the file when the process exits. */
export function keepResult(kind: string, input: string, value: unknown): void {
  if (!store || value === undefined) return;
  const key = keyOf(kind, input);
  store.entries.set(key, value);
  store.used.add(key);
  store.changed = true;
}

/**
 * Reads the results kept in `file` and keeps this run's there at exit. A file that cannot be read or is not one of
 * ours counts as empty.
 */
export function openKeptResults(file: string): void {
  const entries = new Map<string, unknown>();
  try {
    const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isRecord(data) && data.format === FORMAT && isRecord(data.entries)) {
      for (const [key, value] of Object.entries(data.entries)) entries.set(key, value);
    }
  } catch {
    // none yet, unreadable or damaged: start from nothing
  }
  store = { file, entries, used: new Set(), changed: false };
  process.once('exit', () => writeKept());
}

/** Stops keeping results (for tests); the results of this process so far are not written. */
export function closeKeptResults(): void {
  store = undefined;
}

function writeKept(): void {
  const s = store;
  if (!s?.changed) return;
  // This run's results first, then the others in the order of the file (the run before's first), up to the limits.
  const entries: Record<string, unknown> = {};
  let count = 0;
  let chars = 0;
  for (const key of [...s.used, ...[...s.entries.keys()].filter((k) => !s.used.has(k))]) {
    if (count++ >= MAX_ENTRIES || (chars += key.length) > MAX_INPUT_CHARS) break;
    entries[key] = s.entries.get(key);
  }
  const temporary = `${s.file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(s.file), { recursive: true });
    writeFileSync(temporary, JSON.stringify({ format: FORMAT, entries }));
    renameSync(temporary, s.file);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was written
    }
  }
}
