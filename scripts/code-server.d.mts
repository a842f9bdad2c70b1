// Types of code-server.mjs for the TypeScript end-to-end tests.
import type { ChildProcess } from 'node:child_process';

export const CODE_SERVER_VERSION: string;
export function codeServerDir(): string;
export function codeServerBin(): string;
export function isCodeServerInstalled(): boolean;
export function installCodeServer(options?: { log?: (message: string) => void }): string;
export function installExtension(vsix: string, dirs: { extensionsDir: string; userDataDir?: string }): string;
export function freePort(): Promise<number>;

export interface CodeServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  /** The URL that opens the folder. */
  folderUrl: string;
  process: ChildProcess;
  /** What code-server wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export function startCodeServer(options: {
  folder: string;
  userDataDir: string;
  extensionsDir: string;
  port?: number;
  trust?: boolean;
  configFile?: string;
  stdio?: 'pipe' | 'inherit' | 'ignore';
  timeoutMs?: number;
}): Promise<CodeServer>;
