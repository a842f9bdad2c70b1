// The language server: LSP wiring only. Keeps one RegistryDocument per open registry, feeds it the editor's
// incremental edits as offsets, and publishes the service's findings after a short debounce.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  InsertTextFormat,
  DidChangeConfigurationNotification,
  MarkupKind,
  ProposedFeatures,
  SymbolKind,
  TextDocumentSyncKind,
  type DidChangeTextDocumentParams,
  type InitializeParams,
  type InitializeResult,
  type Range,
  type SymbolInformation,
} from 'vscode-languageserver/node';
import { TextBuffer } from './lsp/textBuffer';
import { registryFilesIn, symbolsOfFile } from './lsp/workspaceRegistries';
import { RegistryDocument, complete, type EntrySymbol, documentSymbols, fixAll, foldingRanges, hover, quickFixes, shadowLenses, winnerOf, entryLenses, type FixableFinding, type FixEdit, type RegistryDiagnostic, type TextEdit } from './service';
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
import { defaultSettings, readSettings, serviceSettings, type ServerSettings } from './lsp/settings';
import { cachedFiles, cachedRepos } from './runtime/modelFiles';

const connection = createConnection(ProposedFeatures.all);

/** One synced document. Every JSON document the client sends is kept (cheaply), so a late "check as registry" needs no resend. */
interface OpenDocument {
  text: TextBuffer;
  /** The service's view while the document is a registry; rebuilt from `text` when undefined. */
  registry?: RegistryDocument;
  /** Edits since the registry last saw the text, each against the text left by the previous one. */
  pending: TextEdit[];
  timer?: NodeJS.Timeout;
  /** Findings of the last check, for the status request. */
  findings: RegistryDiagnostic[];
}

const documents = new Map<string, OpenDocument>();
/** URIs the client asked to check besides files named model_registry.json. */
let extraRegistries = new Set<string>();
/** The settings outside any workspace folder (user and workspace level). */
let settings: ServerSettings = defaultSettings();
/**
 * Each workspace folder's settings, by the folder's path: in a multi-root workspace a folder can check against
 * another clemcore version or change severities. Documents outside every folder use `settings`.
 */
let folderSettings = new Map<string, ServerSettings>();
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

// ---- safety: a bug must cost one document's diagnostics, never the server -------------------------------------------

function describeError(err: unknown): string {
  // Messages are cut short: they could quote document text, which must not end up in logs.
  if (err instanceof Error) {
    const frames = (err.stack ?? '').split('\n').filter((l) => l.trimStart().startsWith('at ')).slice(0, 8).join('\n');
    return `${err.name}: ${err.message.slice(0, 200)}\n${frames}`;
  }
  return String(err).slice(0, 200);
}

function logFailure(what: string, err: unknown): void {
  try {
    connection.console.error(`clem-registry: ${what} failed: ${describeError(err)}`);
  } catch {
    // the connection itself is gone; nothing left to tell
  }
}

/** Runs a handler body, logging instead of throwing. */
function guard<T>(what: string, fallback: T, body: () => T): T {
  try {
    return body();
  } catch (err) {
    logFailure(what, err);
    return fallback;
  }
}

process.on('uncaughtException', (err) => logFailure('an unexpected operation', err));
process.on('unhandledRejection', (err) => logFailure('an unexpected asynchronous operation', err));

// ---- which documents are registries -------------------------------------------------------------------------------

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
  return fileNameOf(uri) === REGISTRY_FILE_NAME || extraRegistries.has(uri);
}

/** The settings that apply to a file: those of the innermost workspace folder that holds it. */
function settingsForPath(file: string | undefined): ServerSettings {
  if (file === undefined || folderSettings.size === 0) return settings;
  let best: string | undefined;
  for (const folder of folderSettings.keys()) {
    if ((file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep)) && (best === undefined || folder.length > best.length)) best = folder;
  }
  return best === undefined ? settings : folderSettings.get(best)!;
}

function settingsFor(uri: string): ServerSettings {
  return settingsForPath(documentPathOf(uri));
}

function documentPathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

// ---- checking and publishing ----------------------------------------------------------------------------------------

