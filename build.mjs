// Bundles the extension client, the language server and its checker thread, the CLI and the test worker into dist/
// with esbuild.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readDiagnosticsTable } from './scripts/readmeDiagnostics.mjs';

/** `import { DIAGNOSTICS_TABLE } from 'clem-registry:readme-diagnostics'`: the README's table, read at build time. */
const readmeDiagnostics = {
  name: 'readme-diagnostics',
  setup(b) {
    b.onResolve({ filter: /^clem-registry:readme-diagnostics$/ }, () => ({ path: fileURLToPath(new URL('README.md', import.meta.url)), namespace: 'readme-diagnostics' }));
    b.onLoad({ filter: /.*/, namespace: 'readme-diagnostics' }, (args) => ({
      contents: `export const DIAGNOSTICS_TABLE = ${JSON.stringify(readDiagnosticsTable(args.path))};`,
      loader: 'js',
      watchFiles: [args.path],
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
  // jsonc-parser's main entry is a UMD build that requires its own modules at run time; the ESM build bundles.
  mainFields: ['module', 'main'],
  plugins: [readmeDiagnostics],
};

/**
 * dist/cli.js, once dist/cli/main.js is built: the loader knows the bundle by a hash of it taken here, so that a start
 * reads the bundle but does not hash it (cliLoader.ts).
 */
async function buildCli() {
  await build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli/main.js' });
  const bundle = readFileSync('dist/cli/main.js');
  // An ASCII bundle is read into a one-byte string, a third faster than UTF-8 with a few other characters in it.
  // esbuild escapes them in strings but not in regular expressions: write those as \u escapes.
  const other = bundle.findIndex((byte) => byte > 0x7f);
  if (other >= 0) throw new Error(`dist/cli/main.js is not ASCII at byte ${other}: ${bundle.subarray(Math.max(0, other - 60), other + 10).toString()}`);
  const key = createHash('sha256').update(bundle).digest('hex').slice(0, 16);
  await build({ ...common, entryPoints: ['server/src/cliLoader.ts'], outfile: 'dist/cli.js', define: { CLI_BUNDLE_HASH: JSON.stringify(key) } });
}

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  // The language server's checker threads (worker_threads), one per open registry.
  build({ ...common, entryPoints: ['server/src/lsp/checker/worker.ts'], outfile: 'dist/checkWorker.js' }),
  // The command line: dist/cli.js starts dist/cli/main.js with V8's code from an earlier run (cliLoader.ts).
  buildCli(),
  // The test worker is ESM because node-llama-cpp is ESM-only (imported at run time from wherever it is installed).
  build({
    ...common,
    entryPoints: ['server/src/runtime/worker.ts'],
    outfile: 'dist/testWorker.mjs',
    format: 'esm',
    external: ['node-llama-cpp', '@node-llama-cpp/*'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  }),
]);
