// Rules across entries: duplicate model names (the first entry wins every lookup by name).
import type { SchemaSet } from '../schemaSet';
import type { RegistryDiagnostic } from '../types';

/** What the cross-entry rules need to know of one entry; offsets relative to the entry's start. */
export interface EntrySummary {
  start: number;
  length: number;
  index: number | undefined;
  hasModelName: boolean;
  modelName?: { value: string; offset: number; length: number };
  releaseDate?: { value: string; offset: number; length: number };
  /** Month and day of a valid ISO release date (`-07-23`), for the variant-date rule. */
  releaseDay?: string;
  lookupSource?: string;
}

export function checkAcrossEntries(entries: EntrySummary[], _schemas: SchemaSet): RegistryDiagnostic[] {
  const out: RegistryDiagnostic[] = [];
  const first = new Map<string, EntrySummary>();
  for (const e of entries) {
    if (!e.modelName) continue;
    const winner = first.get(e.modelName.value);
    if (!winner) {
      first.set(e.modelName.value, e);
      continue;
    }
    const w = winner.modelName!;
    out.push({
      code: 'duplicate-model-name',
      severity: 'warning',
      offset: e.start + e.modelName.offset,
      length: e.modelName.length,
      path: e.index === undefined ? ['model_name'] : [e.index, 'model_name'],
      message: `\`${e.modelName.value}\` is already the name of entry ${winner.index}. A lookup by this name always returns that first entry; this one is reachable only with a selector that conflicts with it. Rename this entry or remove it.`,
      related: [{ offset: winner.start + w.offset, length: w.length, message: `This entry wins lookups of \`${e.modelName.value}\`.` }],
      data: { key: 'model_name', winnerIndex: winner.index, winnerOffset: winner.start, name: e.modelName.value },
    });
  }
  out.push(...checkVariantDates(entries, first));
  return out;
}

/**
 * A variant (`Meta-Llama-3.1-70B-Instruct-FP8-...`) dated on the same day as the model it is a variant of
 * (`Meta-Llama-3.1-70B-Instruct`) but in an earlier year: the year is wrong.
 */
function checkVariantDates(entries: EntrySummary[], byName: Map<string, EntrySummary>): RegistryDiagnostic[] {
  const out: RegistryDiagnostic[] = [];
  // Only dates with the same month and day can be a mistyped year: group by that, then compare names in a group.
  const byDay = new Map<string, EntrySummary[]>();
  for (const e of byName.values()) {
    if (!e.releaseDay) continue;
    const group = byDay.get(e.releaseDay);
    if (group) group.push(e);
    else byDay.set(e.releaseDay, [e]);
  }
  for (const e of entries) {
    if (!e.modelName || !e.releaseDay || !e.releaseDate) continue;
    const group = byDay.get(e.releaseDay);
    if (!group || group.length < 2) continue;
    const base = laterBase(e, group);
    if (!base) continue;
    out.push({
      code: 'release-date',
      severity: 'warning',
      offset: e.start + e.releaseDate.offset,
      length: e.releaseDate.length,
      path: e.index === undefined ? ['release_date'] : [e.index, 'release_date'],
      message: `\`${e.modelName.value}\` is a variant of \`${base.modelName!.value}\`, released ${base.releaseDate!.value}, but this entry says ${e.releaseDate.value}: the same day in an earlier year, before the model existed. Check the year.`,
      related: [{ offset: base.start + base.releaseDate!.offset, length: base.releaseDate!.length, message: `Release date of \`${base.modelName!.value}\`.` }],
      data: { key: 'release_date', baseDate: base.releaseDate!.value },
    });
  }
  return out;
}

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The entry of `group` (same month and day) with the longest name that is a dash-separated prefix of e's name and a later year. */
function laterBase(e: EntrySummary, group: EntrySummary[]): EntrySummary | undefined {
  const name = e.modelName!.value;
  const date = e.releaseDate!.value;
  let best: EntrySummary | undefined;
  for (const b of group) {
    const bn = b.modelName?.value;
    if (!bn || bn.length >= name.length || name[bn.length] !== '-' || !name.startsWith(bn)) continue;
    if (date < b.releaseDate!.value && (!best || bn.length > best.modelName!.value.length)) best = b;
  }
  return best;
}
