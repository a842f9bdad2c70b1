// The language server: LSP wiring only. Keeps each open document's text and line index, hands every registry to a
// checker thread of its own (server/src/lsp/checker), and turns the offsets that come back into LSP ranges. Checks
// never run on this thread, so requests on one document are answered while another is being checked.
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  InsertTextFormat,
  DidChangeConfigurationNotification,
  MarkupKind,
  ProposedFeatures,
  ResponseError,
  SymbolKind,
  TextDocumentSyncKind,
  type DidChangeTextDocumentParams,
  type InitializeParams,
  type InitializeResult,
  type SymbolInformation,
} from 'vscode-languageserver/node';
import { TextBuffer, type OffsetEdit } from './lsp/textBuffer';
import type { FixEdit } from './service';
import { DIAGNOSTIC_SOURCE, rangeOf, toLspDiagnostic } from './lsp/convert';
import {
  GO_TO_ENTRY_COMMAND,
  PREVIEW_TEMPLATE_COMMAND,
  TEST_ENTRY_COMMAND,
  REGISTRY_FILE_NAME,
  REGISTRY_FILES_NOTIFICATION,
  SETTINGS_SECTION,
  STATUS_REQUEST,
  type RegistryFilesParams,
  type StatusParams,
  type StatusResult,
} from './lsp/protocol';
import { defaultSettings, readSettings, type ServerSettings } from './lsp/settings';
import { settingsForPath } from './lsp/folderSettings';
import { matchesRegistryGlobs } from './lsp/registryGlobs';
import { FailureLog } from './lsp/failureLog';
import { openTransport } from './lsp/transport';
import { isObject } from './lsp/paramShapes';
import { fixOffers } from './lsp/fixOffers';
import { DocumentCheck } from './lsp/checker/documentCheck';
import { CheckerGone, CheckerPool, type CheckerThread } from './lsp/checker/thread';
import type { CheckAnswer, CheckSettings, FileSymbol } from './lsp/checker/protocol';

// Handler failures go to the client's log once per kind; `connection` is set right below.
const failures = new FailureLog((line) => connection.console.error(line));
const transport = openTransport(process.argv.slice(2), {
  dropped: (problem) => failures.notice(problem, `clem-registry: ignored a message: ${problem}.`),
});
const connection = createConnection(ProposedFeatures.all, transport.reader, transport.writer);
const pool = new CheckerPool();
// The first checker thread loads while the client and server shake hands, so the first registry opened does not wait.
guard('starting a checker thread', () => pool.warm());

/** One synced document. Every JSON document the client sends is kept (cheaply), so a late "check as registry" needs no resend. */
interface OpenDocument {
  text: TextBuffer;
  /** Its checking, while the document is a registry. */
  check?: DocumentCheck;
  /** The user was told that checking it stopped (once per open, however often it stops). */
  toldStopped?: boolean;
}

const documents = new Map<string, OpenDocument>();
/** URIs the client asked to check besides files named model_registry.json. */
let extraRegistries = new Set<string>();
/** The settings outside any workspace folder (user and workspace level). */
let settings: ServerSettings = defaultSettings();
/** Each workspace folder's settings, by the folder's path. Documents outside every folder use `settings`. */
let folderSettings = new Map<string, ServerSettings>();
/** The settings in the client's initializationOptions: used where workspace/configuration has none. */
let initializationSettings: unknown;
/** Publishing waits for the first settings pull, so nothing is checked twice at startup. */
let settingsLoaded = false;
let canPullConfiguration = false;
/** The workspace folders on disk, where workspace symbols look for registry files. */
let workspaceFolders: string[] = [];
/** The workspace folders' URIs, as the client names them in configuration requests. */
let workspaceFolderUris: string[] = [];
/** Whether the client takes snippet text edits in workspace edits (LSP 3.18), for fixes with tab stops. */
let snippetEditSupport = false;
/** Whether the client takes snippets (tab stops) in completion items; plain text otherwise. */
let snippetSupport = false;
/** The thread that reads registry files on disk for workspace symbols, started on first use. */
let workspaceThread: CheckerThread | undefined;

