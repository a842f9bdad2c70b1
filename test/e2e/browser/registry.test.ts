// The authoring suite in code-server 4.99.4, driven in Chromium, with the packaged extension installed.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'mocha';
import { REGISTRY, TEST_ENTRY } from '../shared/expectations';
import { registrySuite } from '../suites/registry';
import { testEntrySuite } from '../suites/testEntry';
import { writeFigures } from './figures';
import { activationLog, openSession, type Session } from './session';

describe('code-server in Chromium, trusted workspace', function () {
  let session: Session | undefined;
  before(async function () {
    session = await openSession({ name: 'registry', trust: true });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.driver.screenshot(`FAILED-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async function () {
    await session?.close();
  });

  registrySuite(() => session!.driver);
  testEntrySuite(() => session!.driver);

  describe('figures', function () {
    it('measures the activation time, the time from opening a registry to its first diagnostics and from Test entry to its report', async function () {
      const { driver, userDataDir } = session!;
      const opened = driver.openToFirstDiagnosticsMs.get(REGISTRY);
      assert.ok(opened !== undefined, `${REGISTRY} was opened by the steps above`);
      const testEntryClickToReportMs: Record<string, number> = {};
      for (const run of TEST_ENTRY.runs) {
        const ms = driver.clickToReportMs.get(run.title);
        assert.ok(ms !== undefined, `the steps above tested ${run.modelName}`);
        testEntryClickToReportMs[run.modelName] = ms;
      }
      const activation = await driver.activationTime('clem-registry');
      const [logLine] = activationLog(userDataDir, 'clem-registry.clem-registry');
      assert.ok(logLine, 'the extension host log records the activation');
      writeFigures({
        activation: activation.text,
        activationMs: activation.ms,
        activationEvent: /activationEvent: '([^']*)'/.exec(logLine)?.[1] ?? logLine,
        openToFirstDiagnosticsMs: opened,
        testEntryClickToReportMs,
      });
    });
  });
});
