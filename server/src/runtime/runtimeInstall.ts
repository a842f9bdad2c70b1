// Installs the llama.cpp runtime for "Test model entry": node-llama-cpp at the pinned version with the prebuilt
// binaries for this machine (CUDA too when an NVIDIA driver is present), with npm, into a folder of its own.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LLAMA_RUNTIME_VERSION } from './runtimeLocation';

/** Whether an NVIDIA driver is installed (its nvidia-smi tool is), which is when the CUDA build is worth its size. */
export function hasNvidiaDriver(): boolean {
  return ['/usr/bin/nvidia-smi', 'C:\\Windows\\System32\\nvidia-smi.exe'].some((f) => existsSync(f));
}

/** The npm packages to install: node-llama-cpp and its prebuilt binaries for `platform`/`arch`. */
export function runtimePackages(platform: NodeJS.Platform = process.platform, arch: string = process.arch, nvidia = hasNvidiaDriver()): string[] {
  const os = platform === 'darwin' ? 'mac' : platform === 'win32' ? 'win' : platform;
  const base = os === 'mac' && arch === 'arm64' ? 'mac-arm64-metal' : `${os}-${arch}`;
  const binaries = [base];
  if (nvidia && arch === 'x64' && os !== 'mac') binaries.push(`${base}-cuda`);
  return [`node-llama-cpp@${LLAMA_RUNTIME_VERSION}`, ...binaries.map((b) => `@node-llama-cpp/${b}@${LLAMA_RUNTIME_VERSION}`)];
}

export interface InstallOptions {
  packages?: string[];
  /** Further npm arguments (e.g. --prefer-offline). */
  npmArgs?: string[];
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
}

export interface InstallResult {
  ok: boolean;
  /** What went wrong, in a sentence, when it did. */
  error?: string;
}

/**
 * `npm install` of the runtime into `target` (created with a private package.json). The other optional builds
 * (Vulkan, the other platforms) are left out, and llama.cpp is never compiled or downloaded from elsewhere.
 */
export function installRuntime(target: string, options: InstallOptions = {}): Promise<InstallResult> {
  mkdirSync(target, { recursive: true });
  if (!existsSync(path.join(target, 'package.json'))) writeFileSync(path.join(target, 'package.json'), '{ "private": true }\n');
  const packages = options.packages ?? runtimePackages();
  const windows = process.platform === 'win32';
  return new Promise((resolve) => {
    const npm = spawn(windows ? 'npm.cmd' : 'npm', ['install', '--no-audit', '--no-fund', '--omit=optional', '--save-exact', ...(options.npmArgs ?? []), ...packages], {
      cwd: target,
      shell: windows,
      env: { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' },
    });
    const onAbort = () => npm.kill();
    options.signal?.addEventListener('abort', onAbort);
    const output = (chunk: Buffer) => options.onOutput?.(chunk.toString());
    npm.stdout.on('data', output);
    npm.stderr.on('data', output);
    let failed: string | undefined;
    npm.on('error', (err) => {
      failed = `npm could not run (${err.message}). Install Node.js with npm, or point clemRegistry.llamaRuntime at a folder that holds node-llama-cpp ${LLAMA_RUNTIME_VERSION}.`;
    });
    npm.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (failed) resolve({ ok: false, error: failed });
      else if (options.signal?.aborted) resolve({ ok: false, error: 'The installation was cancelled.' });
      else if (code !== 0) resolve({ ok: false, error: `npm install failed with exit code ${code}.` });
      else resolve({ ok: true });
    });
  });
}