// ---- safety: a bug must cost one answer or one document's diagnostics, never the server ------------------------------

/** Runs a notification handler body, logging a failure (once per kind) instead of throwing. */
function guard(what: string, body: () => void): void {
  try {
    body();
  } catch (err) {
    failures.report(what, err);
  }
}

/**
 * Wraps a request handler: a failure is logged once per kind and answered with `fallback`, never with the text of an
 * exception. A stale answer (ContentModified) goes to the client as the protocol error it is.
 */
function answer<P, R>(what: string, fallback: R, body: (params: P) => R | Promise<R>): (params: P) => Promise<R> {
  return async (params) => {
    try {
      return await body(params);
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      if (!(err instanceof CheckerGone)) failures.report(what, err);
      return fallback;
    }
  };
}

process.on('uncaughtException', (err) => failures.report('an unexpected operation', err));
process.on('unhandledRejection', (err) => failures.report('an unexpected asynchronous operation', err));

// ---- which documents are registries, and with which settings ------------------------------------------------------

function fileNameOf(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const name = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function isRegistry(uri: string): boolean {
  if (fileNameOf(uri) === REGISTRY_FILE_NAME || extraRegistries.has(uri)) return true;
  const file = documentPathOf(uri);
  const globs = file === undefined ? [] : settingsFor(uri).files;
  return globs.length > 0 && matchesRegistryGlobs(file!, globs, workspaceFolders);
}

/**
 * Applies a change of what makes a document a registry: starts checking the documents that now are, stops the others.
 * Returns the documents it started checking.
 */
function changeRegistrySet(change: () => void): Set<string> {
  const before = new Map([...documents.keys()].map((uri) => [uri, isRegistry(uri)]));
  const started = new Set<string>();
  change();
  for (const [uri, was] of before) {
    const now = isRegistry(uri);
    if (was === now) continue;
    const doc = documents.get(uri)!;
    if (now) {
      startChecking(uri, doc);
      schedule(uri, doc, true);
      started.add(uri);
    } else {
      stopChecking(doc);
      clearDiagnostics(uri);
    }
  }
  return started;
}

function documentPathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function settingsFor(uri: string): ServerSettings {
  return settingsForPath(documentPathOf(uri), settings, folderSettings);
}

function checkSettingsFor(uri: string): CheckSettings {
  return { settings: settingsFor(uri), documentPath: documentPathOf(uri) };
}

// ---- checking and publishing ----------------------------------------------------------------------------------------

function publish(uri: string, doc: OpenDocument, result: CheckAnswer | undefined): void {
  if (!settingsLoaded || !isRegistry(uri) || documents.get(uri) !== doc) return;
  const diagnostics = [];
  for (const finding of result?.findings ?? []) {
    try {
      diagnostics.push(toLspDiagnostic(doc.text, finding));
    } catch (err) {
      failures.report('converting a finding to a range', err);
    }
  }
  void connection.sendDiagnostics({ uri, version: doc.text.version, diagnostics }).catch((err) => failures.report('publishing diagnostics', err));
}

function startChecking(uri: string, doc: OpenDocument): void {
  doc.check?.dispose();
  const name = fileNameOf(uri);
  doc.check = new DocumentCheck(pool, doc.text, checkSettingsFor(uri), {
    publish: (result) => publish(uri, doc, result),
    failed: (what, err) => failures.report(`${what} a registry`, err),
    stopped: (reason) => {
      const line = `clem-registry stopped checking ${name} because ${reason}. It checks it again when the file gets shorter, is reopened, or the settings change.`;
      failures.notice(`stopped ${uri}`, line);
      if (doc.toldStopped) return;
      doc.toldStopped = true;
      connection.window.showWarningMessage(line);
    },
  });
}

function stopChecking(doc: OpenDocument): void {
  doc.check?.dispose();
  doc.check = undefined;
}

/** Checks after the debounce of the document's settings (at once when `now`). */
function schedule(uri: string, doc: OpenDocument, now = false): void {
  if (!settingsLoaded || !doc.check) return;
  doc.check.schedule(now ? 0 : settingsFor(uri).debounceMs);
}

function clearDiagnostics(uri: string): void {
  void connection.sendDiagnostics({ uri, diagnostics: [] }).catch((err) => failures.report('clearing diagnostics', err));
}

/** After a settings change: every registry is checked again with its new settings (but those just started). */
function recheckAll(skip: ReadonlySet<string> = new Set()): void {
  for (const [uri, doc] of documents) {
    if (!doc.check || skip.has(uri)) continue;
    doc.check.settingsChanged(checkSettingsFor(uri));
    schedule(uri, doc, true);
  }
}

// ---- settings -------------------------------------------------------------------------------------------------------

/** Applies the settings outside folders and, when the client can tell them, each folder's (by the folder's path). */
function applySettings(raw: unknown, perFolder: [string, unknown][] = []): void {
  const told = new Set<string>();
  const read = (value: unknown): ServerSettings => {
    const { settings: next, problems } = readSettings(value);
    for (const p of problems) {
      if (told.has(p)) continue;
      told.add(p);
      connection.console.warn(`clem-registry: ${p}`);
    }
    return next;
  };
  const outside = read(raw);
  const folders = new Map(perFolder.map(([folder, value]) => [folder, read(value)]));
  // The `files` globs may make documents registries or take that away.
  const started = changeRegistrySet(() => {
    settings = outside;
    folderSettings = folders;
    settingsLoaded = true;
  });
  recheckAll(started);
}

async function pullSettings(): Promise<void> {
  const folders = workspaceFolderUris.map((uri) => [uri, documentPathOf(uri)] as const).filter((f): f is readonly [string, string] => f[1] !== undefined);
  let answers: unknown[] = [];
  try {
    answers = await connection.workspace.getConfiguration([{ section: SETTINGS_SECTION }, ...folders.map(([uri]) => ({ scopeUri: uri, section: SETTINGS_SECTION }))]);
  } catch (err) {
    failures.report('reading the clemRegistry settings', err);
  }
  const list = Array.isArray(answers) ? answers : [];
  // A client that has no such section answers null (Neovim, Helix, eglot without it): the initialization options hold.
  const outside = list[0] ?? initializationSettings;
  const perFolder = folders.map(([, file], i): [string, unknown] => [file, list[i + 1] ?? outside]);
  guard('applying settings', () => applySettings(outside, perFolder));
}

// ---- lifecycle ------------------------------------------------------------------------------------------------------

let dynamicConfigurationRegistration = false;
let workspaceFoldersChange = false;

function setWorkspaceFolders(uris: string[]): void {
  workspaceFolderUris = uris;
  workspaceFolders = uris.map((uri) => documentPathOf(uri)).filter((p): p is string => p !== undefined);
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  // The gate made sure params and params.capabilities are objects; the rest is read defensively.
  const capabilities = params.capabilities;
  canPullConfiguration = capabilities.workspace?.configuration === true;
  const folders = Array.isArray(params.workspaceFolders) ? params.workspaceFolders.filter((f) => isObject(f) && typeof f.uri === 'string') : [];
  setWorkspaceFolders(folders.map((f) => f.uri));
  if (!workspaceFolders.length && typeof params.rootUri === 'string') setWorkspaceFolders([params.rootUri]);
  snippetSupport = capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
  snippetEditSupport = (capabilities.workspace?.workspaceEdit as { snippetEditSupport?: boolean } | undefined)?.snippetEditSupport === true;
  dynamicConfigurationRegistration = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  workspaceFoldersChange = capabilities.workspace?.workspaceFolders === true;
  // Editors other than VS Code pass settings at startup: {"settings": {"clemRegistry": {...}}} or {"clemRegistry": {...}}.
  const options = params.initializationOptions;
  if (isObject(options)) initializationSettings = isObject(options.settings) ? options.settings.clemRegistry : options.clemRegistry;
  if (!canPullConfiguration) guard('reading initialization options', () => applySettings(initializationSettings));
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      codeLensProvider: { resolveProvider: false },
      completionProvider: { triggerCharacters: ['"'] },
      definitionProvider: true,
      workspaceSymbolProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'clem-registry' },
  };
});

