// The interpreter: @huggingface/jinja's, with jinja2's semantics for the nodes where they differ.
import { Environment, Interpreter } from '@huggingface/jinja';
import { getattr, getitem, pySlice } from './access';
import { spend } from './budget';
import type { Program } from './compile';
import type { Profile } from './environments';
import { arg, FILTER_IMPLS } from './filters';
import type { AstNode, Statement } from './libraryAst';
import { hex } from './literals';
import { pyJson } from './pyJson';
import { binary, TEST_IMPLS } from './testsOps';
import { bool, dict, fn, int, isStr, isUndefined, items, keywordArguments, markup, num, pyEq, pyIter, pyStr, str, truthy, typeName, undefinedError, undefinedValue, type Value } from './values';

interface Binary extends AstNode { operator: { value: string }; left: Statement; right: Statement }
interface FilterNode extends AstNode { operand: Statement; filter: AstNode }
interface CallNode extends AstNode { callee: AstNode; args: AstNode[] }
interface TestNode extends AstNode { operand: Statement; negate: boolean; test: { value: string } }
interface Member extends AstNode { object: Statement; property: AstNode; computed: boolean }
interface ForNode extends AstNode { loopvar: AstNode; iterable: AstNode; body: Statement[]; defaultBlock: Statement[] }

/** {% break %} or {% continue %} on its way to its loop, with the output written before it. */
class LoopControl extends Error {
  output = '';
  constructor(readonly isBreak: boolean) {
    super(isBreak ? "'break' outside loop" : "'continue' outside loop");
  }
}

export class Jinja2Interpreter extends Interpreter {
  constructor(env: Environment, readonly profile: Profile, private readonly program: Program) {
    super(env);
  }

  override evaluate(statement: Statement | undefined, environment: Environment): Value {
    if (!statement) return super.evaluate(statement, environment);
    spend(1);
    const value = this.evaluateNode(statement, environment);
    return this.program.outputs.has(statement) ? str(pyStr(value)) : value;
  }

  private evaluateNode(statement: Statement, environment: Environment): Value {
    const node = statement as unknown as AstNode;
    switch (node.type) {
      case 'For':
        return str(this.runFor(node as ForNode, environment));
      case 'If':
        return str(this.block((truthy(this.evaluate(node.test as Statement, environment)) ? node.body : node.alternate) as Statement[], environment));
      case 'Break':
      case 'Continue':
        throw new LoopControl(node.type === 'Break');
      case 'Identifier': {
        const value = super.evaluate(statement, environment);
        return isUndefined(value) ? undefinedValue(`'${node.value as string}' is undefined`) : value;
      }
      case 'BinaryExpression': {
        const b = node as Binary;
        const op = b.operator.value;
        if (op === 'and' || op === 'or') return super.evaluate(statement, environment);
        return binary(op, this.evaluate(b.left, environment), this.evaluate(b.right, environment));
      }
      case 'MemberExpression': {
        const m = node as Member;
        const object = this.evaluate(m.object, environment);
        if (m.property.type === 'SliceExpression') {
          const part = (field: string) => this.evaluate(m.property[field] as Statement | undefined, environment);
          return pySlice(object, part('start'), part('stop'), part('step'));
        }
        if (m.computed) return getitem(object, this.evaluate(m.property as unknown as Statement, environment), this.profile);
        if (m.property.type === 'IntegerLiteral') return getitem(object, int(m.property.value as number), this.profile);
        return getattr(object, m.property.value as string, this.profile);
      }
      case 'CallExpression': {
        // Python evaluates the callee first, and calling Undefined raises its own error.
        const call = node as CallNode;
        if (call.args.some((a) => a.type === 'SpreadExpression' || a.type === 'KeywordSpreadExpression')) return super.evaluate(statement, environment);
        const callee = this.evaluate(call.callee as unknown as Statement, environment);
        if (isUndefined(callee)) throw undefinedError(callee);
        if (callee.type !== 'FunctionValue') throw new Error(`'${typeName(callee)}' object is not callable`);
        const [args, kwargs] = this.evaluateArgs(call.args, environment);
        if (kwargs.size) args.push(keywordArguments(kwargs));
        return (callee.value as (args: Value[], scope: Environment) => Value)(args, environment);
      }
      case 'FilterStatement': {
        const filter = node.filter as AstNode;
        const isCall = filter.type === 'CallExpression';
        const name = (isCall ? (filter as CallNode).callee.value : filter.value) as string;
        if (!FILTER_IMPLS[name]) return super.evaluate(statement, environment);
        const body = str(this.block(node.body as Statement[], environment));
        const [args, kwargs] = isCall ? this.evaluateArgs((filter as CallNode).args, environment) : [[], new Map<string, Value>()];
        return this.runFilter(name, body, args, kwargs);
      }
      case 'FilterExpression': {
        const f = node as FilterNode;
        const isCall = f.filter.type === 'CallExpression';
        const name = (isCall ? (f.filter as CallNode).callee.value : f.filter.value) as string;
        if (!FILTER_IMPLS[name]) return super.evaluate(statement, environment);
        const operand = this.evaluate(f.operand, environment);
        const [args, kwargs] = isCall ? this.evaluateArgs((f.filter as CallNode).args, environment) : [[], new Map<string, Value>()];
        return this.runFilter(name, operand, args, kwargs);
      }
      case 'TestExpression': {
        const t = node as TestNode;
        const result = this.runTest(t.test.value, this.evaluate(t.operand, environment), [], false);
        return bool(t.negate ? !result : result);
      }
      default:
        return super.evaluate(statement, environment);
    }
  }

