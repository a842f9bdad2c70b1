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
  return out;
}
