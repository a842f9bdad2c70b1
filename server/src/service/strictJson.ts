// A strict JSON parser for the common case, a valid file: it builds the same nodes as jsonc-parser's parseTree, several
// times faster. It accepts exactly what Python's json.load accepts in a valid registry (no comments, no trailing
// commas, no NaN, only JSON whitespace and escapes) and gives up on anything else; the caller then runs jsonc-parser,
// which reports the errors.
import type { Node as ReadonlyNode } from 'jsonc-parser';

/** jsonc-parser's node with writable fields, while it is being built. */
type Node = { -readonly [K in keyof ReadonlyNode]: ReadonlyNode[K] };

/** Deeper nesting is left to jsonc-parser and its guard; registries nest a handful of levels. */
const MAX_DEPTH = 256;

class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

export function parseStrictTree(text: string): ReadonlyNode | undefined {
  const p = new StrictParser(text);
  try {
    p.skipSpace();
    const root = p.value(undefined, 0);
    p.skipSpace();
    return p.pos === text.length ? root : undefined;
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}

class StrictParser {
  pos = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    const t = this.text;
    let i = this.pos;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.pos = i;
  }

  value(parent: Node | undefined, depth: number): Node {
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === 34) return this.string(parent);
    if (c === 123) return this.object(parent, depth);
    if (c === 91) return this.array(parent, depth);
    if (c === 116 && t.startsWith('true', this.pos)) return this.literal(parent, 'boolean', true, 4);
    if (c === 102 && t.startsWith('false', this.pos)) return this.literal(parent, 'boolean', false, 5);
    if (c === 110 && t.startsWith('null', this.pos)) return this.literal(parent, 'null', null, 4);
    if (c === 45 || (c >= 48 && c <= 57)) return this.number(parent);
    throw GIVE_UP;
  }

  private literal(parent: Node | undefined, type: 'boolean' | 'null', value: boolean | null, length: number): Node {
    const node: Node = { type, offset: this.pos, length, value, parent };
    this.pos += length;
    return node;
  }

  private number(parent: Node | undefined): Node {
    const t = this.text;
    const start = this.pos;
    let i = start;
    if (t.charCodeAt(i) === 45) i++;
    let c = t.charCodeAt(i);
    if (c === 48) i++;
    else if (c >= 49 && c <= 57) while (isDigit(t.charCodeAt(i))) i++;
    else throw GIVE_UP;
    if (t.charCodeAt(i) === 46) {
      i++;
      if (!isDigit(t.charCodeAt(i))) throw GIVE_UP;
      while (isDigit(t.charCodeAt(i))) i++;
    }
    c = t.charCodeAt(i);
    if (c === 101 || c === 69) {
      i++;
      c = t.charCodeAt(i);
      if (c === 43 || c === 45) i++;
      if (!isDigit(t.charCodeAt(i))) throw GIVE_UP;
      while (isDigit(t.charCodeAt(i))) i++;
    }
    this.pos = i;
    return { type: 'number', offset: start, length: i - start, value: Number(t.slice(start, i)), parent };
  }

  string(parent: Node | undefined): Node {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 32 || Number.isNaN(c)) throw GIVE_UP; // control character or end of text
      i++;
    }
    const raw = t.slice(start + 1, i);
    this.pos = i + 1;
    return { type: 'string', offset: start, length: i + 1 - start, value: escaped ? unescape(raw) : raw, parent };
  }

  private object(parent: Node | undefined, depth: number): Node {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    const t = this.text;
    const node: Node = { type: 'object', offset: this.pos, length: 0, children: [], parent };
    this.pos++;
    this.skipSpace();
    if (t.charCodeAt(this.pos) === 125) {
      this.pos++;
      node.length = this.pos - node.offset;
      return node;
    }
    for (;;) {
      if (t.charCodeAt(this.pos) !== 34) throw GIVE_UP;
      const prop: Node = { type: 'property', offset: this.pos, length: 0, children: [], parent: node };
      const key = this.string(prop);
      this.skipSpace();
      if (t.charCodeAt(this.pos) !== 58) throw GIVE_UP;
      prop.colonOffset = this.pos;
      this.pos++;
      this.skipSpace();
      const value = this.value(prop, depth + 1);
      prop.children!.push(key, value);
      prop.length = value.offset + value.length - prop.offset;
      node.children!.push(prop);
      this.skipSpace();
      const c = t.charCodeAt(this.pos);
      this.pos++;
      if (c === 125) break;
      if (c !== 44) throw GIVE_UP;
      this.skipSpace();
    }
    node.length = this.pos - node.offset;
    return node;
  }

  private array(parent: Node | undefined, depth: number): Node {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    const t = this.text;
    const node: Node = { type: 'array', offset: this.pos, length: 0, children: [], parent };
    this.pos++;
    this.skipSpace();
    if (t.charCodeAt(this.pos) === 93) {
      this.pos++;
      node.length = this.pos - node.offset;
      return node;
    }
    for (;;) {
      node.children!.push(this.value(node, depth + 1));
      this.skipSpace();
      const c = t.charCodeAt(this.pos);
      this.pos++;
      if (c === 93) break;
      if (c !== 44) throw GIVE_UP;
      this.skipSpace();
    }
    node.length = this.pos - node.offset;
    return node;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function unescape(raw: string): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const b = raw.indexOf('\\', i);
    if (b < 0) {
      out += raw.slice(i);
      break;
    }
    out += raw.slice(i, b);
    const e = raw[b + 1];
    if (e === 'u') {
      const hex = raw.slice(b + 2, b + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw GIVE_UP;
      out += String.fromCharCode(parseInt(hex, 16));
      i = b + 6;
    } else {
      const s = SIMPLE_ESCAPES[e];
      if (s === undefined) throw GIVE_UP;
      out += s;
      i = b + 2;
    }
  }
  return out;
}
