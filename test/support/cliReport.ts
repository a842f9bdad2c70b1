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
