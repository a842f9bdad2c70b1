// Test fixtures with markers: «...» wraps each place where a diagnostic is expected.
import assert from 'node:assert/strict';
import { checkRegistry, type RegistryDiagnostic, type ServiceSettings } from '../../server/src/service';

export interface Marked {
  text: string;
  spans: { offset: number; length: number }[];
}

/** Removes the « » markers and returns the plain text with the marked spans, in order of their opening marker. */
export function unmark(src: string): Marked {
  let text = '';
  const spans: { offset: number; length: number }[] = [];
  const open: number[] = [];
  for (const ch of src) {
    if (ch === '«') {
      open.push(spans.length);
      spans.push({ offset: text.length, length: 0 });
    } else if (ch === '»') {
      const i = open.pop();
      assert.ok(i !== undefined, 'unbalanced » in fixture');
      spans[i].length = text.length - spans[i].offset;
    } else text += ch;
  }
  assert.equal(open.length, 0, 'unbalanced « in fixture');
  return { text, spans };
}

export function check(src: string, settings: ServiceSettings = {}): RegistryDiagnostic[] {
  return checkRegistry(unmark(src).text, settings);
}

function show(text: string, d: RegistryDiagnostic): string {
  return `${d.code}@${d.offset}+${d.length} ${JSON.stringify(text.slice(d.offset, d.offset + d.length))}: ${d.message}`;
}

/**
 * Expects, for each marked span in order, a diagnostic with that code on exactly that span. Diagnostics of the
 * listed codes elsewhere fail the test too, so a rule that fires too widely is caught.
 */
export function expectDiagnostics(src: string, codes: string[], settings: ServiceSettings = {}): RegistryDiagnostic[] {
  const { text, spans } = unmark(src);
  assert.equal(spans.length, codes.length, 'one code per marked span');
  const diags = checkRegistry(text, settings);
  const relevant = diags.filter((d) => codes.includes(d.code));
  const unmatched = [...relevant];
  spans.forEach((span, i) => {
    const idx = unmatched.findIndex((d) => d.code === codes[i] && d.offset === span.offset && d.length === span.length);
    assert.ok(idx >= 0, `expected ${codes[i]} on ${JSON.stringify(text.slice(span.offset, span.offset + span.length))} (${span.offset}+${span.length}); got:\n${diags.map((d) => show(text, d)).join('\n')}`);
    unmatched.splice(idx, 1);
  });
  assert.deepEqual(unmatched.map((d) => show(text, d)), [], 'unexpected diagnostics of the tested codes');
  return diags;
}

/** Expects no diagnostic with any of these codes. */
export function expectNone(src: string, codes: string[], settings: ServiceSettings = {}): RegistryDiagnostic[] {
  const { text } = unmark(src);
  const diags = checkRegistry(text, settings);
  const bad = diags.filter((d) => codes.includes(d.code));
  assert.deepEqual(bad.map((d) => show(text, d)), [], `expected none of ${codes.join(', ')}`);
  return diags;
}

/** A complete, valid entry of a backend as JSON text, with extra top-level or model_config fields merged in. */
export function entry(backend: string, top: Record<string, unknown> = {}, config: Record<string, unknown> | null = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    model_name: `test-${backend}`,
    backend,
    release_date: '2024-07-23',
    open_weight: true,
    parameters: '8B',
    languages: ['en'],
    context_size: '128k',
    license: { name: 'Apache 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
  };
  const configs: Record<string, Record<string, unknown>> = {
    huggingface_local: { premade_chat_template: true, eos_to_cull: '<\\|eot_id\\|>' },
    llamacpp: { premade_chat_template: true, filename: '*Q4_K_M.gguf', eos_to_cull: '<\\|im_end\\|>', bos_string: '<s>', eos_string: '<|im_end|>' },
    vllm: { premade_chat_template: true, eos_to_cull: '<\\|im_end\\|>', number_gpus: 1 },
    huggingface_multimodal: {
      model_class: 'transformers.LlavaForConditionalGeneration', processor_class: 'transformers.AutoProcessor', processor_config: {},
      mm_model_config: { device_map: 'auto' }, prompt: 'clemcore.backends.multimodal_utils.generate_llava_prompt_text',
      response: 'clemcore.backends.multimodal_utils.generate_llava_response', multimodality: { single_image: true, multiple_images: false },
    },
  };
  const local = ['huggingface_local', 'llamacpp', 'vllm', 'huggingface_multimodal'].includes(backend);
  if (backend === 'slurk') {
    return { model_name: 'slurk', backend, room_layout_path: 'packaged', bot_name: 'Clembot', join_timeout: 300, response_timeout: 1800, ...top };
  }
  if (local) base.huggingface_id = 'org/model';
  else base.model_id = 'model-2024';
  if (config !== null) base.model_config = { ...(configs[backend] ?? {}), ...config };
  return { ...base, ...top };
}

/** A registry file text from entries, with 4-space indentation like the real registries. */
export function registry(...entries: unknown[]): string {
  return JSON.stringify(entries, null, 4);
}

/** Wraps the `occurrence`-th appearance of `needle` in `text` with markers. */
export function markAt(text: string, needle: string, occurrence = 0): string {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `fixture has no ${JSON.stringify(needle)} #${occurrence}`);
  }
  return `${text.slice(0, at)}«${needle}»${text.slice(at + needle.length)}`;
}
