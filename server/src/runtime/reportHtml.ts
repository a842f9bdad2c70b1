// The report of "Test model entry" as a page for the editor's report view: a verdict banner with the reasons, the
// stages as folding sections, the conversation as messages, the rendered prompt and the output from raw to culled
// with its invisible characters and special tokens shown. Pure string building, so it is tested without an editor;
// everything from the report (model output above all) is untrusted text and is escaped.
import { shownStatus, STAGE_TITLES, STATUS_MARK, visibleChars, type EntryTestReport, type Fact, type Outputs, type ProblemLevel, type Stage, type StageId } from './report';

export interface ReportHtmlOptions {
  /** The webview's `cspSource`, allowed for styles. */
  cspSource: string;
  /** A fresh random value for the page's own script and style. */
  nonce: string;
  /** The test is still running: `report` holds the stages done so far. */
  running?: boolean;
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' })[c]!);
}

// ---- special tokens -----------------------------------------------------------------------------------------------

/** Text that looks like a special token: `<|…|>`, `<｜…｜>`, `<s>`, `</s>`, `<eos>`, `<bos>`, `<start_of_turn>`, `<end_of_turn>`. */
const SPECIAL_TOKEN = /<\|[^|<>\s]{1,40}\|>|<｜[^｜<>\s]{1,40}｜>|<\/?s>|<(?:eos|bos|start_of_turn|end_of_turn)>/gu;

/** The special tokens of `text` as [start, end) in code points, in order. */
export function specialTokenSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const m of text.matchAll(SPECIAL_TOKEN)) {
    const start = Array.from(text.slice(0, m.index)).length;
    spans.push([start, start + Array.from(m[0]).length]);
  }
  return spans;
}

// ---- the output from raw to culled --------------------------------------------------------------------------------

/**
 * The steps of clemcore's text paths, in order, with the output each leaves: llamacpp's strip, split and cull, and
 * huggingface_local's pad step and split at cot_end_tag (absent from llamacpp reports).
 */
export const OUTPUT_STEPS = [
  { key: 'stripped', name: 'strip()' },
  { key: 'split', name: 'output_split_prefix' },
  { key: 'unpadded', name: 'the pad step' },
  { key: 'culled', name: 'eos_to_cull' },
  { key: 'answer', name: 'cot_end_tag' },
] as const satisfies ReadonlyArray<{ key: keyof Outputs; name: string }>;

export type OutputStepName = (typeof OUTPUT_STEPS)[number]['name'];

/** A piece of the output: kept text, text a step removed, or (rarely) text a step added. */
export interface DiffPiece {
  text: string;
  removedBy?: OutputStepName;
  addedBy?: OutputStepName;
}

/**
 * For two sequences, which items of `a` survive into `b` (indices into `a`, in order), by a longest common
 * subsequence after trimming the common ends; undefined when the middles are too long to compare.
 */
function commonIndices(a: string[], b: string[]): number[] | undefined {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const n = a.length - pre - suf;
  const m = b.length - pre - suf;
  const kept: number[] = [];
  for (let i = 0; i < pre; i++) kept.push(i);
  if (n > 0 && m > 0) {
    if (n * m > 4_000_000) return undefined;
    // lcs[i][j]: the longest common subsequence of a's middle from i and b's middle from j.
    const lcs = new Uint32Array((n + 1) * (m + 1));
    const at = (i: number, j: number) => i * (m + 1) + j;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[at(i, j)] = a[pre + i] === b[pre + j] ? lcs[at(i + 1, j + 1)] + 1 : Math.max(lcs[at(i + 1, j)], lcs[at(i, j + 1)]);
      }
    }
    for (let i = 0, j = 0; i < n && j < m;) {
      if (a[pre + i] === b[pre + j]) {
        kept.push(pre + i);
        i++;
        j++;
      } else if (lcs[at(i + 1, j)] >= lcs[at(i, j + 1)]) i++;
      else j++;
    }
  }
  for (let i = a.length - suf; i < a.length; i++) kept.push(i);
  return kept;
}

