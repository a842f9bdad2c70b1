// The shape of `clem-registry check --format json`, as the README documents it, for the tests that compare other
// outputs (SARIF, an editor's diagnostics) with it.
export interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  path: (string | number)[];
}

export interface JsonFileReport {
  file: string;
  diagnostics: JsonDiagnostic[];
}

/** A finding as an editor has it: LSP diagnostics carry no JSON path. */
export type EditorFinding = Omit<JsonDiagnostic, 'path'>;

/** LSP's severities (1 error … 4 hint; Neovim's vim.diagnostic.severity too) by the JSON format's names. */
export const SEVERITY_NAMES = ['', 'error', 'warning', 'information', 'hint'];

/** Findings in one order (by range, then code and message): an editor need not list them as the CLI does. */
export function sortFindings(findings: EditorFinding[]): EditorFinding[] {
  const key = (f: EditorFinding) => [f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character];
  return [...findings].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    const i = ka.findIndex((v, j) => v !== kb[j]);
    return i >= 0 ? ka[i] - kb[i] : a.code.localeCompare(b.code) || a.message.localeCompare(b.message);
  });
}
