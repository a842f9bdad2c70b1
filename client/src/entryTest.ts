// "Test model entry" and "Preview template" in VS Code: pick the entry, look for its model file, make sure a llama.cpp
// runtime is there when there is a model to run (or offer to install one), run the test worker with progress and
// cancellation, and show the report in the report view (reportView.ts) as the stages arrive. The template preview is a
// read-only markdown document; both can be copied as markdown into an issue.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseTree, findNodeAtOffset, type Node as JsonNode } from 'jsonc-parser';
import { PREVIEW_TEMPLATE_COMMAND, TEST_ENTRY_COMMAND } from '../../server/src/lsp/protocol';
import type { EntryTestRequest } from '../../server/src/runtime/pipeline';
import { previewTemplate } from '../../server/src/runtime/preview';
import { STAGE_TITLES } from '../../server/src/runtime/report';
import { runEntryTest } from '../../server/src/runtime/runner';
import { installRuntime, runtimePackages } from '../../server/src/runtime/runtimeInstall';
import { findRuntime, LLAMA_RUNTIME_VERSION } from '../../server/src/runtime/runtimeLocation';
import { checkModelFile } from './modelFileCheck';
import { copyMarkdown, ReportPanels } from './reportView';

const REPORT_SCHEME = 'clem-registry-report';

/** Read-only documents holding template previews, by URI. */
class ReportDocuments implements vscode.TextDocumentContentProvider {
  private readonly reports = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? '';
  }

  async show(name: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name.replace(/[\\/:*?"<>|]/g, '_')}.md` });
    this.reports.set(uri.toString(), markdown);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  }

  markdownOf(uri: vscode.Uri | undefined): string | undefined {
    return uri ? this.reports.get(uri.toString()) : undefined;
  }
}

interface PickedEntry {
  document: vscode.TextDocument;
  index: number;
  modelName: string;
}

/** The top-level entry around the cursor (or the one a code lens names). */
async function pickEntry(args: unknown[]): Promise<PickedEntry | undefined> {
  const [uri, index, modelName] = args as [string | undefined, number | undefined, string | undefined];
  if (typeof uri === 'string' && typeof index === 'number' && typeof modelName === 'string') {
    return { document: await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)), index, modelName };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const text = editor.document.getText();
  const root = parseTree(text);
  let node: JsonNode | undefined = root && findNodeAtOffset(root, editor.document.offsetAt(editor.selection.active), true);
  while (node?.parent && node.parent !== root) node = node.parent;
  // A file holding one entry object (clemcore wraps it into a list) is entry 0 wherever the cursor is.
  const entries = root?.type === 'array' ? root.children ?? [] : root ? [root] : [];
  const at = root?.type === 'object' ? 0 : node ? entries.indexOf(node) : -1;
  const entry = entries[at];
  const nameNode = entry?.children?.find((p) => p.children?.[0].value === 'model_name')?.children?.[1];
  if (at < 0 || typeof nameNode?.value !== 'string') return undefined;
  return { document: editor.document, index: at, modelName: nameNode.value };
}

function settings(document: vscode.TextDocument) {
  const c = vscode.workspace.getConfiguration('clemRegistry', document.uri);
  return {
    runtime: c.get<string>('llamaRuntime', ''),
    modelFiles: c.get<Record<string, string>>('modelFiles', {}),
    packaged: c.get<string>('packagedRegistry', ''),
    maxTokens: c.get<number>('test.maxTokens', 100),
    contextSize: c.get<number>('test.contextSize', 0),
    timeoutSeconds: c.get<number>('test.timeoutSeconds', 600),
    honourGpuKeys: c.get<boolean>('test.honourGpuKeys', false),
    cpuOnly: c.get<boolean>('test.cpuOnly', false),
    version: c.get<string>('clemcoreVersion', '3.7'),
  };
}

/** A path from a setting: `~` and workspace-relative paths resolved. */
function resolvePath(p: string, document: vscode.TextDocument): string {
  if (p.startsWith('~')) p = path.join(process.env.HOME ?? process.env.USERPROFILE ?? '', p.slice(1));
  if (path.isAbsolute(p)) return p;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  return path.resolve(folder?.uri.fsPath ?? path.dirname(document.uri.fsPath), p);
}

const MODEL_FILES_SETTING = 'clemRegistry.modelFiles';

function ggufOverride(document: vscode.TextDocument, modelName: string): EntryTestRequest['gguf'] {
  const file = settings(document).modelFiles[modelName];
  return typeof file === 'string' && file ? { path: resolvePath(file, document), source: `setting ${MODEL_FILES_SETTING}["${modelName}"]` } : undefined;
}

