// An entry in the registry format before March 2025 (see ../oldFormat.ts): one finding on the entry, with the
// migration as its quick fix, and its values checked where the runtime of that era read them, at the top level.
import { appliesTo } from '../schemaSet';
import type { EntryContext } from '../context';
import { entryAnchor } from './backend';
import { checkKindAt } from './valueKinds';

export function checkOldFormat(ctx: EntryContext): void {
  const old = ctx.oldFormat;
  if (!old || !ctx.backend) return;
  const keys = old.moved.filter((k) => k !== 'model_config');
  const shown = `${keys.slice(0, 4).map((k) => `\`${k}\``).join(', ')}${keys.length > 4 ? ` and ${keys.length - 4} more` : ''}`;
  const where = old.oldModelConfig ? ', and `model_config` holds the model\'s keyword arguments' : ' and there is no `model_config`';
  // What the checked version does with it: the backend's own requirement of model_config, else it ignores the keys.
  const needs = (ctx.schemas.topKeys(ctx.backend).model_config?.['x-clem-required'] ?? [])
    .find((r) => r.when !== 'docs' && appliesTo(r.versions, ctx.version));
  const outcome = needs || old.oldModelConfig
    ? `clemcore ${ctx.version} fails ${needs?.when === 'generation' ? 'at the first generation' : 'while loading the model'} on this entry`
    : `clemcore ${ctx.version} ignores ${keys.length > 1 ? 'them' : 'it'}${old.imageFlags.length ? ', and image inputs fail with "does not support multimodal inputs"' : ''}`;
  const changes = [
    'the keys move into `model_config`',
    ...(old.imageFlags.length || ctx.backend === 'huggingface_multimodal' ? ['the image flags become `model_config.multimodality`'] : []),
    ...(old.oldModelConfig ? ['the old `model_config` becomes `mm_model_config`'] : []),
  ];
  ctx.report('old-format-entry', entryAnchor(ctx), [],
    `This entry is in the registry format from before March 2025: ${shown} stand at the top level${where}. Since clemcore's format change of March 2025 the backends read these keys inside \`model_config\` only, so ${outcome}. Migrate the entry as that change did: ${changes.join(', ')}.`,
    { severity: needs || old.oldModelConfig ? 'error' : 'warning', data: { key: 'model_config' } });
  // The values where the runtime of that era read them.
  const config = ctx.schemas.configKeys(ctx.backend);
  for (const key of keys) {
    const schema = config[key];
    if (schema) checkKindAt(ctx, [key], schema);
  }
}
