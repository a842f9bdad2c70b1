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
  /** Milliseconds from running a code lens's command to the finished report in the view it opened, by its title. */
  readonly clickToReportMs = new Map<string, number>();
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

  private lensClickedAt = 0;

  async clickCodeLens(line: number, title: string): Promise<void> {
    const uri = this.document.uri;
    const lenses = await pollUntil(
      async () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100),
      (found) => found.some((l) => l.range.start.line === line - 1 && l.command?.title.replace(/\$\([\w-]+\)\s*/g, '') === title),
      30_000, 250);
    const lens = lenses.find((l) => l.range.start.line === line - 1 && l.command?.title.replace(/\$\([\w-]+\)\s*/g, '') === title);
    if (!lens?.command) throw new Error(`no code lens "${title}" on line ${line}: ${lenses.map((l) => `${l.range.start.line + 1}: ${l.command?.title}`).join(' | ')}`);
    this.lensClickedAt = Date.now();
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
  }

  private openTitles(): string[] {
    return vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label));
  }

  /**
   * Waits for the report view, and for its finished report: "Copy report as markdown" copies nothing before. The page
   * inside the view is not visible through the API.
   */
  async openedReport(title: string): Promise<{ view: null; ms: number }> {
    await pollUntil(async () => this.openTitles(), (titles) => titles.includes(title), 120_000, 100);
    if (!(await this.copyReport(120_000))) throw new Error(`the report view ${title} shows no finished report: ${this.openTitles().join(', ')}`);
    const ms = Date.now() - this.lensClickedAt;
    this.clickToReportMs.set(title, ms);
    return { view: null, ms };
  }

  /** The report as "Copy report as markdown" copies it from the active report view. */
  async copyReport(timeoutMs = 30_000): Promise<string> {
    const copy = async () => {
      await vscode.env.clipboard.writeText('');
      await vscode.commands.executeCommand('clemRegistry.copyReport');
      return vscode.env.clipboard.readText();
    };
    return pollUntil(copy, (text) => text !== '', timeoutMs, 1_000);
  }

  async setColorTheme(theme: string): Promise<void> {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
  }

  async screenshotReport(): Promise<void> {
    // The extension host has no window to capture; the code-server run takes the screenshots.
  }

  async hidePanel(): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.closePanel');
  }

  async openEditors(): Promise<string[]> {
    return this.openTitles();
  }

  async closeEditor(title: string): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs.filter((tab) => tab.label === title));
    await vscode.window.tabGroups.close(tabs);
    if (this.editor) this.editor = await vscode.window.showTextDocument(this.editor.document);
  }

  async paletteCommands(): Promise<null> {
    // Which commands the palette offers (their enablement) is not visible through the API.
    return null;
  }

  async notification(): Promise<null> {
    // Another extension's notifications are not visible through the API.
    return null;
  }
}
