// One code-server for a suite file: the run's folders (shared/runDirs.ts), the packaged .vsix installed with
// `code-server --install-extension` as a user would, and Debian's Chromium on it.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { codeServerBin, installExtension, startCodeServer, type CodeServer } from '../../../scripts/code-server.mjs';
import { ARTIFACTS } from '../shared/expectations';
import { packagedVsix, prepareRunDirs } from '../shared/runDirs';
import { logFiles, Workbench } from './workbench';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export interface Session {
  driver: Workbench;
  userDataDir: string;
  codeServer: CodeServer;
  close(): Promise<void>;
}

export async function openSession({ name, trust }: { name: string; trust: boolean }): Promise<Session> {
  if (!existsSync(codeServerBin())) throw new Error('code-server is not installed: run `node scripts/install-code-server.mjs` (npm run test:e2e does)');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's \`chromium\` package (or set CHROMIUM_PATH)`);
  const { temp, workspaceDir, userDataDir, extensionsDir, cleanup } = prepareRunDirs(name);
  const installed = installExtension(packagedVsix(), { extensionsDir, userDataDir });
  if (!/successfully installed/i.test(installed)) throw new Error(`installing the .vsix failed:\n${installed}`);

  const artifactsDir = path.join(ARTIFACTS, name);
  rmSync(artifactsDir, { recursive: true, force: true });
  const codeServer = await startCodeServer({ folder: workspaceDir, userDataDir, extensionsDir, trust });
  let browser: BrowserContext | undefined;
  try {
    // A fresh Chromium profile in the temp dir.
    browser = await chromium.launchPersistentContext(path.join(temp, 'chromium'), {
      executablePath: CHROMIUM,
      viewport: { width: 1400, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    // The driver reads what "Copy report as markdown" puts on the clipboard.
    await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(codeServer.url).origin });
    const page = browser.pages()[0] ?? await browser.newPage();
    await page.goto(codeServer.folderUrl);
    const driver = new Workbench(page, workspaceDir, artifactsDir, path.join(userDataDir, 'logs'));
    await driver.ready();
    const opened = browser;
    return {
      driver,
      userDataDir,
      codeServer,
      async close() {
        await opened.close();
        await codeServer.stop();
        keepLogs(userDataDir, path.join(artifactsDir, 'logs'));
        cleanup();
      },
    };
  } catch (error) {
    await browser?.close();
    await codeServer.stop();
    cleanup();
    throw error;
  }
}

/** Copies code-server's logs (the extension host's among them) next to the screenshots. */
function keepLogs(userDataDir: string, into: string): void {
  const logs = path.join(userDataDir, 'logs');
  if (existsSync(logs)) cpSync(logs, into, { recursive: true });
}

/** The extension host log lines about an extension's activation (`ExtensionService#_doActivateExtension ...`). */
export function activationLog(userDataDir: string, extensionId: string): string[] {
  const logs = path.join(userDataDir, 'logs');
  if (!existsSync(logs)) return [];
  return logFiles(logs)
    .filter((f) => /exthost\.log$/i.test(path.basename(f)))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.includes(`_doActivateExtension ${extensionId},`)));
}
