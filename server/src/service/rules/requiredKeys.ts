// Required keys per backend and version, with the moment clemcore fails without them (from x-clem-required).
import { appliesTo, keyEntries, type KeySchema, type RequiredRule } from '../schemaSet';
import type { EntryContext } from '../context';
import type { DiagnosticCode } from '../codes';
import { conditionHolds, describeCondition } from './conditions';
import { entryAnchor } from './backend';
import { createdByMigration } from '../oldFormat';

/** One object level of a backend's schema (the entry, `model_config`, a nested object), as walked for one version. */
interface Level {
  keys: Record<string, KeySchema>;
  /** The keys some x-clem-required rule names for this version: the only ones worth a look. */
  requirable: [string, KeySchema][];
  /** The keys whose values are objects with hard requirements of their own in this version. */
  nested: { key: string; level: Level }[];
}

function levelOf(keys: Record<string, KeySchema>, version: string): Level {
  return { keys, requirable: requirable(keys, version), nested: nestedWithRequirements(keys, version).map(([key, s]) => ({ key, level: levelOf(s.properties!, version) })) };
}

/** The entry's and model_config's levels for the entry's backend and version, worked out once per backend. */
function levelsOf(ctx: EntryContext): { top: Level; config: Level } {
  return ctx.derived<{ top: Level; config: Level }>(levelsOf) ??
    ctx.derive(levelsOf, { top: levelOf(ctx.schemas.topKeys(ctx.backend), ctx.version), config: levelOf(ctx.schemas.configKeys(ctx.backend), ctx.version) });
}

export function checkRequiredKeys(ctx: EntryContext): void {
  if (!ctx.backend) return; // without a known backend the other rules say what is wrong
  const meta = ctx.backendSchema!['x-clem-backend'];
  const levels = levelsOf(ctx);
  checkLevel(ctx, levels.top, ctx.value, [], meta.metadata !== false);
  // In the old format the backend's keys stand at the top level, where that era's runtime read them: a key missing
  // there is missing after the migration too.
  if (ctx.oldFormat) checkLevel(ctx, levels.config, ctx.value, [], false);
  const config = ctx.value.model_config;
  // An old-format huggingface_multimodal model_config holds the model's kwargs: the old-format finding covers it.
  if (config && typeof config === 'object' && !Array.isArray(config) && !ctx.oldFormat) {
    checkLevel(ctx, levels.config, config as Record<string, unknown>, ['model_config'], true);
  }
}

function checkLevel(ctx: EntryContext, level: Level, obj: Record<string, unknown>, path: string[], withDocKeys: boolean): void {
  let missingHard: MissingKey[] | undefined;
  let missingDocs: { key: string; rule: RequiredRule }[] | undefined;
  const config = path.length === 0 ? ctx.config : undefined;
  for (const [key, schema] of level.requirable) {
    // A missing name or backend has its own rule, which says what clemcore then does to the whole file.
    if (key in obj || (path.length === 0 && (key === 'model_name' || key === 'backend'))) continue;
    // An entry in the old format lacks model_config by design, and the keys its migration makes: the old-format
    // finding says so, with the migration.
    if (path.length === 0 && ctx.oldFormat && (key === 'model_config' || createdByMigration(ctx.oldFormat, ctx.backend!).includes(key))) continue;
    // A key written at the other level is reported as misplaced, with the move that fixes both.
    if (config ? key in config : path.length === 1 && path[0] === 'model_config' && key in ctx.value) continue;
    const rule = applicableRule(schema, obj, ctx.version);
    if (!rule) continue;
    if (rule.when === 'docs') {
      if (withDocKeys) (missingDocs ??= []).push({ key, rule });
    } else (missingHard ??= []).push({ key, rule, schema });
  }
  const idKey = path.length === 0 ? ctx.backendSchema!['x-clem-backend'].idKey : undefined;
  // The other id key in its place is reported by the id-key rule, with the rename to make.
  const hard = (missingHard ?? []).filter(({ key }) => !(key === idKey && (idKey === 'model_id' ? 'huggingface_id' : 'model_id') in obj));
  const plain = hard.filter(({ rule }) => (rule.code ?? 'missing-key') === 'missing-key');
  // Several keys missing from one object are one finding: the object lacks them.
  if (plain.length > 1) reportMissingKeys(ctx, path, plain);
  for (const missing of plain.length > 1 ? hard.filter((m) => !plain.includes(m)) : hard) {
    const { key, rule, schema } = missing;
    const code = (rule.code as DiagnosticCode | undefined) ?? 'missing-key';
    ctx.report(code, anchorOf(ctx, path), path,
      `\`${[...path, key].join('.')}\` is missing. The ${ctx.backend} backend needs it${whenOf(rule)}: clemcore ${ctx.version} fails ${momentOf(rule)}${rule.message ? `: ${rule.message}` : ''}. Add it.`,
      { data: { key, missingKeys: [{ key, parentPath: path, type: typeName(schema) }] } });
  }
  // Objects with their own required keys, such as `multimodality`.
  for (const { key, level: nested } of level.nested) {
    const child = obj[key];
    if (path.length === 0 && key === 'model_config') continue;
    if (!child || typeof child !== 'object' || Array.isArray(child)) continue;
    // Nested objects get only the hard requirements; the value checks say what a `license` lacks.
    checkLevel(ctx, nested, child as Record<string, unknown>, [...path, key], false);
  }
  if (missingDocs) {
    ctx.report('missing-doc-key', anchorOf(ctx, path), path, docKeysMessage(missingDocs),
      { data: { missingKeys: missingDocs.map(({ key }) => ({ key, parentPath: path, type: typeName(level.keys[key]) })) } });
  }
}

