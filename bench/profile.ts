// A CPU profile of our full check and of the one-character edit, summarised by source file and by function (self
// time), so a missed goal comes with where the time goes. The work runs in a fresh child, profiled only while it runs.
import { spawnSync } from 'node:child_process';
import inspector from 'node:inspector';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byFile: { file: string; ms: number }[];
  byFunction: { fn: string; ms: number }[];
  /** Inclusive time (self + callees) of the service's check functions: what each rule and value check costs. */
  checks: { fn: string; ms: number }[];
}

const ROOT = path.resolve(__dirname, '..');

function shortFile(url: string): string {
  if (!url) return '(native / gc / idle)';
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm).split('/').slice(0, 2).join('/');
  if (p.startsWith('node:')) return '(node internals)';
  return path.relative(ROOT, p);
}

/** Self time per file and per function from a .cpuprofile. */
export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') continue;
    total += ms;
    const file = name === '(garbage collector)' ? '(garbage collector)' : shortFile(n.callFrame.url);
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
    // Line numbers only for plain JavaScript: tsx-compiled TypeScript has no meaningful ones in a profile.
    const line = n.callFrame.url.includes('node_modules/') ? `:${n.callFrame.lineNumber + 1}` : '';
    const fn = `${name || '(anonymous)'} ${file}${line}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  // Inclusive time: each sample counts once for every distinct check function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, ms] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)!;
      const name = n.callFrame.functionName;
      if (!/^(check|analy[sz]e|parse|decode|nodeValue|properties|diagnostics|tryIncremental|setText|suggest|editDistance)/.test(name)) continue;
      if (!n.callFrame.url.includes('/server/src/')) continue;
      const key = `${name} ${shortFile(n.callFrame.url)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  }
  const sorted = (m: Map<string, number>, n = top) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return {
    totalMs: total,
    byFile: sorted(byFile).map(([file, ms]) => ({ file, ms })),
    byFunction: sorted(byFunction).map(([fn, ms]) => ({ fn, ms })),
    checks: sorted(inclusive, 30).map(([fn, ms]) => ({ fn, ms })),
  };
}

/** Profiles `work` with the inspector's sampling profiler (in this process), only while it runs. */
export async function profile(work: () => void): Promise<CpuProfile> {
  const session = new inspector.Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  work();
  const { profile: result } = await post<{ profile: CpuProfile }>('Profiler.stop');
  session.disconnect();
  return result;
}

/** Runs `bench/run.ts --profile-child <mode> <file>` in a fresh process; it prints a ProfileSummary as JSON. */
export function profileInChild(mode: 'full' | 'edit', file: string): ProfileSummary | string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'run.ts'), '--profile-child', mode, file],
    { encoding: 'utf8', timeout: 90_000, maxBuffer: 16 << 20 });
  try {
    return JSON.parse(r.stdout) as ProfileSummary;
  } catch {
    return `profile run failed: ${(r.stderr || r.stdout).slice(0, 800)}`;
  }
}