/** Brings the registry view in step with the text and re-runs the service; a failure leaves no findings. */
function check(uri: string, doc: OpenDocument): void {
  try {
    if (doc.registry && doc.pending.length > 0) {
      doc.registry.update(doc.pending);
      // A drifted view would put every range in the wrong place; the lengths tell without rebuilding any text.
      if (doc.registry.textLength !== doc.text.textLength) {
        connection.console.warn(`clem-registry: the registry view of ${uri} was out of step with the editor; rebuilt it.`);
        doc.registry = undefined;
      }
    }
    doc.pending = [];
    doc.registry ??= new RegistryDocument(doc.text.getText(), serviceSettings(settingsFor(uri), documentPathOf(uri)));
    doc.findings = doc.registry.diagnostics();
  } catch (err) {
    logFailure(`checking ${uri}`, err);
    doc.registry = undefined;
    doc.pending = [];
    doc.findings = [];
  }
}

function publish(uri: string): void {
  const doc = documents.get(uri);
  if (!doc) return;
  if (doc.timer) clearTimeout(doc.timer);
  doc.timer = undefined;
  if (!settingsLoaded || !isRegistry(uri)) return;
  check(uri, doc);
  const diagnostics = [];
  for (const finding of doc.findings) {
    const converted = guard(`converting a finding of ${uri}`, undefined, () => toLspDiagnostic(doc.text, finding));
    if (converted) diagnostics.push(converted);
  }
  void connection.sendDiagnostics({ uri, version: doc.text.version, diagnostics }).catch((err) => logFailure(`publishing ${uri}`, err));
}

/** Publishes after `debounceMs` of quiet (at once when it is 0), so typing does not re-check on every key. */
function schedulePublish(uri: string): void {
  const doc = documents.get(uri);
  if (!doc || !settingsLoaded || !isRegistry(uri)) return;
  if (doc.timer) clearTimeout(doc.timer);
  doc.timer = undefined;
  const { debounceMs } = settingsFor(uri);
  if (debounceMs <= 0) {
    publish(uri);
    return;
  }
  doc.timer = setTimeout(() => guard(`publishing ${uri}`, undefined, () => publish(uri)), debounceMs);
}

function clearDiagnostics(uri: string): void {
  void connection.sendDiagnostics({ uri, diagnostics: [] }).catch((err) => logFailure(`clearing ${uri}`, err));
}

