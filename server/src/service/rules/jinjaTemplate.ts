// Chat templates (x-clem-kind "jinja", `custom_chat_template`): parse errors at the exact character, templates that
// never read `messages` or `add_generation_prompt`, tags that the backend's Jinja set-up may not know, and (in
// jinjaWhitespace.ts) whitespace that Jinja2 renders differently from what the text shows.
import { decodeStringNode, valueSpan, type Node } from '../jsonText';
import { analyzeTemplate, type TemplateAnalysis } from '../../jinja2';
import type { EntryContext } from '../context';
import type { ValueCheck } from './valueKinds';
import { checkJinjaWhitespace } from './jinjaWhitespace';
import { environmentFor, templateFacts } from '../dryRun/marker';

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
  checkJinjaWhitespace(ctx, path, key, decoded);

  if (!analysis.readsMessages) {
    ctx.report(
      'jinja-no-messages',
      node,
      path,
      `\`${key}\` never reads \`messages\`, so the conversation never reaches the model: every prompt is the same fixed text. Loop over the messages, e.g. \`{% for message in messages %}{{ message['content'] }}{% endfor %}\`.`,
    );
  }
  if (multimodal) reportPlainTemplateReads(ctx, node, path, key, decoded, analysis);
  // huggingface_multimodal passes only `messages`, so ignoring add_generation_prompt is expected there. A template that
  // ends every user turn with the assistant prefix does not need the flag either.
  if (!analysis.readsAddGenerationPrompt && !multimodal && endsWithAssistantPrefix(decoded.value, ctx.backend) !== true) {
    ctx.report(
      'jinja-no-generation-prompt',
      node,
      path,
      `\`${key}\` ignores \`add_generation_prompt\`. clemcore always renders with add_generation_prompt=True (except with \`cot_bypass\`), so this is harmless if the template always ends with the assistant prefix; if it never emits that prefix, the model continues the user's turn instead of answering. Append the assistant prefix under \`{% if add_generation_prompt %}...{% endif %}\` at the end.`,
    );
  }
};

/**
 * Whether the prompt rendered for a conversation that ends with a user turn already ends where the template puts an
 * assistant reply: what follows the user's message is, up to trailing whitespace, what precedes the reply's content
 * once a reply is added. Undefined when the template does not render both (then only the static finding can be given).
 * The renders are the dry run's, shared per template and environment.
 */
function endsWithAssistantPrefix(source: string, backend: string | undefined): boolean | undefined {
  const facts = templateFacts(source, environmentFor(backend));
  const lead = facts.replyLead;
  const tail = lead === undefined ? undefined : facts.generationTail;
  return lead === undefined || tail === undefined ? undefined : lead.trimEnd() === tail.trimEnd();
}

/**
 * What a template reads that huggingface_multimodal does not give it: that backend renders the template with a plain
 * `jinja2.Template` and only `messages` (spec 2.5, 3.5). Undefined values render as empty text and test false;
 * calling an undefined function fails.
 */
const NOT_PASSED_IN_PLAIN_RENDER: Record<string, (key: string) => string> = {
  add_generation_prompt: (key) =>
    `huggingface_multimodal renders \`${key}\` with only \`messages\`: \`add_generation_prompt\` is undefined there and tests false, so what the template puts under it (the assistant prefix) never reaches the prompt and the model continues the user's turn. End the template with the assistant prefix itself, outside any \`{% if add_generation_prompt %}\`.`,
  bos_token: (key) => tokenMessage(key, 'bos_token', '<s>'),
  eos_token: (key) => tokenMessage(key, 'eos_token', '</s>'),
  raise_exception: (key) => callMessage(key, 'raise_exception'),
  strftime_now: (key) => callMessage(key, 'strftime_now'),
};

function tokenMessage(key: string, name: string, example: string): string {
  return `huggingface_multimodal renders \`${key}\` with only \`messages\`: \`${name}\` is undefined there and renders as empty text, so the prompt lacks the token. Write the token's text into the template instead, e.g. \`${example}\`.`;
}

function callMessage(key: string, name: string): string {
  return `huggingface_multimodal renders \`${key}\` with only \`messages\` and no helper functions: calling \`${name}\` fails with UndefinedError ("'${name}' is undefined") when the template reaches the call. Remove the call or write what it would produce.`;
}

function reportPlainTemplateReads(ctx: EntryContext, node: Node, path: (string | number)[], key: string, decoded: ReturnType<typeof decodeStringNode>, analysis: TemplateAnalysis): void {
  if (!analysis.reads) return;
  for (const [name, span] of analysis.reads) {
    const message = NOT_PASSED_IN_PLAIN_RENDER[name];
    // A name the template sets itself, or reads behind `is defined` / `| default(...)`, is handled by the template;
    // `add_generation_prompt` stays false either way, so it is reported however it is read.
    if (!message || (name !== 'add_generation_prompt' && analysis.bound?.has(name))) continue;
    const at = span ? valueSpan(decoded, span.start, span.end) : node;
    ctx.report('jinja-undefined-variable', at, path, message(key));
  }
}