  /** The output of a block. A loop control keeps the output written before it (the library's block drops it). */
  private block(statements: Statement[], environment: Environment): string {
    let out = '';
    for (const statement of statements) {
      let value: Value;
      try {
        value = this.evaluate(statement, environment);
      } catch (e) {
        if (e instanceof LoopControl) e.output = out + e.output;
        throw e;
      }
      if (value.type !== 'NullValue' && value.type !== 'UndefinedValue') out += value.toString();
    }
    return out;
  }

  /**
   * jinja2's for loop: it iterates strings and Undefined too, filters before numbering, gives every iteration its own
   * scope (a `{% set %}` does not carry over to the next one), and runs `else` only when nothing was iterated.
   */
  private runFor(node: ForNode, environment: Environment): string {
    const scope = new Environment(environment);
    const select = node.iterable.type === 'SelectExpression' ? node.iterable : undefined;
    let values = pyIter(this.evaluate((select ? select.lhs : node.iterable) as Statement, scope));
    if (select) {
      values = values.filter((v) => {
        const test = new Environment(scope);
        this.assign(node.loopvar, v, test);
        return truthy(this.evaluate(select.test as Statement, test));
      });
    }
    let out = '';
    let last: Value[] | undefined;
    for (let i = 0; i < values.length; i++) {
      const iteration = new Environment(scope);
      const loop = new Map<string, Value>([
        ['index', int(i + 1)], ['index0', int(i)], ['revindex', int(values.length - i)], ['revindex0', int(values.length - i - 1)],
        ['first', bool(i === 0)], ['last', bool(i === values.length - 1)], ['length', int(values.length)], ['depth', int(1)], ['depth0', int(0)],
        ['previtem', i > 0 ? values[i - 1] : undefinedValue('there is no previous item')],
        ['nextitem', i < values.length - 1 ? values[i + 1] : undefinedValue('there is no next item')],
        ['cycle', fn((a) => {
          if (a.length === 0) throw new Error('no items for cycling given');
          return a[i % a.length];
        })],
        ['changed', fn((a) => {
          const changed = last === undefined || last.length !== a.length || a.some((x, k) => !pyEq(x, last![k]));
          last = a;
          return bool(changed);
        })],
      ]);
      iteration.setVariable('loop', dict(loop));
      this.assign(node.loopvar, values[i], iteration);
      try {
        out += this.block(node.body, iteration);
      } catch (e) {
        if (!(e instanceof LoopControl)) throw e;
        out += e.output;
        if (e.isBreak) break;
      }
    }
    if (values.length === 0) out += this.block(node.defaultBlock, scope);
    return out;
  }

