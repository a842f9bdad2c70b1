// huggingface_local under clemcore 3.3 without `padding_side`: 3.3 guesses from the model config,
// `"left" if auto_config.is_decoder and not auto_config.is_encoder_decoder else "right"`
// (huggingface_local_api.py, load_config_and_tokenizer). `is_decoder` is a PretrainedConfig attribute that defaults
// to false and that decoder-only chat models (Llama, Qwen, Mistral, ...) leave false, so they are padded on the right.
// 3.3 generates for a batch of conversations at once (generate_batch_response, `padding=True`), and a right-padded
// prompt makes the model continue after pad tokens instead of after the assistant prefix. 3.7 guesses left for them.
import type { EntryContext } from '../context';

export function checkPaddingSide(ctx: EntryContext): void {
  if (ctx.backend !== 'huggingface_local' || ctx.version !== '3.3') return;
  const config = ctx.value.model_config;
  if (!config || typeof config !== 'object' || Array.isArray(config) || 'padding_side' in config) return;
  const key = ctx.keyNode(['model_config']);
  if (!key) return;
  ctx.report('padding-side-missing', key, ['model_config'],
    'Without `padding_side`, clemcore 3.3 pads prompts on the right for decoder-only models: it guesses from the model config\'s `is_decoder`, which these models leave false. 3.3 generates for batches of conversations, and a right-padded prompt is continued after its pad tokens, which spoils the replies of the shorter prompts. Add `"padding_side": "left"` (clemcore 3.7 guesses left).',
    { data: { missingKeys: [{ key: 'padding_side', parentPath: ['model_config'], type: 'string' }] } });
}
