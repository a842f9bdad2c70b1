// The registry language service: pure functions of document text, no LSP and no editor.
export { RegistryDocument, checkRegistry, type TextEdit } from './registryDocument';
export { DIAGNOSTIC_CODES, type DiagnosticCode } from './codes';
export { getSchemaSet, SchemaSet } from './schemaSet';
export type { RegistryDiagnostic, ServiceSettings, Severity, JsonPath, Span, DiagnosticData } from './types';
