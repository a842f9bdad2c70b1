// The report of "Test model entry" as it is built: one stage at a time, each handed to a listener as soon as it is
// done (so a crash of the worker loses nothing found before), with its facts and problems.
import { statSync } from 'node:fs';
import type { Fact, Outputs, Problem, ProblemLevel, Stage, StageId } from './report';

/** Reports each stage as soon as it is done, so a crash of the process loses nothing that was found. */
export type StageListener = (stage: Stage, problems: Problem[]) => void;

export class ReportBuilder {
  readonly stages: Stage[] = [];
  readonly problems: Problem[] = [];
  readonly output: Outputs = { raw: null, stripped: null, split: null, culled: null };
  private current: Stage | undefined;
  /** What stood in for clemcore's own runtime, for the verdict's wording (huggingface_local runs on llama.cpp). */
  standIn: string | undefined;

  constructor(private readonly listener: StageListener | undefined) {}

  begin(id: StageId): Stage {
    this.end();
    this.current = { id, status: 'ok', facts: [] };
    return this.current;
  }

  fact(label: string, value: string, source?: string, block?: boolean | 'plain'): void {
    const f: Fact = { label, value };
    if (source) f.source = source;
    if (block) f.block = true;
    if (block === 'plain') f.plain = true;
    this.current!.facts.push(f);
  }

  problem(code: string, level: ProblemLevel, message: string): void {
    const stage = this.current!;
    this.problems.push({ code, level, stage: stage.id, message });
    const status = level === 'warning' ? 'warning' : 'failed';
    if (stage.status === 'ok' || (stage.status === 'warning' && status === 'failed')) stage.status = status;
  }

  log(lines: string[]): void {
    if (lines.length) this.current!.log = lines;
  }

  /** Marks the stages that were never reached. */
  skip(ids: StageId[], why: string): void {
    this.end();
    for (const id of ids) {
      if (this.stages.some((s) => s.id === id)) continue;
      const stage: Stage = { id, status: 'skipped', facts: [{ label: 'Skipped', value: why }] };
      this.stages.push(stage);
      this.listener?.(stage, []);
    }
  }

  end(): void {
    if (!this.current) return;
    const stage = this.current;
    this.current = undefined;
    this.stages.push(stage);
    this.listener?.(stage, this.problems.filter((p) => p.stage === stage.id));
  }
}

export const LATER: StageId[] = ['entry', 'model-file', 'load', 'template', 'generate', 'post-process'];
export const after = (id: StageId) => LATER.slice(LATER.indexOf(id) + 1);

/** A sentence ending in one full stop, whatever the text it is built from ends with. */
export function sentence(text: string): string {
  return `${withoutFullStop(text)}.`;
}

/** The text without the full stop (and whitespace) it may end with, to build a longer sentence from it. */
export function withoutFullStop(text: string): string {
  return text.replace(/[\s.]+$/, '');
}

export function bytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${(n / 2 ** 10).toFixed(1)} KiB`;
}

/** The model file's size as a fact of the current stage; false (and an error) when it is not a readable file. */
export function modelFileSize(r: ReportBuilder, file: string): boolean {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    r.fact('Size', bytes(st.size));
    return true;
  } catch {
    r.problem('model-file-missing', 'error', `The model file ${file} does not exist or cannot be read.`);
    return false;
  }
}
