// Turns the service's offset-based findings into LSP diagnostics for one document.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver/node';
import type { Position } from 'vscode-languageserver/node';
import type { RegistryDiagnostic, Severity } from '../service';

/** What conversion needs of a document: its URI and offset-to-position mapping. */
export interface PositionSource {
  uri: string;
  positionAt(offset: number): Position;
}

export const DIAGNOSTIC_SOURCE = 'clem-registry';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function rangeOf(doc: PositionSource, offset: number, length: number) {
  return { start: doc.positionAt(offset), end: doc.positionAt(offset + Math.max(length, 0)) };
}

export function toLspDiagnostic(doc: PositionSource, d: RegistryDiagnostic): Diagnostic {
  const out: Diagnostic = {
    range: rangeOf(doc, d.offset, d.length),
    severity: SEVERITIES[d.severity] ?? DiagnosticSeverity.Error,
    code: d.code,
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
  };
  if (d.data !== undefined) out.data = d.data;
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r) => ({
      location: { uri: doc.uri, range: rangeOf(doc, r.offset, r.length) },
      message: r.message,
    }));
  }
  if (d.tags?.length) {
    out.tags = d.tags.map((t) => (t === 'deprecated' ? DiagnosticTag.Deprecated : DiagnosticTag.Unnecessary));
  }
  return out;
}
