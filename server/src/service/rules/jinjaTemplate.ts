// Chat templates (x-clem-kind "jinja", `custom_chat_template`): parse errors at the exact character, templates that
// never read `messages` or `add_generation_prompt`, and tags that the backend's Jinja set-up may not know.
import { decodeStringNode, valueSpan } from '../jsonText';
import { analyzeTemplate } from '../jinja/templateAnalysis';
import type { ValueCheck } from './valueKinds';

export const checkJinjaTemplate: ValueCheck = (ctx, node, path) => {
  if (node.type !== 'string') return;
  const decoded = decodeStringNode(ctx.text, node);
  const key = String(path[path.length - 1] ?? 'custom_chat_template');
  const analysis = analyzeTemplate(decoded.value);
  const multimodal = ctx.backend === 'huggingface_multimodal';

  const problem = analysis.problem;
  if (problem) {
    const span = valueSpan(decoded, problem.start, Math.max(problem.end, problem.start + 1));
    const message = problem.jinja2MayAccept
      ? `\`${key}\`: ${problem.message}`
      : `\`${key}\` is not a valid Jinja template: ${problem.message} llama-cpp-python and transformers (Python Jinja2), which clemcore renders it with, fail on it too.`;
    ctx.report('jinja-syntax', span, path, message, {
      severity: problem.jinja2MayAccept ? 'warning' : undefined,
      data: { jinja2MayAccept: problem.jinja2MayAccept },
    });
  }

  for (const tag of analysis.extensionTags) {
    const span = valueSpan(decoded, tag.start, tag.end);
    const isLoop = tag.name === 'break' || tag.name === 'continue';
    if (multimodal) {
      const why = isLoop
        ? `\`{% ${tag.name} %}\` needs Jinja's loopcontrols extension, but huggingface_multimodal renders \`${key}\` with a plain \`jinja2.Template\`, which does not have it: loading the template fails with "Encountered unknown tag '${tag.name}'". Rewrite the loop without it, e.g. with a loop filter (\`{% for m in messages if ... %}\`) or an \`{% if %}\`.`
        : `\`{% ${tag.name} %}\` is a transformers extension; huggingface_multimodal renders \`${key}\` with a plain \`jinja2.Template\`, which fails with "Encountered unknown tag '${tag.name}'". Remove the tag (keep its content).`;
      ctx.report('jinja-syntax', span, path, why);
    } else if (ctx.backend === 'llamacpp') {
      const why = isLoop
        ? `\`{% ${tag.name} %}\` needs Jinja's loopcontrols extension, which llama-cpp-python enables only from version 0.3.24 on; with an older llama-cpp-python (clemcore pins no version) the template fails to load. Rewrite the loop without it, or make sure llama-cpp-python is 0.3.24 or newer.`
        : `\`{% ${tag.name} %}\` is understood by llama-cpp-python only from version 0.3.24 on; with an older version (clemcore pins no version) the template fails to load. Remove the tag (keep its content), or make sure llama-cpp-python is 0.3.24 or newer.`;
      ctx.report('jinja-syntax', span, path, why, { severity: 'warning' });
    }
  }

  if (problem) return; // without a syntax tree, nothing can be said about the variables the template reads

  if (!analysis.readsMessages) {
    ctx.report(
      'jinja-no-messages',
      node,
      path,
      `\`${key}\` never reads \`messages\`, so the conversation never reaches the model: every prompt is the same fixed text. Loop over the messages, e.g. \`{% for message in messages %}{{ message['content'] }}{% endfor %}\`.`,
    );
  }
  // huggingface_multimodal passes only `messages`, so ignoring add_generation_prompt is expected there.
  if (!analysis.readsAddGenerationPrompt && !multimodal) {
    ctx.report(
      'jinja-no-generation-prompt',
      node,
      path,
      `\`${key}\` ignores \`add_generation_prompt\`. clemcore always renders with add_generation_prompt=True (except with \`cot_bypass\`), so this is harmless if the template always ends with the assistant prefix; if it never emits that prefix, the model continues the user's turn instead of answering. Append the assistant prefix under \`{% if add_generation_prompt %}...{% endif %}\` at the end.`,
    );
  }
};
