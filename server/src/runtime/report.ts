// The report of "Test model entry": its stages, problems and verdict, and how it reads as text, markdown and JSON.
// The CLI prints it, the editor shows it, and the worker sends it stage by stage, so it is plain data.

export type StageId = 'entry' | 'model-file' | 'load' | 'template' | 'generate' | 'post-process' | 'verdict';
export type StageStatus = 'ok' | 'warning' | 'failed' | 'skipped';
export type Verdict = 'pass' | 'fail' | 'error';

export const STAGE_TITLES: Record<StageId, string> = {
  entry: '1. Entry',
  'model-file': '2. Model file',
  load: '3. Load',
  template: '4. Template',
  generate: '5. Generate',
  'post-process': '6. Post-process',
  verdict: '7. Verdict',
};

export interface Fact {
  label: string;
  value: string;
  /** Where the value came from (a registry key, GGUF metadata, a setting, a default). */
  source?: string;
  /** Shown as a block with whitespace and special tokens made visible (prompts, outputs). */
  block?: boolean;
  /** A block shown as it is, without the whitespace marks (it is not model text). */
  plain?: boolean;
}

export interface Stage {
  id: StageId;
  status: StageStatus;
  facts: Fact[];
  /** llama.cpp's own log lines, when they explain a failure. */
  log?: string[];
}

/**
 * What went wrong and whether it fails the entry: `fail` is what clemcore would get wrong with this entry,
 * `error` is what kept the test from running (no model file, no runtime, a crash outside llama.cpp), `warning`
 * does not change the verdict.
 */
export type ProblemLevel = 'fail' | 'error' | 'warning';

export interface Problem {
  code: string;
  level: ProblemLevel;
  stage: StageId;
  message: string;
}

export interface Outputs {
  raw: string | null;
  stripped: string | null;
  split: string | null;
  culled: string | null;
  /** huggingface_local: the text after the pad step (before eos_to_cull). */
  unpadded?: string | null;
  /** huggingface_local with cot_output: the reasoning clemcore keeps aside, and the answer the game gets. */
  cot?: string | null;
  answer?: string | null;
}

export interface EntryTestReport {
  model: string;
  verdict: Verdict;
  stages: Stage[];
  output: Outputs;
  problems: Problem[];
}

export function verdictOf(problems: Problem[]): Verdict {
  if (problems.some((p) => p.level === 'error')) return 'error';
  if (problems.some((p) => p.level === 'fail')) return 'fail';
  return 'pass';
}

/** The CLI's `--format json` shape: verdict, stages, output, problems ({code, message}). */
export function reportJson(report: EntryTestReport): unknown {
  return {
    verdict: report.verdict,
    stages: report.stages.map((s) => ({ id: s.id, title: STAGE_TITLES[s.id], status: s.status, facts: s.facts, ...(s.log ? { log: s.log } : {}) })),
    output: report.output,
    problems: report.problems.map((p) => ({ code: p.code, message: p.message })),
  };
}

/** One character of a text as the report shows it: `shown` is what stands for it, `mark` when that is a sign. */
export interface VisibleChar {
  shown: string;
  mark: boolean;
}

