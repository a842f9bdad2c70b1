// `npm run bench:cold`: the whole-process cost of one check, as pre-commit and CI pay it for every run. Ours is
// `node dist/cli.js check --format json FILE`; the anchor is a fresh Node process that loads vscode-json-languageservice
// (bundled the same way, with esbuild), reads the flat JSON Schema of the same keys from a file and validates the same
// registry, printing its diagnostics as JSON. Both alternate pair by pair, so that both see the same machine load.
// Options: --pairs N (default 10), --runs N (default 3), --file PATH (default: the 2025 registry, else the example).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { buildAnchorSchema } from './anchorSchema';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out');
const CORPUS = process.env.CLEM_SHARED_CORPUS ?? path.resolve(ROOT, '../shared/corpus');
const REAL = path.join(CORPUS, 'clemcore-2025-12-16-8bd08307.json');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** The anchor as a program of its own: its bundle, and the schema it reads from disk as a JSON tool would. */
function buildAnchor(): { script: string; schema: string } {
  mkdirSync(OUT, { recursive: true });
  const schema = path.join(OUT, 'anchor.schema.json');
  writeFileSync(schema, JSON.stringify(buildAnchorSchema().schema));
  const entry = path.join(OUT, 'anchorCheck.src.js');
  writeFileSync(entry, [
    "const { readFileSync } = require('node:fs');",
    "const { getLanguageService } = require('vscode-json-languageservice');",
    "const { TextDocument } = require('vscode-languageserver-textdocument');",
    'const [schemaFile, file] = process.argv.slice(2);',
    'const ls = getLanguageService({});',
    "ls.configure({ validate: true, allowComments: false, schemas: [{ uri: 'file:///anchor.schema.json', fileMatch: ['*.json'], schema: JSON.parse(readFileSync(schemaFile, 'utf8')) }] });",
    "const doc = TextDocument.create('file:///model_registry.json', 'json', 1, readFileSync(file, 'utf8'));",
    'ls.doValidation(doc, ls.parseJSONDocument(doc)).then((d) => { process.stdout.write(JSON.stringify(d)); process.exitCode = d.length ? 1 : 0; });',
  ].join('\n'));
  const script = path.join(OUT, 'anchorCheck.js');
  buildSync({ entryPoints: [entry], outfile: script, bundle: true, platform: 'node', format: 'cjs', target: 'node18', mainFields: ['module', 'main'], logLevel: 'warning' });
  return { script, schema };
}

function timed(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 << 20, env });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0 && run.status !== 1) throw new Error(`${args.join(' ')} failed (${run.status}): ${run.stderr.slice(0, 400)}`);
  JSON.parse(run.stdout); // both print their findings as JSON: a run that printed nothing usable does not count
  return ms;
}

/**
 * Copies of the registry, each with a comment of its own at the end of one chat template (the first one of median
 * length), so that every start finds that template new. `sameFindings` checks that the comment changes no finding.
 */
function editedCopies(file: string, folder: string, count: number): { files: string[]; what: string } {
  const text = readFileSync(file, 'utf8');
  const entries = JSON.parse(text) as { model_config?: { custom_chat_template?: unknown } }[];
  const templates = [...new Set(entries.map((e) => e.model_config?.custom_chat_template).filter((t): t is string => typeof t === 'string'))];
  if (!templates.length) return { files: Array<string>(count).fill(file), what: 'the registry has no chat template, so nothing was edited' };
  const chosen = [...templates].sort((a, b) => a.length - b.length)[templates.length >> 1];
  // The template as it is written in the file: JSON.stringify gives the same escapes as the registry's own writer.
  const written = JSON.stringify(chosen).slice(0, -1);
  const at = text.indexOf(written);
  if (at < 0) return { files: Array<string>(count).fill(file), what: 'the template is not written as JSON.stringify writes it, so nothing was edited' };
  const end = at + written.length;
  const files = Array.from({ length: count }, (_, i) => {
    const copy = path.join(folder, `edited-${i}.json`);
    writeFileSync(copy, `${text.slice(0, end)}{# edit ${i} #}${text.slice(end)}`);
    return copy;
  });
  return { files, what: `a ${chosen.length}-character template, a new comment at its end each start` };
}

