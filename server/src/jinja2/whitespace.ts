// Where the prompt Python's Jinja2 renders differs from what a template's text shows, because of the whitespace rules
// of clemcore's runtimes: keep_trailing_newline is off everywhere, trim_blocks and lstrip_blocks are on in
// llama-cpp-python and transformers. The lexer (jinja2Lexer.ts) records every piece of whitespace those rules remove;
// this module keeps the ones that change a prompt in a way that matters, each with edits that fix it.
import { analyzeTemplate, type TemplateAnalysis } from './analysis';
import { PROFILES, type TemplateEnvironment } from './environments';
import { lex, lexLaidOut, type LexLayout, type TagSpan, type WhitespaceRemoval } from './jinja2Lexer';
import { renderTemplate } from './render';
import { isSpan, keepResult, keptResult } from '../keptResults';

export type WhitespaceKind =
  /** The template's last line break, which keep_trailing_newline=False drops, where it would otherwise be rendered. */
  | 'final-newline'
  /** `{% if ... %}` + line break + `{% endif %}`: the body is a line break that trim_blocks removes, so it renders nothing. */
  | 'empty-block'
  /** A line break after a block tag that ends a line of prompt text: trim_blocks removes it and two lines run together. */
  | 'joined-lines'
  /** Spaces before a block tag that starts an indented line of prompt text: lstrip_blocks removes them. */
  | 'stripped-indent';

/** Replace template[start, end) with text. */
export interface TemplateEdit {
  start: number;
  end: number;
  text: string;
}

export interface WhitespaceDifference {
  kind: WhitespaceKind;
  /** The whitespace the rule removes (offsets in the template); both edits replace exactly this span. */
  start: number;
  end: number;
  /** The tag whose rule removes it, as written: the one before it (trim_blocks) or after it (lstrip_blocks). */
  tag?: string;
  /** Prompt text next to the whitespace, as the template shows it: what precedes it, or for an indent what follows. */
  before: string;
  /** For joined lines, the start of the next line. */
  after?: string;
  /**
   * What the rendered prompt itself says about the author's intent (final newline only): earlier turns have the
   * same line followed by a line break ('keep') or not ('drop').
   */
  evidence?: 'keep' | 'drop';
  /** Renders what the text shows: the whitespace written as an expression, which no whitespace rule removes. */
  keep: TemplateEdit;
  /** Makes the text show what is rendered: the whitespace removed. Absent where that would only empty a block. */
  drop?: TemplateEdit;
}

/** A conversation with every role, so that earlier turns show how the template lays out a header. */
const SAMPLE: { role: string; content: string }[] = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Name a colour.' },
  { role: 'assistant', content: 'Blue.' },
  { role: 'user', content: 'Another one?' },
];

/** Enough for any real chat template on the sample (the largest real one takes 147), little enough to be quick. */
const RENDER_STEPS = 20_000;

const CONDITIONAL_OPENERS = new Set(['if', 'elif', 'else', 'for']);
const CONDITIONAL_CLOSERS = new Set(['endif', 'elif', 'else', 'endfor']);
/**
 * Results per environment, kept with the template's analysis: analyzeTemplate finds a template's cached analysis
 * without hashing its text, and when it forgets the template, these go too.
 */
const cache = new WeakMap<TemplateAnalysis, Partial<Record<TemplateEnvironment, WhitespaceDifference[]>>>();

/** The whitespace differences that matter, for a template that Python's Jinja2 lexes (none for one it rejects). */
export function whitespaceDifferences(template: string, environment: TemplateEnvironment): WhitespaceDifference[] {
  const analysis = analyzeTemplate(template);
  let known = cache.get(analysis);
  if (!known) cache.set(analysis, (known = {}));
  let found = known[environment];
  if (!found) {
    const input = `${environment}\u0000${template}`;
    found = keptResult('template-whitespace', input, areDifferences);
    if (!found) {
      try {
        found = findDifferences(template, environment);
      } catch {
        found = []; // a template jinja2's lexer rejects: the syntax check speaks for it
      }
      keepResult('template-whitespace', input, found);
    }
    known[environment] = found;
  }
  return found;
}

