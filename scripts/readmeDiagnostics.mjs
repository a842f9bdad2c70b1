// Reads the README's table of diagnostic codes (`| code | default | meaning |`), the one place their meanings are
// written, for the bundles that describe the codes (the SARIF rules of `clem-registry check --format sarif`).
import { readFileSync } from 'node:fs';

const HEADER = '| code | default | meaning |';
const ROW = /^\| `([a-z0-9-]+)` \| (error|warning|information|hint) \| (.+) \|$/;

/** The table's rows in README order; the meaning is markdown with the table's `\|` escapes undone. */
export function readDiagnosticsTable(readmePath) {
  const lines = readFileSync(readmePath, 'utf8').split(/\r?\n/);
  const start = lines.indexOf(HEADER);
  if (start < 0) throw new Error(`${readmePath} has no table of diagnostic codes (a line '${HEADER}')`);
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const m = ROW.exec(line);
    if (!m) throw new Error(`${readmePath}: a row of the diagnostics table is not \`| \\\`code\\\` | severity | meaning |\`: ${line}`);
    rows.push({ code: m[1], severity: m[2], meaning: m[3].replace(/\\\|/g, '|') });
  }
  if (!rows.length) throw new Error(`${readmePath}: the table of diagnostic codes is empty`);
  return rows;
}
