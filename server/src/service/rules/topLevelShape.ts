// The top level must be an array of entry objects, or one entry object (clemcore wraps it into a list).
import type { Node } from '../jsonText';
import type { RegistryDiagnostic } from '../types';
import { MAX_FINDINGS_PER_CODE, moreFindings } from '../findingCap';

/** A top-level value or array element: its JSON kind and where it stands. */
export interface ShapeItem {
  kind: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
  offset: number;
  length: number;
}

/** The kind of a parsed value, in the same words as the tree's node types. */
export function kindOf(value: unknown): ShapeItem['kind'] {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as ShapeItem['kind'];
}

/** From a jsonc-parser tree (a file with syntax errors); `text` is the file's. */
export function checkTopLevelShape(root: Node | undefined, text: string): RegistryDiagnostic[] {
  if (!root) {
    // Text without any value in it: the syntax errors already say what is there instead. An empty file is a JSON
    // error for Python ("Expecting value"), so it gets the JSON syntax code.
    if (/\S/.test(text)) return [];
    return [{ code: 'json-syntax', severity: 'error', offset: 0, length: 0, path: [],
      message: "The file is empty: Python's json cannot read it, so clemcore ignores it. Start with `[` and add entries." }];
  }
  const item = (n: Node): ShapeItem => ({ kind: n.type as ShapeItem['kind'], offset: n.offset, length: n.length });
  const children = root.type === 'array' ? root.children ?? [] : [];
  return checkShape(item(root), children.length, (i) => item(children[i]));
}

/**
 * The root and, for an array, its `count` elements (read one by one through `element`: a file of a million numbers
 * needs no million items). Past MAX_FINDINGS_PER_CODE, one finding counts the rest.
 */
export function checkShape(root: ShapeItem, count: number, element: (index: number) => ShapeItem): RegistryDiagnostic[] {
  if (root.kind === 'object') return [];
  if (root.kind !== 'array') {
    return [{ code: 'top-level-shape', severity: 'error', offset: root.offset, length: root.length, path: [],
      message: `The top level is ${describe(root.kind)}; clemcore expects an array of entry objects (or a single entry object).` }];
  }
  const out: RegistryDiagnostic[] = [];
  let more = 0;
  let firstMore: RegistryDiagnostic | undefined;
  for (let index = 0; index < count; index++) {
    const child = element(index);
    if (child.kind === 'object') continue;
    if (out.length >= MAX_FINDINGS_PER_CODE && firstMore) {
      more++;
      continue;
    }
    const finding: RegistryDiagnostic = { code: 'top-level-shape', severity: 'error', offset: child.offset, length: child.length, path: [index],
      message: `This item of the top-level array is ${describe(child.kind)}, not an entry object; clemcore fails on it while loading the file. Make it an entry object or remove it.` };
    if (out.length < MAX_FINDINGS_PER_CODE) out.push(finding);
    else {
      firstMore = finding;
      more = 1;
    }
  }
  if (firstMore) out.push(moreFindings(firstMore, more));
  return out;
}

function describe(kind: ShapeItem['kind']): string {
  return kind === 'null' ? 'null' : kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`;
}