/**
 * The raw output with what each step (strip, output_split_prefix, eos_to_cull) removed from it, as pieces in the order
 * of the raw text: joining the pieces without the removed ones (and with the added ones) gives the culled output.
 * Steps that left no output (not reached, or failed) are left out. Undefined when there is no raw output.
 */
export function outputDiff(output: Outputs): DiffPiece[] | undefined {
  if (output.raw === null) return undefined;
  const raw = Array.from(output.raw);
  const removedBy: Array<OutputStepName | undefined> = raw.map(() => undefined);
  /** Text a step added, before the raw character at the index (raw.length: at the end). */
  const added = new Map<number, DiffPiece[]>();
  let alive = raw.map((_, i) => i);
  for (const step of OUTPUT_STEPS) {
    const next = output[step.key] ?? null;
    if (next === null) continue;
    const after = Array.from(next);
    const before = alive.map((i) => raw[i]);
    const kept = commonIndices(before, after) ?? [];
    const keptSet = new Set(kept);
    for (let k = 0; k < before.length; k++) if (!keptSet.has(k)) removedBy[alive[k]] = step.name;
    // Characters of `after` that are not kept ones were added: anchor each run before the next kept character.
    let j = 0;
    let pending = '';
    const flush = (anchor: number) => {
      if (!pending) return;
      added.set(anchor, [...(added.get(anchor) ?? []), { text: pending, addedBy: step.name }]);
      pending = '';
    };
    for (const k of kept) {
      while (j < after.length && after[j] !== before[k]) pending += after[j++];
      flush(alive[k]);
      j++;
    }
    pending += after.slice(j).join('');
    flush(kept.length ? alive[kept[kept.length - 1]] + 1 : raw.length);
    alive = kept.map((k) => alive[k]);
  }
  const pieces: DiffPiece[] = [];
  const push = (piece: DiffPiece) => {
    const last = pieces[pieces.length - 1];
    if (last && last.removedBy === piece.removedBy && last.addedBy === piece.addedBy) last.text += piece.text;
    else pieces.push({ ...piece });
  };
  for (let i = 0; i <= raw.length; i++) {
    for (const piece of added.get(i) ?? []) push(piece);
    if (i < raw.length) push(removedBy[i] ? { text: raw[i], removedBy: removedBy[i] } : { text: raw[i] });
  }
  return pieces;
}

// ---- text with its invisible parts and special tokens shown -------------------------------------------------------

/** What a span of text is: kept, removed by a step or added by one. */
interface Mark {
  removedBy?: OutputStepName;
  addedBy?: OutputStepName;
}

const sameMark = (a: Mark, b: Mark) => a.removedBy === b.removedBy && a.addedBy === b.addedBy;

/**
 * Model text as HTML: whitespace marks (as the markdown report shows them) in spans of their own, special tokens as
 * chips, and, per code point, the diff mark from `marks`.
 */
export function textHtml(text: string, marks?: Mark[]): string {
  const chars = visibleChars(text);
  const tokens = specialTokenSpans(text);
  const tokenAt = new Map<number, number>(tokens.map(([s, e]) => [s, e]));
  let out = '';
  let i = 0;
  const run = (from: number, to: number) => {
    // Runs of one diff mark inside [from, to), each split into text and whitespace signs.
    for (let s = from; s < to;) {
      const mark = marks?.[s] ?? {};
      let e = s + 1;
      while (e < to && sameMark(marks?.[e] ?? {}, mark)) e++;
      let inner = '';
      for (let k = s; k < e; k++) {
        const c = chars[k];
        if (!c.mark) inner += escapeHtml(c.shown);
        else if (c.shown.endsWith('\n')) inner += `<span class="ws" aria-hidden="true">${escapeHtml(c.shown.slice(0, -1))}</span>\n`;
        else inner += `<span class="ws">${escapeHtml(c.shown)}</span>`;
      }
      if (mark.removedBy) out += `<del class="removed" title="removed by ${escapeHtml(mark.removedBy)}"><span class="sr-only">[removed by ${escapeHtml(mark.removedBy)}:] </span>${inner}</del>`;
      else if (mark.addedBy) out += `<ins class="added" title="added by ${escapeHtml(mark.addedBy)}">${inner}</ins>`;
      else out += inner;
      s = e;
    }
  };
  let plainFrom = 0;
  while (i < chars.length) {
    const end = tokenAt.get(i);
    if (end === undefined) {
      i++;
      continue;
    }
    run(plainFrom, i);
    out += '<span class="chip" title="special token">';
    run(i, end);
    out += '</span>';
    i = end;
    plainFrom = end;
  }
  run(plainFrom, chars.length);
  return out;
}

