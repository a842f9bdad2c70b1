// Compiling a template as jinja2 does: lex it (jinja2Lexer.ts), parse the result with @huggingface/jinja, and make the
// checks jinja2 makes before rendering (unknown filters and tests, loop controls outside a loop). Cached by text.
import { Interpreter, parse } from '@huggingface/jinja';
import { analyzeTemplate } from './analysis';
import type { Profile } from './environments';
import { errorMessage, TemplateSyntaxError } from './errors';
import { FILTERS } from './filters';
import { lexLaidOut, type Lexed } from './jinja2Lexer';
import { libraryTokens } from './positionedLexer';
import { isNode, type AstNode } from './libraryAst';
import { TESTS } from './testsOps';
import { str } from './values';

export interface Program {
  root: Parameters<Interpreter['run']>[0];
  /** Expressions whose value is written out (`{{ ... }}`): jinja2 writes str(value), the library its own string. */
  outputs: WeakSet<object>;
}

const STATEMENT_TYPES = new Set(['Program', 'If', 'For', 'Break', 'Continue', 'Set', 'Macro', 'Comment', 'CallStatement', 'FilterStatement']);

const compiled = new Map<string, Program>();

export function compile(template: string, profile: Profile): Program {
  const key = `${profile.trimBlocks ? 't' : 'p'}${profile.extensions ? 'x' : ''}\0${template}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const { lexed } = lexLaidOut(template, profile);
  // The library drops one trailing newline; the lexer already dropped jinja2's, so give it one to drop.
  const source = `${lexed.text}\n`;
  let root: Program['root'];
  try {
    root = parse(libraryTokens(source));
  } catch (e) {
    const problem = analyzeTemplate(source).problem;
    const offset = problem ? lexed.map[Math.min(problem.start, lexed.map.length - 1)] : undefined;
    const unknown = lexed.unknownTag;
    if (unknown && (offset === undefined || unknown.offset <= offset)) throw unknownTag(unknown);
    throw new TemplateSyntaxError(problem?.message ?? errorMessage(e), offset);
  }
  if (lexed.unknownTag) throw unknownTag(lexed.unknownTag);
  const program: Program = { root, outputs: new WeakSet() };
  new Checker(program, lexed).visit(root as unknown as AstNode, { loop: false, soft: false });
  if (compiled.size > 64) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, program);
  return program;
}

function unknownTag(tag: { name: string; offset: number }): TemplateSyntaxError {
  return new TemplateSyntaxError(`Encountered unknown tag '${tag.name}'.`, tag.offset);
}

/** Where a node is: inside a loop body, and in a soft frame (see Checker). */
interface Frame {
  loop: boolean;
  soft: boolean;
}
const LOOP_BODY: Frame = { loop: true, soft: false };
const OUTSIDE_LOOPS: Frame = { loop: false, soft: false };

/**
 * What jinja2's compiler checks, and the output expressions. Where it is: inside a loop body (loop controls are only
 * valid there: Python compiles them) and in a "soft frame" (an if statement or an inline if, where an unknown filter or
 * test fails only when it runs; anywhere else it fails at compile time).
 */
class Checker {
  constructor(private readonly program: Program, private readonly lexed: Lexed) {}

  visit(node: AstNode, at: Frame): void {
    switch (node.type) {
      case 'Break':
      case 'Continue':
        if (!at.loop) throw new TemplateSyntaxError(`'${node.type.toLowerCase()}' outside loop`);
        return;
      case 'FilterExpression':
      case 'FilterStatement': {
        const filter = node.filter as AstNode;
        const name = (filter.type === 'CallExpression' ? (filter.callee as AstNode).value : filter.value) as string;
        if (!FILTERS.has(name) && !(at.soft && node.type === 'FilterExpression')) this.fail('filter', name, this.lexed.filters);
        break;
      }
      case 'TestExpression': {
        const name = (node.test as AstNode).value as string;
        if (!TESTS.has(name) && !at.soft) this.fail('test', name, this.lexed.tests);
        break;
      }
    }
    // The statement lists a node holds, each in its frame; then every other field, in the order of the node's fields.
    const type = node.type;
    if (type === 'If') {
      const branch = { loop: at.loop, soft: true };
      this.block(node.body, branch);
      this.block(node.alternate, branch);
    } else if (type === 'For') {
      this.block(node.body, LOOP_BODY);
      this.block(node.defaultBlock, OUTSIDE_LOOPS);
    } else if (type === 'Macro' || type === 'CallStatement') this.block(node.body, OUTSIDE_LOOPS);
    else this.block(node.body, { loop: at.loop, soft: false });
    const soft = at.soft || type === 'If' || type === 'Ternary' || type === 'SelectExpression';
    let where: Frame | undefined;
    for (const field in node) {
      if (field === 'body' || (type === 'If' && field === 'alternate') || (type === 'For' && field === 'defaultBlock')) continue;
      const value = node[field];
      // A loop's filter (`for x in xs if test`) is in the loop's frame; its iterable in the enclosing one.
      if (type === 'For' && field === 'iterable' && isNode(value) && value.type === 'SelectExpression') {
        this.visit(value.lhs as AstNode, { loop: at.loop, soft: at.soft });
        this.visit(value.test as AstNode, { loop: at.loop, soft: false });
        continue;
      }
      if (Array.isArray(value)) {
        for (const v of value) if (isNode(v)) this.visit(v, (where ??= { loop: at.loop, soft }));
      } else if (value instanceof Map) {
        for (const [k, v] of value) {
          if (isNode(k)) this.visit(k, (where ??= { loop: at.loop, soft }));
          if (isNode(v)) this.visit(v, (where ??= { loop: at.loop, soft }));
        }
      } else if (isNode(value)) this.visit(value, (where ??= { loop: at.loop, soft }));
    }
  }

  /** A list of statements: each one that is not a statement is written out. */
  private block(list: unknown, where: Frame): void {
    if (!Array.isArray(list)) return;
    for (const child of list) {
      if (!isNode(child)) continue;
      if (!STATEMENT_TYPES.has(child.type)) this.program.outputs.add(child);
      this.visit(child, where);
    }
  }

  private fail(kind: 'filter' | 'test', name: string, written: { name: string; offset: number }[]): never {
    throw new TemplateSyntaxError(`No ${kind} named '${name}'.`, written.find((w) => w.name === name)?.offset);
  }
}

