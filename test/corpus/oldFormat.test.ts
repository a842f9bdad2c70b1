// The registries of clemcore's history in the format before March 2025 (../shared/corpus/history): each entry is
// recognised once, its values are checked where that era's runtime read them, and the file-wide migration puts
// every key where clemcore's own migration (fb70181b) put it, apart from the differences listed below.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RegistryDocument, quickFixes, type FixEdit, type RegistryDiagnostic } from '../../server/src/service';

const HISTORY = path.resolve(__dirname, '../../../shared/corpus/history');
const LAST_OLD = path.join(HISTORY, 'clemcore-2025-03-13-deabcde1-old-format.json');
const MIGRATED = path.join(HISTORY, 'clemcore-2025-03-14-fb70181b-format-change.json');
const TEN_WEEKS = path.join(HISTORY, 'clemcore-2024-08-26-dd9e2be6-old-format.json');
const skip = [LAST_OLD, MIGRATED, TEN_WEEKS].every((f) => fs.existsSync(f)) ? false : 'no ../shared/corpus/history on this machine';

type Entry = Record<string, unknown> & { model_name: string; backend: string };

function migrateAll(text: string): string {
  const doc = new RegistryDocument(text, { clemcoreVersion: '3.3' });
  const first = doc.diagnostics().find((d) => d.code === 'old-format-entry');
  assert.ok(first);
  const all = quickFixes(doc, first).find((f) => f.title.startsWith('Migrate all'));
  assert.ok(all);
  let out = text;
  for (const e of [...all.edits].sort((a: FixEdit, b: FixEdit) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

/** Where each key of an entry stands: `key`, `model_config.key`, `model_config.multimodality.key`. */
function keyPaths(e: Entry): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(e)) {
    if (k !== 'model_config' || !v || typeof v !== 'object') {
      out.add(k);
      continue;
    }
    for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) {
      out.add(`model_config.${k2}`);
      if (k2 === 'multimodality' && v2 && typeof v2 === 'object') for (const k3 of Object.keys(v2)) out.add(`model_config.multimodality.${k3}`);
    }
  }
  return out;
}

/** Errors as `entry name: code path`, to compare a file before and after its migration by cause. */
function errors(text: string, diags: RegistryDiagnostic[]): Set<string> {
  const entries = JSON.parse(text) as Entry[];
  const key = (d: RegistryDiagnostic) => {
    const [i, ...rest] = d.path;
    const last = rest.filter((p) => p !== 'model_config').join('.');
    const missing = d.data?.missingKeys?.map((m) => m.key).join(',') ?? '';
    return `${typeof i === 'number' ? entries[i].model_name : ''}: ${d.code} ${last}${missing}`;
  };
  return new Set(diags.filter((d) => d.severity === 'error' && d.code !== 'old-format-entry').map(key));
}

const METADATA = new Set(['languages', 'license', 'context_size']);

