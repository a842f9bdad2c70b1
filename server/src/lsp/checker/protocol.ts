// The messages between the language server's main thread and a checker thread. A checker thread holds one registry
// document (the service's RegistryDocument) and answers in offsets; the main thread keeps the text's line index and
// turns offsets into LSP ranges, so that it stays free to answer other documents while one is being checked.
import type { CompletionEntry, EntryLens, EntrySymbol, FixableFinding, FixEdit, FoldingSpan, HoverResult, QuickFix, RegistryDiagnostic, ShadowLens, Span } from '../../service';
import type { ServerSettings } from '../settings';
import type { OffsetEdit } from '../textBuffer';

/** What a document is checked with: its settings and its path on disk, when it has one. */
export interface CheckSettings {
  settings: ServerSettings;
  documentPath: string | undefined;
}

export type Question =
  | { kind: 'check' }
  | { kind: 'symbols' }
  | { kind: 'folding' }
  | { kind: 'hover'; offset: number }
  | { kind: 'lenses' }
  | { kind: 'definition'; offset: number }
  | { kind: 'complete'; offset: number }
  | { kind: 'fixAll' }
  | { kind: 'quickFixes'; findings: FixableFinding[] }
  | { kind: 'workspaceSymbols'; request: WorkspaceSymbolsRequest };

export interface CheckAnswer {
  findings: RegistryDiagnostic[];
  entries: number;
  /** The clemcore version the document was checked against. */
  clemcoreVersion: string;
  /** The length of the text the findings are for, so the main thread can tell a drifted copy. */
  textLength: number;
}

/** Registry files on disk in the workspace folders (other than the open ones), read by a checker thread. */
export interface WorkspaceSymbolsRequest {
  folders: string[];
  /** Files open in the editor: their entries come from the open documents instead. */
  skip: string[];
  query: string;
  settings: ServerSettings;
  folderSettings: [string, ServerSettings][];
}

export interface FileSymbol {
  name: string;
  detail?: string;
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** The answer to each kind of question. */
export interface Answers {
  check: CheckAnswer;
  symbols: EntrySymbol[];
  folding: FoldingSpan[];
  hover: HoverResult | undefined;
  lenses: { entries: EntryLens[]; shadows: ShadowLens[] };
  definition: Span | undefined;
  complete: CompletionEntry[];
  fixAll: FixEdit[];
  quickFixes: QuickFix[][];
  workspaceSymbols: FileSymbol[];
}

/**
 * Every message that changes the text carries a revision, counted by the main thread per document; answers carry the
 * revision they were computed for, so a result for an older text is never shown with a newer line index.
 */
export type ToChecker =
  /**
   * The document's whole text (an open, a full change, or a resync), as UTF-16 code units in a transferred buffer:
   * handing over a buffer costs the main thread one copy, where cloning a large string costs it several.
   */
  | { kind: 'reset'; utf16: ArrayBuffer; revision: number; check: CheckSettings }
  /** Incremental edits, each against the text the previous one left. */
  | { kind: 'edit'; edits: OffsetEdit[]; revision: number }
  | { kind: 'settings'; check: CheckSettings }
  /** The document is closed: drop it, the thread may serve another one. */
  | { kind: 'release' }
  | { kind: 'ask'; id: number; question: Question };

export type FromChecker =
  | { kind: 'answer'; id: number; revision: number; answer: unknown }
  /** The line starts of the text of a reset, so the main thread need not scan a large text for them. */
  | { kind: 'lines'; revision: number; starts: Int32Array }
  /**
   * The question failed; the main thread logs the error (cleaned of document text there). `lostText`: the thread no
   * longer holds a usable copy of the text and needs a reset.
   */
  | { kind: 'failed'; id: number; revision: number; lostText: boolean; error: { name: string; message: string; stack?: string } };
