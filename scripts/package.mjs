#!/usr/bin/env node
// `npm run package`: bundles the extension (minified) and packages it with vsce into clem-registry-<version>.vsix,
// then checks that the package holds only what .vscodeignore allows. Exports packageVsix() for `npm start`.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The files a package may hold, as patterns on the paths under `extension/`. */
const ALLOWED = [
  /^package\.json$/,
  /^readme\.md$/,
  /^LICENSE(\.txt)?$/,
  /^dist\/(?!cli\.js$)[\w.-]+\.m?js$/,
  /^schemas\/([\w-]+\/)*[\w.-]+\.json$/,
  /^syntaxes\/[\w.-]+\.tmLanguage\.json$/,
  /^images\/(icon|screenshot-[\w-]+)\.png$/,
];
/** vsce's own manifest files at the root of the zip. */
const VSIX_META = new Set(['extension.vsixmanifest', '[Content_Types].xml']);

/** Names of the entries of a zip file, read from its central directory. */
export function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}`);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    entries.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLength), size });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export function packageVsix({ log = (message) => console.error(message) } = {}) {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const out = path.join(ROOT, `${manifest.name}-${manifest.version}.vsix`);
  execFileSync(process.execPath, [path.join(ROOT, 'build.mjs'), '--minify'], { cwd: ROOT, stdio: 'inherit' });
  // --no-dependencies: client and server are bundled into dist/. No repository field, so relative README links
  // stay relative (the images are in the package).
  execFileSync(process.execPath, [
    path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package',
    '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out,
  ], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const entries = zipEntries(out);
  const unexpected = entries
    .map((e) => e.name)
    .filter((name) => !VSIX_META.has(name) && !(name.startsWith('extension/') && ALLOWED.some((re) => re.test(name.slice('extension/'.length)))));
  if (unexpected.length > 0) throw new Error(`${path.basename(out)} holds files it should not:\n  ${unexpected.join('\n  ')}`);
  for (const required of ['extension/package.json', 'extension/dist/client.js', 'extension/dist/server.js', 'extension/dist/checkWorker.js']) {
    if (!entries.some((e) => e.name === required)) throw new Error(`${path.basename(out)} lacks ${required}`);
  }
  log(`${path.relative(process.cwd(), out) || out}: ${(statSync(out).size / 1024).toFixed(0)} KB, ${entries.length} files`);
  return { file: out, entries };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { entries } = packageVsix();
  if (process.argv.includes('--list')) for (const e of entries) console.log(`${String(e.size).padStart(9)}  ${e.name}`);
}
