// Static properties of a parsed pattern: whether it can match the empty string, and its width range.
import { forEachNode, Node, Pattern } from './ast';

/** True when the pattern can match an empty string somewhere (ignoring what anchors/lookarounds demand of the text). */
export function canMatchEmpty(ast: Pattern | Node): boolean {
  return widthRange(ast).min === 0;
}

/**
 * Minimum and maximum number of characters (code points) a match can span, like sre's getwidth
 * but with Infinity for unbounded. Backreferences take the width of their group.
 */
export function widthRange(ast: Pattern | Node): { min: number; max: number } {
  const root = ast.type === 'pattern' ? ast.body : ast;
  const groups = new Map<number, Node>();
  collectGroups(root, groups);
  const memo = new Map<Node, { min: number; max: number }>();
  const w = (node: Node): { min: number; max: number } => {
    const m = memo.get(node);
    if (m) return m;
    let r: { min: number; max: number };
    switch (node.type) {
      case 'literal':
      case 'any':
      case 'category':
      case 'set':
        r = { min: 1, max: 1 };
        break;
      case 'anchor':
        r = { min: 0, max: 0 };
        break;
      case 'sequence': {
        let min = 0;
        let max = 0;
        for (const it of node.items) {
          const x = w(it);
          min += x.min;
          max += x.max;
        }
        r = { min, max };
        break;
      }
      case 'alternation': {
        const xs = node.branches.map(w);
        r = { min: Math.min(...xs.map((x) => x.min)), max: Math.max(...xs.map((x) => x.max)) };
        break;
      }
      case 'group':
        r = node.kind === 'capture' || node.kind === 'noncapture' || node.kind === 'atomic' ? w(node.body) : { min: 0, max: 0 };
        break;
      case 'repeat': {
        const x = w(node.body);
        r = { min: x.min * node.min, max: x.max === 0 ? 0 : x.max * node.max };
        break;
      }
      case 'backref': {
        const g = groups.get(node.group);
        // a reference inside its own group cannot occur (Python rejects it), so no cycle
        r = g ? w(g) : { min: 0, max: 0 };
        break;
      }
      case 'conditional': {
        const y = w(node.yes);
        const n = node.no ? w(node.no) : { min: 0, max: 0 };
        r = { min: Math.min(y.min, n.min), max: Math.max(y.max, n.max) };
        break;
      }
    }
    memo.set(node, r);
    return r;
  };
  return w(root);
}

function collectGroups(node: Node, out: Map<number, Node>): void {
  forEachNode(node, (n) => {
    if (n.type === 'group' && n.index !== undefined) out.set(n.index, n.body);
  });
}
