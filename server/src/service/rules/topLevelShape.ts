// The top level must be an array of entry objects, or one entry object (clemcore wraps it into a list).
import type { Node } from '../jsonText';
import type { RegistryDiagnostic } from '../types';

export function checkTopLevelShape(root: Node | undefined): RegistryDiagnostic[] {
  if (!root) {
    return [{ code: 'top-level-shape', severity: 'error', offset: 0, length: 0, path: [],
      message: "The file is empty: Python's json cannot read it, so clemcore ignores it. Start with `[` and add entries." }];
  }
  if (root.type === 'object') return [];
  if (root.type !== 'array') {
    return [{ code: 'top-level-shape', severity: 'error', offset: root.offset, length: root.length, path: [],
      message: `The top level is ${root.type === 'null' ? 'null' : `a ${root.type}`}; clemcore expects an array of entry objects (or a single entry object).` }];
  }
  const out: RegistryDiagnostic[] = [];
  (root.children ?? []).forEach((child, index) => {
    if (child.type !== 'object') {
      out.push({ code: 'top-level-shape', severity: 'error', offset: child.offset, length: child.length, path: [index],
        message: `Entry ${index} is ${child.type === 'null' ? 'null' : `a ${child.type}`}, not an object; clemcore fails on it while loading the file. Make it an entry object or remove it.` });
    }
  });
  return out;
}
