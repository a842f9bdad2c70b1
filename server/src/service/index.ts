// The registry language service: pure functions of document text, no LSP and no editor.
export { RegistryDocument, checkRegistry, type TextEdit, type RegistryEntry } from './registryDocument';
export { checkRegistryBytes, type CheckedBytes } from './fileBytes';
export { documentSymbols, foldingRanges, type EntrySymbol, type FoldingSpan } from './outline';
export { hover, type HoverResult } from './hover';
export { quickFixes, fixAll, type QuickFix, type FixEdit, type FixableFinding } from './quickFixes';
export { DIAGNOSTIC_CODES, pythonJsonRejects, type DiagnosticCode } from './codes';
export { getSchemaSet, SchemaSet } from './schemaSet';
export type { RegistryDiagnostic, ServiceSettings, Severity, JsonPath, Span, DiagnosticData } from './types';
export { shadowLenses, winnerOf, entryLenses, type ShadowLens, type EntryLens } from './navigation';
export { complete, type CompletionEntry } from './completion';
