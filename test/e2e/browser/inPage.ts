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