/** The pieces of {@link outputDiff} as HTML, special tokens found in the raw text (so a half-culled one shows). */
export function diffHtml(pieces: DiffPiece[]): string {
  const text = pieces.map((p) => p.text).join('');
  const marks: Mark[] = pieces.flatMap((p) => Array.from(p.text, () => ({ removedBy: p.removedBy, addedBy: p.addedBy })));
  return textHtml(text, marks);
}

// ---- the page -----------------------------------------------------------------------------------------------------

const LEVEL_ORDER: Record<ProblemLevel, number> = { error: 0, fail: 1, warning: 2 };

function factLabel(stage: Stage | undefined, label: string): Fact | undefined {
  return stage?.facts.find((f) => f.label === label);
}

function stageOf(report: EntryTestReport, id: StageId): Stage | undefined {
  return report.stages.find((s) => s.id === id);
}

/** The conversation fact's lines (`role: "json string"`) as messages; undefined when a line is not in that form. */
export function conversationMessages(value: string): Array<{ role: string; content: string }> | undefined {
  const messages: Array<{ role: string; content: string }> = [];
  for (const line of value.split('\n')) {
    const m = /^([\w-]+): (".*")$/.exec(line);
    if (!m) return undefined;
    try {
      const content: unknown = JSON.parse(m[2]);
      if (typeof content !== 'string') return undefined;
      messages.push({ role: m[1], content });
    } catch {
      return undefined;
    }
  }
  return messages;
}

function banner(report: EntryTestReport, running: boolean): string {
  const model = `<code>${escapeHtml(report.model)}</code>`;
  if (running) {
    const done = report.stages.length;
    return `<header class="banner verdict-running" aria-labelledby="verdict-title">
<h1 id="verdict-title"><span class="icon" role="img" aria-label="running">…</span> Testing ${model}</h1>
<p role="status">${done} of ${Object.keys(STAGE_TITLES).length} stages done${done ? `: the last, ${escapeHtml(STAGE_TITLES[report.stages[done - 1].id])}, is ${shownStatus(report, report.stages[done - 1])}` : ''}.</p>
${problemList(report)}
</header>`;
  }
  const verdict = report.verdict;
  // A pass says why in the verdict stage (with what stood in for clemcore's runtime, for huggingface_local).
  const lead = verdict === 'pass' ? factLabel(stageOf(report, 'verdict'), 'Why')?.value ?? '' : verdict === 'error' ? 'The test could not finish:' : 'Reasons:';
  return `<header class="banner verdict-${verdict}" aria-labelledby="verdict-title">
<h1 id="verdict-title"><span class="icon" role="img" aria-label="${verdict}">${verdict === 'pass' ? '✓' : '✗'}</span> ${model}: <span class="verdict-word">${verdict.toUpperCase()}</span></h1>
<p class="lead">${escapeHtml(lead)}</p>
${problemList(report)}
<div class="actions"><button type="button" id="copy">Copy report as markdown</button><span id="copied" role="status"></span></div>
</header>`;
}

/** The problems, errors and failures first (the reasons), then the warnings, each linking to its stage. */
function problemList(report: EntryTestReport): string {
  if (!report.problems.length) return '';
  const sorted = [...report.problems].sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
  const items = sorted.map((p) => `<li class="problem level-${p.level}"><span class="badge">${p.level}</span> <a href="#stage-${p.stage}"><code>${escapeHtml(p.code)}</code></a> ${escapeHtml(p.message)}</li>`);
  return `<ul class="reasons" aria-label="Problems">${items.join('\n')}</ul>`;
}

