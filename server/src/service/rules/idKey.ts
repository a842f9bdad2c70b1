// model_id against huggingface_id: remote backends read model_id, local ones huggingface_id.
import type { EntryContext } from '../context';

export function checkIdKey(ctx: EntryContext): void {
  if (!ctx.backend) return;
  const idKey = ctx.backendSchema!['x-clem-backend'].idKey;
  if (!idKey) return;
  const other = idKey === 'model_id' ? 'huggingface_id' : 'model_id';
  if (ctx.value[idKey] !== undefined) return;
  if (!(other in ctx.value)) return;
  const keyNode = ctx.keyNode([other]);
  if (!keyNode) return;
  const failure = idKey === 'model_id'
    ? 'an AttributeError on every request (after three retries)'
    : 'a KeyError while loading the model';
  ctx.report('id-key-mismatch', keyNode, [other],
    `The ${ctx.backend} backend reads \`${idKey}\`, not \`${other}\`: this entry fails with ${failure}. Rename \`${other}\` to \`${idKey}\`${idKey === 'model_id' ? ' (the provider\'s model id, e.g. `vendor/model` on OpenRouter)' : ''}.`,
    { data: { key: other, suggestions: [idKey], replacement: `"${idKey}"` } });
}