/**
 * Keys the README calls mandatory: those clemcore never reads are for result filtering and leaderboards; a key it
 * does read, with a default, says when the default is not enough (its rule's message).
 */
function docKeysMessage(missing: { key: string; rule: RequiredRule }[]): string {
  const names = (keys: string[]) => keys.map((k) => `\`${k}\``).join(', ');
  const unread = missing.filter((m) => !m.rule.message).map((m) => m.key);
  const parts: string[] = [];
  if (unread.length) parts.push(`clemcore never reads ${unread.length > 1 ? 'them' : 'it'} at run time, but result filtering and leaderboards do`);
  for (const { key, rule } of missing) if (rule.message) parts.push(`${unread.length ? `for \`${key}\`, ` : ''}${rule.message}`);
  if (unread.length && parts.length > 1) parts[0] = parts[0].replace(/\b(them|it)\b/, names(unread));
  return `The registry README lists ${names(missing.map((m) => m.key))} as mandatory; ${parts.join('; ')}.`;
}

type MissingKey = { key: string; rule: RequiredRule; schema: KeySchema };

function whenOf(rule: RequiredRule): string {
  return rule.if ? ` when ${describeCondition(rule.if)}` : '';
}

function momentOf(rule: RequiredRule): string {
  return rule.when === 'load' ? 'while loading the model' : 'at the first generation (a load test does not catch it)';
}

/** One finding for the keys an object lacks, each with the moment clemcore fails without it. */
function reportMissingKeys(ctx: EntryContext, path: string[], missing: MissingKey[]): void {
  const where = path.length ? `\`${path.join('.')}\`` : 'The entry';
  const listed = missing.map(({ key, rule }) => `\`${key}\`${whenOf(rule)} (${momentOf(rule).replace(/ \(.*\)$/, '')}${rule.message ? `: ${rule.message}` : ''})`);
  ctx.report('missing-key', anchorOf(ctx, path), path,
    `${where} lacks ${missing.length} keys the ${ctx.backend} backend needs; without them clemcore ${ctx.version} fails: ${listed.join('; ')}. Add them.`,
    { data: { key: missing[0].key, missingKeys: missing.map(({ key, schema }) => ({ key, parentPath: path, type: typeName(schema) })) } });
}

/** The key of the object that lacks something (`"model_config"`), or the entry's name for the entry itself. */
function anchorOf(ctx: EntryContext, path: string[]): { offset: number; length: number } {
  return (path.length ? ctx.keyNode(path) : undefined) ?? entryAnchor(ctx);
}

function hasHardRequirements(keys: Record<string, KeySchema>, version: string): boolean {
  return requirable(keys, version).some(([, s]) => s['x-clem-required']!.some((r) => r.when !== 'docs' && appliesTo(r.versions, version)));
}

/** The keys of a level whose values are objects with keys of their own, some of them hard requirements in `version`. */
function nestedWithRequirements(keys: Record<string, KeySchema>, version: string): [string, KeySchema][] {
  return keyEntries(keys).filter(([, s]) => s.properties !== undefined && hasHardRequirements(s.properties, version));
}

/** The keys of a level that some x-clem-required rule names for this version. */
function requirable(keys: Record<string, KeySchema>, version: string): [string, KeySchema][] {
  return keyEntries(keys).filter(([, s]) => (s['x-clem-required'] ?? []).some((r) => appliesTo(r.versions, version)));
}

/** The hardest applicable failure wins: load before generation before docs. */
const ORDER = { load: 0, generation: 1, docs: 2 } as const;

function applicableRule(schema: KeySchema, obj: Record<string, unknown>, version: string): RequiredRule | undefined {
  const rules = schema['x-clem-required'] ?? [];
  let best: RequiredRule | undefined;
  for (const r of rules) {
    if (!appliesTo(r.versions, version) || !conditionHolds(r.if, obj)) continue;
    if (!best || ORDER[r.when] < ORDER[best.when]) best = r;
  }
  return best;
}

function typeName(schema: KeySchema | undefined): string | undefined {
  const t = schema?.type;
  return Array.isArray(t) ? t[0] : t;
}
