// Renders a chat template for a short sample conversation the way clemcore's backend would call it (after
// ensure_alternating_roles, with add_generation_prompt=True and the entry's BOS/EOS), for the template hover, in the
// Jinja environment of the runtime that renders it (the jinja2 package).
import { renderTemplate } from '../jinja2';
import { ensureAlternatingRoles, SAMPLE_CONVERSATION } from '../clemcore/conversation';

export type RenderResult = { ok: true; prompt: string } | { ok: false; error: string };

/**
 * `tokens` undefined renders as clemcore 3.3's huggingface_multimodal does: a plain jinja2 template given `messages`
 * only (no BOS/EOS, no add_generation_prompt). Otherwise `backend` picks the runtime's Jinja environment:
 * llama-cpp-python's for llamacpp, transformers' for the others.
 */
export function renderChatTemplate(source: string, tokens: { bos: string; eos: string } | undefined, messages = SAMPLE_CONVERSATION, backend?: string): RenderResult {
  const result = renderTemplate({
    template: source,
    environment: !tokens ? 'jinja2-plain' : backend === 'llamacpp' ? 'llama-cpp-python' : 'transformers',
    messages: ensureAlternatingRoles(messages),
    variables: tokens ? { bos_token: tokens.bos, eos_token: tokens.eos, add_generation_prompt: true } : undefined,
  });
  return result.ok ? result : { ok: false, error: result.message };
}

/** The prompt with line breaks and tabs shown, and special tokens (`<|...|>`, `<s>`, `</s>`, ...) set in bold. */
export function showPrompt(prompt: string): string {
  const escaped = prompt.replace(/[\\`*_[\]]/g, (c) => `\\${c}`);
  return escaped
    .replace(/<\|[^|>\n]{1,40}\|>|<\/?s>|<[a-z_]{2,30}>|<\/[a-z_]{2,30}>/gi, (t) => `**${t}**`)
    .replace(/\t/g, '⇥')
    .replace(/\n/g, '↵  \n');
}
