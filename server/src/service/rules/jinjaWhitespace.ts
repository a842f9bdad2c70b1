// Chat templates whose rendered prompt is not what their text shows, because of Jinja2's whitespace rules as the
// entry's runtime sets them (keep_trailing_newline off; trim_blocks and lstrip_blocks in llama-cpp-python and
// transformers, not in huggingface_multimodal's plain jinja2.Template). One finding per removed piece of whitespace
// that matters, on exactly that whitespace, with the fixes: render what the text shows, or show what is rendered.
import { escapeJsonString, valueSpan, type DecodedString } from '../jsonText';
import { whitespaceDifferences, type TemplateEnvironment, type WhitespaceDifference } from '../../jinja2';
import type { EntryContext } from '../context';
import type { JsonPath, Severity } from '../types';

/** A quick fix of this rule: a replacement of the finding's span, in file text. */
export interface WhitespaceFix {
  title: string;
  replacement: string;
}

const RENDERERS: Record<TemplateEnvironment, string> = {
  'llama-cpp-python': 'llama-cpp-python renders it',
  transformers: 'transformers renders it',
  'jinja2-plain': 'huggingface_multimodal renders it with a plain jinja2.Template',
};

/** The Jinja environment that renders an entry's `custom_chat_template` (spec 3.1, 3.4, 3.5). */
export function templateEnvironment(backend: string | undefined): TemplateEnvironment {
  return backend === 'llamacpp' ? 'llama-cpp-python' : backend === 'huggingface_multimodal' ? 'jinja2-plain' : 'transformers';
}

export function checkJinjaWhitespace(ctx: EntryContext, path: JsonPath, key: string, decoded: DecodedString): void {
  const environment = templateEnvironment(ctx.backend);
  for (const difference of whitespaceDifferences(decoded.value, environment)) {
    const { message, severity } = describe(difference, key, RENDERERS[environment]);
    const fixes: WhitespaceFix[] = [{ title: keepTitle(difference), replacement: escapeJsonString(difference.keep.text) }];
    const drop: WhitespaceFix | undefined = difference.drop && { title: dropTitle(difference), replacement: escapeJsonString(difference.drop.text) };
    // The fix that makes the text show what is rendered comes first where the prompt is probably right as it is.
    if (drop) fixes.splice(preferDrop(difference) ? 0 : 1, 0, drop);
    ctx.report('jinja-whitespace', valueSpan(decoded, difference.start, difference.end), path, message, { severity, data: { fixes } });
  }
}

const AS_EXPRESSION = "write it as an expression, `{{ '\\n' }}` (`{{ '\\\\n' }}` in the JSON), which Jinja2 always renders";

function describe(d: WhitespaceDifference, key: string, renderer: string): { message: string; severity: Severity } {
  switch (d.kind) {
    case 'final-newline': {
      const end = /^\{[{%#]/.test(d.before) ? `what \`${shown(d.before)}\` writes` : `\`${shown(d.before)}\``;
      const head = `\`${key}\` ends with a line break after \`${shown(d.before)}\`, but Jinja2 drops a template's last line break (${renderer} with keep_trailing_newline off): the prompt ends with ${end} and no line break.`;
      if (d.evidence === 'keep') return { severity: 'warning', message: `${head} Earlier turns of the same prompt have a line break there, so the model expects one. To keep it, ${AS_EXPRESSION}.` };
      if (d.evidence === 'drop') return { severity: 'information', message: `${head} Earlier turns of the same prompt have no line break there, so the prompt is probably right: remove the line break, so that the template shows what it renders.` };
      return { severity: 'information', message: `${head} If the prompt should end with a line break, ${AS_EXPRESSION}; otherwise remove it.` };
    }
    case 'empty-block':
      return {
        severity: 'warning',
        message: `\`${key}\`: \`${d.tag}\` holds only a line break, and Jinja2 removes the line break right after a block tag (${renderer} with trim_blocks on), so this block adds nothing to the prompt. To render the line break, ${AS_EXPRESSION}.`,
      };
    case 'joined-lines':
      return {
        severity: 'information',
        message: `\`${key}\`: Jinja2 removes the line break after \`${d.tag}\` (${renderer} with trim_blocks on, which removes the line break right after a block tag), so \`${shown(d.before)}\` and the next line, \`${shown(d.after ?? '')}\`, run together in the prompt. If the line break belongs in the prompt, ${AS_EXPRESSION}; if not, join the two lines, so that the template shows what it renders.`,
      };
    case 'stripped-indent':
      return {
        severity: 'information',
        message: `\`${key}\`: Jinja2 removes the indentation before \`${d.tag}\` at the start of this line (${renderer} with lstrip_blocks on), so \`${shown(d.before)}\` is not indented in the prompt as the template shows it. Remove the indentation, so that the template shows what it renders, or write it as an expression if the prompt needs it.`,
      };
  }
}

function preferDrop(d: WhitespaceDifference): boolean {
  return d.kind === 'stripped-indent' || (d.kind === 'final-newline' && d.evidence === 'drop');
}

function keepTitle(d: WhitespaceDifference): string {
  return d.kind === 'stripped-indent' ? `Write the indentation as ${d.keep.text}` : `Write the line break as ${d.keep.text}`;
}

function dropTitle(d: WhitespaceDifference): string {
  return d.kind === 'stripped-indent' ? 'Remove the indentation' : d.kind === 'joined-lines' ? 'Join the two lines' : 'Remove the line break';
}

/** Text as a message shows it inside backticks: line breaks and tabs as escapes, on one line. */
function shown(text: string): string {
  return text.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/`/g, "'");
}
