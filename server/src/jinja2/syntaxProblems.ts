// What is wrong with a template that @huggingface/jinja cannot lex or parse, said as a sentence with a fix and placed
// at the characters to change: from its error message and the positioned tokens (positionedLexer.ts).
import { suggest } from '../didYouMean';
import type { JinjaLexError, PositionedToken } from './positionedLexer';

export interface TemplateProblem {
  /** Span in the template string (indexes into the decoded value). */
  start: number;
  end: number;
  /** What is wrong and what to do, as sentences without the key name. */
  message: string;
  /** True when @huggingface/jinja rejects something Python's Jinja2 accepts. */
  jinja2MayAccept: boolean;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------------------------------------------------------------
// Lexer errors

export function lexProblem(template: string, libMessage: string, err: JinjaLexError | undefined): TemplateProblem {
  if (!err) return { start: 0, end: template.length, message: `The template does not parse (${libMessage}).`, jinja2MayAccept: false };
  const { start, end } = err;
  let m: RegExpMatchArray | null;
  if ((m = /^Unexpected escaped character: (.)/s.exec(err.message))) {
    return {
      start,
      end,
      message: `The string literal contains the escape \`\\${m[1]}\`, which @huggingface/jinja does not know. Python's Jinja2, which clemcore renders with, keeps unknown escapes as they are, so it may accept this; to be safe write \`\\\\${m[1]}\` inside the Jinja string for a literal backslash.`,
      jinja2MayAccept: true,
    };
  }
  if (/^Invalid hexadecimal escape/.test(err.message)) {
    return { start, end, message: `The escape \`${template.slice(start, end)}\` is not a valid \\x or \\u escape. Give it the full number of hex digits (\\xHH or \\uHHHH).`, jinja2MayAccept: false };
  }
  if (/^Missing end of comment tag/.test(err.message)) {
    return { start, end, message: 'The comment opened with `{#` is never closed. Add `#}` where the comment should end.', jinja2MayAccept: false };
  }
  if (/^Unexpected end of input/.test(err.message)) {
    const q = template[start];
    if (q === '"' || q === "'") {
      return { start, end: start + 1, message: `The string literal that starts with \`${q}\` here is never closed. Add the closing \`${q}\`.`, jinja2MayAccept: false };
    }
    const open = [...err.tokensSoFar].reverse().find((t) => t.type === 'OpenStatement' || t.type === 'OpenExpression');
    if (open) {
      const close = open.type === 'OpenStatement' ? '%}' : '}}';
      return { start: open.start, end: open.end, message: `The template ends inside this \`${open.value}\` tag. Close it with \`${close}\`.`, jinja2MayAccept: false };
    }
    return { start, end, message: 'The template ends in the middle of a tag. Close the tag.', jinja2MayAccept: false };
  }
  if ((m = /^Unexpected character: (.)/s.exec(err.message))) {
    return { start, end, message: `The character \`${m[1]}\` cannot appear inside a Jinja tag. Remove it, or put it inside a quoted string.`, jinja2MayAccept: false };
  }
  return { start, end, message: `The template does not parse (${err.message}).`, jinja2MayAccept: false };
}

// ---------------------------------------------------------------------------------------------------------------------
// Parser errors

const BLOCK_OPENERS = new Set(['if', 'for', 'macro', 'call', 'filter', 'set']);
const KNOWN_STATEMENTS = ['if', 'elif', 'else', 'endif', 'for', 'endfor', 'set', 'endset', 'macro', 'endmacro', 'call', 'endcall', 'filter', 'endfilter', 'break', 'continue'];
/** Statements Python's Jinja2 parses but @huggingface/jinja does not. */
const JINJA2_ONLY = new Set(['raw', 'endraw', 'with', 'endwith', 'block', 'endblock', 'autoescape', 'endautoescape']);
/** Statements that need other template files, which no clemcore backend provides. */
const NEEDS_LOADER = new Set(['include', 'import', 'from', 'extends']);

interface OpenBlock {
  name: string;
  start: number;
  end: number;
  line: number;
}

/** The block stack just before token `upTo` (exclusive), or at the end. */
function openBlocks(template: string, tokens: PositionedToken[], upTo = tokens.length): OpenBlock[] {
  const stack: OpenBlock[] = [];
  let line = 1;
  let counted = 0; // template[0, counted) has been scanned for newlines
  const lineAt = (index: number) => {
    for (; counted < index && counted < template.length; counted++) if (template[counted] === '\n') line++;
    return line;
  };
  for (let i = 0; i < upTo; i++) {
    if (tokens[i].type !== 'OpenStatement') continue;
    const nameTok = tokens[i + 1];
    if (!nameTok || nameTok.type !== 'Identifier' || i + 1 >= upTo) continue;
    const name = nameTok.value;
    let close = i + 1;
    while (close < tokens.length && tokens[close].type !== 'CloseStatement') close++;
    const tagEnd = close < tokens.length ? tokens[close].end : tokens[tokens.length - 1].end;
    if (BLOCK_OPENERS.has(name) || JINJA2_ONLY.has(name)) {
      if (name === 'set' && tokens.slice(i + 2, close).some((t) => t.type === 'Equals')) continue;
      stack.push({ name, start: tokens[i].start, end: tagEnd, line: lineAt(tokens[i].start) });
    } else if (name.startsWith('end')) {
      const opener = name.slice(3);
      let idx = stack.length - 1;
      while (idx >= 0 && stack[idx].name !== opener) idx--;
      if (idx >= 0) stack.length = idx;
    }
  }
  return stack;
}

function show(template: string, tok: PositionedToken): string {
  const raw = template.slice(tok.start, tok.end);
  return raw.length > 40 ? `${raw.slice(0, 37)}...` : raw;
}

function tokenSpan(tok: PositionedToken): { start: number; end: number } {
  // A text token can be long; point at its first character only.
  if (tok.type === 'Text') return { start: tok.start, end: Math.min(tok.end, tok.start + 1) };
  return { start: tok.start, end: Math.max(tok.end, tok.start + 1) };
}

const EXPECTED_TEXT: Record<string, string> = {
  CloseStatement: '`%}`',
  CloseExpression: '`}}`',
  CloseParen: '`)`',
  CloseSquareBracket: '`]`',
  Colon: '`:`',
  OpenStatement: '`{%`',
  OpenParen: '`(`',
  OpenExpression: '`{{`',
  Text: 'text',
};

export function parseProblem(template: string, tokens: PositionedToken[], e: unknown, lastIndex: number): TemplateProblem | undefined {
  const message = errorText(e);
  if (e instanceof RangeError) {
    // Nesting so deep that the parser's recursion overflows (Python's Jinja2 has a recursion limit too).
    const stack = openBlocks(template, tokens);
    const at = stack[0] ?? tokens[0];
    if (!at) return undefined;
    return {
      start: at.start,
      end: at.end,
      message: stack.length > 0
        ? `The template has ${stack.length} unclosed blocks, nested too deeply to be parsed. Close each block with its end tag and flatten the nesting.`
        : 'The template nests blocks or expressions too deeply to be parsed (Python\'s Jinja2 has a recursion limit too). Flatten the nesting.',
      jinja2MayAccept: false,
    };
  }
  const ranOut = e instanceof TypeError || lastIndex >= tokens.length || /undefined/.test(message);
  if (ranOut || tokens.length === 0) {
    const stack = openBlocks(template, tokens);
    const top = stack.at(-1);
    if (top) {
      return {
        start: top.start,
        end: top.end,
        message: `This \`{% ${top.name} %}\` block is never closed. Add \`{% end${top.name} %}\` where it should end.`,
        jinja2MayAccept: false,
      };
    }
    const open = [...tokens].reverse().find((t) => t.type === 'OpenStatement' || t.type === 'OpenExpression');
    if (open) {
      const close = open.type === 'OpenStatement' ? '%}' : '}}';
      return { start: open.start, end: open.end, message: `The template ends inside this \`${open.value}\` tag. Close it with \`${close}\`.`, jinja2MayAccept: false };
    }
    return undefined;
  }
  const tok = tokens[Math.max(0, lastIndex)];
  const span = tokenSpan(tok);
  const prev = tokens[lastIndex - 1];
  const next = tokens[lastIndex + 1];
  const shown = show(template, tok);

  // `{%+` / `+%}`: Jinja2 whitespace control that the JS lexer reads as a plus sign.
  if ((tok.value === '+' && (prev?.type === 'OpenStatement' || prev?.type === 'OpenExpression' || next?.type === 'CloseStatement' || next?.type === 'CloseExpression'))) {
    return {
      ...span,
      message: 'The `+` whitespace-control marker (`{%+` / `+%}`) is not understood by @huggingface/jinja. Python\'s Jinja2, which clemcore renders with, accepts it; remove the `+` if the template should also work with JavaScript tools.',
      jinja2MayAccept: true,
    };
  }

  let m: RegExpMatchArray | null;
  if ((m = /^Unknown statement type: (\w+)/.exec(message))) {
    const name = m[1];
    if (JINJA2_ONLY.has(name)) {
      return {
        ...span,
        message: `\`{% ${name} %}\` is not supported by @huggingface/jinja (node-llama-cpp, transformers.js). Python's Jinja2, which clemcore renders with, may accept it; avoid it if the template should also work with JavaScript tools.`,
        jinja2MayAccept: true,
      };
    }
    if (NEEDS_LOADER.has(name)) {
      return { ...span, message: `\`{% ${name} %}\` loads another template, but a chat template is rendered on its own: there is nothing to ${name}. Inline the content instead.`, jinja2MayAccept: false };
    }
    if (name === 'do') {
      return { ...span, message: '`{% do %}` needs Jinja\'s `do` extension, which neither llama-cpp-python nor transformers enables. Use `{% set _ = ... %}` instead.', jinja2MayAccept: false };
    }
    const stack = openBlocks(template, tokens, lastIndex - 1);
    const top = stack.at(-1);
    if (name.startsWith('end') || name === 'else' || name === 'elif') {
      if (top) {
        return {
          ...span,
          message: `\`{% ${name} %}\` does not fit the innermost open block, \`{% ${top.name} %}\` from line ${top.line}. Close that block with \`{% end${top.name} %}\` first, or fix the tag name.`,
          jinja2MayAccept: false,
        };
      }
      const opener = name.startsWith('end') ? name.slice(3) : 'if';
      return { ...span, message: `\`{% ${name} %}\` has no open \`{% ${opener} %}\` block to belong to. Remove it or add the opening tag.`, jinja2MayAccept: false };
    }
    const alt = suggest(name, KNOWN_STATEMENTS, 1)[0];
    return {
      ...span,
      message: `\`{% ${name} %}\` is not a Jinja statement.${alt ? ` Did you mean \`${alt}\`?` : ' Use a statement such as `if`, `for` or `set`, or write `{{ ... }}` to output a value.'}`,
      jinja2MayAccept: false,
    };
  }
  if (/^Unknown statement, got/.test(message)) {
    return { ...span, message: `\`{%\` must be followed by a statement name such as \`if\`, \`for\` or \`set\`, not \`${shown}\`. Write \`{{ ... }}\` to output a value.`, jinja2MayAccept: false };
  }
  if (/Expected `in` keyword/.test(message)) {
    return { ...span, message: `A \`for\` loop needs \`in\` after the loop variable, e.g. \`{% for message in messages %}\`; found \`${shown}\`.`, jinja2MayAccept: false };
  }
  if (/loop variable/.test(message)) {
    return { ...span, message: `The loop variable of a \`for\` loop must be a name (or names separated by commas), not \`${shown}\`.`, jinja2MayAccept: false };
  }
  if ((m = /^Parser Error: .*\. (\w+) !== (\w+)\.$/.exec(message))) {
    const expected = EXPECTED_TEXT[m[2]] ?? `\`${m[2]}\``;
    if (m[2] === 'CloseStatement' || m[2] === 'CloseExpression') {
      return { ...span, message: `Found \`${shown}\` where ${expected} was expected: the tag has something extra or is not closed. Check the expression before it and close the tag with ${expected}.`, jinja2MayAccept: false };
    }
    return { ...span, message: `Found \`${shown}\` where ${expected} was expected. Fix the expression.`, jinja2MayAccept: false };
  }
  if (/^Unexpected token: /.test(message)) {
    return { ...span, message: `\`${shown}\` cannot stand here: an expression (a name, a literal or a parenthesis) was expected. Fix the expression.`, jinja2MayAccept: false };
  }
  if (/identifier for the filter/.test(message)) {
    return { ...span, message: `A filter name must follow \`|\`, not \`${shown}\`.`, jinja2MayAccept: false };
  }
  if (/identifier for the test/.test(message)) {
    return { ...span, message: `A test name (such as \`defined\` or \`none\`) must follow \`is\`, not \`${shown}\`.`, jinja2MayAccept: false };
  }
  if (/following dot operator/.test(message)) {
    return { ...span, message: `An attribute name must follow \`.\`, not \`${shown}\`. Use \`x['key']\` for keys that are not names.`, jinja2MayAccept: false };
  }
  return { ...span, message: `The parser stops at \`${shown}\` (${message}). Fix this tag.`, jinja2MayAccept: false };
}

