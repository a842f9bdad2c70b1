// Keys whose effect in the target clemcore version differs from their promise: ignored, crashing, or version-limited.
import { appliesTo } from '../schemaSet';
import type { EntryContext } from '../context';
import { forEachPresentKey, type KeySelection } from '../schemaWalk';

const ANNOTATED: KeySelection = { name: 'runtime', wanted: (s) => s['x-clem-versions'] !== undefined || s['x-clem-runtime'] !== undefined };

export function checkRuntimeNotes(ctx: EntryContext): void {
  if (!ctx.backend) return;
  forEachPresentKey(ctx, ANNOTATED, (key, _value, schema, here) => {
    const versions = schema['x-clem-versions'];
    const notes = schema['x-clem-runtime'];
    if (!(versions && !versions.includes(ctx.version)) && !notes?.some((n) => appliesTo(n.versions, ctx.version))) return;
    const keyNode = ctx.keyNode(here);
    if (!keyNode) return;
    if (versions && !versions.includes(ctx.version)) {
      ctx.report('ignored-key', keyNode, here,
        `clemcore ${ctx.version} does not read \`${key}\` (only ${versions.join(', ')} does), so it has no effect here.`,
        { data: { key }, tags: ['unnecessary'] });
    }
    for (const note of notes ?? []) {
      if (!appliesTo(note.versions, ctx.version)) continue;
      if (note.effect === 'ignored') {
        ctx.report('ignored-key', keyNode, here, `clemcore ${ctx.version} ignores \`${key}\`: ${note.message}`, { data: { key }, tags: ['unnecessary'] });
      } else if (note.effect === 'crash') {
        ctx.report('key-crash', keyNode, here, `\`${key}\` makes clemcore ${ctx.version} fail: ${note.message}`, { data: { key } });
      } else {
        ctx.report('runtime-note', keyNode, here, `\`${key}\`: ${note.message}`, { data: { key } });
      }
    }
  });
}
