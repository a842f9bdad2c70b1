// The quick fixes offered for the diagnostics under the cursor: a fix that makes the same edit as one already
// offered (two findings at one place, one repair) is offered once, for both diagnostics.
import type { FixEdit, QuickFix } from '../service';

export interface FixOffer<D> {
  fix: QuickFix;
  diagnostics: D[];
}

export function fixOffers<D>(diagnostics: D[], fixes: QuickFix[][]): FixOffer<D>[] {
  const byEdit = new Map<string, FixOffer<D>>();
  diagnostics.forEach((d, i) => {
    for (const fix of fixes[i] ?? []) {
      const key = editKey(fix.edits);
      const offered = byEdit.get(key);
      if (offered) {
        if (!offered.diagnostics.includes(d)) offered.diagnostics.push(d);
        if (fix.preferred && !offered.fix.preferred) offered.fix = { ...offered.fix, preferred: true };
      } else byEdit.set(key, { fix, diagnostics: [d] });
    }
  });
  return [...byEdit.values()];
}

function editKey(edits: FixEdit[]): string {
  return edits.map((e) => `${e.offset}:${e.length}:${e.newText}`).sort().join('\n');
}
