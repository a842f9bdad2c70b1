// The code-server driver: acts in the workbench as a user would (keyboard, command palette, Problems panel, hovers)
// and reads what the page shows. Shared helpers for new steps: runCommand, openFile, goTo, problems, screenshot.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { escapeRegExp, pollUntil, type EditorDriver, type OutlineItem, type Position, type Problem, type ReportView, type Severity } from '../shared/driver';
import { CODE_LENS_ABOVE, FIRST_SQUIGGLE_MS, LIST_ROWS, LIST_SCROLL, WATCH_FIRST_SQUIGGLE, WATCH_TABS_AFTER_LENS_CLICK, inPage, onElement, type RowText } from './inPage';

const WAIT = 30_000;
/** Test model entry loads llama.cpp in a fresh worker process: seconds on a busy machine, so a longer limit. */
const TEST_WAIT = 120_000;

export class Workbench implements EditorDriver {
  readonly kind = 'code-server' as const;
  private shots = 0;
  /** Milliseconds from clicking a file in Quick Open to its first squiggle, for each file opened. */
  readonly openToFirstDiagnosticsMs = new Map<string, number>();
  /** Milliseconds from clicking a code lens to the finished report in the view it opened, by the view's title. */
  readonly clickToReportMs = new Map<string, number>();
  /** When the last code lens was clicked (Date.now()). */
  private lensClickedAt = 0;

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
        await this.quickInputRow(label).click({ timeout: i < tries ? 10_000 : WAIT });
        await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: WAIT });
        return;
      } catch (error) {
        if (i >= tries) throw error;
        await this.closeWidgets();
      }
    }
  }

  /** The row of the open quick input whose label is `label`. */
  private quickInputRow(label: string): Locator {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
      .first();
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
    this.lensClickedAt = Date.now();
    await this.page.locator(`.codelens-decoration a[id="${id}"]`).click();
  }

  private tab(title: string): Locator {
    return this.page.locator('.tabs-container .tab', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) });
  }

  /**
   * The page of the newest webview: VS Code shows a webview's page in an iframe (iframe#active-frame) inside an
   * iframe of its own.
   */
  private reportFrame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
  }

  /** Waits for the report view's tab and its finished report (the banner shows a verdict), and reads what it shows. */
  async openedReport(title: string): Promise<{ view: ReportView; ms: number }> {
    const frame = this.reportFrame();
    try {
      await this.tab(title).waitFor({ timeout: TEST_WAIT });
      await frame.locator('.banner:not(.verdict-running) .verdict-word').waitFor({ timeout: TEST_WAIT });
    } catch (error) {
      // Say what the editor showed instead: the progress or error notifications, the tabs, the report view's banner
      // and the extension host's lines about the extension, so that a failure on a machine without the artifacts
      // can still be read.
      await this.screenshot(`no-${title.replace(/\W+/g, '-')}`).catch(() => undefined);
      throw new Error(`${(error as Error).message.split('\n')[0]}\n${await this.stateForFailure()}`);
    }
    const ms = Date.now() - this.lensClickedAt;
    this.clickToReportMs.set(title, ms);
    return { view: await this.readReportView(frame), ms };
  }

  /**
   * Copies the report in the active report view with the view's own button and with the command from the palette:
   * both must copy the same.
   */
  async copyReport(): Promise<string> {
    const frame = this.reportFrame();
    await inPage(this.page, `navigator.clipboard.writeText('')`);
    await frame.locator('#copy').click();
    await frame.locator('#copied', { hasText: 'Copied.' }).waitFor({ timeout: WAIT });
    const markdown = await this.clipboard();
    if (!markdown) throw new Error('the "Copy report as markdown" button copied nothing');
    await inPage(this.page, `navigator.clipboard.writeText('')`);
    await this.runCommand({ id: 'clemRegistry.copyReport', title: 'clem-registry: Copy report as markdown' });
    const again = await this.clipboard();
    if (again !== markdown) throw new Error(`the command "Copy report as markdown" copied ${JSON.stringify(again.slice(0, 200))}, not what the view's button copied`);
    return markdown;
  }

  private async clipboard(): Promise<string> {
    return pollUntil(() => inPage<string>(this.page, 'navigator.clipboard.readText()'), (t) => t !== '', WAIT, 200);
  }

  /** What the report view shows, read through locators (the page's policy allows no script from outside). */
  private async readReportView(frame: FrameLocator): Promise<ReportView> {
    const text = (selector: string) => frame.locator(selector).allTextContents();
    const srOnly = /\[removed by [^\]]*:\] /g;
    const levels = await frame.locator('.banner .reasons > li .badge').allTextContents();
    const codes = await text('.banner .reasons > li code');
    const stages: string[] = [];
    const details = frame.locator('details.stage');
    for (let i = 0; i < await details.count(); i++) {
      const stage = details.nth(i);
      const status = (await stage.locator('summary .status').textContent())?.trim() ?? '';
      const label = await stage.locator('summary .icon').getAttribute('aria-label');
      if (label !== status) throw new Error(`a stage's icon is labelled ${JSON.stringify(label)}, but its status reads ${JSON.stringify(status)}`);
      const heading = (await stage.locator('summary h3').textContent())?.trim() ?? '';
      const title = heading.replace(/^\S+\s+/, '').replace(new RegExp(`\\s+${status}$`), '');
      stages.push(`${title}: ${status}${(await stage.getAttribute('open')) !== null ? ' (open)' : ''}`);
    }
    const removed: string[] = [];
    const dels = frame.locator('.diff del.removed');
    for (let i = 0; i < await dels.count(); i++) {
      removed.push(`${((await dels.nth(i).getAttribute('title')) ?? '').replace(/^removed by /, '')}: ${(await dels.nth(i).textContent()) ?? ''}`);
    }
    return {
      verdict: (await frame.locator('.banner .verdict-word').textContent())?.trim() ?? '',
      reasons: levels.map((level, i) => `${level} ${codes[i]}`),
      stages,
      roles: await text('.conversation .role'),
      promptChips: await text('.prompt .chip'),
      promptMarksLineBreaks: (await text('.prompt .ws')).includes('↵'),
      removed: removed.map((r) => r.replace(srOnly, '')),
      outputChips: (await text('.diff .chip')).map((c) => c.replace(srOnly, '')),
      reply: (await text('.reply')).join(''),
      keyboard: await this.reportKeyboard(frame),
    };
  }

  /** Moves through the report view with the keyboard: Tab from the copy button, then Enter and Space on a stage. */
  private async reportKeyboard(frame: FrameLocator): Promise<ReportView['keyboard']> {
    const stage = frame.locator('details.stage').first();
    const summary = stage.locator('summary');
    const isOpen = async () => (await stage.getAttribute('open')) !== null;
    // The first stage is one that passed, so it starts folded.
    if (await isOpen()) throw new Error('the first stage is open from the start');
    await frame.locator('#copy').focus();
    await this.page.keyboard.press('Tab');
    const tabReachesStage = (await frame.locator('details.stage:first-of-type > summary:focus-visible').count()) === 1;
    // A function, not source text: a string would be run as an expression, without the element. The tests are
    // compiled without the DOM library, hence the casts.
    const focusOutline = await summary.evaluate((element) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(element).outlineStyle);
    await this.page.keyboard.press('Enter');
    const enterOpens = await pollUntil(isOpen, (open) => open, 5_000, 100);
    await this.page.keyboard.press('Space');
    const spaceCloses = !(await pollUntil(isOpen, (open) => !open, 5_000, 100));
    return { tabReachesStage, focusOutline, enterOpens, spaceCloses };
  }

  /**
   * Picks the color theme with Preferences: Color Theme, as a user would: its picker names the theme `theme` without
   * "Default " ("Default Light Modern" is "Light Modern").
   */
  async setColorTheme(theme: string): Promise<void> {
    const light = /light/i.test(theme);
    const workbench = this.page.locator(`.monaco-workbench.${light ? 'vs' : 'vs-dark'}`);
    if (!(await workbench.count())) {
      // The command's quick input turns into the theme picker without closing in between.
      await this.closeWidgets();
      const input = await this.openQuickInput('Control+Shift+P');
      await input.fill('>Preferences: Color Theme');
      await this.quickInputRow('Preferences: Color Theme').click({ timeout: WAIT });
      await this.page.locator('.quick-input-widget .quick-input-box input[placeholder^="Select Color Theme"]').waitFor({ timeout: WAIT });
      const label = theme.replace(/^Default /, '');
      await input.fill(label);
      await this.quickInputRow(label).click({ timeout: WAIT });
      await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: WAIT });
      await workbench.waitFor({ timeout: WAIT });
    }
    // Webviews learn the theme from the workbench: wait until the report's page has it, where one is open.
    if (await this.page.locator('iframe.webview.ready').count()) {
      await this.reportFrame().locator(`body.${light ? 'vscode-light' : 'vscode-dark'}`).waitFor({ timeout: WAIT });
    }
  }

  async screenshotReport(name: string, section?: string): Promise<void> {
    // The page scrolls in its own frame: bring the section (or the top) into view.
    const frame = this.reportFrame();
    const target = section && (await frame.locator(`#${section}`).count()) ? `#${section}` : '#verdict-title';
    await frame.locator(target).scrollIntoViewIfNeeded({ timeout: WAIT });
    this.shots += 1;
    await this.page.locator('iframe.webview.ready').last().screenshot({ path: path.join(this.artifactsDir, `${String(this.shots).padStart(2, '0')}-${name}.png`) });
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
    const dialogs = await this.page.locator('.monaco-dialog-box').allInnerTexts().catch(() => []);
    const tabs = await this.openEditors().catch(() => []);
    const lines = [
      `notifications: ${notifications.length ? notifications.map((t) => JSON.stringify(t.replace(/\s+/g, ' ').trim())).join('; ') : 'none'}`,
      `dialogs: ${dialogs.length ? dialogs.map((t) => JSON.stringify(t.replace(/\s+/g, ' ').trim())).join('; ') : 'none'}`,
      `open editors: ${tabs.join(', ') || 'none'}`,
      `report view: ${await this.reportFrame().locator('.banner').innerText({ timeout: 1_000 }).then((t) => JSON.stringify(t.replace(/\s+/g, ' ').trim()), () => 'none')}`,
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

/** The files under `dir`, at any depth. */
export function logFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? logFiles(full) : e.isFile() ? [full] : [];
  });
}
