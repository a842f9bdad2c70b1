// Dispatches string and list values to the check of their kind (x-clem-kind in schemas/): regex, literal, jinja, ...
import { properties, type Node } from '../jsonText';
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
  walk(ctx, ctx.entry, ctx.schemas.topKeys(ctx.backend), []);
}

function walk(ctx: EntryContext, node: Node, keys: Record<string, KeySchema>, path: JsonPath): void {
  for (const { key, valueNode } of properties(node)) {
    const schema = keys[key];
    if (!schema || !valueNode) continue;
    const here = [...path, key];
    const kind = schema['x-clem-kind'];
    const check = kind ? CHECKS[kind] : undefined;
    if (check) check(ctx, valueNode, here, schema);
    else if (schema.items?.['x-clem-kind'] && valueNode.type === 'array') {
      const itemCheck = CHECKS[schema.items['x-clem-kind']];
      valueNode.children?.forEach((item, i) => itemCheck?.(ctx, item, [...here, i], schema.items!));
    }
    if (schema.properties && valueNode.type === 'object' && !kind) walk(ctx, valueNode, schema.properties, here);
  }
}