/** The shape of kept differences (keptResults.ts), as far as the rule reads them. */
function areDifferences(value: unknown): value is WhitespaceDifference[] {
  const isEdit = (e: unknown) => isSpan(e) && typeof e.text === 'string';
  return Array.isArray(value) && value.every((d) => isSpan(d) && typeof d.kind === 'string' && typeof d.before === 'string' && isEdit(d.keep) && (d.drop === undefined || isEdit(d.drop)));
}

function findDifferences(template: string, environment: TemplateEnvironment): WhitespaceDifference[] {
  const profile = PROFILES[environment];
  const { lexed, layout } = lexLaidOut(template, profile);
  const found: WhitespaceDifference[] = [];
  for (const removal of layout.removals) {
    let difference: WhitespaceDifference | undefined;
    if (removal.cause === 'final-newline') {
      // Kept, would the newline be rendered? Not when a block tag's trim_blocks or a `-` would remove it anyway.
      if (lex(template, profile, { keepTrailingNewline: true }).text !== lexed.text) difference = finalNewline(template, environment, removal, layout);
    } else if (removal.cause === 'trim-blocks') difference = emptyBlock(template, removal, layout) ?? joinedLines(template, removal, layout);
    else difference = strippedIndent(template, removal, layout);
    if (difference) found.push(difference);
  }
  return found;
}

const NEWLINE = "{{ '\\n' }}";

function finalNewline(template: string, environment: TemplateEnvironment, removal: WhitespaceRemoval, layout: LexLayout): WhitespaceDifference {
  const span = { start: removal.start, end: removal.end };
  const shown = shownBefore(template, removal.start, layout);
  const rendered = renderTemplate({ template, environment, messages: SAMPLE, now: new Date(0), maxSteps: RENDER_STEPS });
  let evidence: WhitespaceDifference['evidence'];
  if (rendered.ok) {
    // How earlier turns of the prompt continue the text that ends it: the template's own last line of literal text
    // (`<|im_start|>assistant`), else the prompt's last line.
    const prompt = rendered.prompt;
    const line = shown.literal ?? prompt.slice(prompt.trimEnd().lastIndexOf('\n') + 1);
    if (line.trim() && prompt.endsWith(line)) {
      const earlier = prompt.slice(0, prompt.length - line.length);
      const withBreak = occurrences(earlier, `${line}\n`);
      const all = occurrences(earlier, line);
      if (withBreak > 0 && withBreak === all) evidence = 'keep';
      else if (all > 0 && withBreak === 0) evidence = 'drop';
    }
  }
  return { kind: 'final-newline', ...span, before: clip(shown.text, 'end'), evidence, keep: { ...span, text: NEWLINE }, drop: { ...span, text: '' } };
}

/** `{% if x %}` + line break + `{% endif %}`: the line break is the block's whole body. */
function emptyBlock(template: string, removal: WhitespaceRemoval, layout: LexLayout): WhitespaceDifference | undefined {
  const opener = layout.tags[removal.tag];
  const next = layout.tags[removal.tag + 1];
  if (opener.kind !== 'block' || !CONDITIONAL_OPENERS.has(opener.name)) return undefined;
  if (!next || next.kind !== 'block' || !CONDITIONAL_CLOSERS.has(next.name) || next.open === '-') return undefined;
  if (!/^[ \t]*$/.test(template.slice(removal.end, next.start))) return undefined;
  return {
    kind: 'empty-block',
    start: removal.start,
    end: next.start,
    tag: source(template, opener),
    before: '',
    keep: { start: removal.start, end: next.start, text: NEWLINE },
  };
}

/**
 * A line break after a block or comment tag, where the tag ends a line that writes prompt text (literal text or an
 * expression before it) and the next line writes prompt text too. A tag alone on its line is layout: its line break
 * was never meant for the prompt.
 */
function joinedLines(template: string, removal: WhitespaceRemoval, layout: LexLayout): WhitespaceDifference | undefined {
  const tag = layout.tags[removal.tag];
  const before = promptTextBefore(template, tag.start, removal.tag, layout);
  if (!before) return undefined;
  const lineEnd = nextLineEnd(template, removal.end);
  const next = layout.tags.find((t) => t.start >= removal.end && t.start < lineEnd);
  const lead = template.slice(removal.end, next ? next.start : lineEnd);
  // The next line starts with literal text, or with an expression that does not strip the whitespace before it.
  const startsWithText = /\S/.test(lead);
  const startsWithExpression = !startsWithText && next !== undefined && next.kind === 'variable' && next.open !== '-';
  if (!startsWithText && !startsWithExpression) return undefined;
  const after = startsWithText ? lead.trim() : source(template, next!);
  const span = { start: removal.start, end: removal.end };
  return { kind: 'joined-lines', ...span, tag: source(template, tag), before, after: clip(after, 'start'), keep: { ...span, text: NEWLINE }, drop: { ...span, text: '' } };
}