/** A fact as a term and its value, with where the value came from under it. */
function factHtml(f: Fact): string {
  const source = f.source ? `<div class="source">${escapeHtml(f.source)}</div>` : '';
  if (!f.block) return `<dt>${escapeHtml(f.label)}</dt><dd>${f.value === '' ? '<em>(empty)</em>' : escapeHtml(f.value)}${source}</dd>`;
  const body = f.value === '' ? '<em>(empty)</em>' : f.plain ? escapeHtml(f.value) : textHtml(f.value);
  return `<dt>${escapeHtml(f.label)}</dt><dd><pre class="block">${body}</pre>${source}</dd>`;
}

function stageHtml(report: EntryTestReport, stage: Stage): string {
  const status = shownStatus(report, stage);
  const open = status === 'failed' || status === 'error' || status === 'warning' ? ' open' : '';
  const own = report.problems.filter((p) => p.stage === stage.id).sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
  const problems = own.length
    ? `<ul class="stage-problems">${own.map((p) => `<li class="problem level-${p.level}"><span class="badge">${p.level}</span> <code>${escapeHtml(p.code)}</code> ${escapeHtml(p.message)}</li>`).join('')}</ul>`
    : '';
  const log = stage.log?.length ? `<details class="log"><summary>llama.cpp log</summary><pre>${escapeHtml(stage.log.join('\n'))}</pre></details>` : '';
  return `<details class="stage status-${status}" id="stage-${stage.id}"${open}>
<summary><h3><span class="icon" role="img" aria-label="${status}">${STATUS_MARK[status]}</span> ${escapeHtml(STAGE_TITLES[stage.id])} <span class="status">${status}</span></h3></summary>
<div class="stage-body">${problems}<dl>${stage.facts.map(factHtml).join('\n')}</dl>${log}</div>
</details>`;
}

function conversationHtml(report: EntryTestReport): string {
  const fact = factLabel(stageOf(report, 'template'), 'Conversation after ensure_alternating_roles');
  if (!fact) return '';
  const messages = conversationMessages(fact.value);
  const body = messages
    ? `<ol class="conversation">${messages.map((m) => `<li class="message role-${escapeHtml(m.role)}"><span class="role">${escapeHtml(m.role)}</span><div class="content">${escapeHtml(m.content)}</div></li>`).join('\n')}</ol>`
    : `<pre class="block">${escapeHtml(fact.value)}</pre>`;
  return `<section aria-labelledby="conversation-title"><h2 id="conversation-title">Conversation</h2>
<p class="note">The messages the test sends, after clemcore's ensure_alternating_roles.</p>${body}</section>`;
}

function promptHtml(report: EntryTestReport): string {
  const fact = factLabel(stageOf(report, 'template'), 'Rendered prompt');
  if (!fact) return '';
  return `<section aria-labelledby="prompt-title"><h2 id="prompt-title">Rendered prompt</h2>
<p class="note">${fact.source ? `${escapeHtml(fact.source)}. ` : ''}${LEGEND_WS} Special tokens are shown as <span class="chip">chips</span>.</p>
<pre class="block prompt">${fact.value === '' ? '<em>(empty)</em>' : textHtml(fact.value)}</pre></section>`;
}

const LEGEND_WS = '<span class="ws">↵</span> is a line break, <span class="ws">⇥</span> a tab, <span class="ws">·</span> a space at the start or end of a line.';

function outputHtml(report: EntryTestReport): string {
  const pieces = outputDiff(report.output);
  if (!pieces) return '';
  const steps = OUTPUT_STEPS.filter((s) => (report.output[s.key] ?? null) !== null).map((s) => s.name);
  const reply = report.output.answer ?? report.output.culled ?? report.output.unpadded ?? report.output.split ?? report.output.stripped;
  return `<section aria-labelledby="output-title"><h2 id="output-title">Output, raw to culled</h2>
<p class="note">The raw output, with what ${steps.length ? steps.map(escapeHtml).join(', then ') : 'post-processing'} removed <del class="removed">struck through</del>. ${LEGEND_WS}</p>
<pre class="block diff" aria-label="The raw output with the removed parts struck through">${diffHtml(pieces)}</pre>
${reply !== null ? `<h3>The reply the game gets</h3><pre class="block reply">${reply === '' ? '<em>(empty)</em>' : textHtml(reply)}</pre>` : ''}
</section>`;
}

