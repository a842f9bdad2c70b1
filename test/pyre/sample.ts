// Builds texts that a pattern's AST is likely to match (for the matcher part of the differential test).
import type { Node } from '../../server/src/pyre/ast';
import type { Gen } from './grammar';

const POOL = ['a', 'b', 'x', ' ', '\n', '_', '1', 'é', 'Z', '<', '|', '😀', 'K', 'k', 'İ', 'ſ', 's'];

export function sampleText(node: Node, g: Gen, depth = 0): string {
  if (depth > 30) return '';
  switch (node.type) {
    case 'literal':
      return g.chance(0.9) ? String.fromCodePoint(node.cp) : g.pick(POOL);
    case 'any':
    case 'category':
      return g.pick(POOL);
    case 'set': {
      const it = node.items.length ? g.pick(node.items) : undefined;
      if (!it || node.negated || g.chance(0.1)) return g.pick(POOL);
      if (it.type === 'literal') return String.fromCodePoint(it.cp);
      if (it.type === 'range') return String.fromCodePoint(it.lo + g.int(Math.min(it.hi - it.lo + 1, 50)));
      return g.pick(POOL);
    }
    case 'anchor':
      return g.chance(0.2) ? '\n' : '';
    case 'sequence':
      return node.items.map((x) => sampleText(x, g, depth + 1)).join('');
    case 'alternation':
      return sampleText(g.pick(node.branches), g, depth + 1);
    case 'group':
      return node.kind === 'negLookahead' || node.kind === 'negLookbehind' ? '' : sampleText(node.body, g, depth + 1);
    case 'repeat': {
      const n = Math.min(node.min + g.int(3), node.max, node.min + 3);
      let s = '';
      for (let i = 0; i < Math.min(n, 8); i++) s += sampleText(node.body, g, depth + 1);
      return s;
    }
    case 'backref':
      return g.pick(POOL);
    case 'conditional':
      return sampleText(g.chance(0.5) || !node.no ? node.yes : node.no, g, depth + 1);
  }
}
