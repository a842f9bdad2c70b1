// Dispatches string and list values to the check of their kind (x-clem-kind in schemas/): regex, literal, jinja, ...
import type { Node } from '../jsonText';
import { forEachPresentKey, type KeySelection } from '../schemaWalk';
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

/** A check of one value of a given kind. `node` is the value node, `path` its path relative to the entry. */
export type ValueCheck = (ctx: EntryContext, node: Node, path: JsonPath, schema: KeySchema) => void;

const CHECKS: Record<string, ValueCheck> = {
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

export function checkValueKinds(ctx: EntryContext): void {
  forEachPresentKey(ctx, KINDED, (_key, value, schema, path) => {
    const check = CHECKS[schema['x-clem-kind'] ?? ''];
    if (check) {
      check(ctx, ctx.lazyNode(path, value), path, schema);
      return;
    }
    const itemCheck = CHECKS[schema.items?.['x-clem-kind'] ?? ''];
    if (itemCheck && Array.isArray(value)) value.forEach((item, i) => itemCheck(ctx, ctx.lazyNode([...path, i], item), [...path, i], schema.items!));
  });
}
