// Rules across entries: duplicate model names (the first entry wins every lookup by name), and variants dated in
// an earlier year than their model. An index by name and by release day keeps both cheap when one entry changes.

/** What the cross-entry rules need to know of one entry; value offsets are relative to the entry's start. */
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

import { keepShape } from '../shapes';
import type { RegistryDiagnostic } from '../types';

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class AcrossEntriesIndex {
  /** Entry positions (in file order) per model name. */
  private byName = new Map<string, number[]>();
  /** Names used more than once. */
  private duplicated = new Set<string>();
  /** Entry positions per release month and day. */
  private byDay = new Map<string, number[]>();
  /** Per entry, the position of the model it is a variant of when its date is that model's day in an earlier year. */
  private variantOf: number[] = [];

  constructor(private entries: EntrySummary[]) {
    // Entries come in file order, so each list stays sorted by appending.
    for (let i = 0; i < entries.length; i++) this.add(i, entries[i], true);
    for (let i = 0; i < entries.length; i++) this.variantOf[i] = this.findBase(i);
  }

  /** Entry `i` now has `summary`: re-index it and re-judge the entries of its old and new release day. */
  replace(i: number, summary: EntrySummary): void {
    const old = this.entries[i];
    this.remove(i, old);
    this.entries[i] = summary;
    this.add(i, summary);
    for (const day of new Set([old.releaseDay, summary.releaseDay])) {
      if (day) for (const j of this.byDay.get(day) ?? []) this.variantOf[j] = this.findBase(j);
    }
    this.variantOf[i] = this.findBase(i);
  }

  diagnostics(): RegistryDiagnostic[] {
    const out: RegistryDiagnostic[] = [];
    for (const name of this.duplicated) {
      const [first, ...later] = this.byName.get(name)!;
      for (const j of later) out.push(this.duplicate(this.entries[j], this.entries[first]));
    }
    const variantOf = this.variantOf;
    for (let i = 0; i < variantOf.length; i++) {
      const b = variantOf[i];
      if (b >= 0) out.push(this.variant(this.entries[i], this.entries[b]));
    }
    return out;
  }

  private add(i: number, e: EntrySummary, inOrder = false): void {
    if (e.modelName) {
      const list = insertSorted(this.byName, e.modelName.value, i, inOrder);
      if (list.length > 1) this.duplicated.add(e.modelName.value);
    }
    if (e.releaseDay) insertSorted(this.byDay, e.releaseDay, i, inOrder);
  }

  private remove(i: number, e: EntrySummary): void {
    if (e.modelName) {
      const left = removeFrom(this.byName, e.modelName.value, i);
      if (left < 2) this.duplicated.delete(e.modelName.value);
    }
    if (e.releaseDay) removeFrom(this.byDay, e.releaseDay, i);
  }

  /**
   * The entry with the longest name that is a dash-separated prefix of entry i's name, on the same month and day in
   * a later year (a variant cannot predate its model), or -1.
   */
  private findBase(i: number): number {
    const e = this.entries[i];
    // A base's name is a dash-separated prefix: a name without a dash has none.
    if (!e.modelName || !e.releaseDay || !e.releaseDate || e.modelName.value.indexOf('-') < 0) return -1;
    const group = this.byDay.get(e.releaseDay);
    if (!group || group.length < 2) return -1;
    const name = e.modelName.value;
    const date = e.releaseDate.value;
    let best = -1;
    let bestLength = 0;
    for (const j of group) {
      const b = this.entries[j];
      const bn = b.modelName?.value;
      if (!bn || bn.length >= name.length || name.charCodeAt(bn.length) !== 45 || !name.startsWith(bn)) continue;
      if (date < b.releaseDate!.value && bn.length > bestLength) {
        best = j;
        bestLength = bn.length;
      }
    }
    return best;
  }

  private duplicate(e: EntrySummary, winner: EntrySummary): RegistryDiagnostic {
    const name = e.modelName!;
    const w = winner.modelName!;
    return {
      code: 'duplicate-model-name',
      severity: 'warning',
      offset: e.start + name.offset,
      length: name.length,
      path: e.index === undefined ? ['model_name'] : [e.index, 'model_name'],
      message: `\`${name.value}\` is already the name of entry ${winner.index}. A lookup by this name always returns that first entry; this one is reachable only with a selector that conflicts with it. Rename this entry or remove it.`,
      related: [{ offset: winner.start + w.offset, length: w.length, message: `This entry wins lookups of \`${name.value}\`.` }],
      data: { key: 'model_name', winnerIndex: winner.index, name: name.value },
    };
  }

  private variant(e: EntrySummary, base: EntrySummary): RegistryDiagnostic {
    const date = e.releaseDate!;
    const baseDate = base.releaseDate!;
    return {
      code: 'release-date',
      severity: 'warning',
      offset: e.start + date.offset,
      length: date.length,
      path: e.index === undefined ? ['release_date'] : [e.index, 'release_date'],
      message: `\`${e.modelName!.value}\` is a variant of \`${base.modelName!.value}\`, released ${baseDate.value}, but this entry says ${date.value}: the same day in an earlier year, before the model existed. Check the year.`,
      related: [{ offset: base.start + baseDate.offset, length: baseDate.length, message: `Release date of \`${base.modelName!.value}\`.` }],
      data: { key: 'release_date', baseDate: baseDate.value },
    };
  }
}

keepShape(new AcrossEntriesIndex([]));

/** Adds `i` to the ascending list under `key` (at the end when the caller adds in order); returns the list. */
function insertSorted(map: Map<string, number[]>, key: string, i: number, atEnd: boolean): number[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  if (atEnd) {
    list.push(i);
    return list;
  }
  let at = list.length;
  while (at > 0 && list[at - 1] > i) at--;
  list.splice(at, 0, i);
  return list;
}

/** Removes `i` from the list under `key`; returns how many are left. */
function removeFrom(map: Map<string, number[]>, key: string, i: number): number {
  const list = map.get(key);
  if (!list) return 0;
  const at = list.indexOf(i);
  if (at >= 0) list.splice(at, 1);
  if (!list.length) map.delete(key);
  return list.length;
}

/** One-shot: the cross-entry findings of a list of entries. */
export function checkAcrossEntries(entries: EntrySummary[]): RegistryDiagnostic[] {
  return new AcrossEntriesIndex(entries).diagnostics();
}
