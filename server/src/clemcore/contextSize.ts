// clemcore 3.7's reading of an entry's `context_size` (huggingface_local's _parse_context_size, the fallback when the
// model config gives no size): `(\d+)([km])?` after lower() and strip(), k = 1024 and m = 1048576.

/** The number of tokens `value` stands for, or undefined when clemcore 3.7 would ignore it. */
export function parseContextSize37(value: string): number | undefined {
  const m = /^(\d+)([km])?$/.exec(value.trim().toLowerCase());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'k' ? 1024 : m[2] === 'm' ? 1048576 : 1);
}