// ---- the runtime --------------------------------------------------------------------------------------------------

function runtimeCandidates(context: vscode.ExtensionContext, document: vscode.TextDocument): string[] {
  const configured = settings(document).runtime;
  return [...(configured ? [resolvePath(configured, document)] : []), path.join(context.globalStorageUri.fsPath, 'llama-runtime'), context.extensionPath];
}

/** Installs node-llama-cpp with this machine's binaries into the extension's global storage, with progress. */
async function installRuntimeWithProgress(context: vscode.ExtensionContext): Promise<boolean> {
  const target = path.join(context.globalStorageUri.fsPath, 'llama-runtime');
  const packages = runtimePackages();
  const output = vscode.window.createOutputChannel('clem-registry: llama.cpp runtime');
  output.appendLine(`npm install ${packages.join(' ')} (into ${target})`);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Installing the llama.cpp runtime', cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return installRuntime(target, {
      packages,
      signal: abort.signal,
      onOutput: (text) => {
        output.append(text);
        const line = text.trim().split('\n').pop();
        if (line) progress.report({ message: line.slice(0, 80) });
      },
    });
  });
  if (!result.ok) {
    output.show();
    void vscode.window.showErrorMessage(`clem-registry: installing the llama.cpp runtime failed: ${result.error} See the output.`);
  }
  return result.ok;
}

/** The runtime folders to try, after asking to install one when none is there yet; undefined if the user declined. */
async function ensureRuntime(context: vscode.ExtensionContext, document: vscode.TextDocument): Promise<string[] | undefined> {
  const candidates = runtimeCandidates(context, document);
  if (findRuntime(candidates)) return candidates;
  const install = 'Install runtime';
  const choose = 'Use an existing one…';
  const answer = await vscode.window.showInformationMessage(
    `"Test model entry" runs the model with llama.cpp (node-llama-cpp ${LLAMA_RUNTIME_VERSION}), which is not installed yet. Install it into the extension's storage (about 85 MB for the CPU build, about 180 MB more with CUDA) from the npm registry?`,
    { modal: true },
    install,
    choose,
  );
  if (answer === install) return (await installRuntimeWithProgress(context)) && findRuntime(candidates) ? candidates : undefined;
  if (answer === choose) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use this runtime', title: 'A folder holding node-llama-cpp (or its node_modules)' });
    if (!picked?.[0]) return undefined;
    if (!findRuntime([picked[0].fsPath])) {
      void vscode.window.showErrorMessage(`clem-registry: ${picked[0].fsPath} holds no node-llama-cpp.`);
      return undefined;
    }
    await vscode.workspace.getConfiguration('clemRegistry').update('llamaRuntime', picked[0].fsPath, vscode.ConfigurationTarget.Global);
    return [picked[0].fsPath, ...candidates];
  }
  return undefined;
}

// ---- no model file ------------------------------------------------------------------------------------------------

/**
 * Says that the entry has no model file to test, and how to point at one: a GGUF file picked here goes into
 * clemRegistry.modelFiles (the workspace's settings) and the test runs again.
 */
async function noModelFile(picked: PickedEntry, why: string): Promise<void> {
  const choose = 'Choose a GGUF file…';
  const settingsButton = 'Open settings';
  const answer = await vscode.window.showWarningMessage(
    `clem-registry: ${picked.modelName} has no model file to test. ${why} Set ${MODEL_FILES_SETTING}["${picked.modelName}"] to a GGUF file to test that file.`,
    choose,
    settingsButton,
  );
  if (answer === settingsButton) {
    await vscode.commands.executeCommand('workbench.action.openSettings', MODEL_FILES_SETTING);
    return;
  }
  if (answer !== choose) return;
  const file = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: false, canSelectMany: false, filters: { GGUF: ['gguf'] }, openLabel: 'Test with this file', title: `The GGUF file of ${picked.modelName}` });
  if (!file?.[0]) return;
  const config = vscode.workspace.getConfiguration('clemRegistry', picked.document.uri);
  const folder = vscode.workspace.getWorkspaceFolder(picked.document.uri);
  const target = folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global;
  const set = config.inspect<Record<string, string>>('modelFiles');
  const current = (folder ? set?.workspaceFolderValue : set?.globalValue) ?? {};
  await config.update('modelFiles', { ...current, [picked.modelName]: file[0].fsPath }, target);
  await vscode.commands.executeCommand(TEST_ENTRY_COMMAND, picked.document.uri.toString(), picked.index, picked.modelName);
}

