// Navigation around duplicate names: a code lens above an entry that an earlier one shadows, and go-to-definition
// from a duplicated name to the entry that wins lookups.
import type { RegistryDocument } from './registryDocument';
import type { Span } from './types';

export interface ShadowLens {
  /** The shadowed entry's model_name value. */
  at: Span;
  title: string;
  /** The model_name of the entry that wins. */
  target: Span;
}

export function shadowLenses(doc: RegistryDocument): ShadowLens[] {
  return doc
    .diagnostics()
    .filter((d) => d.code === 'duplicate-model-name' && d.related?.length)
    .map((d) => ({
      at: { offset: d.offset, length: d.length },
      title: `An earlier entry (${d.data?.winnerIndex}) named ${JSON.stringify(d.data?.name)} wins every lookup of this name`,
      target: { offset: d.related![0].offset, length: d.related![0].length },
    }));
}

/** From inside a duplicated model_name, the name of the entry that wins; undefined elsewhere. */
export function winnerOf(doc: RegistryDocument, offset: number): Span | undefined {
  const lens = shadowLenses(doc).find((l) => offset >= l.at.offset && offset <= l.at.offset + l.at.length);
  return lens?.target;
}
