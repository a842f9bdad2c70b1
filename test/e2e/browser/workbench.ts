// The code-server driver: acts in the workbench as a user would (keyboard, command palette, Problems panel, hovers)
// and reads what the page shows. Shared helpers for new steps: runCommand, openFile, goTo, problems, screenshot.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { pollUntil, type EditorDriver, type OutlineItem, type Position, type Problem, type Severity } from '../shared/driver';
import { CODE_LENS_ABOVE, FIRST_SQUIGGLE_MS, FIRST_VIEW_LINE, LIST_ROWS, LIST_SCROLL, WATCH_FIRST_SQUIGGLE, WATCH_TABS_AFTER_LENS_CLICK, inPage, onElement, tabShownMs, type RowText } from './inPage';

const WAIT = 30_000;
/** Test model entry loads llama.cpp in a fresh worker process: seconds on a busy machine, so a longer limit. */
const TEST_WAIT = 120_000;

export class Workbench implements EditorDriver {
  readonly kind = 'code-server' as const;
  private shots = 0;
  /** Milliseconds from clicking a file in Quick Open to its first squiggle, for each file opened. */
  readonly openToFirstDiagnosticsMs = new Map<string, number>();
  /** Milliseconds from clicking a code lens to the tab of the document it opened, by the document's title. */
  readonly clickToDocumentMs = new Map<string, number>();

  /** `logsDir`: code-server's logs folder, whose extension-host lines a failure message quotes. */
  constructor(readonly page: Page, readonly workspaceDir: string, readonly artifactsDir: string, readonly logsDir?: string) {
    mkdirSync(artifactsDir, { recursive: true });
  }

  /** Waits until the workbench shows the workspace's files. */
  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  async screenshot(name: string): Promise<void> {
    this.shots += 1;
    await this.page.screenshot({ path: path.join(this.artifactsDir, `${String(this.shots).padStart(2, '0')}-${name}.png`) });
  }

