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
  private byName = new Positions();
  /** Names used more than once. */
  private duplicated = new Set<string>();
  /** Entry positions per release month and day. */
  private byDay = new Positions();
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
      if (day) for (const j of this.byDay.get(day)) this.variantOf[j] = this.findBase(j);
    }
    this.variantOf[i] = this.findBase(i);
  }

  diagnostics(): RegistryDiagnostic[] {
    const out: RegistryDiagnostic[] = [];
    for (const name of this.duplicated) {
      const [first, ...later] = this.byName.get(name);
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
    if (e.modelName && this.byName.add(e.modelName.value, i, inOrder) > 1) this.duplicated.add(e.modelName.value);
    if (e.releaseDay) this.byDay.add(e.releaseDay, i, inOrder);
  }

  private remove(i: number, e: EntrySummary): void {
    if (e.modelName) {
      const left = this.byName.remove(e.modelName.value, i);
      if (left < 2) this.duplicated.delete(e.modelName.value);
    }
    if (e.releaseDay) this.byDay.remove(e.releaseDay, i);
  }

  /**
   * The entry with the longest name that is a dash-separated prefix of entry i's name, on the same month and day in
   * a later year (a variant cannot predate its model), or -1.
   */
  private findBase(i: number): number {
    const e = this.entries[i];
    // A base's name is a dash-separated prefix: a name without a dash has none.
    if (!e.modelName || !e.releaseDay || !e.releaseDate || e.modelName.value.indexOf('-') < 0) return -1;
    if (this.byDay.count(e.releaseDay) < 2) return -1;
    const group = this.byDay.get(e.releaseDay);
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
      message: `\`${name.value}\` is already the name of an earlier entry. A lookup by this name always returns that first entry; this one is reachable only with a selector that conflicts with it. Rename this entry or remove it.`,
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

/**
 * Entry positions per key, ascending. A key with one position keeps the bare number: most names and many release days
 * are unique, and a list for each would cost more than the rest of the index.
 */
class Positions {
  private map = new Map<string, number | number[]>();

  /** Adds `i` (at the end when the caller adds in order); returns how many positions the key has now. */
  add(key: string, i: number, atEnd: boolean): number {
    const known = this.map.get(key);
    if (known === undefined) {
      this.map.set(key, i);
      return 1;
    }
    let list: number[];
    if (typeof known === 'number') this.map.set(key, (list = [known]));
    else list = known;
    if (atEnd) list.push(i);
    else {
      let at = list.length;
      while (at > 0 && list[at - 1] > i) at--;
      list.splice(at, 0, i);
    }
    return list.length;
  }

  /** Removes `i` from the key's positions; returns how many are left. */
  remove(key: string, i: number): number {
    const known = this.map.get(key);
    if (known === undefined) return 0;
    if (typeof known === 'number') {
      if (known !== i) return 1;
      this.map.delete(key);
      return 0;
    }
    const at = known.indexOf(i);
    if (at >= 0) known.splice(at, 1);
    if (!known.length) this.map.delete(key);
    return known.length;
  }

  count(key: string): number {
    const known = this.map.get(key);
    return known === undefined ? 0 : typeof known === 'number' ? 1 : known.length;
  }

  get(key: string): readonly number[] {
    const known = this.map.get(key);
    return known === undefined ? [] : typeof known === 'number' ? [known] : known;
  }
}

/** One-shot: the cross-entry findings of a list of entries. */
export function checkAcrossEntries(entries: EntrySummary[]): RegistryDiagnostic[] {
  return new AcrossEntriesIndex(entries).diagnostics();
}

// See shapes.ts (its lists of positions come with it).
keepShape(new AcrossEntriesIndex([]));
