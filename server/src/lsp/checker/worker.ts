// A checker thread: holds one registry document and answers the main thread's questions about it with the service,
// in offsets. However long a check takes here (a 20 MB file, a huge value), the main thread keeps answering.
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { RegistryDocument, complete, documentSymbols, entryLenses, fixAll, foldingRanges, hover, quickFixes, shadowLenses, winnerOf, type ServiceSettings, type TextEdit } from '../../service';
import { cachedFiles, cachedRepos } from '../../runtime/modelFiles';
import { settingsForPath } from '../folderSettings';
import { REGISTRY_FILE_NAME } from '../protocol';
import type { ServerSettings } from '../settings';
import { readTokenizerFacts } from '../../runtime/tokenizerFacts';
import { readGgufFacts, readRepoFiles } from '../../runtime/ggufFacts';
import { lineStartsOf, TextBuffer } from '../textBuffer';
import { registryFilesIn, symbolsOfFile } from '../workspaceRegistries';
import type { Answers, CheckSettings, FileSymbol, FromChecker, Question, ToChecker, WorkspaceSymbolsRequest } from './protocol';

/** The local Hugging Face cache, read (never downloaded to) to complete `huggingface_id` and `filename`. */
const LOCAL_MODELS = { repos: () => cachedRepos(), files: (id: string) => cachedFiles(id) };

/** Edits kept before the text is rebuilt while no RegistryDocument holds it. */
const MAX_PENDING = 500;

interface HeldDocument {
  /** The text the edits in `pending` apply to, while `registry` is not built. */
  text: string;
  pending: TextEdit[];
  registry?: RegistryDocument;
  revision: number;
  check: CheckSettings;
  /** An update failed half-way: the copy of the text is no longer trusted until a reset. */
  lost: boolean;
}

let held: HeldDocument | undefined;

/** What the service is given: the settings, the file's path, and what the local caches hold (tokenizers, GGUFs). */
function serviceSettings(settings: ServerSettings, documentPath: string | undefined): ServiceSettings {
  return {
    clemcoreVersion: settings.clemcoreVersion,
    severity: settings.severity,
    documentPath,
    tokenizerFacts: (id) => readTokenizerFacts(id),
    ggufFacts: (id, filename) => readGgufFacts(id, filename),
    repoFiles: (id) => readRepoFiles(id),
  };
}

class LostText extends Error {
  override name = 'LostText';
}

/** The document's RegistryDocument, built or brought up to date with the edits received since. */
function registry(): RegistryDocument {
  if (!held) throw new LostText('no document is held');
  if (held.lost) throw new LostText('the copy of the text was lost in an earlier failure');
  try {
    if (!held.registry) {
      const text = applyEdits(held.text, held.pending);
      held.text = '';
      held.pending = [];
      held.registry = new RegistryDocument(text, serviceSettings(held.check.settings, held.check.documentPath));
    } else if (held.pending.length) {
      const edits = held.pending;
      held.pending = [];
      held.registry.update(edits);
    }
    return held.registry;
  } catch (err) {
    held.lost = true;
    held.registry = undefined;
    throw err;
  }
}

function applyEdits(text: string, edits: TextEdit[]): string {
  for (const e of edits) text = text.slice(0, e.offset) + e.text + text.slice(e.offset + e.length);
  return text;
}

function answer(question: Question): Answers[Question['kind']] {
  switch (question.kind) {
    case 'check': {
      const r = registry();
      return { findings: r.diagnostics(), entries: r.entryCount, clemcoreVersion: r.version, textLength: r.textLength };
    }
    case 'symbols': return documentSymbols(registry());
    case 'folding': return foldingRanges(registry());
    case 'hover': return hover(registry(), question.offset);
    case 'lenses': {
      const r = registry();
      return { entries: entryLenses(r), shadows: shadowLenses(r) };
    }
    case 'definition': return winnerOf(registry(), question.offset);
    case 'complete': return complete(registry(), question.offset, LOCAL_MODELS);
    case 'fixAll': {
      const r = registry();
      return fixAll(r, r.diagnostics());
    }
    case 'quickFixes': {
      const r = registry();
      return question.findings.map((f) => quickFixes(r, f));
    }
    case 'workspaceSymbols': return workspaceSymbols(question.request);
  }
}

/** The entries of the registry files on disk that are not open, with their ranges. */
function workspaceSymbols(request: WorkspaceSymbolsRequest): FileSymbol[] {
  const query = request.query.toLowerCase();
  const skip = new Set(request.skip);
  const folders = new Map(request.folderSettings);
  const out: FileSymbol[] = [];
  for (const file of registryFilesIn(request.folders, REGISTRY_FILE_NAME)) {
    if (skip.has(file)) continue;
    const found = symbolsOfFile(file, serviceSettings(settingsForPath(file, request.settings, folders), file));
    if (!found) continue;
    const lines = new TextBuffer(found.uri, 0, found.text);
    for (const s of found.symbols) {
      if (query && !s.name.toLowerCase().includes(query)) continue;
      const range = { start: lines.positionAt(s.selectionOffset), end: lines.positionAt(s.selectionOffset + s.selectionLength) };
      out.push({ name: s.name, detail: s.detail, uri: pathToFileURL(file).toString(), range });
    }
  }
  return out;
}

function receive(message: ToChecker): FromChecker | undefined {
  switch (message.kind) {
    case 'reset': {
      const text = Buffer.from(message.utf16).toString('utf16le');
      held = { text, pending: [], revision: message.revision, check: message.check, lost: false };
      const starts = Int32Array.from(lineStartsOf(text));
      return { kind: 'lines', revision: message.revision, starts };
    }
    case 'edit':
      if (!held) return undefined;
      held.revision = message.revision;
      held.pending.push(...message.edits);
      if (!held.registry && held.pending.length > MAX_PENDING) {
        held.text = applyEdits(held.text, held.pending);
        held.pending = [];
      }
      return undefined;
    case 'settings':
      if (!held) return undefined;
      // A new RegistryDocument with the new settings, built on the next question.
      if (held.registry) {
        held.text = held.registry.getText();
        held.registry = undefined;
      }
      held.check = message.check;
      return undefined;
    case 'release':
      held = undefined;
      return undefined;
    case 'ask': {
      const revision = held?.revision ?? -1;
      try {
        return { kind: 'answer', id: message.id, revision, answer: answer(message.question) };
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        return { kind: 'failed', id: message.id, revision, lostText: held?.lost === true || e instanceof LostText, error: { name: e.name, message: e.message, stack: e.stack } };
      }
    }
  }
}

parentPort?.on('message', (message: ToChecker) => {
  const reply = receive(message);
  if (reply) parentPort!.postMessage(reply, reply.kind === 'lines' ? [reply.starts.buffer as ArrayBuffer] : []);
});
