// `npm run bench`: times our checker against vscode-json-languageservice (the anchor) on the real registry, a 10x
// synthetic one and a one-character edit, plus the language server's memory; prints ratios and bench/out/results.json.
// Reports only: goals are marked met / NOT met, nothing fails on time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { getLanguageService, TextDocument as JsonTextDocument } from 'vscode-json-languageservice';
import { TextBuffer } from '../server/src/lsp/textBuffer';
import { buildAnchorSchema, schemasPresent } from './anchorSchema';
import { modelNameValueOffset, multiplyRegistry } from './synthetic';
import { measureServerMemory, type ServerMemoryResult } from './serverMemory';
import { profile, profileInChild, summarizeProfile, type ProfileSummary } from './profile';

type Service = typeof import('../server/src/service');

// The real registries sit in shared/corpus next to the repository (never copied into it).
const CORPUS = process.env.CLEM_SHARED_CORPUS ?? path.resolve(__dirname, '../../shared/corpus');
const BIG_FILE = 'clemcore-2025-12-16-8bd08307.json';
const VERSION = '3.3'; // the big registry is a clemcore 3.3 registry
const SETTINGS = { clemcoreVersion: VERSION };
const URI = 'file:///bench/model_registry.json';
const OUT = path.resolve(__dirname, 'out');
const EDIT_ENTRY = 1150;

// gc() without --expose-gc on the command line, so each timed run starts from a collected heap.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function loadService(): Service {
  return require('../server/src/service') as Service;
}

// ---------------------------------------------------------------------------------------------------------------
// Timing

interface Timing {
  min: number;
  median: number;
  runs: number;
  all: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timing(xs: number[]): Timing {
  return { min: Math.min(...xs), median: median(xs), runs: xs.length, all: xs.map((x) => Math.round(x * 100) / 100) };
}

/**
 * Times two contenders alternately (a, b, a, b, ...) so that both see the same machine load: on a shared 2-core
 * machine the load changes from second to second, and a ratio of two medians taken minutes apart would measure it.
 */
async function race(a: (i: number) => unknown, b: (i: number) => unknown, warmup: number, runs: number, collect = true): Promise<[Timing, Timing]> {
  for (let i = 0; i < warmup; i++) { await a(i); await b(i); }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [fn, into] of [[a, ta], [b, tb]] as const) {
      if (collect) gc();
      const s = performance.now();
      await fn(warmup + i);
      into.push(performance.now() - s);
    }
  }
  return [timing(ta), timing(tb)];
}

// ---------------------------------------------------------------------------------------------------------------
// The anchor

function anchorService() {
  const info = buildAnchorSchema();
  const ls = getLanguageService({});
  ls.configure({ validate: true, allowComments: false, schemas: [{ uri: 'bench://anchor.schema.json', fileMatch: ['*.json'], schema: info.schema }] });
  const validate = async (text: string, version = 1) => {
    const doc = JsonTextDocument.create(URI, 'json', version, text);
    return ls.doValidation(doc, ls.parseJSONDocument(doc));
  };
  /** A parsed document kept as an editor keeps it, for hover and completion. */
  const open = (text: string) => {
    const doc = JsonTextDocument.create(URI, 'json', 1, text);
    return { doc, json: ls.parseJSONDocument(doc) };
  };
  const hover = (o: ReturnType<typeof open>, offset: number) => ls.doHover(o.doc, o.doc.positionAt(offset), o.json);
  const complete = (o: ReturnType<typeof open>, offset: number) => ls.doComplete(o.doc, o.doc.positionAt(offset), o.json);
  return { info, validate, open, hover, complete };
}

// ---------------------------------------------------------------------------------------------------------------
// The one-character edit, as the server does it

interface EditSession {
  /** One edit as the server does it: text buffer update, registry update, diagnostics, LSP ranges. Returns the per-step times. */
  edit(ch: string): { update: number; diagnostics: number; textDocument: number; positions: number; count: number; lastUpdate: string };
  doc: InstanceType<Service['RegistryDocument']>;
}