const STYLE = `
:root { color-scheme: light dark; }
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); line-height: 1.45; margin: 0; padding: 0 20px 24px; max-width: 980px; }
h1 { font-size: 1.45em; margin: 0 0 6px; font-weight: 600; }
h2 { font-size: 1.15em; margin: 22px 0 6px; font-weight: 600; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent)); padding-bottom: 3px; }
h3 { font-size: 1em; margin: 12px 0 4px; font-weight: 600; }
code, pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
a { color: var(--vscode-textLink-foreground); }
a:hover { color: var(--vscode-textLink-activeForeground); }
:focus { outline: none; }
:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.note, .source { color: var(--vscode-descriptionForeground); }
.note { margin: 0 0 6px; }
.banner { margin: 16px 0 8px; padding: 12px 16px; border: 1px solid var(--vscode-contrastBorder, var(--vscode-widget-border, transparent)); border-left: 6px solid var(--verdict); background: var(--vscode-editorWidget-background); border-radius: 4px; }
.verdict-pass { --verdict: var(--vscode-testing-iconPassed); }
.verdict-fail { --verdict: var(--vscode-testing-iconFailed); }
.verdict-error { --verdict: var(--vscode-inputValidation-errorBorder); }
.verdict-running { --verdict: var(--vscode-progressBar-background); }
.banner h1 .icon, .verdict-word { color: var(--verdict); }
.lead { margin: 4px 0; }
.reasons, .stage-problems { list-style: none; padding: 0; margin: 6px 0; }
.problem { margin: 4px 0; padding: 4px 8px; border-left: 3px solid var(--level); background: var(--vscode-textCodeBlock-background); }
.level-error { --level: var(--vscode-inputValidation-errorBorder); }
.level-fail { --level: var(--vscode-testing-iconFailed); }
.level-warning { --level: var(--vscode-editorWarning-foreground); }
.badge { display: inline-block; min-width: 4.5em; text-align: center; font-size: 0.85em; text-transform: uppercase; border: 1px solid var(--level); color: var(--vscode-foreground); border-radius: 3px; padding: 0 4px; }
.actions { margin-top: 10px; display: flex; gap: 10px; align-items: center; }
button { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 4px 12px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
#copied { color: var(--vscode-descriptionForeground); }
.stage { border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent)); border-radius: 4px; margin: 6px 0; background: var(--vscode-editorWidget-background); }
.stage > summary { cursor: pointer; padding: 4px 10px; list-style-position: inside; }
.stage > summary h3 { display: inline; margin: 0; font-size: 1em; }
.stage-body { padding: 0 12px 8px; }
.status { color: var(--vscode-descriptionForeground); font-weight: normal; margin-left: 6px; }
.status-ok .icon { color: var(--vscode-testing-iconPassed); }
.status-warning .icon { color: var(--vscode-editorWarning-foreground); }
.status-failed .icon { color: var(--vscode-testing-iconFailed); }
.status-error .icon { color: var(--vscode-errorForeground); }
.status-skipped .icon { color: var(--vscode-disabledForeground); }
.icon { display: inline-block; min-width: 1.1em; text-align: center; font-weight: bold; }
dl { margin: 6px 0; display: grid; grid-template-columns: minmax(7em, 30%) minmax(0, 1fr); gap: 3px 14px; }
@media (max-width: 480px) { dl { grid-template-columns: minmax(0, 1fr); } dd { margin-left: 1em; } }
dt { font-weight: 600; overflow-wrap: anywhere; }
.source { font-size: 0.9em; }
dd { margin: 0; overflow-wrap: anywhere; }
pre.block { margin: 0; padding: 6px 8px; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--vscode-textCodeBlock-background); border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent)); border-radius: 3px; }
.log pre { white-space: pre-wrap; font-size: 0.9em; }
.ws { color: var(--vscode-editorWhitespace-foreground); }
.chip { display: inline-block; border-radius: 8px; padding: 0 5px; margin: 0 1px; font-size: 0.92em; line-height: 1.3; color: var(--vscode-badge-foreground); background: var(--vscode-badge-background); border: 1px solid var(--vscode-contrastBorder, var(--vscode-badge-background)); }
del.removed { text-decoration: line-through; text-decoration-thickness: 2px; text-decoration-color: var(--vscode-testing-iconFailed); background: var(--vscode-diffEditor-removedTextBackground); color: inherit; }
.chip del.removed { color: inherit; }
ins.added { text-decoration: underline; background: var(--vscode-diffEditor-insertedTextBackground); }
.conversation { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 6px; }
.message { max-width: 80%; padding: 6px 10px; border-radius: 8px; border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent)); background: var(--vscode-editorWidget-background); }
.message .role { display: block; font-size: 0.85em; font-weight: 600; color: var(--vscode-descriptionForeground); text-transform: capitalize; }
.message .content { white-space: pre-wrap; overflow-wrap: anywhere; }
.role-user { align-self: flex-start; background: var(--vscode-textBlockQuote-background); }
.role-assistant { align-self: flex-end; }
.role-system { align-self: stretch; max-width: none; font-style: italic; }
body.vscode-high-contrast .stage, body.vscode-high-contrast .banner, body.vscode-high-contrast .message { border-width: 2px; }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
const main = document.getElementById('report');
document.addEventListener('click', (event) => {
  if (event.target.closest?.('#copy')) {
    vscode.postMessage({ type: 'copy' });
    return;
  }
  // A link to a stage opens it and moves the focus there.
  const link = event.target.closest?.('a[href^="#stage-"]');
  const stage = link && document.getElementById(link.getAttribute('href').slice(1));
  if (!stage) return;
  event.preventDefault();
  stage.open = true;
  const summary = stage.querySelector('summary');
  summary.scrollIntoView({ block: 'start' });
  summary.focus();
});
window.addEventListener('message', (event) => {
  const data = event.data;
  if (data?.type === 'copied') document.getElementById('copied').textContent = 'Copied.';
  if (data?.type !== 'render') return;
  // A stage that arrives while the test runs replaces the page's content in place: the stages the reader opened or
  // closed stay so, and the focus and the scroll position stay where they were.
  const opened = new Map([...main.querySelectorAll('details[id]')].map((d) => [d.id, d.open]));
  const focused = document.activeElement;
  const focusedStage = focused?.closest?.('details[id]')?.id;
  const focusedSummary = focused?.tagName === 'SUMMARY';
  const focusedId = focused && focused !== document.body ? focused.id : '';
  const y = window.scrollY;
  main.innerHTML = data.html;
  for (const d of main.querySelectorAll('details[id]')) if (opened.has(d.id)) d.open = opened.get(d.id);
  const again = focusedId ? document.getElementById(focusedId) : focusedStage && focusedSummary ? document.querySelector('#' + focusedStage + ' > summary') : null;
  again?.focus({ preventScroll: true });
  window.scrollTo(0, y);
});
vscode.postMessage({ type: 'ready' });
`;

/** What the page shows of a report (or, while `running`, of the stages done so far): the content of its `<main>`. */
export function reportBody(report: EntryTestReport, running = false): string {
  const stages = report.stages.map((s) => stageHtml(report, s)).join('\n');
  return `${banner(report, running)}
<section aria-labelledby="stages-title"><h2 id="stages-title">Stages</h2>
${stages}
</section>
${conversationHtml(report)}
${promptHtml(report)}
${outputHtml(report)}`;
}

/**
 * The whole page for a report (or, while `running`, for the stages done so far). Its script says `ready` once it
 * listens; a `render` message with a new `reportBody` then updates the page in place.
 */
export function reportHtml(report: EntryTestReport, options: ReportHtmlOptions): string {
  const running = options.running ?? false;
  const nonce = escapeHtml(options.nonce);
  const csp = `default-src 'none'; style-src ${options.cspSource} 'nonce-${options.nonce}'; script-src 'nonce-${options.nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test ${escapeHtml(report.model)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main id="report">
${reportBody(report, running)}
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