  /** Opens a quick input with `keys`, types `text` and picks the row whose label is `label`. */
  private async quickPick(keys: string, text: string, label: string): Promise<void> {
    // The quick input closes when the workbench moves focus elsewhere (a document or toast that shows up late), so
    // a pick that finds the widget gone is started again.
    const tries = 3;
    for (let i = 1; ; i++) {
      try {
        const input = await this.openQuickInput(keys);
        await input.fill(text);
        const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
          .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
          .first();
        await row.click({ timeout: i < tries ? 10_000 : WAIT });
        await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: WAIT });
        return;
      } catch (error) {
        if (i >= tries) throw error;
        await this.closeWidgets();
      }
    }
  }

  async runCommand(command: { id: string; title: string }): Promise<void> {
    await this.closeWidgets();
    await this.quickPick('Control+Shift+P', `>${command.title}`, command.title);
  }

  async openFile(relativePath: string): Promise<void> {
    await this.closeWidgets();
    const name = path.basename(relativePath);
    const first = !this.openToFirstDiagnosticsMs.has(relativePath);
    if (first) await this.watchFirstSquiggle();
    await this.quickPick('Control+P', relativePath, name);
    await this.page.locator('.editor-group-container.active .tabs-container .tab.active .label-name', { hasText: name }).waitFor({ timeout: WAIT });
    await this.page.locator('.editor-instance .monaco-editor.focused').waitFor({ timeout: WAIT });
    if (first) this.openToFirstDiagnosticsMs.set(relativePath, await this.firstSquiggleMs());
  }

  private async watchFirstSquiggle(): Promise<void> {
    await inPage(this.page, WATCH_FIRST_SQUIGGLE);
  }

  private async firstSquiggleMs(): Promise<number> {
    const handle = await this.page.waitForFunction(FIRST_SQUIGGLE_MS, undefined, { timeout: 60_000, polling: 100 });
    return Math.round(Number(await handle.jsonValue()));
  }

  /** Puts the cursor at a 1-based line and column with Go to Line/Column (Ctrl+G). */
  async goTo(at: Position): Promise<void> {
    await this.closeWidgets();
    const input = await this.openQuickInput('Control+G');
    // Quick access with `:` is Go to Line/Column.
    await input.fill(`:${at.line}:${at.col}`);
    await input.press('Enter');
    await this.page.locator('.statusbar-item', { hasText: `Ln ${at.line}, Col ${at.col}` }).waitFor({ timeout: WAIT });
  }

  /**
   * Presses `keys` until the quick input shows. A key press that lands while the workbench moves focus (a tab
   * click, a toast that just closed) can be lost, so it is pressed again, a few seconds apart.
   */
  private async openQuickInput(keys: string): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const tries = 4;
    for (let i = 1; ; i++) {
      await this.page.keyboard.press(keys);
      try {
        await input.waitFor({ state: 'visible', timeout: i < tries ? 5_000 : WAIT });
        return input;
      } catch (error) {
        if (i >= tries) throw error;
        await this.closeWidgets();
      }
    }
  }

  /** Closes hovers, menus and suggestions, as Escape does. */
  private async closeWidgets(): Promise<void> {
    for (let i = 0; i < 2; i++) await this.page.keyboard.press('Escape');
  }

  async problems(until: (problems: Problem[]) => boolean = (p) => p.length > 0): Promise<Problem[]> {
    await this.runCommand({ id: 'workbench.panel.markers.view.focus', title: 'Problems: Focus on Problems View' });
    const list = this.page.locator('.markers-panel .monaco-list');
    await list.waitFor({ timeout: WAIT });
    return pollUntil(() => this.readProblems(list), until, 60_000, 500);
  }

  private async readProblems(list: Locator): Promise<Problem[]> {
    const rows = await this.readList(list);
    // Level 1 is the file, level 2 a problem, level 3 a problem's related information.
    return rows.filter((r) => r.level === 2).map((r) => {
      const [, line, col] = /Ln (\d+), Col (\d+)/.exec(r.line) ?? [];
      const severity: Severity = r.icon.includes('error') ? 'error' : r.icon.includes('warning') ? 'warning' : 'info';
      return { code: r.code, severity, source: r.source, message: r.message, line: Number(line), col: Number(col) };
    });
  }

  /** All rows of a virtualised monaco list, scrolling it through with the mouse wheel. */
  private async readList(list: Locator): Promise<RowText[]> {
    const seen = new Map<number, RowText>();
    await list.hover();
    let scroll = await this.scrollToTop(list);
    for (;;) {
      for (const row of await onElement<RowText[]>(list, LIST_ROWS)) seen.set(row.index, row);
      if (scroll.top + scroll.view >= scroll.height - 1) break;
      const next = await this.scrollList(list, Math.max(22, scroll.view - 44));
      if (next.top === scroll.top) break;
      scroll = next;
    }
    await this.scrollToTop(list);
    // Away from the editor, so that no mouse hover replaces the one the keyboard asks for.
    await this.page.mouse.move(0, 0);
    return [...seen.values()].sort((a, b) => a.index - b.index);
  }

  private async scrollToTop(list: Locator): Promise<{ top: number; view: number; height: number }> {
    let scroll = await onElement<{ top: number; view: number; height: number }>(list, LIST_SCROLL);
    for (let i = 0; i < 100 && scroll.top > 0; i++) scroll = await this.scrollList(list, -Math.max(scroll.view, 22));
    return scroll;
  }

  /** Wheels a monaco list by `deltaY` and waits until it has scrolled (its rows container moves) or cannot. */
  private async scrollList(list: Locator, deltaY: number): Promise<{ top: number; view: number; height: number }> {
    const read = () => onElement<{ top: number; view: number; height: number }>(list, LIST_SCROLL);
    const before = await read();
    await this.page.mouse.wheel(0, deltaY);
    const wanted = Math.min(Math.max(before.top + deltaY, 0), Math.max(before.height - before.view, 0));
    return pollUntil(read, (s) => Math.abs(s.top - wanted) < 1 || s.top !== before.top, 2_000, 50);
  }

  /**
   * Shows the hover at the cursor (Show or Focus Hover) and returns its text once it settles (no "Loading...", the
   * same text twice). A hover that closes meanwhile (the file was re-checked) is shown again.
   */
  private async hoverText(): Promise<string> {
    const hover = this.page.locator('.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content').first();
    for (let attempt = 1; ; attempt++) {
      await this.runCommand({ id: 'editor.action.showHover', title: 'Show or Focus Hover' });
      await hover.waitFor({ timeout: WAIT });
      let previous: string | undefined;
      const read = async () => {
        const text = await hover.innerText({ timeout: 1_000 }).then((t) => t.trim(), () => undefined);
        const settled = text !== undefined && text !== '' && !text.includes('Loading...') && text === previous;
        previous = text;
        return { text, settled };
      };
      const last = await pollUntil(read, (r) => r.settled || r.text === undefined, WAIT, 300);
      if (last.settled && last.text !== undefined) return last.text;
      if (attempt === 3) throw new Error(`the hover did not settle (last text: ${JSON.stringify(last.text)})`);
    }
  }

  async diagnosticsAt(at: Position): Promise<string[]> {
    await this.goTo(at);
    const text = await this.hoverText();
    return [...text.matchAll(/clem-registry\(([\w-]+)\)/g)].map((m) => m[1]);
  }

  async hoverAt(at: Position): Promise<string> {
    await this.goTo(at);
    return this.hoverText();
  }

  async applyQuickFix(at: Position, title: RegExp, screenshot?: string): Promise<string> {
    await this.goTo(at);
    await this.page.keyboard.press('Control+.');
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    await rows.first().waitFor({ timeout: WAIT });
    if (screenshot) await this.screenshot(screenshot);
    // The menu is keyboard-driven (a pointer block covers the page while it is open): move down to the fix.
    const titles = (await rows.locator('.title').allInnerTexts()).map((t) => t.trim());
    const index = titles.findIndex((t) => title.test(t));
    if (index < 0) throw new Error(`no quick fix matches ${title} among: ${titles.join(' | ')}`);
    for (let i = 0; i < index; i++) await this.page.keyboard.press('ArrowDown');
    const focused = (await rows.and(this.page.locator('.focused')).locator('.title').innerText()).trim();
    if (focused !== titles[index]) throw new Error(`the quick fix menu focuses "${focused}", not "${titles[index]}"`);
    const label = focused;
    await this.page.keyboard.press('Enter');
    await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: WAIT });
    await this.save();
    return label;
  }

  /** Saves the active editor (Ctrl+S) once it has unsaved changes, and waits until the tab is no longer dirty. */
  async save(): Promise<void> {
    const dirty = this.page.locator('.tabs-container .tab.active.dirty');
    await dirty.waitFor({ timeout: WAIT });
    await this.page.keyboard.press('Control+S');
    await dirty.waitFor({ state: 'detached', timeout: WAIT });
  }

  async completionOnNewLineAfter(line: number, screenshot?: string): Promise<string[]> {
    await this.goTo({ line, col: 1 });
    await this.page.keyboard.press('End');
    await this.page.keyboard.press('Enter');
    await this.page.keyboard.press('Control+Space');
    const list = this.page.locator('.suggest-widget.visible .monaco-list');
    await list.locator('.monaco-list-row').first().waitFor({ timeout: WAIT });
    if (screenshot) await this.screenshot(screenshot);
    const labels = (await this.readList(list)).map((r) => r.label);
    await this.closeWidgets();
    await this.page.keyboard.press('Control+Z');
    await this.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: WAIT });
    return labels;
  }

  async outline(): Promise<OutlineItem[]> {
    await this.runCommand({ id: 'outline.focus', title: 'Explorer: Focus on Outline View' });
    const list = this.page.locator('.outline-pane .monaco-list');
    await list.locator('.monaco-list-row').first().waitFor({ timeout: WAIT });
    await this.showOnlyOutlineGroup(list, 'clem-registry');
    const rows = await pollUntil(() => this.readList(list), (r) => r.some((row) => row.description !== ''), WAIT, 500);
    const group = rows.findIndex((r) => isOutlineGroup(r, 'clem-registry'));
    const end = rows.findIndex((r, i) => i > group && r.level === 1);
    const items = group < 0 ? rows.filter((r) => r.level === 1) : rows.slice(group + 1, end < 0 ? undefined : end).filter((r) => r.level === 2);
    return items.map((r) => ({ name: r.label, detail: r.description }));
  }

  /**
   * With several symbol providers (JSON's own and this extension's) the outline groups items by provider. Walks the
   * tree with the keyboard from the top, collapsing the other groups and expanding `name`'s.
   */
  private async showOnlyOutlineGroup(list: Locator, name: string): Promise<void> {
    const focused = async () => (await onElement<RowText[]>(list, LIST_ROWS)).find((r) => r.focused);
    await this.page.keyboard.press('Home');
    for (let step = 0; step < 200; step++) {
      const row = await focused();
      if (!row) break;
      if (isOutlineGroup(row)) {
        if (row.label === name && !row.expanded) await this.page.keyboard.press('ArrowRight');
        if (row.label !== name && row.expanded) await this.page.keyboard.press('ArrowLeft');
      }
      await this.page.keyboard.press('ArrowDown');
      if ((await focused())?.id === row.id) break;
    }
  }

  async isRestricted(): Promise<boolean> {
    return (await this.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count()) > 0;
  }

  /** Answers the workspace trust dialog that opens with an untrusted folder. */
  async answerTrustDialog(trust: boolean): Promise<void> {
    const button = this.page.locator('.monaco-dialog-box .monaco-button', { hasText: trust ? 'Yes, I trust the authors' : 'No, I don\'t trust the authors' });
    await button.waitFor({ timeout: 60_000 });
    await this.screenshot('trust-dialog');
    await button.click();
    await this.page.locator('.monaco-dialog-box').waitFor({ state: 'detached', timeout: WAIT });
  }

  /**
   * Clicks the lens, and again (at most twice more) when the click had no visible effect within 10 s: no new tab
   * and no new notification. A lens whose command VS Code discarded between the two steps of the click does nothing.
   */
  async clickCodeLens(line: number, title: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const toastsBefore = new Set(await this.toastTexts());
      await this.clickCodeLensOnce(line, title);
      const effect = await pollUntil(
        async () => (await inPage<number>(this.page, 'Object.keys(window.__clemLens?.tabs ?? {}).length')) > 0 || (await this.toastTexts()).some((t) => !toastsBefore.has(t)),
        (seen) => seen, 10_000, 200);
      if (effect || attempt === 3) return;
      console.error(`      (the "${title}" lens above line ${line} did nothing on click ${attempt}; clicking again)`);
    }
  }

  private async toastTexts(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-toast').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  private async clickCodeLensOnce(line: number, title: string): Promise<void> {
    await this.goTo({ line, col: 1 });
    // Lenses render a moment after the file is checked, and again after each change: wait for this one.
    const lensAbove = `(${CODE_LENS_ABOVE})(${JSON.stringify({ line, title })})`;
    const found = await this.page.waitForFunction(lensAbove, undefined, { timeout: WAIT, polling: 100 });
    const shown = String(await found.jsonValue());
    // A lens runs the command it held when VS Code last resolved the lenses on screen. One that was off screen then
    // and has just scrolled into view may hold a command of lenses VS Code has since discarded: the click would do
    // nothing ("Actual command not found" in the extension host log). The editor has just regained focus, so VS Code
    // asks for the lenses again and resolves the ones on screen, rebuilding their links with new ids: wait for that.
    const id = await pollUntil(() => inPage<string>(this.page, lensAbove), (now) => now !== '' && now !== shown, WAIT, 100);
    if (!id) throw new Error(`the "${title}" code lens above line ${line} is gone`);
    await inPage(this.page, WATCH_TABS_AFTER_LENS_CLICK);
    await this.page.locator(`.codelens-decoration a[id="${id}"]`).click();
  }

  private tab(title: string): Locator {
    return this.page.locator('.tabs-container .tab', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) });
  }

  /**
   * The document's text as its "Copy report as markdown" title-bar button copies it, after checking that its first
   * line is the one the editor shows.
   */
  async openedDocument(title: string): Promise<{ text: string; ms: number }> {
    const tab = this.tab(title);
    try {
      await tab.waitFor({ timeout: TEST_WAIT });
    } catch (error) {
      // Say what the editor showed instead: the progress or error notifications, the tabs, and the extension host's
      // lines about the extension, so that a failure on a machine without the artifacts can still be read.
      await this.screenshot(`no-${title.replace(/\W+/g, '-')}`).catch(() => undefined);
      throw new Error(`${(error as Error).message.split('\n')[0]}\n${await this.stateForFailure()}`);
    }
    const shown = await this.page.waitForFunction(tabShownMs(title), undefined, { timeout: WAIT, polling: 100 });
    const ms = Math.round(Number(await shown.jsonValue()));
    this.clickToDocumentMs.set(title, ms);
    await tab.click();
    const group = this.page.locator('.editor-group-container.active');
    await group.locator('.tabs-container .tab.active .label-name', { hasText: title }).waitFor({ timeout: WAIT });
    const firstLine = group.locator('.editor-instance .view-lines .view-line').first();
    await firstLine.waitFor({ timeout: WAIT });
    await inPage(this.page, `navigator.clipboard.writeText('')`);
    await group.locator('.editor-actions .action-label[aria-label^="Copy report as markdown"]').click();
    const text = await pollUntil(() => inPage<string>(this.page, 'navigator.clipboard.readText()'), (t) => t !== '', WAIT, 200);
    if (!text) throw new Error(`"Copy report as markdown" copied nothing from ${title}`);
    const shownFirstLine = await onElement<string>(group.locator('.editor-instance .view-lines'), FIRST_VIEW_LINE);
    if (text.split('\n')[0] !== shownFirstLine) throw new Error(`the copied report starts with ${JSON.stringify(text.split('\n')[0])} but the editor shows ${JSON.stringify(shownFirstLine)}`);
    return { text, ms };
  }

  async hidePanel(): Promise<void> {
    const panel = this.page.locator('.monaco-workbench .part.panel');
    if (!(await panel.isVisible())) return;
    await this.runCommand({ id: 'workbench.action.closePanel', title: 'View: Hide Panel' });
    await panel.waitFor({ state: 'hidden', timeout: WAIT });
  }

  async openEditors(): Promise<string[]> {
    return (await this.page.locator('.tabs-container .tab .label-name').allInnerTexts()).map((t) => t.trim());
  }

  async closeEditor(title: string): Promise<void> {
    // The tab's own close button, as a mouse user closes it: it does not depend on where the focus is.
    const tab = this.tab(title);
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    await tab.waitFor({ state: 'detached', timeout: WAIT });
  }

  /** The notifications, the open tabs and the last extension-host log lines that name the extension. */
  private async stateForFailure(): Promise<string> {
    const notifications = await this.page.locator('.notifications-toasts .notification-toast').allInnerTexts().catch(() => []);
    const tabs = await this.openEditors().catch(() => []);
    const lines = [
      `notifications: ${notifications.length ? notifications.map((t) => JSON.stringify(t.replace(/\s+/g, ' ').trim())).join('; ') : 'none'}`,
      `open editors: ${tabs.join(', ') || 'none'}`,
    ];
    if (this.logsDir && existsSync(this.logsDir)) {
      const logged = logFiles(this.logsDir)
        .filter((f) => /exthost|clem/i.test(path.basename(f)) && !/CLI/.test(path.basename(f)))
        .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => /clem-registry\.clem-registry|clemRegistry|llama|error|warn/i.test(l)).map((l) => `${path.basename(f)}: ${l}`));
      lines.push('extension host log:', ...(logged.length ? logged.slice(-40) : ['(nothing about clem-registry)']));
    }
    return lines.join('\n');
  }

  async notification(matching: RegExp): Promise<string | undefined> {
    const read = async () => (await this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message').allInnerTexts()).map((t) => t.trim());
    const messages = await pollUntil(read, (m) => m.some((t) => matching.test(t)), TEST_WAIT, 250);
    return messages.find((t) => matching.test(t));
  }

  async paletteCommands(filter: string, present: string): Promise<string[]> {
    await this.closeWidgets();
    const input = await this.openQuickInput('Control+Shift+P');
    await input.fill(`>${filter}`);
    const labels = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name');
    await labels.filter({ hasText: new RegExp(`^${escapeRegExp(present)}$`) }).first().waitFor({ timeout: WAIT });
    const listed = (await labels.allInnerTexts()).map((t) => t.trim());
    await this.closeWidgets();
    return listed;
  }

  /** The activation time VS Code shows for an extension in Developer: Show Running Extensions. */
  async activationTime(extensionName: string): Promise<{ text: string; ms: number }> {
    await this.runCommand({ id: 'workbench.action.showRuntimeExtensions', title: 'Developer: Show Running Extensions' });
    const time = this.page.locator('.runtime-extensions-editor .monaco-list-row', { has: this.page.locator('.name', { hasText: new RegExp(`^${escapeRegExp(extensionName)}$`) }) })
      .locator('.activation-time');
    await time.waitFor({ timeout: WAIT });
    const text = (await time.innerText()).trim();
    await this.screenshot('running-extensions');
    await this.runCommand({ id: 'workbench.action.closeActiveEditor', title: 'View: Close Editor' });
    const ms = /([\d.]+)\s*ms/.exec(text);
    if (!ms) throw new Error(`no activation time in "${text}"`);
    return { text, ms: Number(ms[1]) };
  }
}

/** A provider's group in the outline: a top-level row with a plain label and no description. */
function isOutlineGroup(row: RowText, name?: string): boolean {
  return row.level === 1 && row.description === '' && row.label !== '' && (name === undefined || row.label === name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The files under `dir`, at any depth. */
export function logFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? logFiles(full) : e.isFile() ? [full] : [];
  });
}
