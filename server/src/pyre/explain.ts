// A plain-language reading of a parsed pattern, for hovers: "matches the literal text `<|im_end|>`" or
// "matches `<` OR `im_end` OR `>`".
import type { Node, Pattern } from './ast';

const CATEGORIES: Record<string, string> = {
  d: 'a digit', D: 'a non-digit', s: 'whitespace', S: 'a non-space character', w: 'a word character', W: 'a non-word character',
};

export function explainPattern(ast: Pattern): string {
  const body = ast.body;
  if (body.type === 'alternation') return `matches ${body.branches.map((b) => phrase(b)).join(' OR ')}`;
  const literal = literalText(body);
  if (literal !== undefined) return literal === '' ? 'matches the empty string' : `matches the literal text \`${literal}\``;
  return `matches ${phrase(body)}`;
}

/** The text a node matches when it is made of plain characters only. */
function literalText(node: Node): string | undefined {
  if (node.type === 'literal') return String.fromCodePoint(node.cp);
  if (node.type === 'sequence') {
    let out = '';
    for (const item of node.items) {
      const t = literalText(item);
      if (t === undefined) return undefined;
      out += t;
    }
    return out;
  }
  return undefined;
}

function phrase(node: Node): string {
  const literal = literalText(node);
  if (literal !== undefined) return literal === '' ? 'nothing' : `\`${visible(literal)}\``;
  switch (node.type) {
    case 'sequence':
      return node.items.map(phrase).join(' then ');
    case 'alternation':
      return `(${node.branches.map(phrase).join(' OR ')})`;
    case 'any':
      return 'any character';
    case 'category':
      return CATEGORIES[node.cat] ?? 'a character class';
    case 'set':
      return `${node.negated ? 'a character not in' : 'one of'} ${node.items.map((i) => (i.type === 'range' ? `${String.fromCodePoint(i.lo)}-${String.fromCodePoint(i.hi)}` : i.type === 'literal' ? visible(String.fromCodePoint(i.cp)) : CATEGORIES[i.cat])).join(' ')}`;
    case 'anchor':
      return { '^': 'the start', $: 'the end', A: 'the start of the text', Z: 'the end of the text', b: 'a word boundary', B: 'a non-boundary' }[node.kind];
    case 'group':
      return node.kind === 'capture' || node.kind === 'noncapture' || node.kind === 'atomic' ? `(${phrase(node.body)})` : `(a ${node.kind} for ${phrase(node.body)})`;
    case 'repeat': {
      const times = node.max === Infinity ? (node.min === 0 ? 'any number of times' : `at least ${node.min} times`) : node.min === node.max ? `${node.min} times` : node.min === 0 && node.max === 1 ? 'optionally' : `${node.min} to ${node.max} times`;
      return `${phrase(node.body)} ${times}`;
    }
    case 'backref':
      return `the text of group ${node.name ?? node.group} again`;
    case 'conditional':
      return `(if group ${node.name ?? node.group} matched: ${phrase(node.yes)}${node.no ? `, else ${phrase(node.no)}` : ''})`;
    default:
      return 'something';
  }
}

/** Makes line breaks and tabs visible in hover text. */
export function visible(text: string): string {
  return text.replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
}
