// The conversations clemcore hands to a chat template: its ensure_alternating_roles (clemcore/backends/utils.py,
// identical in 3.3 and 3.7; spec §3.3), and the short sample conversation Preview template, the template hover,
// Test model entry and the dry run render.

export interface ChatMessage {
  role: string;
  content: string;
}

export const SAMPLE_CONVERSATION: ChatMessage[] = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Name a colour.' },
  { role: 'assistant', content: 'Blue.' },
  { role: 'user', content: 'Another one?' },
];

/** clemcore's ensure_alternating_roles: drop an empty leading system message, merge consecutive same-role messages. */
export function ensureAlternatingRoles(messages: ChatMessage[]): ChatMessage[] {
  const out = messages.map((m) => ({ ...m }));
  if (out.length && out[0].role === 'system' && !out[0].content) out.shift();
  const merged: ChatMessage[] = [];
  for (const m of out) {
    const last = merged[merged.length - 1];
    if (last && last.role === m.role) last.content = `${last.content}\n\n${m.content}`;
    else merged.push(m);
  }
  return merged;
}
