// Where a full check spends its time: the steps of RegistryDocument.setText redone here with a timer around each
// (whole-file parse, syntax and shape rules, per-entry context, every entry rule); the cross-entry rules are timed
// on the summaries of a real document.
import { performance } from 'node:perf_hooks';
import { parseJson, type Node } from '../server/src/service/jsonText';
import { EntryContext } from '../server/src/service/context';
import { ENTRY_RULES } from '../server/src/service/rules';
import { checkJsonSyntax } from '../server/src/service/rules/jsonSyntax';
import { checkTopLevelShape } from '../server/src/service/rules/topLevelShape';
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
  const { root, errors } = parseJson(text);
  add('parse whole file (jsonc-parser parseTree)', performance.now() - s);
  s = performance.now();
  checkJsonSyntax(text, errors);
  checkTopLevelShape(root);
  add('json syntax + top-level shape', performance.now() - s);
  const entries: Node[] = root?.type === 'array' ? (root.children ?? []).filter((c) => c.type === 'object') : root ? [root] : [];
  entries.forEach((node) => {
    s = performance.now();
    text.slice(node.offset, node.offset + node.length); // the cache key
    add('entry text slice (cache key)', performance.now() - s);
    s = performance.now();
    const ctx = new EntryContext(text.slice(node.offset, node.offset + node.length), undefined, version, schemas, undefined);
    add('EntryContext (JSON.parse of the entry)', performance.now() - s);
    for (const rule of ENTRY_RULES) {
      s = performance.now();
      try {
        rule(ctx);
      } catch { /* the document reports it on the entry; the time still counts */ }
      add(`rule ${rule.name}`, performance.now() - s);
    }
  });
  return t;
}

/** The cross-entry summaries exactly as RegistryDocument.diagnostics() builds them (from its private slots). */
function summariesOf(doc: unknown): EntrySummary[] | undefined {
  const d = doc as { slots?: { start: number; result: { summary: object } }[]; isArray?: boolean; elementIndexes?: number[] };
  if (!Array.isArray(d.slots)) return undefined;
  return d.slots.map((slot, i) => ({ ...slot.result.summary, start: slot.start, index: d.isArray ? d.elementIndexes?.[i] ?? i : undefined }) as EntrySummary);
}

/** Time of the cross-entry rules alone, on the summaries of a checked document (median of `runs`). */
export function crossEntryTime(doc: unknown, runs = 7): number | undefined {
  const summaries = summariesOf(doc);
  if (!summaries) return undefined;
  const schemas = getSchemaSet();
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
