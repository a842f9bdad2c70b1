// The `vscode` API driver: the same steps as the code-server driver, asked of VS Code's own command API from inside
// the extension host under @vscode/test-electron. It cannot take screenshots; it reads what the UI would show.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pollUntil, type EditorDriver, type OutlineItem, type Position, type Problem, type Severity } from '../shared/driver';

const SEVERITIES = new Map<vscode.DiagnosticSeverity, Severity>([
  [vscode.DiagnosticSeverity.Error, 'error'],
  [vscode.DiagnosticSeverity.Warning, 'warning'],
  [vscode.DiagnosticSeverity.Information, 'info'],
]);

function toVscode(at: Position): vscode.Position {
  return new vscode.Position(at.line - 1, at.col - 1);
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
}

function markdownText(content: vscode.MarkdownString | vscode.MarkedString): string {
  return typeof content === 'string' ? content : content.value;
}

export class VscodeDriver implements EditorDriver {
  readonly kind = 'electron' as const;
  /** Milliseconds from asking to open a file to its first diagnostics, for each file opened. */
  readonly openToFirstDiagnosticsMs = new Map<string, number>();
  private editor: vscode.TextEditor | undefined;

  get workspaceDir(): string {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('VS Code has no workspace folder open');
    return folder.uri.fsPath;
  }

  private get document(): vscode.TextDocument {
    if (!this.editor) throw new Error('no file is open');
    return this.editor.document;
  }

  async openFile(relativePath: string): Promise<void> {
    const uri = vscode.Uri.file(path.join(this.workspaceDir, relativePath));
    const started = Date.now();
    const firstDiagnostics = new Promise<number>((resolve) => {
      const subscription = vscode.languages.onDidChangeDiagnostics(() => {
        if (vscode.languages.getDiagnostics(uri).length === 0) return;
        subscription.dispose();
        resolve(Date.now() - started);
      });
    });
    this.editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    if (!this.openToFirstDiagnosticsMs.has(relativePath)) {
      let timer: NodeJS.Timeout | undefined;
      const ms = await Promise.race([firstDiagnostics, new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), 60_000); })]);
      clearTimeout(timer);
      if (ms !== undefined) this.openToFirstDiagnosticsMs.set(relativePath, ms);
    }
  }

  async problems(until: (problems: Problem[]) => boolean = (p) => p.length > 0): Promise<Problem[]> {
    const read = async (): Promise<Problem[]> => vscode.languages.getDiagnostics(this.document.uri).flatMap((d) => {
      // The Problems panel lists no hints.
      const severity = SEVERITIES.get(d.severity);
      return severity ? [{ code: codeOf(d), severity, source: d.source ?? '', message: d.message, line: d.range.start.line + 1, col: d.range.start.character + 1 }] : [];
    });
    return pollUntil(read, until, 60_000, 250);
  }

  async diagnosticsAt(at: Position): Promise<string[]> {
    const position = toVscode(at);
    return vscode.languages.getDiagnostics(this.document.uri).filter((d) => d.range.contains(position)).map(codeOf);
  }

  async hoverAt(at: Position): Promise<string> {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', this.document.uri, toVscode(at));
    return hovers.flatMap((h) => h.contents.map(markdownText)).join('\n\n');
  }

  async applyQuickFix(at: Position, title: RegExp): Promise<string> {
    const position = toVscode(at);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', this.document.uri, new vscode.Range(position, position), vscode.CodeActionKind.QuickFix.value);
    const action = actions.find((a) => title.test(a.title));
    if (!action) throw new Error(`no quick fix matches ${title} among: ${actions.map((a) => a.title).join(' | ')}`);
    if (action.edit && !(await vscode.workspace.applyEdit(action.edit))) throw new Error(`"${action.title}" was not applied`);
    if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    if (!(await this.document.save())) throw new Error('the file was not saved');
    return action.title;
  }

  async completionOnNewLineAfter(line: number): Promise<string[]> {
    const editor = this.editor!;
    const text = editor.document.lineAt(line - 1);
    const indent = text.text.slice(0, text.firstNonWhitespaceCharacterIndex);
    await editor.edit((edit) => edit.insert(text.range.end, `\n${indent}`));
    try {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(line, indent.length));
      return list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    } finally {
      await vscode.commands.executeCommand('undo');
      if (editor.document.isDirty) throw new Error('undo left the file changed');
    }
  }

  async outline(): Promise<OutlineItem[]> {
    const symbols = await vscode.commands.executeCommand<Array<vscode.DocumentSymbol | vscode.SymbolInformation>>(
      'vscode.executeDocumentSymbolProvider', this.document.uri);
    // The command merges every provider's symbols by position; JSON's own name the array items by index and have no
    // detail, this extension's carry the backend as detail.
    return symbols.map((s) => ({ name: s.name, detail: 'detail' in s ? s.detail : '' })).filter((s) => s.detail !== '');
  }

  async runCommand(command: { id: string; title: string }): Promise<void> {
    await vscode.commands.executeCommand(command.id);
  }

  async isRestricted(): Promise<boolean> {
    return !vscode.workspace.isTrusted;
  }

  async screenshot(): Promise<void> {
    // The extension host has no window to capture; the code-server run takes the screenshots.
  }
}