connection.onInitialized(() => {
  if (dynamicConfigurationRegistration) {
    void connection.client
      .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
      .catch((err) => failures.report('registering for settings changes', err));
  }
  if (canPullConfiguration) void pullSettings();
  if (workspaceFoldersChange) {
    connection.workspace.onDidChangeWorkspaceFolders((event) => guard('updating the workspace folders', () => {
      const removed = new Set(event.removed.map((f) => f.uri));
      setWorkspaceFolders([...workspaceFolderUris.filter((uri) => !removed.has(uri)), ...event.added.map((f) => f.uri)]);
      if (canPullConfiguration) void pullSettings();
    }));
  }
});

connection.onDidChangeConfiguration((params) => {
  if (canPullConfiguration) {
    void pullSettings();
    return;
  }
  const pushed = isObject(params) && isObject(params.settings) ? params.settings.clemRegistry : undefined;
  guard('applying settings', () => applySettings(pushed ?? initializationSettings));
});

connection.onShutdown(() => {
  for (const doc of documents.values()) stopChecking(doc);
  workspaceThread?.terminate();
  pool.dispose();
});

// ---- document sync --------------------------------------------------------------------------------------------------

connection.onDidOpenTextDocument((params) => guard('opening a document', () => {
  const { uri, version, text } = params.textDocument;
  const previous = documents.get(uri);
  if (previous) stopChecking(previous);
  const doc: OpenDocument = { text: new TextBuffer(uri, version, text) };
  documents.set(uri, doc);
  if (isRegistry(uri)) {
    startChecking(uri, doc);
    // An open is shown at once: the debounce is for typing.
    schedule(uri, doc, true);
  }
}));

