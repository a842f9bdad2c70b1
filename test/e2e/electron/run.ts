// `npm run test:electron`: the same suites in desktop VS Code under @vscode/test-electron, with the `vscode` API
// driver. Downloads VS Code (the version code-server 4.99.4 is built on), installs the packaged .vsix into a fresh
// extensions folder with VS Code's CLI, and runs the trusted suite with runTests() and the restricted one in a
// VS Code started without --disable-workspace-trust (which runTests() always passes).
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, resolveCliPathFromVSCodeExecutablePath, runTests, type TestOptions } from '@vscode/test-electron';
import { build } from 'esbuild';
import { REPO_ROOT } from '../shared/expectations';
import { packagedVsix, prepareRunDirs } from '../shared/runDirs';

const VSCODE_VERSION = process.env.CLEM_E2E_VSCODE_VERSION || '1.99.3';
const HARNESS = path.join(__dirname, 'harness');
const BUNDLE = path.join(REPO_ROOT, '.test-artifacts', 'electron-tests', 'index.js');

/** The arguments runTests() adds, without --disable-workspace-trust. */
function untrustedArgs(options: TestOptions): string[] {
  return [
    ...(options.launchArgs ?? []),
    '--no-sandbox', '--disable-gpu-sandbox', '--disable-updates', '--skip-welcome', '--skip-release-notes',
    `--extensionTestsPath=${options.extensionTestsPath}`,
    `--extensionDevelopmentPath=${options.extensionDevelopmentPath}`,
  ];
}

function runUntrusted(options: TestOptions & { vscodeExecutablePath: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.vscodeExecutablePath, untrustedArgs(options), {
      env: { ...process.env, ...options.extensionTestsEnv },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`VS Code exited with ${signal ?? code}`))));
  });
}

async function main(): Promise<number> {
  const vsix = packagedVsix();
  await build({
    entryPoints: [path.join(__dirname, 'index.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    sourcemap: true,
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });

  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath: path.join(REPO_ROOT, '.vscode-test'), timeout: 30_000 });
  } catch (error) {
    console.error(`test:electron: could not download VS Code ${VSCODE_VERSION}: ${(error as Error).message}`);
    console.error('@vscode/test-electron needs https://update.code.visualstudio.com. Where that host is unreachable, '
      + '`npm run test:e2e` runs the same suites in code-server, installed from the npm registry.');
    return 1;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.error('test:electron: no display; on a headless Linux machine run it under xvfb-run: `xvfb-run -a npm run test:electron`');
  }
  const cli = resolveCliPathFromVSCodeExecutablePath(vscodeExecutablePath);

  let failed = 0;
  for (const suite of [{ name: 'registry', trusted: true }, { name: 'restricted', trusted: false }]) {
    // Untrusted: no startup dialog, the window just stays in restricted mode.
    const dirs = prepareRunDirs(`electron-${suite.name}`, suite.trusted ? {} : { 'security.workspace.trust.startupPrompt': 'never' });
    try {
      execFileSync(cli, ['--install-extension', vsix, `--extensions-dir=${dirs.extensionsDir}`, `--user-data-dir=${dirs.userDataDir}`], { stdio: 'inherit' });
      const options = {
        vscodeExecutablePath,
        extensionDevelopmentPath: HARNESS,
        extensionTestsPath: BUNDLE,
        launchArgs: [dirs.workspaceDir, `--user-data-dir=${dirs.userDataDir}`, `--extensions-dir=${dirs.extensionsDir}`, '--disable-telemetry'],
        extensionTestsEnv: { CLEM_E2E_SUITE: suite.name, CLEM_E2E_REPO: REPO_ROOT },
      };
      if (suite.trusted) await runTests(options);
      else await runUntrusted(options);
    } catch (error) {
      failed += 1;
      console.error(`test:electron: the ${suite.name} suite failed: ${(error as Error).message}`);
    } finally {
      dirs.cleanup();
    }
  }
  return failed > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
