// Dispatches string and list values to the check of their kind (x-clem-kind in schemas/): regex, literal, jinja, ...
import type { Node } from '../jsonText';
import { walkKnownValues } from '../schemaWalk';
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

export function checkValueKinds(ctx: EntryContext): void {
  walkKnownValues(ctx, (_key, value, schema, path) => {
    const kind = schema['x-clem-kind'];
    const check = kind ? CHECKS[kind] : undefined;
    if (check) {
      check(ctx, ctx.lazyNode(path, value), path, schema);
      return false;
    }
    const itemKind = schema.items?.['x-clem-kind'];
    const itemCheck = itemKind ? CHECKS[itemKind] : undefined;
    if (itemCheck && Array.isArray(value)) value.forEach((item, i) => itemCheck(ctx, ctx.lazyNode([...path, i], item), [...path, i], schema.items!));
    return true;
  });
}
