// What the suites ask of an editor. Two drivers answer: code-server in Chromium (browser/, acting as a user would
// through keyboard, palette and panels, with screenshots) and VS Code under @vscode/test-electron (electron/, through
// the `vscode` API inside the extension host). Positions are 1-based, as the Problems panel shows them.

export interface Position {
  line: number;
  col: number;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Problem extends Position {
  code: string;
  severity: Severity;
  source: string;
  message: string;
}

export interface OutlineItem {
  name: string;
  detail: string;
}

/** What the report view of "Test model entry" shows, read from its page. */
export interface ReportView {
  /** The banner's verdict word: PASS, FAIL or ERROR. */
  verdict: string;
  /** The banner's problems in order, as `level code`. */
  reasons: string[];
  /** Each stage as `title: status`, with ` (open)` when it is unfolded. */
  stages: string[];
  /** The conversation's roles in order. */
  roles: string[];
  /** The special tokens shown as chips in the rendered prompt. */
  promptChips: string[];
  /** Whether the prompt shows its line breaks with marks. */
  promptMarksLineBreaks: boolean;
  /** The struck-through parts of the output from raw to culled, as `step: text`. */
  removed: string[];
  /** The special tokens shown as chips in that output (as the raw output held them). */
  outputChips: string[];
  /** The reply the game gets, as shown (its whitespace marks included). */
  reply: string;
  /**
   * From the keyboard: Tab from the copy button reaches the first stage, which shows a focus outline, and Enter and
   * Space fold it open and shut.
   */
  keyboard: { tabReachesStage: boolean; focusOutline: string; enterOpens: boolean; spaceCloses: boolean };
}

export interface EditorDriver {
  readonly kind: 'code-server' | 'electron';
  /** The workspace folder VS Code has open (a copy of the fixture). */
  readonly workspaceDir: string;
  /** Opens a file of the workspace in an editor and waits until it is shown. */
  openFile(relativePath: string): Promise<void>;
  /**
   * The Problems panel's entries for the open file (errors, warnings and infos; VS Code lists no hints there).
   * Waits, up to a limit, until `until` holds, then returns what is listed.
   */
  problems(until?: (problems: Problem[]) => boolean): Promise<Problem[]>;
  /** The codes of the diagnostics whose squiggle covers a position (the browser reads them from the hover there). */
  diagnosticsAt(at: Position): Promise<string[]>;
  /** The hover's text at a position. */
  hoverAt(at: Position): Promise<string>;
  /**
   * Applies the quick fix whose title matches at a position (Ctrl+.) and saves the file; returns the fix's title.
   * `screenshot` names a screenshot of the open menu.
   */
  applyQuickFix(at: Position, title: RegExp, screenshot?: string): Promise<string>;
  /**
   * The completion labels on a new line after the end of `line`; the line is removed again afterwards.
   * `screenshot` names a screenshot of the open list.
   */
  completionOnNewLineAfter(line: number, screenshot?: string): Promise<string[]>;
  /** The outline's items of the open file, in order. */
  outline(): Promise<OutlineItem[]>;
  /** Runs a command: by its palette title in the browser, by its id under the `vscode` API. */
  runCommand(command: { id: string; title: string }): Promise<void>;
  /** Whether the window is in restricted mode (workspace not trusted). */
  isRestricted(): Promise<boolean>;
  /** Saves a screenshot of the window under .test-artifacts/e2e/ (the `vscode` API driver cannot, and does not). */
  screenshot(name: string): Promise<void>;
  /**
   * Clicks the code lens titled `title` (its text, without the icon) above a 1-based line of the open file; under
   * the `vscode` API, runs that lens's command with its arguments.
   */
  clickCodeLens(line: number, title: string): Promise<void>;
  /**
   * Waits, up to a limit, for the report view titled `title` (e.g. `Test NAME`) that the last code lens click opened
   * to show a finished report; returns what the view shows (null where the driver cannot see into the view: the
   * `vscode` API one) and the milliseconds from the click to the finished report.
   */
  openedReport(title: string): Promise<{ view: ReportView | null; ms: number }>;
  /** The report in the active report view as "Copy report as markdown" copies it. */
  copyReport(): Promise<string>;
  /** Switches the color theme (`workbench.colorTheme`, e.g. "Default Light Modern") and waits until it shows. */
  setColorTheme(theme: string): Promise<void>;
  /**
   * Saves a screenshot cropped to the report view, scrolled to the element with the id `section` when there is one,
   * else to the top (the `vscode` API driver cannot, and does not).
   */
  screenshotReport(name: string, section?: string): Promise<void>;
  /** Hides the panel (Problems and the like) when it is shown. */
  hidePanel(): Promise<void>;
  /** The titles of the open editors (tabs). */
  openEditors(): Promise<string[]>;
  /** Closes the editor titled `title`. */
  closeEditor(title: string): Promise<void>;
  /**
   * Waits, up to a limit, for a notification whose text matches and returns its text (undefined when none came).
   * The `vscode` API cannot see another extension's notifications: that driver returns null without waiting.
   */
  notification(matching: RegExp): Promise<string | undefined | null>;
  /**
   * The commands the command palette lists for `filter`, read once it lists `present` (which tells that it has
   * filtered). The `vscode` API has no palette: that driver returns null.
   */
  paletteCommands(filter: string, present: string): Promise<string[] | null>;
}

/** Polls `read` until `done` holds or `timeoutMs` passes; returns the last value either way. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await read();
  }
  return value;
}

/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