/**
 * Indentation before a block tag that begins a line of prompt text (literal text right after the tag), in a place
 * laid out as text: the line before ends with literal text, not with a tag.
 */
function strippedIndent(template: string, removal: WhitespaceRemoval, layout: LexLayout): WhitespaceDifference | undefined {
  const tag = layout.tags[removal.tag];
  if (!tag || tag.kind !== 'block' || removal.start === 0) return undefined;
  const indent = template.slice(removal.start, removal.end);
  if (!/^[ \t]+$/.test(indent)) return undefined;
  const text = template.slice(tag.end, nextLineEnd(template, tag.end));
  if (!/^\S/.test(text) || layout.tags[removal.tag + 1]?.start === tag.end) return undefined;
  // The previous line: it must end with literal text (a character that no tag covers).
  let previousEnd = removal.start - 1; // the line break before the indentation
  if (template[previousEnd] !== '\n' && template[previousEnd] !== '\r') return undefined;
  if (template[previousEnd] === '\n' && template[previousEnd - 1] === '\r') previousEnd--;
  if (previousEnd <= 0 || /\s/.test(template[previousEnd - 1]) || layout.tags.some((t) => t.end === previousEnd)) return undefined;
  const span = { start: removal.start, end: removal.end };
  return {
    kind: 'stripped-indent',
    ...span,
    tag: source(template, tag),
    before: clip(text.trimEnd(), 'start'),
    keep: { ...span, text: `{{ '${indent.replace(/\t/g, '\\t')}' }}` },
    drop: { ...span, text: '' },
  };
}

/** The prompt text on the tag's line before it: literal text or expressions (never only block tags or spaces). */
function promptTextBefore(template: string, end: number, tagIndex: number, layout: LexLayout): string | undefined {
  let from = end;
  let hasText = false;
  for (let i = tagIndex - 1; i >= -1; i--) {
    const previous: TagSpan | undefined = layout.tags[i];
    const dataStart = previous ? previous.end : 0;
    const data = template.slice(dataStart, from);
    const lineBreak = data.lastIndexOf('\n');
    if (lineBreak >= 0) {
      hasText ||= /\S/.test(data.slice(lineBreak + 1));
      from = dataStart + lineBreak + 1;
      break;
    }
    hasText ||= /\S/.test(data);
    from = dataStart;
    if (!previous) break;
    if (previous.kind === 'variable') hasText = true;
    from = previous.start;
  }
  if (!hasText) return undefined;
  return clip(template.slice(from, end).trim(), 'end');
}

/** What the template shows just before `at`: its last line of literal text, or else the tag that ends there. */
function shownBefore(template: string, at: number, layout: LexLayout): { text: string; literal?: string } {
  const tag = [...layout.tags].reverse().find((t) => t.end <= at);
  const data = template.slice(tag ? tag.end : 0, at);
  if (/\S/.test(data)) {
    const literal = data.slice(data.trimEnd().lastIndexOf('\n') + 1).trimStart();
    return { text: literal, literal };
  }
  return { text: tag ? source(template, tag) + data : data };
}

function nextLineEnd(template: string, from: number): number {
  const end = template.indexOf('\n', from);
  return end < 0 ? template.length : end;
}

function occurrences(text: string, part: string): number {
  let n = 0;
  for (let i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
  return n;
}

function source(template: string, tag: TagSpan): string {
  return clip(template.slice(tag.start, tag.end), 'start');
}

/** At most 40 characters, cut at the far end from where the text meets the whitespace. */
function clip(text: string, keep: 'start' | 'end'): string {
  if (text.length <= 40) return text;
  return keep === 'start' ? `${text.slice(0, 39)}…` : `…${text.slice(-39)}`;
}
