// The report view of "Test model entry": one webview panel per entry, beside the registry, re-used when the entry is
// tested again and updated as the stages arrive. The page itself comes from server/src/runtime/reportHtml.ts; this
// side owns the panels, the copy button's message and the markdown behind "Copy report as markdown".
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { reportMarkdown, shownStatus, verdictOf, type EntryTestReport, type Problem, type ShownStatus, type Stage } from '../../server/src/runtime/report';
import { reportBody, reportHtml } from '../../server/src/runtime/reportHtml';

/** The panels' view type, which `activeWebviewPanelId` names in package.json's `when` clauses. */
export const REPORT_VIEW_TYPE = 'clemRegistry.report';

interface ReportPanel {
  panel: vscode.WebviewPanel;
  /** Which run the panel shows, so that a late update of an earlier run is dropped. */
  run: number;
  /** Whether the page that `html` last set has said it listens (and has not been hidden since). */
  ready: boolean;
  /** What the page shows: set as a new page while it does not listen, sent to it when it does. */
  shown?: { report: EntryTestReport; running: boolean };
}

/** A running test's view: stages as they arrive, then the report. */
export interface ReportRun {
  /** Shows a stage that has just finished; returns its status as the view shows it. */
  stage(stage: Stage, problems: Problem[]): ShownStatus;
  done(report: EntryTestReport): void;
}

export class ReportPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ReportPanel>();
  private runs = 0;

  /** Opens (or re-uses) the panel of `key` beside the active editor, showing a test of `model` that has just started. */
  start(key: string, model: string): ReportRun {
    const run = ++this.runs;
    const shown = this.panelFor(key, model);
    shown.run = run;
    const partial: EntryTestReport = { model, verdict: 'pass', stages: [], output: { raw: null, stripped: null, split: null, culled: null }, problems: [] };
    shown.ready = false;
    const render = (report: EntryTestReport, running: boolean) => {
      if (shown.run !== run || !this.panels.has(key)) return;
      shown.shown = { report, running };
      // A page that listens is updated in place, so that the reader's focus, scroll and open stages stay.
      if (shown.ready) sendBody(shown);
      else setPage(shown);
    };
    render(partial, true);
    return {
      stage: (stage, problems) => {
        partial.stages.push(stage);
        partial.problems.push(...problems);
        partial.verdict = verdictOf(partial.problems);
        render(partial, true);
        return shownStatus(partial, stage);
      },
      done: (report) => {
        if (shown.run !== run || !this.panels.has(key)) return;
        render(report, false);
        shown.panel.reveal(shown.panel.viewColumn, false);
      },
    };
  }

  private panelFor(key: string, model: string): ReportPanel {
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, `Test ${model}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      enableFindWidget: true,
      // The page loads nothing: no local resources either.
      localResourceRoots: [],
    });
    const entry: ReportPanel = { panel, run: 0, ready: false };
    this.panels.set(key, entry);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === entry) this.panels.delete(key);
    });
    // A hidden view's page is discarded: it is loaded again, with what it shows now, when the view comes back.
    panel.onDidChangeViewState(() => {
      if (!panel.visible && entry.ready) {
        entry.ready = false;
        setPage(entry);
      }
    });
    panel.webview.onDidReceiveMessage(async (message: { type?: string }) => {
      if (message?.type === 'ready') {
        entry.ready = true;
        // What arrived while the page was loading.
        sendBody(entry);
        return;
      }
      const report = finished(entry);
      if (message?.type !== 'copy' || !report) return;
      // The view says "Copied." itself.
      await vscode.env.clipboard.writeText(reportMarkdown(report));
      void panel.webview.postMessage({ type: 'copied' });
    });
    return entry;
  }

  /** The markdown of the finished report in the active panel, if a report panel is active. */
  activeMarkdown(): string | undefined {
    for (const entry of this.panels.values()) {
      const report = finished(entry);
      if (entry.panel.active && report) return reportMarkdown(report);
    }
    return undefined;
  }

  dispose(): void {
    for (const { panel } of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}

/** The finished report the panel shows, once there is one. */
function finished(entry: ReportPanel): EntryTestReport | undefined {
  return entry.shown && !entry.shown.running ? entry.shown.report : undefined;
}

/** Updates the listening page in place with what it shows. */
function sendBody(entry: ReportPanel): void {
  if (entry.shown) void entry.panel.webview.postMessage({ type: 'render', html: reportBody(entry.shown.report, entry.shown.running) });
}

/** Loads the panel's page anew with what it shows; the page says when it listens. */
function setPage(entry: ReportPanel): void {
  if (!entry.shown) return;
  entry.ready = false;
  entry.panel.webview.html = reportHtml(entry.shown.report, { cspSource: entry.panel.webview.cspSource, nonce: randomBytes(16).toString('hex'), running: entry.shown.running });
}

export async function copyMarkdown(markdown: string): Promise<void> {
  await vscode.env.clipboard.writeText(markdown);
  void vscode.window.showInformationMessage('clem-registry: report copied as markdown.');
}
