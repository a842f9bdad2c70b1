// The folders of one editor run, shared by both drivers: a temp dir holding a copy of the fixture workspace with the
// scripted GGUF its .vscode/settings.json names, a fresh user-data folder with quiet settings and this repository as
// the llama.cpp runtime, and an empty extensions folder for the packaged .vsix.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE_WORKSPACE, REPO_ROOT } from './expectations';
import { SCRIPTED_MODEL_PATH, writeScriptedModel } from './scriptedModel';

/** User settings for a quiet, offline editor that saves only on Ctrl+S, as desktop VS Code does by default. */
export const USER_SETTINGS: Record<string, unknown> = {
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
  // "Test entry" finds node-llama-cpp in this repository's node_modules (the .vsix does not carry it).
  'clemRegistry.llamaRuntime': REPO_ROOT,
};

export interface RunDirs {
  temp: string;
  workspaceDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** Removes the temp dir, unless $CLEM_E2E_KEEP is set. */
  cleanup(): void;
}

export function prepareRunDirs(name: string, settings: Record<string, unknown> = {}): RunDirs {
  const temp = mkdtempSync(path.join(os.tmpdir(), `clem-registry-e2e-${name}-`));
  const dirs = {
    temp,
    workspaceDir: path.join(temp, 'workspace'),
    userDataDir: path.join(temp, 'user-data'),
    extensionsDir: path.join(temp, 'extensions'),
    cleanup() {
      if (!process.env.CLEM_E2E_KEEP) rmSync(temp, { recursive: true, force: true });
    },
  };
  cpSync(FIXTURE_WORKSPACE, dirs.workspaceDir, { recursive: true });
  writeScriptedModel(path.join(dirs.workspaceDir, SCRIPTED_MODEL_PATH));
  mkdirSync(path.join(dirs.userDataDir, 'User'), { recursive: true });
  mkdirSync(dirs.extensionsDir);
  writeFileSync(path.join(dirs.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...settings }, null, 2));
  // clemRegistry.llamaRuntime is machine-scoped: code-server takes such settings from the server's machine settings
  // and, once the user settings change (a theme picked), no longer from the user's.
  mkdirSync(path.join(dirs.userDataDir, 'Machine'), { recursive: true });
  writeFileSync(path.join(dirs.userDataDir, 'Machine', 'settings.json'), JSON.stringify({ 'clemRegistry.llamaRuntime': USER_SETTINGS['clemRegistry.llamaRuntime'] }, null, 2));
  return dirs;
}

/** The .vsix `npm run package` wrote (or $CLEM_E2E_VSIX). */
export function packagedVsix(): string {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = process.env.CLEM_E2E_VSIX || path.join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first (the test scripts do)`);
  return vsix;
}
