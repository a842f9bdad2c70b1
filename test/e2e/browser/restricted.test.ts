// Restricted mode in code-server: workspace trust enabled, the folder not trusted.
import { after, afterEach, before, describe } from 'mocha';
import { restrictedSuite } from '../suites/restricted';
import { openSession, type Session } from './session';

describe('code-server in Chromium, untrusted workspace', function () {
  let session: Session | undefined;
  before(async function () {
    session = await openSession({ name: 'restricted', trust: false });
    await session.driver.answerTrustDialog(false);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.driver.screenshot(`FAILED-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async function () {
    await session?.close();
  });

  restrictedSuite(() => session!.driver);
});
