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
  for (const e of entries) {
    if (!e.modelName || !e.releaseDate || !ISO_DATE.test(e.releaseDate.value)) continue;
    const base = laterBase(e.modelName.value, e.releaseDate.value, byName);
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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The entry with the longest name that is a dash-separated prefix of `name` and the same date in a later year. */
function laterBase(name: string, date: string, byName: Map<string, EntrySummary>): EntrySummary | undefined {
  for (let cut = name.lastIndexOf('-'); cut > 0; cut = name.lastIndexOf('-', cut - 1)) {
    const base = byName.get(name.slice(0, cut));
    const baseDate = base?.releaseDate?.value;
    // Same month and day, earlier year: the year was mistyped or copied (a variant cannot predate its model).
    if (baseDate && ISO_DATE.test(baseDate) && date < baseDate && date.slice(4) === baseDate.slice(4)) return base;
  }
  return undefined;
}
