// A short text a Python regex matches in full, for the probe: the text a model writes where a pattern such as
// `cot_end_tag` is meant to match. Built from the pattern's syntax tree (the first branch of each alternation, the
// fewest repeats, the first character of each class) and confirmed with pyre's matcher; undefined when the
// pattern needs more than that (lookarounds, backreferences, anchors inside).
import { fullMatch, type Node, type Pattern } from '../../pyre';

export function exampleOf(ast: Pattern): string | undefined {
  const text = build(ast.body);
  if (text === undefined || text === '') return undefined;
  return fullMatch(ast, text, { maxSteps: 100_000 }) === true ? text : undefined;
}

const CATEGORY: Record<string, string> = { d: '0', D: 'a', s: ' ', S: 'a', w: 'a', W: ' ' };

function build(node: Node): string | undefined {
  switch (node.type) {
    case 'literal':
      return String.fromCodePoint(node.cp);
    case 'any':
      return 'a';
    case 'category':
      return CATEGORY[node.cat];
    case 'set': {
      if (node.negated) return undefined;
      const first = node.items[0];
      if (!first) return undefined;
      return first.type === 'literal' ? String.fromCodePoint(first.cp) : first.type === 'range' ? String.fromCodePoint(first.lo) : CATEGORY[first.cat];
    }
    case 'group':
      return node.kind === 'capture' || node.kind === 'noncapture' || node.kind === 'atomic' ? build(node.body) : undefined;
    case 'alternation':
      return build(node.branches[0]);
    case 'sequence': {
      let out = '';
      for (const item of node.items) {
        const part = build(item);
        if (part === undefined) return undefined;
        out += part;
      }
      return out;
    }
    case 'repeat': {
      if (node.min === 0) return '';
      const part = build(node.body);
      return part === undefined ? undefined : part.repeat(Math.min(node.min, 20));
    }
    default:
      return undefined;
  }
}