function editSession(service: Service, text: string, offset: number): EditSession {
  const doc = new service.RegistryDocument(text, SETTINGS);
  const textDoc = new TextBuffer(URI, 1, text);
  let version = 1;
  return {
    doc,
    edit(ch: string) {
      const s0 = performance.now();
      const edit = textDoc.apply({ range: { start: textDoc.positionAt(offset), end: textDoc.positionAt(offset + 1) }, text: ch }, ++version);
      const s1 = performance.now();
      doc.update([edit]);
      const s2 = performance.now();
      const diags = doc.diagnostics();
      const s3 = performance.now();
      const ranges = diags.map((d) => ({ start: textDoc.positionAt(d.offset), end: textDoc.positionAt(d.offset + d.length) }));
      const s4 = performance.now();
      return { textDocument: s1 - s0, update: s2 - s1, diagnostics: s3 - s2, positions: s4 - s3, count: ranges.length, lastUpdate: doc.lastUpdate };
    },
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function editOffsetOf(text: string): number {
  const span = modelNameValueOffset(text, EDIT_ENTRY);
  if (!span) throw new Error(`entry ${EDIT_ENTRY} has no model_name`);
  return span.offset + 1; // the first character inside the quotes
}

// ---------------------------------------------------------------------------------------------------------------
// Child modes: a truly cold first check, and profiles

/** `--cold <ours|anchor> <file>`: a fresh process timing its very first full check, printed as JSON. */
async function coldChild(which: string, file: string): Promise<void> {
  const text = readFileSync(file, 'utf8');
  if (which === 'ours') {
    const s0 = performance.now();
    const service = loadService();
    const loaded = performance.now();
    const diags = new service.RegistryDocument(text, SETTINGS).diagnostics();
    const done = performance.now();
    process.stdout.write(JSON.stringify({ importMs: loaded - s0, firstMs: done - loaded, diagnostics: diags.length }));
  } else {
    const anchor = anchorService();
    const s = performance.now();
    const diags = await anchor.validate(text);
    process.stdout.write(JSON.stringify({ firstMs: performance.now() - s, diagnostics: diags.length }));
  }
}

function runCold(which: 'ours' | 'anchor', file: string): { firstMs: number; importMs?: number; diagnostics: number } | undefined {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--cold', which, file], { encoding: 'utf8', timeout: 60_000 });
  try {
    return JSON.parse(r.stdout);
  } catch {
    console.log(`  (cold ${which} run failed: ${r.stderr.slice(0, 500)})`);
    return undefined;
  }
}

/** `--profile-child <full|edit> <file>`: profiles full checks or edits of the 10x registry; prints a summary. */
async function profileChild(mode: string, file: string): Promise<void> {
  const service = loadService();
  const big = multiplyRegistry(readFileSync(file, 'utf8'), 10);
  let summary: ProfileSummary;
  if (mode === 'full') {
    for (let i = 0; i < 2; i++) new service.RegistryDocument(big, SETTINGS).diagnostics();
    summary = summarizeProfile(await profile(() => { for (let i = 0; i < 5; i++) new service.RegistryDocument(big, SETTINGS).diagnostics(); }));
    summary.totalMs /= 5;
    for (const r of [...summary.byFile, ...summary.byFunction, ...summary.checks]) r.ms /= 5;
  } else {
    const session = editSession(service, big, editOffsetOf(big));
    for (let i = 0; i < 10; i++) session.edit(ALPHABET[i % ALPHABET.length]);
    const n = 200;
    summary = summarizeProfile(await profile(() => { for (let i = 0; i < n; i++) session.edit(ALPHABET[(i + 10) % ALPHABET.length]); }));
    summary.totalMs /= n;
    for (const r of [...summary.byFile, ...summary.byFunction, ...summary.checks]) r.ms /= n;
  }
  process.stdout.write(JSON.stringify(summary));
}

// ---------------------------------------------------------------------------------------------------------------
// Output

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
const kb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1000)} KB`);

function printProfile(title: string, p: ProfileSummary | string): void {
  if (typeof p === 'string') {
    console.log(`${title}: ${p}`);
    return;
  }
  console.log(`${title} (sampling profile, self time per run; ${fmt(p.totalMs)} ms sampled per run):`);
  console.log('  by file:');
  for (const r of p.byFile.slice(0, 10)) console.log(`    ${r.file.padEnd(56)} ${fmt(r.ms).padStart(8)} ms  ${((100 * r.ms) / p.totalMs).toFixed(1).padStart(5)}%`);
  console.log('  by function:');
  for (const r of p.byFunction.slice(0, 10)) console.log(`    ${r.fn.slice(0, 80).padEnd(80)} ${fmt(r.ms).padStart(8)} ms`);
  console.log('  service functions, inclusive (self + callees):');
  for (const r of p.checks.filter((c) => c.ms >= 0.05).slice(0, 20)) console.log(`    ${r.fn.slice(0, 80).padEnd(80)} ${fmt(r.ms).padStart(8)} ms`);
}

function printMemory(m: ServerMemoryResult, summary: string[]): void {
  const mb = (x: number) => `${x.toFixed(0)} MB`;
  const line = `server memory, 2.3 MB file:`.padEnd(40) +
    `RSS ${mb(m.openRssMB)} (idle ${mb(m.idleRssMB)}, +${mb(m.openRssMB - m.idleRssMB)}) peak ${mb(m.openHwmMB)}`;
  const perEdit = (m.settledRssMB - m.afterFewEditsRssMB) / (m.edits - 6);
  const typing = `server memory while typing:`.padEnd(40) +
    `RSS ${mb(m.afterFewEditsRssMB)} after 6 edits, ${mb(m.settledRssMB)} after ${m.edits} (${perEdit >= 0 ? '+' : ''}${perEdit.toFixed(1)} MB per edit), peak ${mb(m.peakAfterEditsMB)}`;
  console.log(line);
  console.log(typing);
  console.log(`  didOpen -> publishDiagnostics ${fmt(m.openToDiagnosticsMs)} ms (${m.diagnosticsCount} diagnostics); one-char didChange -> publish: median ` +
    `${fmt(median(m.editToDiagnosticsMs))} ms, max ${fmt(Math.max(...m.editToDiagnosticsMs))} ms; configuration sections asked: ${m.configurationSections.join(', ') || 'none'}`);
  summary.push(line, typing);
  summary.push(`server didChange -> publish, 2300 entries:`.padEnd(40) + `median ${fmt(median(m.editToDiagnosticsMs))} ms (didOpen -> publish ${fmt(m.openToDiagnosticsMs)} ms)`);
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const flag = (name: string) => process.argv.indexOf(name);
  if (flag('--cold') >= 0) return coldChild(process.argv[flag('--cold') + 1], process.argv[flag('--cold') + 2]);
  if (flag('--profile-child') >= 0) return profileChild(process.argv[flag('--profile-child') + 1], process.argv[flag('--profile-child') + 2]);

  const header = `clem-registry bench (node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}; load average ${os.loadavg()[0].toFixed(1)} at start)`;
  console.log(header);
  const bigPath = path.join(CORPUS, BIG_FILE);
  if (!existsSync(bigPath)) {
    console.log(`The real registries are not there: ${CORPUS} has no ${BIG_FILE}. Nothing to measure.`);
    return;
  }
  if (!schemasPresent()) {
    console.log('schemas/backends/ has no schema yet, so the checker cannot run. Nothing to measure.');
    return;
  }
  const service = loadService();
  const { RegistryDocument, checkRegistry } = service;
  const anchor = anchorService();
  console.log(`anchor: vscode-json-languageservice with a flat draft-07 schema from schemas/ (${anchor.info.backends.length} backends, ` +
    `${anchor.info.entryKeys} entry keys, ${anchor.info.configKeys} model_config keys, additionalProperties: false)`);
  console.log('timing: ours and the anchor alternate run by run (same machine load), median and min');

  const realText = readFileSync(bigPath, 'utf8');
  const bigText = multiplyRegistry(realText, 10);
  const results: Record<string, unknown> = { node: process.version, cores: os.cpus().length, cpu: os.cpus()[0]?.model, date: new Date().toISOString(), loadAverage: os.loadavg() };
  const summary: string[] = [];
  let missed = false;

  // a. and b.: full checks; a new RegistryDocument each run (no entry cache), module-level memo caches stay warm.
  // Two regimes: from a collected heap (gc() before each run) and steady state (no forced collection, as a
  // language server runs). Both contenders get the same regime in the same alternating race.
  for (const [label, key, text, warmup, runs] of [
    ['230 entries', 'full230', realText, 5, 41],
    ['2300 entries', 'full2300', bigText, 2, 7],
  ] as const) {
    const entries = (JSON.parse(text) as unknown[]).length;
    const bytes = Buffer.byteLength(text);
    const oursCount = new RegistryDocument(text, SETTINGS).diagnostics().length;
    const anchorCount = (await anchor.validate(text)).length;
    for (const collect of [true, false]) {
      const [ours, anc] = await race(() => new RegistryDocument(text, SETTINGS).diagnostics(), () => anchor.validate(text), warmup, runs, collect);
      const ratio = ours.median / anc.median;
      missed ||= ratio > 0.5;
      const regime = collect ? 'collected heap' : 'steady state';
      results[`${key}${collect ? '' : 'Steady'}`] = { entries, bytes, regime, ours, anchor: anc, ratio, goal: '<= 0.5', met: ratio <= 0.5, oursDiagnostics: oursCount, anchorDiagnostics: anchorCount };
      const line = `full check, ${label} (${kb(bytes)}), ${regime}:`.padEnd(56) +
        `ours ${fmt(ours.median)} ms (min ${fmt(ours.min)})   anchor ${fmt(anc.median)} ms (min ${fmt(anc.min)})   ratio ${ratio.toFixed(2)}  (goal <= 0.5: ${mark(ratio <= 0.5)})`;
      console.log(line);
      summary.push(line);
    }
    console.log(`  ${entries} entries, ${bytes} bytes; diagnostics: ours ${oursCount}, anchor ${anchorCount}; median of ${runs} after ${warmup} warm-up; ` +
      'a new RegistryDocument each run, module-level memo caches (regex, templates) stay warm');
  }
  const coldOurs = runCold('ours', bigPath);
  const coldAnchor = runCold('anchor', bigPath);
  if (coldOurs && coldAnchor) {
    const line = `first check in a fresh process, 230:`.padEnd(40) +
      `ours ${fmt(coldOurs.firstMs)} ms (+ ${fmt(coldOurs.importMs ?? 0)} ms module load)   anchor ${fmt(coldAnchor.firstMs)} ms   ratio ${(coldOurs.firstMs / coldAnchor.firstMs).toFixed(2)}`;
    console.log(line);
    summary.push(line);
    results.cold230 = { ours: coldOurs, anchor: coldAnchor };
  }

  // c. a one-character edit inside entry 1150's model_name: incremental, with the LSP ranges the server computes
  const editOffset = editOffsetOf(bigText);
  const session = editSession(service, bigText, editOffset);
  const hit = editSession(service, bigText, editOffset);
  const parts = { update: [] as number[], diagnostics: [] as number[], textDocument: [] as number[], positions: [] as number[] };
  let lastUpdate = '';
  let count = 0;
  let anchorVersion = 1;
  const [oursEdit, ancEdit] = await race((i) => {
    // A new character each run: the entry's text is new, so it is really re-checked (no cache hit).
    const r = session.edit(ALPHABET[i % ALPHABET.length]);
    if (r.lastUpdate !== 'incremental') throw new Error(`edit ${i} was not incremental`);
    lastUpdate = r.lastUpdate;
    count = r.count;
    if (i >= 3) { parts.update.push(r.update); parts.diagnostics.push(r.diagnostics); parts.textDocument.push(r.textDocument); parts.positions.push(r.positions); }
  }, (i) => {
    const text = bigText.slice(0, editOffset) + ALPHABET[i % ALPHABET.length] + bigText.slice(editOffset + 1);
    return anchor.validate(text, ++anchorVersion);
  }, 3, 9, false);
  // More samples of ours alone (it is short), then the alternating-x/y variant where the entry cache hits.
  const oursMore: number[] = [];
  for (let i = 12; i < 52; i++) {
    const s = performance.now();
    session.edit(ALPHABET[i % ALPHABET.length]);
    oursMore.push(performance.now() - s);
  }
  for (let i = 0; i < 4; i++) hit.edit(i % 2 ? 'y' : 'x');
  const hitTimes: number[] = [];
  for (let i = 0; i < 40; i++) {
    const s = performance.now();
    hit.edit(i % 2 ? 'y' : 'x');
    hitTimes.push(performance.now() - s);
  }
  const ours = timing([...oursEdit.all, ...oursMore]);
  const fullOfFinal = checkRegistry(session.doc.getText(), SETTINGS);
  const key = (d: { code: string; offset: number; length: number; message: string }) => `${d.offset}|${d.code}|${d.length}|${d.message}`;
  const same = JSON.stringify(session.doc.diagnostics().map(key).sort()) === JSON.stringify(fullOfFinal.map(key).sort());
  const speedup = ancEdit.median / ours.median;
  const editMet = ours.median <= 5 && speedup >= 40;
  missed ||= !editMet;
  const stepMedians = { update: median(parts.update), diagnostics: median(parts.diagnostics), textDocumentUpdate: median(parts.textDocument), positionAt: median(parts.positions) };
  results.edit2300 = {
    entry: EDIT_ENTRY, offset: editOffset, lastUpdate, incrementalEqualsFull: same, ours, oursSteps: stepMedians,
    oursAlternatingCacheHit: timing(hitTimes), anchor: ancEdit, speedup, goal: { oursMs: '<= 5', speedup: '>= 40' }, met: editMet, diagnostics: count,
  };
  const editLine = `one-char edit, 2300 entries:`.padEnd(40) +
    `ours ${fmt(ours.median)} ms (min ${fmt(ours.min)})   anchor ${fmt(ancEdit.median)} ms   speedup ${speedup.toFixed(0)}x  (goal <= 5 ms, >= 40x: ${mark(editMet)})`;
  console.log(editLine);
  console.log(`  lastUpdate: ${lastUpdate}; after the edits, the document's diagnostics equal a full check of its text: ${same ? 'yes' : 'NO'}`);
  console.log(`  ours per step (median): doc.update ${fmt(stepMedians.update)} ms, doc.diagnostics() ${fmt(stepMedians.diagnostics)} ms, ` +
    `TextBuffer.apply ${fmt(stepMedians.textDocumentUpdate)} ms, positionAt for ${count} diagnostics ${fmt(stepMedians.positionAt)} ms`);
  console.log(`  each run types a new character, so the entry is re-checked; alternating x/y instead hits the entry cache: ${fmt(median(hitTimes))} ms`);
  summary.push(editLine);

  // Where the time goes: timers around each step of a full check, and sampling profiles when a goal is missed.
  const { breakdownFullCheck, crossEntryTime } = require('./breakdown') as typeof import('./breakdown');
  const rows = breakdownFullCheck(bigText, new RegistryDocument('[]', SETTINGS).version);
  // The first diagnostics() of a document places every entry's findings and builds the cross-entry index (part of a
  // full check); later calls, as after each edit, reuse both.
  let doc = new RegistryDocument(bigText, SETTINGS);
  const firstDiagTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    doc = new RegistryDocument(bigText, SETTINGS);
    const s = performance.now();
    doc.diagnostics();
    firstDiagTimes.push(performance.now() - s);
  }
  const diagTimes: number[] = [];
  for (let i = 0; i < 7; i++) { const s = performance.now(); doc.diagnostics(); diagTimes.push(performance.now() - s); }
  const cross = crossEntryTime(doc);
  rows.push({ step: 'diagnostics(): placed findings, summaries', ms: median(firstDiagTimes) - (cross ?? 0) });
  if (cross !== undefined) rows.push({ step: 'diagnostics(): cross-entry rules', ms: cross });
  rows.sort((a, b) => b.ms - a.ms);
  const total = rows.reduce((a, r) => a + r.ms, 0);
  console.log(`full check of 2300 entries, step by step (timers around each step, min of 3 passes; sum ${fmt(total)} ms; ` +
    `diagnostics() again, as after each edit: ${fmt(median(diagTimes))} ms):`);
  for (const r of rows) console.log(`  ${r.step.padEnd(44)} ${fmt(r.ms).padStart(8)} ms  ${((100 * r.ms) / total).toFixed(1).padStart(5)}%`);
  results.breakdown2300 = { rows, sumMs: total, firstDiagnosticsMs: median(firstDiagTimes), diagnosticsMs: median(diagTimes), crossEntryMs: cross };
  if (missed || process.argv.includes('--profile')) {
    const full = profileInChild('full', bigPath);
    printProfile('profile: full check, 2300 entries', full);
    const edit = profileInChild('edit', bigPath);
    printProfile('profile: one-char edit + diagnostics + LSP ranges, 2300 entries', edit);
    results.profiles = { full, edit };
  }

  // e. authoring help on the 2,300-entry file: hover, completion and code actions against the anchor's hover and
  // completion, on documents already parsed as an editor keeps them
  {
    const svc = service as unknown as typeof import('../server/src/service');
    const doc = new RegistryDocument(bigText, SETTINGS);
    doc.diagnostics();
    const ours = doc as unknown as InstanceType<typeof svc.RegistryDocument>;
    const entry = ours.entries()[EDIT_ENTRY];
    const keyAt = entry.start + entry.text.indexOf('"model_config"') + 2;
    const inConfig = entry.start + entry.text.indexOf('"model_config"') + entry.text.slice(entry.text.indexOf('"model_config"')).indexOf('{') + 1;
    // A finding that has a fix, near the middle of the file.
    const fixable = ours.diagnostics().filter((d) => svc.quickFixes(ours, d).length > 0);
    const finding = fixable.find((d) => d.offset >= entry.start) ?? fixable[0];
    // The costliest fix: renaming a duplicate looks at every entry's name.
    const duplicate = fixable.find((d) => d.code === 'duplicate-model-name');
    const opened = anchor.open(bigText);
    // Awaited, so that the anchor's promise-returning calls are timed to their result.
    const time = async (fn: () => unknown, n = 41) => {
      for (let i = 0; i < 5; i++) await fn();
      const xs: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await fn();
        xs.push(performance.now() - t);
      }
      return timing(xs);
    };
    const rows = [
      ['hover on a key', await time(() => svc.hover(ours, keyAt)), await time(() => anchor.hover(opened, keyAt))],
      ['completion in model_config', await time(() => svc.complete(ours, inConfig)), await time(() => anchor.complete(opened, inConfig))],
      [`code actions for a finding (${finding.code})`, await time(() => svc.quickFixes(ours, finding)), undefined],
      ...(duplicate ? [['code actions for a duplicate entry', await time(() => svc.quickFixes(ours, duplicate)), undefined] as const] : []),
    ] as const;
    results.authoring2300 = {};
    for (const [label, o, a] of rows) {
      const line = `${label}, 2300 entries:`.padEnd(40) + `ours ${fmt(o.median)} ms (max ${fmt(Math.max(...o.all))})` +
        (a ? `   anchor ${fmt(a.median)} ms` : '   (the anchor has no code actions)') + `  (goal < 20 ms: ${mark(o.median < 20)})`;
      console.log(line);
      summary.push(line);
      (results.authoring2300 as Record<string, unknown>)[label] = { ours: o, anchor: a };
    }
  }

  // d. the server's memory with the 2.3 MB file open
  const mem = await measureServerMemory(path.resolve(__dirname, '../dist/server.js'), bigText, { ...SETTINGS, debounceMs: 0 });
  if (typeof mem === 'string') {
    console.log(`server memory: ${mem}`);
    summary.push(`server memory, 2.3 MB file:`.padEnd(40) + mem);
    results.serverMemory = { skipped: mem };
  } else {
    printMemory(mem, summary);
    results.serverMemory = mem;
  }

  console.log('');
  console.log(header);
  for (const line of summary) console.log(line);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), path.join(OUT, 'results.json'))}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