connection.onDidChangeTextDocument((params: DidChangeTextDocumentParams) => guard('applying a change', () => {
  const uri = params.textDocument.uri;
  const doc = documents.get(uri);
  if (!doc) {
    failures.notice('change of a closed document', 'clem-registry: a change for a document that is not open was ignored.');
    return;
  }
  const edits: OffsetEdit[] = [];
  let replaced = false;
  for (const change of params.contentChanges) {
    // Offsets against the text before this change; the next change sees the text this one leaves.
    const edit = doc.text.apply(change, params.textDocument.version);
    if ('range' in change && change.range) edits.push(edit);
    else replaced = true;
  }
  if (!doc.check) return;
  if (replaced) doc.check.reset();
  else doc.check.edited(edits);
  schedule(uri, doc);
}));

connection.onDidCloseTextDocument((params) => guard('closing a document', () => {
  const uri = params.textDocument.uri;
  const doc = documents.get(uri);
  documents.delete(uri);
  if (doc?.check) {
    stopChecking(doc);
    clearDiagnostics(uri);
  }
}));

connection.onNotification(REGISTRY_FILES_NOTIFICATION, (params: RegistryFilesParams) => guard('updating the registry files', () => {
  changeRegistrySet(() => {
    extraRegistries = new Set(params.uris);
  });
}));

connection.onRequest(STATUS_REQUEST, answer('answering a status request', notARegistry(), async (params: StatusParams): Promise<StatusResult> => {
  const uri = params.uri;
  const doc = documents.get(uri);
  if (!doc?.check || !isRegistry(uri)) return notARegistry(uri);
  // Counts must match what the editor shows: the check the debounce still holds runs now. Nothing else is re-checked
  // here: the client asks again whenever diagnostics change, so a re-check would loop on a file that fails.
  if (settingsLoaded) await doc.check.checkNow();
  const last = doc.check.last;
  return { isRegistry: true, version: last?.clemcoreVersion ?? settingsFor(uri).clemcoreVersion, entries: last?.entries ?? 0, errors: last?.errors ?? 0, warnings: last?.warnings ?? 0 };
}));

function notARegistry(uri?: string): StatusResult {
  return { isRegistry: false, version: (uri === undefined ? settings : settingsFor(uri)).clemcoreVersion, entries: 0, errors: 0, warnings: 0 };
}

// ---- authoring help: each asks the document's checker thread, then maps offsets to ranges here ----------------------

