// AST of a Python `re` pattern; every node carries UTF-16 offsets [start, end) into the pattern string.

/** Inline flag bits, the same values as Python's re flags. */
export const FLAG = {
  TEMPLATE: 1,
  IGNORECASE: 2,
  LOCALE: 4,
  MULTILINE: 8,
  DOTALL: 16,
  UNICODE: 32,
  VERBOSE: 64,
  DEBUG: 128,
  ASCII: 256,
} as const;

/** Python's MAXREPEAT; a repeat whose upper bound is unbounded has `max: Infinity`. */
export const MAXREPEAT = 4294967295;

interface Base {
  start: number;
  end: number;
}

export interface LiteralNode extends Base {
  type: 'literal';
  /** Code point matched. */
  cp: number;
  /** True when written as an escape (`\|`, `\n`, `\x41`, `\N{...}`, octal). */
  escaped: boolean;
  /** The escape text exactly as written, e.g. `\|` or `\x41`; absent for plain characters. */
  escape?: string;
}

export interface AnyNode extends Base {
  type: 'any';
}

export type CategoryName = 'd' | 'D' | 's' | 'S' | 'w' | 'W';

export interface CategoryNode extends Base {
  type: 'category';
  cat: CategoryName;
}

export interface RangeItem extends Base {
  type: 'range';
  lo: number;
  hi: number;
}

export type SetItem = LiteralNode | CategoryNode | RangeItem;

export interface SetNode extends Base {
  type: 'set';
  negated: boolean;
  items: SetItem[];
}

/** `^ $` and the zero-width escapes `\A \Z \b \B`. */
export type AnchorKind = '^' | '$' | 'A' | 'Z' | 'b' | 'B';

export interface AnchorNode extends Base {
  type: 'anchor';
  kind: AnchorKind;
}

export type GroupKind =
  | 'capture'
  | 'noncapture'
  | 'atomic'
  | 'lookahead'
  | 'negLookahead'
  | 'lookbehind'
  | 'negLookbehind';

export interface GroupNode extends Base {
  type: 'group';
  kind: GroupKind;
  /** Capturing group number (1-based), for kind 'capture'. */
  index?: number;
  /** Name of a `(?P<name>...)` group. */
  name?: string;
  /** Scoped flags of `(?flags-flags:...)` (FLAG bits); 0 when absent. */
  addFlags: number;
  delFlags: number;
  body: Node;
}

export interface AlternationNode extends Base {
  type: 'alternation';
  branches: Node[];
  /** UTF-16 offset of each unescaped `|` separating the branches. */
  bars: number[];
}

export interface SequenceNode extends Base {
  type: 'sequence';
  items: Node[];
}

export type RepeatMode = 'greedy' | 'lazy' | 'possessive';

export interface RepeatNode extends Base {
  type: 'repeat';
  min: number;
  /** Infinity when unbounded (Python's MAXREPEAT). */
  max: number;
  mode: RepeatMode;
  body: Node;
  /** Offsets of the quantifier text, e.g. `{2,3}?`. */
  quantStart: number;
  quantEnd: number;
}

export interface BackrefNode extends Base {
  type: 'backref';
  group: number;
  /** Set for `(?P=name)`. */
  name?: string;
}

export interface ConditionalNode extends Base {
  type: 'conditional';
  group: number;
  /** Set when the condition names a group, `(?(name)...)`. */
  name?: string;
  yes: Node;
  no: Node | null;
  /** Offset of the `|` between yes and no, if any. */
  bar?: number;
}

export type Node =
  | LiteralNode
  | AnyNode
  | CategoryNode
  | SetNode
  | AnchorNode
  | GroupNode
  | AlternationNode
  | SequenceNode
  | RepeatNode
  | BackrefNode
  | ConditionalNode;

export interface Pattern extends Base {
  type: 'pattern';
  body: Node;
  /** Global flags set by `(?flags)` at the start (FLAG bits, UNICODE added as Python's fix_flags does). */
  flags: number;
  /** Number of capturing groups. */
  groupCount: number;
  /** Named groups: name to group number. */
  groupNames: Record<string, number>;
  /** Spans of `(?#...)` comments and of global-flag groups like `(?i)`, which leave no node in `body`. */
  comments: Base[];
  globalFlagSpans: Base[];
}

/** Visits `node` and every node below it, parents first. */
export function forEachNode(node: Node, visit: (node: Node) => void): void {
  visit(node);
  switch (node.type) {
    case 'group':
    case 'repeat':
      forEachNode(node.body, visit);
      break;
    case 'sequence':
      for (const item of node.items) forEachNode(item, visit);
      break;
    case 'alternation':
      for (const branch of node.branches) forEachNode(branch, visit);
      break;
    case 'conditional':
      forEachNode(node.yes, visit);
      if (node.no) forEachNode(node.no, visit);
      break;
    default:
  }
}
