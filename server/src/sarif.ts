// `clem-registry check --format sarif`: the findings as a SARIF 2.1.0 log (OASIS), for GitHub code scanning and other
// SARIF viewers. One run of the tool, one rule per diagnostic code described by the README's table, regions 1-based
// with columns in UTF-16 code units (as LSP and the other formats count them), files relative to the working directory.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TextBuffer } from './lsp/textBuffer';
import { DIAGNOSTICS_TABLE } from 'clem-registry:readme-diagnostics';
import { DIAGNOSTIC_CODES } from './service/codes';
import type { RegistryDiagnostic, Severity } from './service/types';

export interface SarifInput {
  /** The file as given on the command line. */
  file: string;
  fromStdin: boolean;
  text: Pick<TextBuffer, 'positionAt'>;
  findings: RegistryDiagnostic[];
}

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** The base of the files' relative URIs: the working directory, which the log does not name. */
const BASE_ID = '%SRCROOT%';
const LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** Markdown of a table cell as plain text: code spans lose their backticks. */
function plainText(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1');
}

function rules() {
  const meanings = new Map(DIAGNOSTICS_TABLE.map((row) => [row.code, row.meaning]));
  return Object.entries(DIAGNOSTIC_CODES).map(([id, info]) => {
    const meaning = meanings.get(id);
    return {
      id,
      ...(meaning === undefined ? {} : {
        shortDescription: { text: plainText(meaning), markdown: meaning },
        help: { text: plainText(meaning), markdown: meaning },
      }),
      defaultConfiguration: { level: LEVELS[info.severity as Severity] },
    };
  });
}

/** Where a checked file is: a URI relative to the working directory, or the standard input. */
function artifactOf(input: SarifInput) {
  if (input.fromStdin) return { description: { text: 'standard input' }, roles: ['analysisTarget', 'standardStream'] };
  const absolute = path.resolve(input.file);
  const relative = path.relative(process.cwd(), absolute);
  // On another drive (Windows) there is no relative path: the absolute URI, without a base.
  if (path.isAbsolute(relative)) return { location: { uri: pathToFileURL(absolute).href }, roles: ['analysisTarget'] };
  const uri = relative.split(path.sep).map(encodeURIComponent).join('/');
  return { location: { uri, uriBaseId: BASE_ID }, roles: ['analysisTarget'] };
}

/** Writes the log through `write` in parts: a report of a million findings is never one string. */
export function writeSarif(inputs: SarifInput[], version: string, write: (chunk: string) => void): void {
  const ruleList = rules();
  const ruleIndex = new Map(ruleList.map((r, i) => [r.id, i]));
  const artifacts = inputs.map(artifactOf);
  const run = {
    tool: { driver: { name: 'clem-registry', version, semanticVersion: version, rules: ruleList } },
    originalUriBaseIds: { [BASE_ID]: { description: { text: 'The working directory clem-registry ran in.' } } },
    artifacts,
    columnKind: 'utf16CodeUnits',
    results: [],
  };
  const head = JSON.stringify({ $schema: SCHEMA, version: '2.1.0', runs: [run] });
  // Everything up to the results array's `]`, then the results a thousand at a time.
  write(head.slice(0, head.lastIndexOf('[]') + 1));
  let first = true;
  inputs.forEach((input, index) => {
    const artifactLocation = 'location' in artifacts[index] ? { ...artifacts[index].location, index } : { index };
    for (let j = 0; j < input.findings.length; j += 1000) {
      const chunk = input.findings.slice(j, j + 1000).map((d) => {
        const start = input.text.positionAt(d.offset);
        const end = input.text.positionAt(d.offset + Math.max(d.length, 0));
        return {
          ruleId: d.code,
          ruleIndex: ruleIndex.get(d.code),
          level: LEVELS[d.severity],
          message: { text: d.message },
          locations: [{
            physicalLocation: {
              artifactLocation,
              region: { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 },
            },
          }],
          // What the JSON format says and SARIF's levels cannot: information and hint are both notes.
          properties: { severity: d.severity, path: d.path },
        };
      });
      write(`${first ? '' : ','}${JSON.stringify(chunk).slice(1, -1)}`);
      first = false;
    }
  });
  write(`${head.slice(head.lastIndexOf('[]') + 1)}\n`);
}
