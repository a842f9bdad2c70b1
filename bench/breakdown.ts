// Where a full check of a valid file spends its time: the steps of RegistryDocument.setText redone here with a timer
// around each (the scan for entries, JSON.parse per entry, the context, every entry rule); the cross-entry rules are
// timed on the summaries of a real document.
import { performance } from 'node:perf_hooks';
import { scanTopLevel } from '../server/src/service/topLevelScan';
import { EntryContext } from '../server/src/service/context';
import { ENTRY_RULES } from '../server/src/service/rules';
import { checkAcrossEntries, type EntrySummary } from '../server/src/service/rules/acrossEntries';
import { getSchemaSet } from '../server/src/service/schemaSet';

export interface BreakdownRow {
  step: string;
  ms: number;
}

function once(text: string, version: string): Map<string, number> {
  const t = new Map<string, number>();
  const add = (step: string, ms: number) => t.set(step, (t.get(step) ?? 0) + ms);
  const schemas = getSchemaSet();
  let s = performance.now();
  const scan = scanTopLevel(text);
  add('scan for entries (top-level spans, property counts)', performance.now() - s);
  for (const span of scan?.spans ?? []) {
    s = performance.now();
    const entryText = text.slice(span.start, span.end);
    const value = JSON.parse(entryText) as unknown;
    add('JSON.parse of each entry', performance.now() - s);
    s = performance.now();
    const ctx = new EntryContext(entryText, value, version, schemas, undefined, span);
    add('EntryContext', performance.now() - s);
    for (const rule of ENTRY_RULES) {
      s = performance.now();
      try {
        rule(ctx);
      } catch { /* the document reports it on the entry; the time still counts */ }
      add(`rule ${rule.name}`, performance.now() - s);
    }
  }
  return t;
}

/** The cross-entry summaries exactly as RegistryDocument.diagnostics() uses them (from its private slots). */
function summariesOf(doc: unknown): EntrySummary[] | undefined {
  const d = doc as { slots?: { summary: EntrySummary }[] };
  return Array.isArray(d.slots) ? d.slots.map((slot) => slot.summary) : undefined;
}

/** Time of the cross-entry rules alone, on the summaries of a checked document (median of `runs`). */
export function crossEntryTime(doc: unknown, runs = 7): number | undefined {
  const summaries = summariesOf(doc);
  if (!summaries) return undefined;
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    checkAcrossEntries(summaries);
    xs.push(performance.now() - s);
  }
  return xs.sort((a, b) => a - b)[runs >> 1];
}

/** Per-step times of a full check, the minimum over `runs` passes (after one warm-up pass). */
export function breakdownFullCheck(text: string, version: string, runs = 3): BreakdownRow[] {
  once(text, version);
  let best: Map<string, number> | undefined;
  for (let i = 0; i < runs; i++) {
    const t = once(text, version);
    if (!best) best = t;
    else for (const [k, v] of t) best.set(k, Math.min(best.get(k) ?? Infinity, v));
  }
  return [...(best ?? new Map<string, number>())].map(([step, ms]) => ({ step, ms })).sort((a, b) => b.ms - a.ms);
}
