// One code-server for a suite file: a copy of the fixture workspace, fresh user-data and extensions folders in a
// temp dir, the packaged .vsix installed with `code-server --install-extension`, and Debian's Chromium on it.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { codeServerBin, installExtension, startCodeServer, type CodeServer } from '../../../scripts/code-server.mjs';
import { ARTIFACTS, FIXTURE_WORKSPACE, REPO_ROOT } from '../shared/expectations';
import { Workbench } from './workbench';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** User settings for a quiet, offline workbench that saves only on Ctrl+S, as desktop VS Code does by default. */
const SETTINGS = {
  'files.autoSave': 'off',
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.editor.enablePreview': false,
  'git.enabled': false,
  'editor.minimap.enabled': false,
};

export interface Session {
  driver: Workbench;
  userDataDir: string;
  codeServer: CodeServer;
  close(): Promise<void>;
}

/** The .vsix `npm run package` wrote (or $CLEM_E2E_VSIX). */
export function packagedVsix(): string {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = process.env.CLEM_E2E_VSIX ?? path.join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first (npm run test:e2e does)`);
  return vsix;
}

export async function openSession({ name, trust }: { name: string; trust: boolean }): Promise<Session> {
  if (!existsSync(codeServerBin())) throw new Error('code-server is not installed: run `node scripts/install-code-server.mjs` (npm run test:e2e does)');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's \`chromium\` package (or set CHROMIUM_PATH)`);
  const temp = mkdtempSync(path.join(os.tmpdir(), `clem-registry-e2e-${name}-`));
  const workspaceDir = path.join(temp, 'workspace');
  const userDataDir = path.join(temp, 'user-data');
  const extensionsDir = path.join(temp, 'extensions');
  cpSync(FIXTURE_WORKSPACE, workspaceDir, { recursive: true });
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
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
    const page = browser.pages()[0] ?? await browser.newPage();
    await page.goto(codeServer.folderUrl);
    const driver = new Workbench(page, workspaceDir, artifactsDir);
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
        if (!process.env.CLEM_E2E_KEEP) rmSync(temp, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await codeServer.stop();
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
  const lines: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/exthost\.log$/i.test(entry.name)) {
        lines.push(...readFileSync(full, 'utf8').split('\n').filter((l) => l.includes(`_doActivateExtension ${extensionId},`)));
      }
    }
  };
  const logs = path.join(userDataDir, 'logs');
  if (existsSync(logs)) walk(logs);
  return lines;
}
