// The file's structure for the editor: one symbol per entry (named by model_name, with the backend as detail), and
// one folding range per entry.
import type { RegistryDocument } from './registryDocument';
import { readEntry, locateIn } from './entryText';

export interface EntrySymbol {
  name: string;
  /** The backend, or a word on why there is none. */
  detail: string;
  /** The whole entry. */
  offset: number;
  length: number;
  /** What to select when the symbol is chosen: the model_name value, else the entry's opening brace. */
  selectionOffset: number;
  selectionLength: number;
  index: number | undefined;
}

export function documentSymbols(doc: RegistryDocument): EntrySymbol[] {
  return doc.entries().map((e) => {
    const { value, valid } = readEntry(e.text);
    const name = typeof value.model_name === 'string' ? value.model_name : '(no model_name)';
    const detail = typeof value.backend === 'string' ? value.backend : '(no backend)';
    const nameSpan = typeof value.model_name === 'string' ? locateIn(e.text, ['model_name'], valid)?.value : undefined;
    return {
      name,
      detail,
      offset: e.start,
      length: e.length,
      selectionOffset: e.start + (nameSpan?.offset ?? 0),
      selectionLength: nameSpan?.length ?? 1,
      index: e.index,
    };
  });
}

export interface FoldingSpan {
  /** The entry's opening brace and closing brace. */
  startOffset: number;
  endOffset: number;
}

export function foldingRanges(doc: RegistryDocument): FoldingSpan[] {
  return doc.entries().map((e) => ({ startOffset: e.start, endOffset: e.start + e.length - 1 }));
}