// ---- the commands ---------------------------------------------------------------------------------------------------

export function registerEntryTest(context: vscode.ExtensionContext): void {
  const reports = new ReportDocuments();
  const views = new ReportPanels();
  context.subscriptions.push(
    views,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    vscode.commands.registerCommand(TEST_ENTRY_COMMAND, async (...args: unknown[]) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('clem-registry: "Test model entry" is off in Restricted Mode: it loads and runs the model files that this workspace names. Trust the workspace to use it. Diagnostics keep working.');
        return;
      }
      const picked = await pickEntry(args);
      if (!picked) {
        void vscode.window.showWarningMessage('clem-registry: put the cursor inside a registry entry with a model_name, or use the "Test entry" code lens.');
        return;
      }
      const s = settings(picked.document);
      const gguf = ggufOverride(picked.document, picked.modelName);
      // The runtime (about 85 MB) is worth offering only when there is a model to run: without one the test stops
      // before loading and needs no runtime.
      const modelFile = checkModelFile({ registryText: picked.document.getText(), entryIndex: picked.index, override: gguf, clemcoreVersion: s.version });
      const candidates = modelFile.kind === 'found' ? await ensureRuntime(context, picked.document) : runtimeCandidates(context, picked.document);
      if (!candidates) return;
      const request: EntryTestRequest = {
        registry: { label: picked.document.uri.fsPath, text: picked.document.getText() },
        packaged: s.packaged && existsSync(resolvePath(s.packaged, picked.document))
          ? { label: `packaged (${s.packaged})`, text: await readText(resolvePath(s.packaged, picked.document)) }
          : undefined,
        modelName: picked.modelName,
        entryIndex: picked.index,
        gguf,
        maxTokens: s.maxTokens,
        contextSize: s.contextSize > 0 ? s.contextSize : undefined,
        honourGpuKeys: s.honourGpuKeys,
        cpuOnly: s.cpuOnly,
        clemcoreVersion: s.version,
      };
      const view = views.start(`${picked.document.uri.toString()}\n${picked.modelName}`, picked.modelName);
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Testing ${picked.modelName}`, cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return runEntryTest(request, {
            workerPath: context.asAbsolutePath(path.join('dist', 'testWorker.mjs')),
            runtimeCandidates: candidates,
            timeoutMs: s.timeoutSeconds * 1000,
            signal: abort.signal,
            onStage: (stage, problems) => {
              const status = view.stage(stage, problems);
              progress.report({ message: `${STAGE_TITLES[stage.id]}: ${status}`, increment: 100 / 7 });
            },
          });
        },
      );
      view.done(report);
      if (modelFile.kind === 'missing') {
        await noModelFile(picked, modelFile.message);
        return;
      }
      const summary = `clem-registry: ${picked.modelName}: ${report.verdict.toUpperCase()}`;
      if (report.verdict === 'pass') void vscode.window.showInformationMessage(summary);
      else void vscode.window.showWarningMessage(`${summary} — ${report.problems.find((p) => p.level !== 'warning')?.message ?? ''}`);
    }),
    vscode.commands.registerCommand(PREVIEW_TEMPLATE_COMMAND, async (...args: unknown[]) => {
      const picked = await pickEntry(args);
      if (!picked) {
        void vscode.window.showWarningMessage('clem-registry: put the cursor inside a registry entry with a model_name, or use the "Preview template" code lens.');
        return;
      }
      // Reading a GGUF header or the HF cache runs nothing, so the preview works in Restricted Mode too.
      const preview = previewTemplate({
        registry: { label: picked.document.uri.fsPath, text: picked.document.getText() },
        entryIndex: picked.index,
        gguf: vscode.workspace.isTrusted ? ggufOverride(picked.document, picked.modelName) : undefined,
        clemcoreVersion: settings(picked.document).version,
      });
      await reports.show(`Template ${picked.modelName}`, preview.markdown);
    }),
    vscode.commands.registerCommand('clemRegistry.copyReport', async () => {
      const markdown = views.activeMarkdown() ?? reports.markdownOf(vscode.window.activeTextEditor?.document.uri);
      if (!markdown) {
        void vscode.window.showWarningMessage('clem-registry: open a test report first.');
        return;
      }
      await copyMarkdown(markdown);
    }),
    vscode.commands.registerCommand('clemRegistry.installRuntime', async () => {
      if (await installRuntimeWithProgress(context)) void vscode.window.showInformationMessage('clem-registry: the llama.cpp runtime is installed.');
    }),
  );
}

async function readText(file: string): Promise<string> {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
}
