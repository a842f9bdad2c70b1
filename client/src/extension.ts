// The VS Code side: starts the bundled language server, tells it which JSON documents are registries, and shows
// the language status item; "Test model entry" and "Preview template" are wired in entryTest.ts. Everything that
// knows about registries lives in the server.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  GO_TO_ENTRY_COMMAND,
  REGISTRY_FILE_NAME,
  REGISTRY_FILES_NOTIFICATION,
  STATUS_REQUEST,
  type RegistryFilesParams,
  type StatusResult,
} from '../../server/src/lsp/protocol';
import { registerEntryTest } from './entryTest';

/*
 * Which documents are registries — the design:
 * The client syncs every JSON document (file and untitled) with the server, and the server checks only registries.
 * A file named model_registry.json always is one, and the server knows that on its own (so any LSP client works).
 * Everything else is decided here, because only VS Code can match the `clemRegistry.files` globs the way users
 * expect (relative to workspace folders, via vscode.languages.match): the client sends the full set of extra
 * registry URIs with the `clemRegistry/registryFiles` notification whenever it changes. As the server keeps the text
 * of every synced JSON document, marking a document later ("Check this JSON file as a model registry") needs no
 * re-open, and the notification and didOpen may arrive in either order.
 */

const JSON_LANGUAGES = new Set(['json', 'jsonc']);

let client: LanguageClient | undefined;
/** Notifications before the client runs would fail; the set is sent once it starts. */
let clientRunning = false;
/** Documents the user marked with the command, for this session. */
const markedUris = new Set<string>();
/** The last set sent to the server, to send only changes. */
let sentUris = '';

function isJsonDocument(doc: vscode.TextDocument): boolean {
  return JSON_LANGUAGES.has(doc.languageId) && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled');
}

function isRegistryDocument(doc: vscode.TextDocument): boolean {
  if (!isJsonDocument(doc)) return false;
  if (path.posix.basename(doc.uri.path) === REGISTRY_FILE_NAME || markedUris.has(doc.uri.toString())) return true;
  const globs = vscode.workspace.getConfiguration('clemRegistry', doc.uri).get<string[]>('files', []);
  if (!Array.isArray(globs)) return false;
  const folders = vscode.workspace.workspaceFolders ?? [];
  return globs.some((glob) => typeof glob === 'string' && glob !== '' && (
    // `**/x/*.json` matches anywhere; `x/*.json` is read relative to each workspace folder.
    vscode.languages.match({ pattern: glob }, doc) > 0 ||
    folders.some((folder) => vscode.languages.match({ pattern: new vscode.RelativePattern(folder, glob) }, doc) > 0)));
}

/** Sends the extra registry URIs (marked ones and glob matches among open documents) when the set changed. */
function sendRegistryFiles(): void {
  if (!client || !clientRunning) return;
  const uris = new Set(markedUris);
  for (const doc of vscode.workspace.textDocuments) if (isRegistryDocument(doc)) uris.add(doc.uri.toString());
  const sorted = [...uris].sort();
  const key = JSON.stringify(sorted);
  if (key === sentUris) return;
  sentUris = key;
  const params: RegistryFilesParams = { uris: sorted };
  void client.sendNotification(REGISTRY_FILES_NOTIFICATION, params);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'jsonc' },
      { scheme: 'untitled', language: 'json' },
      { scheme: 'untitled', language: 'jsonc' },
    ],
  };
  client = new LanguageClient('clemRegistry', 'clem-registry', serverOptions, clientOptions);

  const status = vscode.languages.createLanguageStatusItem('clemRegistry.status', []);
  status.name = 'clem-registry';
  status.text = 'clem-registry';
  status.command = { title: 'Settings', command: 'workbench.action.openSettings', arguments: ['clemRegistry'] };
  context.subscriptions.push(status);

  /** The status item's selector follows the registry set, so it shows on registries only. */
  function updateStatusSelector(): void {
    const filters: vscode.DocumentFilter[] = [{ language: 'json', pattern: `**/${REGISTRY_FILE_NAME}` }];
    for (const doc of vscode.workspace.textDocuments) {
      // A string pattern equal to the document's fsPath matches exactly that document (untitled ones too).
      if (isRegistryDocument(doc)) filters.push({ scheme: doc.uri.scheme, language: doc.languageId, pattern: doc.uri.fsPath });
    }
    status.selector = filters;
  }

  let statusRequest = 0;
  async function refreshStatus(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!client || !clientRunning || !doc || !isRegistryDocument(doc)) return;
    const ticket = ++statusRequest;
    try {
      const result = await client.sendRequest<StatusResult>(STATUS_REQUEST, { uri: doc.uri.toString() });
      if (ticket !== statusRequest || !result.isRegistry) return;
      const entries = `${result.entries} ${result.entries === 1 ? 'entry' : 'entries'}`;
      status.text = `clem-registry · clemcore ${result.version} · ${entries}`;
      status.detail = `${plural(result.errors, 'error')}, ${plural(result.warnings, 'warning')}`;
      status.severity = result.errors > 0 ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    } catch {
      // The server is restarting or gone; the client reports that itself.
    }
  }

  function registrySetChanged(): void {
    sendRegistryFiles();
    updateStatusSelector();
    void refreshStatus();
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('clemRegistry.checkAsRegistry', () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc || !isJsonDocument(doc)) {
        void vscode.window.showWarningMessage('clem-registry: open a JSON file first; only JSON files can be checked as a model registry.');
        return;
      }
      markedUris.add(doc.uri.toString());
      registrySetChanged();
    }),
    vscode.commands.registerCommand(GO_TO_ENTRY_COMMAND, async (uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }) => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      const selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
      await vscode.window.showTextDocument(doc, { selection });
    }),
    vscode.workspace.onDidOpenTextDocument(registrySetChanged),
    vscode.workspace.onDidCloseTextDocument(() => updateStatusSelector()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('clemRegistry.files')) registrySetChanged();
    }),
    vscode.window.onDidChangeActiveTextEditor(() => void refreshStatus()),
    vscode.languages.onDidChangeDiagnostics((e) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (active && e.uris.some((u) => u.toString() === active)) void refreshStatus();
    }),
  );

  registerEntryTest(context);

  await client.start();
  clientRunning = true;
  registrySetChanged();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function deactivate(): Promise<void> {
  clientRunning = false;
  await client?.stop();
  client = undefined;
}