/** The open registry at `uri` with its checking, when there is one to ask. */
function registryAt(uri: string): { doc: OpenDocument; check: DocumentCheck } | undefined {
  const doc = documents.get(uri);
  if (!doc?.check || !settingsLoaded || !isRegistry(uri)) return undefined;
  return { doc, check: doc.check };
}

connection.onDocumentSymbol(answer('listing the entries of a registry', null, async (params) => {
  const found = registryAt(params.textDocument.uri);
  if (!found) return null;
  const symbols = await found.check.ask({ kind: 'symbols' });
  return symbols.map((s) => ({
    name: s.name,
    detail: s.detail,
    kind: SymbolKind.Object,
    range: rangeOf(found.doc.text, s.offset, s.length),
    selectionRange: rangeOf(found.doc.text, s.selectionOffset, s.selectionLength),
  }));
}));

connection.onFoldingRanges(answer('folding a registry', null, async (params) => {
  const found = registryAt(params.textDocument.uri);
  if (!found) return null;
  const spans = await found.check.ask({ kind: 'folding' });
  return spans
    .map((r) => ({ startLine: found.doc.text.positionAt(r.startOffset).line, endLine: found.doc.text.positionAt(r.endOffset).line }))
    .filter((r) => r.endLine > r.startLine);
}));

connection.onHover(answer('answering a hover', null, async (params) => {
  const found = registryAt(params.textDocument.uri);
  if (!found) return null;
  const h = await found.check.ask({ kind: 'hover', offset: found.doc.text.offsetAt(params.position) });
  if (!h) return null;
  return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: rangeOf(found.doc.text, h.offset, h.length) };
}));

connection.onCodeLens(answer('listing code lenses', null, async (params) => {
  const uri = params.textDocument.uri;
  const found = registryAt(uri);
  if (!found) return null;
  const { entries, shadows } = await found.check.ask({ kind: 'lenses' });
  const text = found.doc.text;
  const actions = entries.map((l) => ({
    range: rangeOf(text, l.at.offset, l.at.length),
    command: l.action === 'test'
      ? { title: '$(play) Test entry', tooltip: 'Run this entry through llama.cpp as clemcore would, and report each stage', command: TEST_ENTRY_COMMAND, arguments: [uri, l.index, l.modelName] }
      : { title: 'Preview template', tooltip: 'Render the chat template for a sample conversation, without loading weights', command: PREVIEW_TEMPLATE_COMMAND, arguments: [uri, l.index, l.modelName] },
  }));
  const links = shadows.map((l) => ({
    range: rangeOf(text, l.at.offset, l.at.length),
    command: { title: l.title, command: GO_TO_ENTRY_COMMAND, arguments: [uri, rangeOf(text, l.target.offset, l.target.length)] },
  }));
  return [...actions, ...links];
}));

connection.onDefinition(answer('finding the winning entry', null, async (params) => {
  const found = registryAt(params.textDocument.uri);
  if (!found) return null;
  const target = await found.check.ask({ kind: 'definition', offset: found.doc.text.offsetAt(params.position) });
  return target ? { uri: params.textDocument.uri, range: rangeOf(found.doc.text, target.offset, target.length) } : null;
}));

const COMPLETION_KINDS = { key: CompletionItemKind.Property, value: CompletionItemKind.Value, entry: CompletionItemKind.Snippet } as const;

connection.onCompletion(answer('completing', null, async (params) => {
  const found = registryAt(params.textDocument.uri);
  if (!found) return null;
  const text = found.doc.text;
  const offset = text.offsetAt(params.position);
  const items = await found.check.ask({ kind: 'complete', offset });
  return items.map((c) => {
    const insert = c.isSnippet && !snippetSupport ? snippetAsText(c.insertText) : c.insertText;
    const span = c.replace ?? { offset, length: 0 };
    return {
      label: c.label,
      kind: COMPLETION_KINDS[c.kind],
      detail: c.detail,
      documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
      sortText: c.sortText,
      filterText: c.replace ? JSON.stringify(c.label.replace(/^"|"$/g, '')) : undefined,
      insertTextFormat: c.isSnippet && snippetSupport ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      textEdit: { range: rangeOf(text, span.offset, span.length), newText: insert },
    };
  });
}));