/** Whether two registries get the same findings (codes and ranges). */
function sameFindings(cli: string, a: string, b: string, env: NodeJS.ProcessEnv): boolean {
  const findings = (f: string) => {
    const run = spawnSync(process.execPath, [cli, 'check', '--format', 'json', f], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...env, CLEM_REGISTRY_CODE_CACHE: 'off' } });
    const [result] = JSON.parse(run.stdout) as { diagnostics: { code: string; range: unknown }[] }[];
    return JSON.stringify(result.diagnostics.map((d) => [d.code, d.range]));
  };
  return findings(a) === findings(b);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function main(): void {
  const file = path.resolve(option('file', existsSync(REAL) ? REAL : path.join(ROOT, 'examples/model_registry.json')));
  const pairs = Number(option('pairs', '10'));
  const runs = Number(option('runs', '3'));
  const cli = path.join(ROOT, 'dist', 'cli.js');
  const anchor = buildAnchor();
  const ours = [cli, 'check', '--format', 'json', file];
  const theirs = [anchor.script, anchor.schema, file];
  console.log(`cold start: a fresh process per check of ${path.relative(ROOT, file)}; node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at start`);
  console.log(`ours: node dist/cli.js check --format json; anchor: node ${path.relative(ROOT, anchor.script)} (vscode-json-languageservice, the flat schema of the same keys read from a file)`);
  // The CLI keeps its compiled code and the results of the registry's chat templates (the analysis, the renders) in
  // a cache folder of its own here. The warm-up writes both, so the runs measure starts with them, as every start
  // after the first is; CLEM_REGISTRY_CODE_CACHE=off measures starts without either.
  const cacheHome = mkdtempSync(path.join(tmpdir(), 'clem-registry-bench-cold-'));
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
  const off = process.env.CLEM_REGISTRY_CODE_CACHE === 'off';
  console.log(`code cache and kept template results: ${off ? 'off (CLEM_REGISTRY_CODE_CACHE=off)' : 'on (written by the warm-up run)'}`);
  // One warm-up of each: the first start after a build also reads the files from disk.
  timed(ours, env);
  timed(theirs);
  const ratios: number[] = [];
  for (let r = 1; r <= runs; r++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < pairs; i++) {
      a.push(timed(ours, env));
      b.push(timed(theirs));
    }
    const ratio = median(a) / median(b);
    ratios.push(ratio);
    console.log(`run ${r}: ours median ${median(a).toFixed(0)} ms (${Math.min(...a).toFixed(0)}–${Math.max(...a).toFixed(0)}), anchor ${median(b).toFixed(0)} ms (${Math.min(...b).toFixed(0)}–${Math.max(...b).toFixed(0)}), ratio ${ratio.toFixed(2)}`);
  }
  const worst = Math.max(...ratios);
  console.log(`ratio over ${runs} runs of ${pairs} alternating pairs: ${ratios.map((x) => x.toFixed(2)).join(', ')} (goal <= 1.0: ${worst <= 1 ? 'met' : 'NOT met'})`);
  if (!off) {
    // What the kept results save: the same starts when none of the registry's templates was seen before (each run
    // finds the code cache but no kept results), and with nothing kept at all.
    const folder = path.join(cacheHome, 'clem-registry');
    const forget = () => {
      for (const name of readdirSync(folder)) if (name.startsWith('results-')) rmSync(path.join(folder, name));
    };
    // A commit that edits one chat template: each start sees that template for the first time and the others kept.
    const edited = editedCopies(file, cacheHome, pairs);
    if (!sameFindings(cli, file, edited.files[0], env)) edited.what += '; NOTE: the edit changed the findings';
    let next = 0;
    const variants: [string, () => number][] = [
      [`one template edited (${edited.what})`, () => timed([cli, 'check', '--format', 'json', edited.files[next++]], env)],
      ['templates not seen before (code cache only)', () => (forget(), timed(ours, env))],
      ['nothing kept (CLEM_REGISTRY_CODE_CACHE=off)', () => timed(ours, { ...env, CLEM_REGISTRY_CODE_CACHE: 'off' })],
    ];
    for (const [label, run] of variants) {
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < pairs; i++) {
        a.push(run());
        b.push(timed(theirs));
      }
      console.log(`${label}: ours median ${median(a).toFixed(0)} ms, anchor ${median(b).toFixed(0)} ms, ratio ${(median(a) / median(b)).toFixed(2)}`);
    }
  }
  rmSync(cacheHome, { recursive: true, force: true });
}

main();