/** After a settings change: every registry is rebuilt with the new settings and republished. */
function rebuildAll(): void {
  for (const [uri, doc] of documents) {
    doc.registry = undefined;
    doc.pending = [];
    if (isRegistry(uri)) guard(`publishing ${uri}`, undefined, () => publish(uri));
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
  settings = read(raw);
  folderSettings = new Map(perFolder.map(([folder, value]) => [folder, read(value)]));
  settingsLoaded = true;
  rebuildAll();
}

async function pullSettings(): Promise<void> {
  const folders = workspaceFolderUris.map((uri) => [uri, documentPathOf(uri)] as const).filter((f): f is readonly [string, string] => f[1] !== undefined);
  let answers: unknown[] = [];
  try {
    answers = await connection.workspace.getConfiguration([{ section: SETTINGS_SECTION }, ...folders.map(([uri]) => ({ scopeUri: uri, section: SETTINGS_SECTION }))]);
  } catch (err) {
    logFailure('reading the clemRegistry settings', err);
  }
  const perFolder = folders.map(([, file], i): [string, unknown] => [file, answers?.[i + 1]]);
  guard('applying settings', undefined, () => applySettings(answers?.[0], perFolder));
}

// ---- LSP handlers ---------------------------------------------------------------------------------------------------

let dynamicConfigurationRegistration = false;
let workspaceFoldersChange = false;

function setWorkspaceFolders(uris: string[]): void {
  workspaceFolderUris = uris;
  workspaceFolders = uris.map((uri) => documentPathOf(uri)).filter((p): p is string => p !== undefined);
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  setWorkspaceFolders((params.workspaceFolders ?? []).map((f) => f.uri));
  if (!workspaceFolders.length && params.rootUri) setWorkspaceFolders([params.rootUri]);
  snippetSupport = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
  snippetEditSupport = (params.capabilities.workspace?.workspaceEdit as { snippetEditSupport?: boolean } | undefined)?.snippetEditSupport === true;
  dynamicConfigurationRegistration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  workspaceFoldersChange = params.capabilities.workspace?.workspaceFolders === true;
  if (!canPullConfiguration) {
    // Clients without workspace/configuration may pass settings at startup instead.
    const options = params.initializationOptions as { settings?: { clemRegistry?: unknown } } | undefined;
    guard('reading initialization options', undefined, () => applySettings(options?.settings?.clemRegistry));
  }
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
      .catch((err) => logFailure('registering for settings changes', err));
  }
  if (canPullConfiguration) void pullSettings();
  if (workspaceFoldersChange) {
    connection.workspace.onDidChangeWorkspaceFolders((event) => guard('updating the workspace folders', undefined, () => {
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
  const pushed = (params.settings as { clemRegistry?: unknown } | null | undefined)?.clemRegistry;
  guard('applying settings', undefined, () => applySettings(pushed));
});

connection.onDidOpenTextDocument((params) => guard(`opening ${params.textDocument.uri}`, undefined, () => {
  const { uri, languageId, version, text } = params.textDocument;
  const previous = documents.get(uri);
  if (previous?.timer) clearTimeout(previous.timer);
  void languageId;
  documents.set(uri, { text: new TextBuffer(uri, version, text), pending: [], findings: [] });
  // An open is shown at once: the debounce is for typing.
  if (settingsLoaded && isRegistry(uri)) publish(uri);
}));

connection.onDidChangeTextDocument((params: DidChangeTextDocumentParams) => guard(`editing ${params.textDocument.uri}`, undefined, () => {
  const uri = params.textDocument.uri;
  const doc = documents.get(uri);
  if (!doc) {
    connection.console.warn(`clem-registry: a change for ${uri}, which is not open, was ignored.`);
    return;
  }
  try {
    for (const change of params.contentChanges) {
      // Offsets against the text before this change; the next change sees the text this one leaves.
      const edit = doc.text.apply(change, params.textDocument.version);
      if ('range' in change) {
        doc.pending.push(edit);
      } else {
        doc.registry = undefined;
        doc.pending = [];
      }
    }
  } catch (err) {
    logFailure(`applying a change to ${uri}`, err);
    doc.registry = undefined;
    doc.pending = [];
  }
  // Only registries need the pending edits; other documents just follow the text.
  if (!isRegistry(uri) || !doc.registry) doc.pending = [];
  schedulePublish(uri);
}));

connection.onDidCloseTextDocument((params) => guard(`closing ${params.textDocument.uri}`, undefined, () => {
  const uri = params.textDocument.uri;
  const doc = documents.get(uri);
  if (doc?.timer) clearTimeout(doc.timer);
  documents.delete(uri);
  if (doc && isRegistry(uri)) clearDiagnostics(uri);
}));

connection.onNotification(REGISTRY_FILES_NOTIFICATION, (params: RegistryFilesParams) => guard('updating the registry files', undefined, () => {
  const uris = Array.isArray(params?.uris) ? params.uris.filter((u): u is string => typeof u === 'string') : [];
  const before = new Map([...documents.keys()].map((uri) => [uri, isRegistry(uri)]));
  extraRegistries = new Set(uris);
  for (const [uri, was] of before) {
    const now = isRegistry(uri);
    if (was === now) continue;
    const doc = documents.get(uri)!;
    doc.registry = undefined;
    doc.pending = [];
    doc.findings = [];
    if (now) guard(`publishing ${uri}`, undefined, () => publish(uri));
    else clearDiagnostics(uri);
  }
}));

connection.onRequest(STATUS_REQUEST, (params: StatusParams): StatusResult => guard('answering a status request', notARegistry(), () => {
  const uri = typeof params?.uri === 'string' ? params.uri : '';
  const doc = documents.get(uri);
  if (!doc || !isRegistry(uri)) return notARegistry(uri);
  // Counts must match what the editor shows: publish what the debounce still holds. Nothing else is re-checked
  // here: the client asks again whenever diagnostics change, so a re-check would loop on a file that fails.
  if (doc.timer) publish(uri);
  let errors = 0;
  let warnings = 0;
  for (const f of doc.findings) {
    if (f.severity === 'error') errors++;
    else if (f.severity === 'warning') warnings++;
  }
  return {
    isRegistry: true,
    version: doc.registry?.version ?? settingsFor(uri).clemcoreVersion,
    entries: doc.registry?.entryCount ?? 0,
    errors,
    warnings,
  };
}));

// ---- authoring help: outline, folding, hover (all from the service) -------------------------------------------------

/** The registry view of a document, brought up to date with the edits the debounce still holds. */
function registryOf(uri: string): { doc: OpenDocument; registry: RegistryDocument } | undefined {
  const doc = documents.get(uri);
  if (!doc || !settingsLoaded || !isRegistry(uri)) return undefined;
  if (doc.timer || doc.pending.length || !doc.registry) publish(uri);
  return doc.registry ? { doc, registry: doc.registry } : undefined;
}

connection.onDocumentSymbol((params) => guard(`listing the entries of ${params.textDocument.uri}`, null, () => {
  const found = registryOf(params.textDocument.uri);
  if (!found) return null;
  return documentSymbols(found.registry).map((s) => ({
    name: s.name,
    detail: s.detail,
    kind: SymbolKind.Object,
    range: rangeOf(found.doc.text, s.offset, s.length),
    selectionRange: rangeOf(found.doc.text, s.selectionOffset, s.selectionLength),
  }));
}));

connection.onFoldingRanges((params) => guard(`folding ${params.textDocument.uri}`, null, () => {
  const found = registryOf(params.textDocument.uri);
  if (!found) return null;
  return foldingRanges(found.registry)
    .map((r) => ({ startLine: found.doc.text.positionAt(r.startOffset).line, endLine: found.doc.text.positionAt(r.endOffset).line }))
    .filter((r) => r.endLine > r.startLine);
}));

connection.onHover((params) => guard(`hovering in ${params.textDocument.uri}`, null, () => {
  const found = registryOf(params.textDocument.uri);
  if (!found) return null;
  const h = hover(found.registry, found.doc.text.offsetAt(params.position));
  if (!h) return null;
  return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: rangeOf(found.doc.text, h.offset, h.length) };
}));

connection.onCodeLens((params) => guard(`listing code lenses of ${params.textDocument.uri}`, null, () => {
  const found = registryOf(params.textDocument.uri);
  if (!found) return null;
  const uri = params.textDocument.uri;
  const actions = entryLenses(found.registry).map((l) => ({
    range: rangeOf(found.doc.text, l.at.offset, l.at.length),
    command: l.action === 'test'
      ? { title: '$(play) Test entry', tooltip: 'Run this entry through llama.cpp as clemcore would, and report each stage', command: TEST_ENTRY_COMMAND, arguments: [uri, l.index, l.modelName] }
      : { title: 'Preview template', tooltip: 'Render the chat template for a sample conversation, without loading weights', command: PREVIEW_TEMPLATE_COMMAND, arguments: [uri, l.index, l.modelName] },
  }));
  const shadows = shadowLenses(found.registry).map((l) => ({
    range: rangeOf(found.doc.text, l.at.offset, l.at.length),
    command: { title: l.title, command: GO_TO_ENTRY_COMMAND, arguments: [uri, rangeOf(found.doc.text, l.target.offset, l.target.length)] },
  }));
  return [...actions, ...shadows];
}));

connection.onDefinition((params) => guard(`finding the winning entry in ${params.textDocument.uri}`, null, () => {
  const found = registryOf(params.textDocument.uri);
  if (!found) return null;
  const target = winnerOf(found.registry, found.doc.text.offsetAt(params.position));
  return target ? { uri: params.textDocument.uri, range: rangeOf(found.doc.text, target.offset, target.length) } : null;
}));

/** The local Hugging Face cache, read (never downloaded to) to complete `huggingface_id` and `filename`. */
const LOCAL_MODELS = { repos: () => cachedRepos(), files: (id: string) => cachedFiles(id) };

const COMPLETION_KINDS = { key: CompletionItemKind.Property, value: CompletionItemKind.Value, entry: CompletionItemKind.Snippet } as const;

connection.onCompletion((params) => guard(`completing in ${params.textDocument.uri}`, null, () => {
  const found = registryOf(params.textDocument.uri);
  if (!found) return null;
  const { doc, registry } = found;
  const offset = doc.text.offsetAt(params.position);
  return complete(registry, offset, LOCAL_MODELS).map((c) => {
    const text = c.isSnippet && !snippetSupport ? snippetAsText(c.insertText) : c.insertText;
    const span = c.replace ?? { offset, length: 0 };
    return {
      label: c.label,
      kind: COMPLETION_KINDS[c.kind],
      detail: c.detail,
      documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
      sortText: c.sortText,
      filterText: c.replace ? JSON.stringify(c.label.replace(/^"|"$/g, '')) : undefined,
      insertTextFormat: c.isSnippet && snippetSupport ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      textEdit: { range: rangeOf(doc.text, span.offset, span.length), newText: text },
    };
  });
}));

/** A snippet's text without its tab stops, for clients that take plain text only. */
function snippetAsText(snippet: string): string {
  return snippet.replace(/\$\{\d+\|([^,|}]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
}

connection.onWorkspaceSymbol((params) => guard('finding entries in the workspace', [], () => {
  const query = params.query.toLowerCase();
  const out: SymbolInformation[] = [];
  const seen = new Set<string>();
  const add = (uri: string, symbols: EntrySymbol[], position: (offset: number, length: number) => Range) => {
    seen.add(uri);
    for (const s of symbols) {
      if (query && !s.name.toLowerCase().includes(query)) continue;
      out.push({ name: s.name, containerName: s.detail, kind: SymbolKind.Object, location: { uri, range: position(s.selectionOffset, s.selectionLength) } });
    }
  };
  // Open registries first: their text may be newer than the file on disk.
  for (const uri of documents.keys()) {
    const found = registryOf(uri);
    if (found) add(uri, documentSymbols(found.registry), (o, l) => rangeOf(found.doc.text, o, l));
  }
  for (const file of registryFilesIn(workspaceFolders, REGISTRY_FILE_NAME)) {
    const uri = pathToFileURL(file).toString();
    if (seen.has(uri)) continue;
    const symbols = symbolsOfFile(file, serviceSettings(settingsForPath(file), file));
    if (symbols) {
      const buffer = new TextBuffer(uri, 0, symbols.text);
      add(uri, symbols.symbols, (o, l) => rangeOf(buffer, o, l));
    }
  }
  return out;
}));

/** "Fix all of this kind in the file", usable from `editor.codeActionsOnSave`. */
const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.clemRegistry`;

connection.onCodeAction((params) => guard(`offering fixes in ${params.textDocument.uri}`, null, () => {
  const uri = params.textDocument.uri;
  const found = registryOf(uri);
  if (!found) return null;
  const { doc, registry } = found;
  const toEdits = (edits: FixEdit[]) => {
    if (snippetEditSupport && edits.some((e) => e.snippet !== undefined)) {
      return {
        documentChanges: [{
          textDocument: { uri, version: doc.text.version },
          edits: edits.map((e) => (e.snippet !== undefined
            ? { range: rangeOf(doc.text, e.offset, e.length), snippet: { kind: 'snippet' as const, value: e.snippet } }
            : { range: rangeOf(doc.text, e.offset, e.length), newText: e.newText })),
        }],
      };
    }
    return { changes: { [uri]: edits.map((e) => ({ range: rangeOf(doc.text, e.offset, e.length), newText: e.newText })) } };
  };
  const only = params.context.only;
  // `source`, `source.fixAll` and our own kind all ask for fix-all (the Source Action menu, codeActionsOnSave).
  if (only?.some((k) => FIX_ALL_KIND === k || FIX_ALL_KIND.startsWith(`${k}.`))) {
    const edits = fixAll(registry, doc.findings);
    return edits.length ? [{ title: 'Fix all clem-registry escaping and punctuation problems', kind: FIX_ALL_KIND, edit: toEdits(edits) }] : [];
  }
  const actions = [];
  for (const d of params.context.diagnostics) {
    if (d.source !== DIAGNOSTIC_SOURCE || typeof d.code !== 'string') continue;
    const offset = doc.text.offsetAt(d.range.start);
    const finding = { code: d.code, offset, length: doc.text.offsetAt(d.range.end) - offset, data: d.data as FixableFinding['data'] };
    for (const fix of quickFixes(registry, finding)) {
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.preferred, edit: toEdits(fix.edits) });
    }
  }
  return actions;
}));

function notARegistry(uri?: string): StatusResult {
  return { isRegistry: false, version: (uri === undefined ? settings : settingsFor(uri)).clemcoreVersion, entries: 0, errors: 0, warnings: 0 };
}

connection.onShutdown(() => {
  for (const doc of documents.values()) if (doc.timer) clearTimeout(doc.timer);
});

connection.listen();
