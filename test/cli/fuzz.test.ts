// Seeded fuzzing of `clem-registry check` as users run it: mutations of real registries (byte flips, token edits,
// truncation, unicode, other encodings, huge values, deep nesting, floods of errors), each checked by the built CLI in
// a process of its own. For every file: exit status 0 or 1 and never a stack trace, a JSON report on stdout that
// agrees with the status, and the same verdict as Python's json.load as clemcore calls it (refused exactly when the
// CLI reports a finding that means Python's json refuses the file). bench/fuzzCli.ts runs many more cases.
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { test } from 'node:test';
import { CLI, FAMILIES, loadSeeds, makeCase, runCases } from '../support/cliFuzz';
import { pythonLabel } from '../support/python';

/** Cases per family: every variant of each family comes up at least once over this many. */
const PER_FAMILY = Number(process.env.CLEM_FUZZ_PER_FAMILY ?? 12);

test(`check agrees with ${pythonLabel()} on ${PER_FAMILY} mutated registries per family, and never crashes`, async (t) => {
  const seeds = loadSeeds();
  const cases = FAMILIES.flatMap((family) => Array.from({ length: PER_FAMILY }, (_, i) => makeCase(family, i, seeds, 0)));
  const results = await runCases(cases, Math.min(2, os.availableParallelism()));
  const failures = results.filter((r) => r.problems.length);
  const slowest = [...results].sort((a, b) => b.ms - a.ms)[0];
  t.diagnostic(`${results.length} cases of ${seeds.source}, CLI ${CLI}; refused by Python: ${results.filter((r) => !r.python.accepted).length}; slowest ${slowest.case.id} (${slowest.case.note}) ${slowest.ms} ms`);
  assert.deepEqual(failures.map((f) => `${f.case.id} (${f.case.note}): ${f.problems.join('; ')}`), []);
});
