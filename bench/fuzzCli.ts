// `npm run bench:fuzz`: the command line's fuzz test (test/cli/fuzz.test.ts) at scale. Mutations of the real
// registries, each checked by the built CLI in a process of its own and by Python's json.load as clemcore calls it;
// prints per family the cases, Python's verdicts, agreements, exit statuses, and the slowest case, then every failure.
// Options: --per-family N (default 100), --start N (first case index, to go on from an earlier run), --parallel N.
import * as os from 'node:os';
import { CLI, FAMILIES, loadSeeds, makeCase, runCases, type CaseResult } from '../test/support/cliFuzz';
import { pythonLabel } from '../test/support/python';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const perFamily = arg('per-family', 100);
  const start = arg('start', 0);
  const parallel = arg('parallel', Math.min(2, os.availableParallelism()));
  const seeds = loadSeeds();
  const cases = FAMILIES.flatMap((family) => Array.from({ length: perFamily }, (_, i) => makeCase(family, start + i, seeds)));
  console.log(`${cases.length} cases (${perFamily} per family from index ${start}) of ${seeds.source}; CLI ${CLI}; judge ${pythonLabel()}; ${parallel} at a time`);
  const began = Date.now();
  let done = 0;
  const results = await runCases(cases, parallel, () => {
    if (++done % 100 === 0) process.stderr.write(`  ${done}/${cases.length}\n`);
  });
  console.log('family         cases  python: read / refused   CLI agrees   exit 0 / 1 / other   failures   slowest');
  for (const family of FAMILIES) {
    const of = results.filter((r) => r.case.family === family);
    const read = of.filter((r) => r.python.accepted).length;
    const agree = of.filter((r) => r.cliRejects !== undefined && r.cliRejects !== r.python.accepted).length;
    const exits = [0, 1].map((s) => of.filter((r) => r.status === s).length);
    const slowest = of.reduce((a, b) => (b.ms > a.ms ? b : a));
    console.log(
      `${family.padEnd(14)} ${String(of.length).padStart(5)}  ${String(read).padStart(12)} / ${String(of.length - read).padEnd(8)} ${String(agree).padStart(10)}   ${`${exits[0]} / ${exits[1]} / ${of.length - exits[0] - exits[1]}`.padEnd(20)} ${String(of.filter((r) => r.problems.length).length).padStart(8)}   ${slowest.ms} ms (${slowest.case.id}: ${slowest.case.note})`,
    );
  }
  const failures = results.filter((r) => r.problems.length);
  const total = (pick: (r: CaseResult) => boolean) => results.filter(pick).length;
  console.log(`all: ${results.length} cases in ${Math.round((Date.now() - began) / 1000)} s; Python read ${total((r) => r.python.accepted)}, refused ${total((r) => !r.python.accepted)}; the CLI agreed on ${total((r) => r.cliRejects !== undefined && r.cliRejects !== r.python.accepted)}; ${failures.length} failures`);
  for (const f of failures) console.log(`FAIL ${f.case.id} (${f.case.note}): ${f.problems.join('; ')}`);
  process.exitCode = failures.length ? 1 : 0;
}

void main();
