// Reads the `clemRegistry` settings the client sends into validated server settings; anything malformed falls back
// to the default, so a typo in settings.json never stops checking.
// The service's modules are imported one by one: the main thread needs its codes and versions, not the checker.
import { DIAGNOSTIC_CODES } from '../service/codes';
import { getSchemaSet } from '../service/schemaSet';
import type { Severity } from '../service/types';

export interface ServerSettings {
  clemcoreVersion: string;
  severity: Record<string, Severity | 'off'>;
  debounceMs: number;
  /** Globs of further registry files; matched here for clients that do not match them themselves (all but VS Code). */
  files: string[];
}

export const DEFAULT_DEBOUNCE_MS = 150;
const MAX_DEBOUNCE_MS = 5000;
const LEVELS = new Set(['error', 'warning', 'information', 'hint', 'off']);

export function defaultSettings(): ServerSettings {
  return { clemcoreVersion: getSchemaSet().defaultVersion, severity: {}, debounceMs: DEFAULT_DEBOUNCE_MS, files: [] };
}

/** Validated settings from the raw `clemRegistry` object, plus a note for each value that was ignored. */
export function readSettings(raw: unknown): { settings: ServerSettings; problems: string[] } {
  const settings = defaultSettings();
  const problems: string[] = [];
  if (raw === null || raw === undefined) return { settings, problems };
  if (typeof raw !== 'object') return { settings, problems: ['clemRegistry settings are not an object; using the defaults.'] };
  const r = raw as Record<string, unknown>;

  const versions = getSchemaSet().versions;
  if (typeof r.clemcoreVersion === 'string' && versions.includes(r.clemcoreVersion)) settings.clemcoreVersion = r.clemcoreVersion;
  else if (r.clemcoreVersion !== undefined && r.clemcoreVersion !== null && r.clemcoreVersion !== '') {
    problems.push(`clemRegistry.clemcoreVersion ${JSON.stringify(r.clemcoreVersion)} is not one of ${versions.join(', ')}; using ${settings.clemcoreVersion}.`);
  }

  if (r.severity && typeof r.severity === 'object' && !Array.isArray(r.severity)) {
    for (const [code, level] of Object.entries(r.severity as Record<string, unknown>)) {
      if (!(code in DIAGNOSTIC_CODES)) problems.push(`clemRegistry.severity: unknown code ${JSON.stringify(code)} ignored.`);
      else if (typeof level !== 'string' || !LEVELS.has(level)) problems.push(`clemRegistry.severity: level ${JSON.stringify(level)} for ${code} ignored.`);
      else settings.severity[code] = level as Severity | 'off';
    }
  }

  if (Array.isArray(r.files)) {
    for (const glob of r.files) {
      if (typeof glob === 'string' && glob !== '') settings.files.push(glob);
      else problems.push(`clemRegistry.files: ${JSON.stringify(glob)} is not a glob pattern; ignored.`);
    }
  } else if (r.files !== undefined && r.files !== null) {
    problems.push('clemRegistry.files is not a list of glob patterns; ignored.');
  }

  if (typeof r.debounceMs === 'number' && Number.isFinite(r.debounceMs)) {
    settings.debounceMs = Math.min(Math.max(Math.round(r.debounceMs), 0), MAX_DEBOUNCE_MS);
  }
  return { settings, problems };
}
