// What the dry-run tests share: entries of the real registries (../shared/corpus, read at test time), one-entry
// registries around them, the findings at one key, and CPython's verdict on a finding's probe.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkRegistry, type RegistryDiagnostic, type ServiceSettings } from '../../server/src/service';
import { judgeTextPaths, type JudgeKind } from './judge';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
export const FILE_2025 = path.join(CORPUS, 'clemcore-2025-12-16-8bd08307.json');
export const FILE_2026 = path.join(CORPUS, 'clemcore-2026-04-15-ef82bb43.json');
export const noCorpus = fs.existsSync(FILE_2025) && fs.existsSync(FILE_2026) ? false : 'no ../shared/corpus on this machine';

export type Entry = Record<string, unknown> & { model_config: Record<string, unknown> };

/** A copy of a corpus entry, by model_name. */
export function corpusEntry(file: string, name: string): Entry {
  const found = (JSON.parse(fs.readFileSync(file, 'utf8')) as Entry[]).find((e) => e.model_name === name);
  assert.ok(found, `${name} is not in ${path.basename(file)}`);
  return structuredClone(found);
}

/** The entry with model_config keys set (undefined removes one). */
export function plant(entry: Entry, config: Record<string, unknown>): Entry {
  const copy = structuredClone(entry);
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined) delete copy.model_config[k];
    else copy.model_config[k] = v;
  }
  return copy;
}

export function registryText(entry: Entry): string {
  return JSON.stringify([entry], null, 2);
}

export function check(entry: Entry, version: string, settings: ServiceSettings = {}): RegistryDiagnostic[] {
  return checkRegistry(registryText(entry), { clemcoreVersion: version, ...settings });
}

/** The findings on model_config.<key>. */
export function atKey(diags: RegistryDiagnostic[], key: string): RegistryDiagnostic[] {
  return diags.filter((d) => d.path.length === 3 && d.path[1] === 'model_config' && d.path[2] === key);
}

export const DRY_RUN_CODES = ['eos-not-culled', 'reply-culled', 'cot-answer-lost', 'split-prefix-missing'];

export function dryRunFindings(diags: RegistryDiagnostic[]): RegistryDiagnostic[] {
  return diags.filter((d) => DRY_RUN_CODES.includes(d.code));
}

/** The one dry-run finding of an entry: its code and key must be these. */
export function expectFinding(entry: Entry, version: string, code: string, key: string, settings: ServiceSettings = {}): RegistryDiagnostic {
  const diags = check(entry, version, settings);
  const found = dryRunFindings(diags);
  assert.deepEqual(found.map((d) => `${d.code} ${d.path.slice(1).join('.')}`), [`${code} model_config.${key}`], diags.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return found[0];
}

export function expectQuiet(entry: Entry, version: string, settings: ServiceSettings = {}): void {
  const found = dryRunFindings(check(entry, version, settings));
  assert.deepEqual(found.map((d) => `${d.code}: ${d.message}`), []);
}

/**
 * CPython runs the backend's text path on the finding's probe: the reply must be the one the finding shows (or the
 * exception it names), and must not be the probe's answer.
 */
export function expectPythonAgrees(finding: RegistryDiagnostic, kind: JudgeKind, config: Record<string, unknown>, answer: string, pad: string | null = null): void {
  const dry = finding.data?.dryRun as { probe: string; reply?: string } | undefined;
  assert.ok(dry, 'the finding carries its dry run');
  const [verdict] = judgeTextPaths([[kind, dry.probe, '', config, pad]]);
  if (finding.code === 'split-prefix-missing') {
    assert.equal(verdict.error, 'IndexError');
    return;
  }
  assert.equal(verdict.reply, dry.reply);
  assert.notEqual(verdict.reply?.trim(), answer);
}