describe('registries in the old format', { skip }, () => {
  it('the migration puts every key where clemcore put it, but for what clemcore edited or broke in the same commit', () => {
    const text = fs.readFileSync(LAST_OLD, 'utf8');
    const ours = JSON.parse(migrateAll(text)) as Entry[];
    const old = JSON.parse(text) as Entry[];
    const theirs = JSON.parse(fs.readFileSync(MIGRATED, 'utf8')) as Entry[];
    assert.equal(ours.length, theirs.length);
    const kinds = new Map<string, string[]>();
    for (let i = 0; i < ours.length; i++) {
      assert.equal(ours[i].model_name, theirs[i].model_name);
      const a = [...keyPaths(ours[i])].filter((p) => !METADATA.has(p));
      const b = [...keyPaths(theirs[i])].filter((p) => !METADATA.has(p));
      const onlyOurs = a.filter((p) => !b.includes(p));
      const onlyTheirs = b.filter((p) => !a.includes(p));
      for (const p of [...onlyOurs, ...onlyTheirs]) {
        const leaf = p.split('.').pop()!;
        // Metadata the commit rewrote: it turned `parameters` into `estimated_parameters` for closed models and
        // dropped some, besides adding languages, context_size and license.
        const theirsHas = 'estimated_parameters' in ((theirs[i].model_config as object | undefined) ?? {}) || 'estimated_parameters' in theirs[i];
        const created = onlyTheirs.includes(p) && !('estimated_parameters' in old[i]);
        const dropped = onlyOurs.includes(p) && !theirsHas;
        const kind = leaf === 'estimated_parameters' && (created || dropped) ? 'estimated_parameters edited'
          // The commit wrote `o1_model`, an older name the code does not read (spec, mistake 18).
          : (leaf === 'reasoning_model' || leaf === 'o1_model') ? 'o1_model regression'
          // It put claude-3-7-sonnet's capability flags straight into model_config (spec, mistake 18b).
          : ['single_image', 'multiple_images', 'audio', 'video', 'multimodality'].includes(leaf) && ours[i].model_name === 'claude-3-7-sonnet-20250219' ? 'flags outside multimodality'
          : 'unexplained';
        kinds.set(kind, [...(kinds.get(kind) ?? []), `${ours[i].model_name}: ${onlyOurs.includes(p) ? 'ours' : 'clemcore'} ${p}`]);
      }
    }
    console.log(`migration differences: ${[...kinds].map(([k, v]) => `${k} x${v.length}`).join(', ')}`);
    if (process.env.CLEM_REGISTRY_SHOW_MIGRATION) console.log([...kinds].map(([k, v]) => `${k}:\n  ${v.join('\n  ')}`).join('\n'));
    assert.deepEqual(kinds.get('unexplained') ?? [], []);
    assert.equal(kinds.get('o1_model regression')?.length, 6);
    assert.ok((kinds.get('flags outside multimodality')?.length ?? 0) > 0);
  });

  it('a migrated file has no error the old one did not have', () => {
    const text = fs.readFileSync(LAST_OLD, 'utf8');
    const migrated = migrateAll(text);
    const before = errors(text, new RegistryDocument(text, { clemcoreVersion: '3.3' }).diagnostics());
    const after = errors(migrated, new RegistryDocument(migrated, { clemcoreVersion: '3.3' }).diagnostics());
    assert.deepEqual([...after].filter((e) => !before.has(e)), []);
    const findings = new RegistryDocument(migrated, { clemcoreVersion: '3.3' }).diagnostics();
    assert.deepEqual(findings.filter((d) => d.code === 'old-format-entry' || d.code === 'misplaced-key'), []);
  });

  it('each old entry gets one old-format finding and no misplaced-key findings', () => {
    for (const [file, count] of [[LAST_OLD, 149], [TEN_WEEKS, 100]] as const) {
      const text = fs.readFileSync(file, 'utf8');
      const diags = new RegistryDocument(text, { clemcoreVersion: '3.3' }).diagnostics();
      const perEntry = new Map<unknown, number>();
      for (const d of diags.filter((x) => x.code === 'old-format-entry')) perEntry.set(d.path[0], (perEntry.get(d.path[0]) ?? 0) + 1);
      assert.ok([...perEntry.values()].every((n) => n === 1));
      // The others have no key to move (a remote entry with only its id and metadata).
      assert.equal(perEntry.size, count, `${path.basename(file)}: old-format entries`);
      assert.deepEqual(diags.filter((d) => d.code === 'misplaced-key'), [], path.basename(file));
    }
  });

  it('the ten weeks of 2024: the unescaped <|im_end|> is reported where that runtime read it', () => {
    const text = fs.readFileSync(TEN_WEEKS, 'utf8');
    const entries = JSON.parse(text) as Entry[];
    const unescaped = entries.filter((e) => e.eos_to_cull === '<|im_end|>').map((e) => e.model_name);
    assert.equal(unescaped.length, 10);
    const diags = new RegistryDocument(text, { clemcoreVersion: '3.3' }).diagnostics();
    const flagged = new Set(diags.filter((d) => d.code === 'regex-unescaped-bar' && d.path[1] === 'eos_to_cull').map((d) => entries[d.path[0] as number].model_name));
    for (const name of unescaped) assert.ok(flagged.has(name), name);
  });
});
