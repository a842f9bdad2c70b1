// The end-of-turn marker of a chat template: what the model writes, and what `eos_to_cull` has to remove.

/**
 * The end-of-turn marker a chat template writes right after a message's content (`{{ message['content'] }}<|im_end|>`,
 * `message['content'] + '<|eot_id|>'`), when it writes a literal one.
 */
export function endMarkerOf(template: unknown): string | undefined {
  if (typeof template !== 'string') return undefined;
  const token = String.raw`(<\|[^|\s'"]{1,40}\|>|</s>|<[a-z_]{2,30}>)`;
  const after = new RegExp(String.raw`content(?:'\]|"\]|\b)\s*(?:\|\s*trim\s*)?\}\}\s*` + token);
  const plus = new RegExp(String.raw`content(?:'\]|"\]|\b)\s*(?:\|\s*trim\s*)?\+\s*['"]` + token);
  return (after.exec(template) ?? plus.exec(template))?.[1];
}
