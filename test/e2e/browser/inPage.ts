// Scripts that run in the workbench page. They are source text, not functions: the tests are compiled without the
// DOM library, and the TypeScript loader would compile its own helpers into functions, which the page lacks.
import type { Locator, Page } from 'playwright-core';

/** Runs `source`, a function of one element, on the element a locator finds. */
export function onElement<T>(locator: Locator, source: string): Promise<T> {
  return locator.evaluate((element, src) => (0, eval)(src)(element), source) as Promise<T>;
}

/** Runs `source`, an expression, in the page. */
export function inPage<T>(page: Page, source: string): Promise<T> {
  return page.evaluate(source) as Promise<T>;
}

/** A rendered row of a monaco list, with the parts the driver reads. */
export interface RowText {
  index: number;
  level: number;
  label: string;
  description: string;
  code: string;
  source: string;
  message: string;
  line: string;
  icon: string;
  id: string;
  expanded: boolean;
  focused: boolean;
}

/** The rendered rows of a monaco list (not the copies a tree pins as sticky headers). */
export const LIST_ROWS = `(list) => [...list.querySelectorAll('.monaco-list-rows > .monaco-list-row')].map((row) => {
  const text = (selector) => row.querySelector(selector)?.textContent?.trim() ?? '';
  return {
    index: Number(row.getAttribute('data-index')),
    level: Number(row.getAttribute('aria-level') ?? 0),
    label: text('.label-name') || text('.outline-element-label'),
    description: text('.label-description'),
    code: text('.marker-code'),
    source: text('.marker-source'),
    message: text('.marker-message'),
    line: text('.marker-line'),
    icon: row.querySelector('.marker-icon')?.className ?? '',
    id: row.id,
    expanded: row.getAttribute('aria-expanded') === 'true',
    focused: row.classList.contains('focused'),
  };
})`;

/** A list's scroll position, its visible height and the height of all its rows. */
export const LIST_SCROLL = `(list) => {
  const rows = list.querySelector('.monaco-list-rows');
  return { top: -parseFloat(rows.style.top || '0'), view: list.clientHeight, height: parseFloat(rows.style.height || '0') };
}`;

/** Records, in the page's clock, the next click in Quick Open's list and the first squiggle drawn after it. */
export const WATCH_FIRST_SQUIGGLE = `(() => {
  const t = window.__clemOpen = { clicked: 0, squiggle: 0 };
  document.addEventListener('mousedown', (e) => {
    if (!t.clicked && e.target.closest('.quick-input-list')) t.clicked = performance.now();
  }, true);
  const observer = new MutationObserver(() => {
    if (t.clicked && document.querySelector('.editor-instance [class*="squiggly-"]')) {
      t.squiggle = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
})()`;

/** Milliseconds from that click to that squiggle; 0 while there is none. */
export const FIRST_SQUIGGLE_MS = `window.__clemOpen.squiggle ? window.__clemOpen.squiggle - window.__clemOpen.clicked : 0`;

/**
 * The id of the code lens link titled `title` that stands above the 1-based `line` of the focused editor (code lenses
 * render as content widgets just above their line; the nearest one above that line's number is its lens), or '' when
 * that line is not on screen or has no such lens.
 */
export const CODE_LENS_ABOVE = `({ line, title }) => {
  const editor = document.querySelector('.editor-group-container.active .editor-instance .monaco-editor');
  if (!editor) return '';
  const number = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].find((n) => n.textContent.trim() === String(line));
  if (!number) return '';
  const lineTop = number.getBoundingClientRect().top;
  let best = null;
  for (const lens of editor.querySelectorAll('.codelens-decoration')) {
    const box = lens.getBoundingClientRect();
    if (lens.style.visibility === 'hidden' || box.height === 0 || box.top >= lineTop) continue;
    if (!best || box.top > best.top) best = { top: box.top, lens };
  }
  if (!best || lineTop - best.top > 2 * number.getBoundingClientRect().height) return '';
  const link = [...best.lens.querySelectorAll('a')].find((a) => a.textContent.replace(/\\u00a0/g, ' ').trim() === title);
  return link?.id ?? '';
}`;

/**
 * Records, in the page's clock, the next click on a code lens and when each editor tab that was not there before
 * appears after it (by its label), in milliseconds from the click. Replaces the previous watcher.
 */
export const WATCH_TABS_AFTER_LENS_CLICK = `(() => {
  window.__clemLens?.stop();
  const t = window.__clemLens = { clicked: 0, tabs: {} };
  const labels = () => [...document.querySelectorAll('.tabs-container .tab .label-name')].map((l) => l.textContent.trim());
  const before = new Set(labels());
  const onDown = (e) => {
    if (!t.clicked && e.target.closest('.codelens-decoration a')) t.clicked = performance.now();
  };
  const observer = new MutationObserver(() => {
    if (!t.clicked) return;
    for (const label of labels()) if (!before.has(label) && !(label in t.tabs)) t.tabs[label] = performance.now() - t.clicked;
  });
  document.addEventListener('mousedown', onDown, true);
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  t.stop = () => {
    observer.disconnect();
    document.removeEventListener('mousedown', onDown, true);
  };
})()`;