  private assign(target: AstNode, value: Value, environment: Environment): void {
    if (target.type === 'Identifier') {
      environment.setVariable(target.value as string, value);
      return;
    }
    const names = target.value as AstNode[];
    const parts = pyIter(value);
    if (parts.length !== names.length) throw new Error(parts.length > names.length ? `too many values to unpack (expected ${names.length})` : `not enough values to unpack (expected ${names.length}, got ${parts.length})`);
    names.forEach((n, i) => this.assign(n, parts[i], environment));
  }

  private evaluateArgs(args: AstNode[], environment: Environment): [Value[], Map<string, Value>] {
    const positional: Value[] = [];
    const kwargs = new Map<string, Value>();
    for (const a of args) {
      if (a.type === 'KeywordArgumentExpression') kwargs.set((a.key as { value: string }).value, this.evaluate(a.value as Statement, environment));
      else positional.push(this.evaluate(a as unknown as Statement, environment));
    }
    return [positional, kwargs];
  }

  runFilter(name: string, value: Value, args: Value[], kwargs: Map<string, Value>): Value {
    const impl = FILTER_IMPLS[name];
    if (!impl) throw new Error(`The filter '${name}' is not supported by this renderer.`);
    return impl(value, args, kwargs, this);
  }

  /** `truthiness` is select()/reject() without a test name: the value's truth. */
  runTest(name: string, value: Value, args: Value[], truthiness: boolean): boolean {
    if (truthiness) return truthy(value);
    const impl = TEST_IMPLS[name];
    if (!impl) throw new Error(`No test named '${name}'.`);
    return impl(value, args);
  }

  tojson(value: Value, args: Value[], kwargs: Map<string, Value>): Value {
    if (this.profile.tojson === 'jinja2') {
      // jinja2's htmlsafe_json_dumps: json.dumps(sort_keys=True), then <, >, & and ' escaped.
      const extra = [...kwargs.keys()].find((k) => k !== 'indent');
      if (extra !== undefined || args.length > 1) throw new Error(`do_tojson() got an unexpected argument${extra ? ` '${extra}'` : ''}`);
      const indent = arg(args, kwargs, 0, 'indent');
      const text = pyJson(value, { ensureAscii: true, indent: jsonIndent(indent), separators: jsonIndent(indent) === null ? [', ', ': '] : [',', ': '], sortKeys: true });
      return markup(text.replace(/[<>&']/g, (c) => `\\u${hex(c.charCodeAt(0), 4)}`));
    }
    // transformers' tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False) = json.dumps(...).
    const indent = jsonIndent(arg(args, kwargs, 1, 'indent'));
    const separators = arg(args, kwargs, 2, 'separators');
    return str(pyJson(value, {
      ensureAscii: truthy(arg(args, kwargs, 0, 'ensure_ascii') ?? bool(false)),
      indent,
      separators: separators && separators.type !== 'NullValue' ? [pyStr(items(separators)[0]), pyStr(items(separators)[1])] : indent === null ? [', ', ': '] : [',', ': '],
      sortKeys: truthy(arg(args, kwargs, 3, 'sort_keys') ?? bool(false)),
    }));
  }
}

function jsonIndent(v: Value | undefined): string | null {
  if (v === undefined || v.type === 'NullValue') return null;
  return isStr(v) ? (v.value as string) : ' '.repeat(Math.max(0, num(v)));
}