const INVISIBLE = /[\t\r\u00a0\u200b-\u200f\u2028\u2029\u2060\ufeff\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Each character (code point) of `text` as {@link visible} shows it: line breaks as ↵ (the break kept), tabs as ⇥,
 * carriage returns as ␍, spaces at the ends of lines as ·, and other invisible characters as ⟨U+XXXX⟩.
 */
export function visibleChars(text: string): VisibleChar[] {
  const chars = Array.from(text);
  const out: VisibleChar[] = chars.map((c) => {
    if (c === '\n') return { shown: '↵\n', mark: true };
    if (!INVISIBLE.test(c)) return { shown: c, mark: false };
    if (c === '\t') return { shown: '⇥', mark: true };
    if (c === '\r') return { shown: '␍', mark: true };
    return { shown: `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`, mark: true };
  });
  // Spaces at the start and the end of each line.
  const dot = (i: number) => {
    out[i] = { shown: '·', mark: true };
  };
  for (let start = 0; start <= chars.length;) {
    let end = chars.indexOf('\n', start);
    if (end < 0) end = chars.length;
    for (let i = start; i < end && chars[i] === ' '; i++) dot(i);
    for (let i = end - 1; i >= start && chars[i] === ' '; i--) dot(i);
    start = end + 1;
  }
  return out;
}

/** Text with its invisible parts shown (see {@link visibleChars}). */
export function visible(text: string): string {
  return visibleChars(text).map((c) => c.shown).join('');
}

/** A stage's status as the report shows it: `error` where the test could not run rather than found a fault. */
export type ShownStatus = StageStatus | 'error';

/**
 * The status to show for a stage: the verdict stage of an `error` verdict, and a failed stage whose problems are all
 * `error`s (no model file, no runtime, a cancel), say `error`; every other stage shows its own status.
 */
export function shownStatus(report: Pick<EntryTestReport, 'verdict' | 'problems'>, stage: Stage): ShownStatus {
  if (stage.status !== 'failed') return stage.status;
  if (stage.id === 'verdict') return report.verdict === 'error' ? 'error' : 'failed';
  const own = report.problems.filter((p) => p.stage === stage.id);
  return own.some((p) => p.level === 'error') && !own.some((p) => p.level === 'fail') ? 'error' : 'failed';
}

export const STATUS_MARK: Record<ShownStatus, string> = { ok: '✓', warning: '!', failed: '✗', error: '✗', skipped: '–' };

/** The report as plain text, for the terminal. */
export function reportText(report: EntryTestReport): string {
  const out: string[] = [`Test of model entry "${report.model}": ${report.verdict.toUpperCase()}`, ''];
  for (const stage of report.stages) {
    const status = shownStatus(report, stage);
    out.push(`${STATUS_MARK[status]} ${STAGE_TITLES[stage.id]} (${status})`);
    for (const f of stage.facts) {
      const source = f.source ? `   (${f.source})` : '';
      if (f.block) {
        out.push(`    ${f.label}:${source}`);
        const body = f.value === '' ? '(empty)' : f.plain ? f.value : visible(f.value);
        for (const line of body.split('\n')) out.push(`      │ ${line}`);
      } else {
        out.push(`    ${f.label}: ${f.value}${source}`);
      }
    }
    for (const p of report.problems.filter((q) => q.stage === stage.id)) out.push(`    ${p.level.toUpperCase()} ${p.code}: ${p.message}`);
    if (stage.log?.length) {
      out.push('    llama.cpp log:');
      for (const line of stage.log) out.push(`      ${line}`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** A fence that the content cannot close. */
function fence(content: string): string {
  let ticks = '```';
  while (content.includes(ticks)) ticks += '`';
  return ticks;
}

function inlineCode(value: string): string {
  const one = value.replace(/\n/g, '↵');
  const ticks = one.includes('`') ? '``' : '`';
  return one === '' ? '(empty)' : `${ticks}${ticks.length > 1 ? ' ' : ''}${one}${ticks.length > 1 ? ' ' : ''}${ticks}`;
}

/** The report as markdown, to read in the editor or paste into an issue. */
export function reportMarkdown(report: EntryTestReport): string {
  const out: string[] = [`# Test of model entry \`${report.model}\`: **${report.verdict.toUpperCase()}**`, ''];
  const problems = report.problems.filter((p) => p.level !== 'warning');
  if (problems.length) {
    out.push(report.verdict === 'error' ? 'The test could not finish:' : 'Reasons:', '');
    for (const p of problems) out.push(`- **${p.code}**: ${p.message}`);
    out.push('');
  }
  for (const stage of report.stages) {
    const status = shownStatus(report, stage);
    out.push(`## ${STATUS_MARK[status]} ${STAGE_TITLES[stage.id]} — ${status}`, '');
    for (const f of stage.facts) {
      const source = f.source ? ` *(${f.source})*` : '';
      if (f.block) {
        const body = f.value === '' ? '(empty)' : f.plain ? f.value : visible(f.value);
        const ticks = fence(body);
        // A blank line ends a list of facts before it, or markdown would take the block into the list.
        if (out[out.length - 1] !== '') out.push('');
        out.push(`**${f.label}**${source}`, '', `${ticks}text`, body, ticks, '');
      } else {
        out.push(`- **${f.label}**: ${inlineCode(f.value)}${source}`);
      }
    }
    const own = report.problems.filter((q) => q.stage === stage.id);
    if (own.length) out.push('');
    for (const p of own) out.push(`> **${p.level}** \`${p.code}\`: ${p.message}`, '>');
    if (own.length) out.pop();
    if (stage.log?.length) {
      const body = stage.log.join('\n');
      const ticks = fence(body);
      out.push('', '<details><summary>llama.cpp log</summary>', '', `${ticks}text`, body, ticks, '', '</details>');
    }
    out.push('');
  }
  return out.join('\n');
}
