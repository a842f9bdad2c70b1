// Dispatches string and list values to the check of their kind (x-clem-kind in schemas/): regex, literal, jinja, ...
import type { Node } from '../jsonText';
import { selectedKeys, type KeySelection, type SchemaKey } from '../schemaWalk';
import type { KeySchema } from '../schemaSet';
import type { EntryContext } from '../context';
import type { JsonPath } from '../types';
import { checkRegexValue } from './regexValue';
import { checkLiteralValue } from './literalValue';
import { checkJinjaTemplate } from './jinjaTemplate';
import { checkReleaseDate } from './releaseDate';
import { checkContextSize } from './contextSize';
import { checkParameters } from './parametersFormat';
import { checkLanguageCodes } from './languageCodes';
import { checkLicense } from './licenseFormat';
import { checkGgufFilename } from './ggufFilename';
import { conditionallyIgnored } from './runtimeNotes';

/** A check of one value of a given kind. `node` is the value node, `path` its path relative to the entry. */
export type ValueCheck = (ctx: EntryContext, node: Node, path: JsonPath, schema: KeySchema) => void;

const CHECKS: Record<string, ValueCheck | undefined> = {
  regex: checkRegexValue,
  literal: checkLiteralValue,
  jinja: checkJinjaTemplate,
  date: checkReleaseDate,
  'context-size': checkContextSize,
  parameters: checkParameters,
  'language-codes': checkLanguageCodes,
  license: checkLicense,
  glob: checkGgufFilename,
};

/** Keys whose value, or whose list items, have a kind with a check; a kind's check covers the value's insides. */
const KINDED: KeySelection = {
  name: 'kinds',
  wanted: (s) => CHECKS[s['x-clem-kind'] ?? ''] !== undefined || CHECKS[s.items?.['x-clem-kind'] ?? ''] !== undefined,
  descendIntoWanted: false,
};

/** A kinded key with its check resolved once per backend: for its value, or else for each item of its list. */
interface KindedKey {
  path: JsonPath;
  schema: KeySchema;
  check: ValueCheck | undefined;
  itemCheck: ValueCheck | undefined;
}

function kindedKeys(ctx: EntryContext): KindedKey[] {
  return ctx.derived<KindedKey[]>(kindedKeys) ?? ctx.derive(kindedKeys, selectedKeys(ctx, KINDED).map(({ path, schema }: SchemaKey) => {
    const check = CHECKS[schema['x-clem-kind'] ?? ''];
    return { path, schema, check, itemCheck: check ? undefined : CHECKS[schema.items?.['x-clem-kind'] ?? ''] };
  }));
}

/** The kinds of the entry's metadata: what leaderboards and result filtering read, whatever the backend. */
const METADATA_KINDS = new Set(['date', 'context-size', 'parameters', 'language-codes', 'license']);

/** The metadata values only (`release_date`, `languages`, `license`, ...), for an entry clemcore cannot load. */
export function checkMetadataValues(ctx: EntryContext): void {
  checkValueKinds(ctx, (key) => key.path.length === 1 && METADATA_KINDS.has(key.schema['x-clem-kind'] ?? key.schema.items?.['x-clem-kind'] ?? ''));
}

/** The check of a value's kind (or of each item of a list) at `path`, for a value read where its schema does not put it. */
export function checkKindAt(ctx: EntryContext, path: JsonPath, schema: KeySchema): void {
  const check = CHECKS[schema['x-clem-kind'] ?? ''];
  runCheck(ctx, { path, schema, check, itemCheck: check ? undefined : CHECKS[schema.items?.['x-clem-kind'] ?? ''] });
}

export function checkValueKinds(ctx: EntryContext, only?: (key: KindedKey) => boolean): void {
  // A value the runtime does not read in this entry cannot go wrong at run time: its key is reported as ignored.
  const ignored = conditionallyIgnored(ctx);
  for (const key of kindedKeys(ctx)) {
    if (only && !only(key)) continue;
    const path = key.path;
    if (ignored && path.length === 2 && path[0] === 'model_config' && ignored.has(path[1] as string)) continue;
    runCheck(ctx, key);
  }
}

function runCheck(ctx: EntryContext, { path, schema, check, itemCheck }: KindedKey): void {
  const value = ctx.valueAt(path);
  if (value === undefined) return;
  if (check) check(ctx, ctx.lazyNode(path, value), path, schema);
  else if (itemCheck && Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const itemPath = [...path, i];
      itemCheck(ctx, ctx.lazyNode(itemPath, value[i]), itemPath, schema.items!);
    }
  }
}
