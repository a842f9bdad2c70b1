// A bound on the work one render may do, for renders on a user's behalf that must not hang the checker (a template
// can loop over range(10**9)). Steps are evaluations, loop items and the elements of a sequence or string built at
// once; a render past its budget fails with RenderBudgetExceeded. Renders run synchronously, one at a time.

export class RenderBudgetExceeded extends Error {
  constructor() {
    super('The template takes too long to render (it loops or repeats too much).');
  }
}

let left = Infinity;

/** Runs `render` with at most `steps` steps (no bound when undefined). */
export function withBudget<T>(steps: number | undefined, render: () => T): T {
  const outer = left;
  left = steps ?? Infinity;
  try {
    return render();
  } finally {
    left = outer;
  }
}

/** Uses `steps` of the current render's budget. */
export function spend(steps: number): void {
  left -= steps;
  if (left < 0) throw new RenderBudgetExceeded();
}