/** A snippet's text without its tab stops, for clients that take plain text only. */
function snippetAsText(snippet: string): string {
  return snippet.replace(/\$\{\d+\|([^,|}]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
}

connection.onWorkspaceSymbol(answer('finding entries in the workspace', [] as SymbolInformation[], async (params) => {
  const query = params.query.toLowerCase();
  const out: SymbolInformation[] = [];
  const add = (uri: string, name: string, detail: string | undefined, range: FileSymbol['range']) => {
    if (!query || name.toLowerCase().includes(query)) out.push({ name, containerName: detail, kind: SymbolKind.Object, location: { uri, range } });
  };
  // Open registries first: their text may be newer than the file on disk.
  const open = [...documents.keys()].flatMap((uri) => {
    const found = registryAt(uri);
    return found ? [{ uri, found }] : [];
  });
  await Promise.all(open.map(async ({ uri, found }) => {
    try {
      for (const s of await found.check.ask({ kind: 'symbols' })) add(uri, s.name, s.detail, rangeOf(found.doc.text, s.selectionOffset, s.selectionLength));
    } catch (err) {
      if (!(err instanceof ResponseError || err instanceof CheckerGone)) failures.report('listing the entries of a registry', err);
    }
  }));
  if (!workspaceThread?.alive) workspaceThread = pool.acquire();
  const onDisk = await workspaceThread.ask({
    kind: 'workspaceSymbols',
    request: {
      folders: workspaceFolders,
      skip: open.map(({ uri }) => documentPathOf(uri)).filter((p): p is string => p !== undefined),
      query: params.query,
      settings,
      folderSettings: [...folderSettings],
    },
  });
  for (const s of onDisk.answer) out.push({ name: s.name, containerName: s.detail, kind: SymbolKind.Object, location: { uri: s.uri, range: s.range } });
  return out;
}));

/** "Fix all of this kind in the file", usable from `editor.codeActionsOnSave`. */
const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.clemRegistry`;

connection.onCodeAction(answer('offering fixes', null, async (params) => {
  const uri = params.textDocument.uri;
  const found = registryAt(uri);
  if (!found) return null;
  const text = found.doc.text;
  const version = text.version;
  const toEdits = (edits: FixEdit[]) => {
    if (snippetEditSupport && edits.some((e) => e.snippet !== undefined)) {
      return {
        documentChanges: [{
          textDocument: { uri, version },
          edits: edits.map((e) => (e.snippet !== undefined
            ? { range: rangeOf(text, e.offset, e.length), snippet: { kind: 'snippet' as const, value: e.snippet } }
            : { range: rangeOf(text, e.offset, e.length), newText: e.newText })),
        }],
      };
    }
    return { changes: { [uri]: edits.map((e) => ({ range: rangeOf(text, e.offset, e.length), newText: e.newText })) } };
  };
  const only = params.context.only;
  // `source`, `source.fixAll` and our own kind all ask for fix-all (the Source Action menu, codeActionsOnSave).
  if (only?.some((k) => FIX_ALL_KIND === k || FIX_ALL_KIND.startsWith(`${k}.`))) {
    const edits = await found.check.ask({ kind: 'fixAll' });
    return edits.length ? [{ title: 'Fix all clem-registry escaping and punctuation problems', kind: FIX_ALL_KIND, edit: toEdits(edits) }] : [];
  }
  const ours = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string');
  if (!ours.length) return [];
  const findings = ours.map((d) => {
    const offset = text.offsetAt(d.range.start);
    return { code: d.code as string, offset, length: text.offsetAt(d.range.end) - offset, data: isObject(d.data) ? d.data : undefined };
  });
  const fixes = await found.check.ask({ kind: 'quickFixes', findings });
  return fixOffers(ours, fixes).map(({ fix, diagnostics }) => ({
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics,
    isPreferred: fix.preferred,
    edit: toEdits(fix.edits),
  }));
}));

connection.listen();
