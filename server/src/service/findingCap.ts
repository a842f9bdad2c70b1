// How many findings of one code a document lists: a file of 100,000 empty entries would otherwise have 200,000
// findings, more than any editor or terminal shows usefully (and than memory holds once placed). Past the cap, one
// finding counts the rest of that code.
import type { RegistryDiagnostic, ServiceSettings, Severity } from './types';

export const MAX_FINDINGS_PER_CODE = 1000;

interface Overflow {
  /** The first finding that was not listed: where the count is reported. */
  first: RegistryDiagnostic;
  count: number;
}

/** Collects a document's findings in order: severity overrides applied, and at most MAX_FINDINGS_PER_CODE per code. */
export class FindingCap {
  readonly out: RegistryDiagnostic[] = [];
  private readonly listed = new Map<string, number>();
  private readonly overflow = new Map<string, Overflow>();
  private readonly overrides: Record<string, Severity | 'off'>;

  constructor(settings: ServiceSettings) {
    this.overrides = settings.severity ?? {};
  }

  /** Whether a finding of `code` must be seen whole (listed, or the first one past the cap), not just counted. */
  wantsWhole(code: string): boolean {
    return this.overrides[code] !== 'off' && ((this.listed.get(code) ?? 0) < MAX_FINDINGS_PER_CODE || !this.overflow.has(code));
  }

  add(d: RegistryDiagnostic): void {
    const level = this.overrides[d.code];
    if (level === 'off') return;
    const n = this.listed.get(d.code) ?? 0;
    if (n < MAX_FINDINGS_PER_CODE) {
      this.listed.set(d.code, n + 1);
      this.out.push(level ? { ...d, severity: level } : d);
      return;
    }
    const over = this.overflow.get(d.code);
    if (over) over.count++;
    else this.overflow.set(d.code, { first: level ? { ...d, severity: level } : d, count: 1 });
  }

  /** Counts a finding of `code` past the cap without building it (after wantsWhole said no). */
  count(code: string): void {
    const over = this.overflow.get(code);
    if (over) over.count++;
  }

  /** The findings, with one per capped code that says how many more there are. */
  finish(): RegistryDiagnostic[] {
    for (const { first, count } of this.overflow.values()) this.out.push(moreFindings(first, count));
    return this.out;
  }
}

/** The finding that stands for `count` more findings like `first` (the first of them), which are not listed. */
export function moreFindings(first: RegistryDiagnostic, count: number): RegistryDiagnostic {
  return {
    code: first.code, severity: first.severity, offset: first.offset, length: first.length, path: first.path,
    message: `${count.toLocaleString('en-US')} more \`${first.code}\` ${count === 1 ? 'finding follows' : 'findings follow'} from here, like the ${MAX_FINDINGS_PER_CODE.toLocaleString('en-US')} before, not listed one by one.`,
  };
}
