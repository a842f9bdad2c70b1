// The figures of an e2e run: the extension's activation time, the time from opening a registry to its first
// diagnostics and the time from clicking "Test entry" to its report, printed and written to
// .test-artifacts/e2e/figures.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CODE_SERVER_VERSION } from '../../../scripts/code-server.mjs';
import { ARTIFACTS } from '../shared/expectations';

export interface Figures {
  /** What Developer: Show Running Extensions shows, e.g. "Startup Activation: 64ms". */
  activation: string;
  activationMs: number;
  /** The extension host log line of the activation (which event activated it). */
  activationEvent: string;
  /** From the click on the file in Quick Open to the first squiggle drawn, in the page's clock. */
  openToFirstDiagnosticsMs: number;
  /**
   * From the click on a "Test entry" code lens to the finished report in its view, by model name: a fresh worker
   * process loads node-llama-cpp and the scripted GGUF, generates and post-processes, and the view shows each stage.
   */
  testEntryClickToReportMs: Record<string, number>;
}

export function writeFigures(figures: Figures): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, 'figures.json');
  const record = { ...figures, codeServer: CODE_SERVER_VERSION, cpus: os.cpus().length, measuredAt: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  console.log(`      activation: ${figures.activation} (${figures.activationEvent})`);
  console.log(`      open to first diagnostics: ${figures.openToFirstDiagnosticsMs} ms`);
  for (const [model, ms] of Object.entries(figures.testEntryClickToReportMs)) console.log(`      Test entry click to report (${model}): ${ms} ms`);
  console.log(`      written to ${path.relative(process.cwd(), file)}`);
  return file;
}
