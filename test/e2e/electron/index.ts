// The test entry point VS Code loads under @vscode/test-electron (--extensionTestsPath, bundled by
// scripts/test-electron.mjs): runs the suite named by $CLEM_E2E_SUITE with the `vscode` API driver.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { ARTIFACTS, REGISTRY, TEST_ENTRY } from '../shared/expectations';
import { registrySuite } from '../suites/registry';
import { restrictedSuite } from '../suites/restricted';
import { testEntrySuite } from '../suites/testEntry';
import { VscodeDriver } from './driver';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: true });
  // Binds mocha's describe/it (which the suites import) to this run, as loading a spec file would.
  mocha.suite.emit('pre-require', globalThis, 'vscode-electron', mocha);
  const driver = new VscodeDriver();
  const suite = process.env.CLEM_E2E_SUITE ?? 'registry';
  if (suite === 'restricted') restrictedSuite(() => driver);
  else {
    registrySuite(() => driver);
    testEntrySuite(() => driver);
  }
  const failed: string[] = [];
  const failures = await new Promise<number>((resolve) => {
    mocha.run(resolve).on('fail', (test, error) => failed.push(`${test.fullTitle()}: ${error.message}`));
  });
  const opened = driver.openToFirstDiagnosticsMs.get(REGISTRY);
  if (opened !== undefined) {
    const testEntryToReportMs = Object.fromEntries(TEST_ENTRY.runs.flatMap((r) => {
      const ms = driver.clickToReportMs.get(r.title);
      return ms === undefined ? [] : [[r.modelName, ms]];
    }));
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, `electron-${suite}-figures.json`), JSON.stringify({ openToFirstDiagnosticsMs: opened, testEntryToReportMs }, null, 2) + '\n');
    console.log(`open to first diagnostics (vscode API): ${opened} ms`);
    for (const [model, ms] of Object.entries(testEntryToReportMs)) console.log(`Test entry to report (vscode API), ${model}: ${ms} ms`);
  }
  if (failures > 0) throw new Error(`${failures} end-to-end test(s) failed:\n${failed.join('\n')}`);
}
